"""The queue worker: consumes order messages from the RabbitMQ vhost and logs them."""
import logging
import sys
import time

import pika

from shop import settings

log = logging.getLogger("shop.worker")


def handle(channel, method, properties, body):
    log.info("order received: %s", body.decode("utf-8", "replace"))
    channel.basic_ack(delivery_tag=method.delivery_tag)


def main():
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    while True:
        try:
            connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url()))
            channel = connection.channel()
            channel.queue_declare(queue=settings.queue_name(), durable=True)
            channel.basic_consume(queue=settings.queue_name(), on_message_callback=handle)
            log.info("consuming from %s", settings.queue_name())
            channel.start_consuming()
        except pika.exceptions.AMQPConnectionError as error:
            log.warning("broker not reachable (%s); retrying in 5 s", error)
            time.sleep(5)


if __name__ == "__main__":
    main()
