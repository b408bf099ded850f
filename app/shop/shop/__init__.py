"""Example shop: a public JSON API, an admin page and a queue worker."""
