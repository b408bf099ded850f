"""Settings come from the environment (set by the uWSGI vassal or the supervisor program)."""
import os


def database_dsn():
    return os.environ.get("SHOP_DB_DSN", "dbname=shop")


def amqp_url():
    return os.environ.get("SHOP_AMQP_URL", "amqp://guest:guest@localhost:5672/%2F")


def queue_name():
    return os.environ.get("SHOP_QUEUE", "orders")
