"""Database access for the API and the admin page."""
import psycopg2

from shop import settings


def fetch_products():
    with psycopg2.connect(settings.database_dsn()) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT id, name, price::text FROM products ORDER BY id")
            return [{"id": row[0], "name": row[1], "price": row[2]} for row in cur.fetchall()]


def database_name():
    with psycopg2.connect(settings.database_dsn()) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), inet_server_addr()::text")
            name, address = cur.fetchone()
            return {"database": name, "server": address}
