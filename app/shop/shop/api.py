"""The public API: GET /products/ returns the products as JSON, read from PostgreSQL."""
import json

from shop import db


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path in ("/products/", "/products"):
        try:
            body = {"products": db.fetch_products(), "source": db.database_name()}
            return respond(start_response, "200 OK", body)
        except Exception as error:  # the database is down or not reachable
            return respond(start_response, "503 Service Unavailable", {"error": str(error)})
    if path == "/health":
        return respond(start_response, "200 OK", {"status": "ok"})
    return respond(start_response, "404 Not Found", {"error": "not found", "path": path})


def respond(start_response, status, body):
    data = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
