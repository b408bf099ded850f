"""The periodic job (run from cron): logs how many products the shop has, like the reports of seed 004."""
import datetime
import sys

from shop import db


def main():
    products = db.fetch_products()
    print("{} products: {}".format(datetime.datetime.now().isoformat(timespec="seconds"), len(products)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
