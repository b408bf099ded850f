"""The back-office page: the product list as HTML."""
import html

from shop import db


def application(environ, start_response):
    try:
        rows = "".join(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(p["id"], html.escape(p["name"]), html.escape(p["price"]))
            for p in db.fetch_products()
        )
        status = "200 OK"
    except Exception as error:
        rows = "<tr><td colspan=3>database unavailable: {}</td></tr>".format(html.escape(str(error)))
        status = "503 Service Unavailable"
    page = (
        "<!doctype html><html><head><title>Shop admin</title></head><body>"
        "<h1>Shop admin</h1><table><tr><th>id</th><th>name</th><th>price</th></tr>{}</table>"
        "</body></html>"
    ).format(rows)
    data = page.encode("utf-8")
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]
