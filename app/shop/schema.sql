-- Products of the example shop. Safe to run again: it creates what is missing only.
CREATE TABLE IF NOT EXISTS products (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    price numeric(10, 2) NOT NULL
);
INSERT INTO products (name, price) VALUES
    ('drover t-shirt', 19.90),
    ('uWSGI mug', 9.50),
    ('nginx sticker pack', 4.00)
ON CONFLICT (name) DO NOTHING;
