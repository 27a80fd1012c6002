"""Checkout throughput on PostgreSQL under `gunicorn --paste production.ini` (2 workers) and the
operating contract (RabbitMQ on a private vhost, SMTP, localstripe, a mail worker).

    python -m tests.bench.checkout_bench [--orders 300] [--concurrency 10]

For each provider (manual, then stripe against a local localstripe server) it prepares one
buyer per order (login, cart, payment intent; with stripe the intent is confirmed at
localstripe like Stripe.js would), then fires the checkouts from ``--concurrency`` threads,
each buyer on a distinct size, and prints orders/s and latency percentiles.  With stripe the
checkout itself makes two localstripe round-trips (retrieve + capture); the split is printed
from a run where those calls are timed separately.  It then runs the oversell race (20 buyers,
5 units, their payment intents created at once: the reservations admit 5) and prints its outcome.
"""
from __future__ import annotations

import argparse
import threading
import time
from queue import Empty, Queue

import stripe
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from tests.bench.harness import (
    Client,
    database,
    drop_database,
    gunicorn,
    run_id,
)

ADDRESS = {"name": "Bench Buyer", "line1": "1 Load St", "city": "Berlin", "postal_code": "10115", "country": "DE"}
PASSWORD = "bench password 123"


def seed(url: str, buyers: int, sizes: int, stock: int) -> tuple[list[str], list[int]]:
    from core.accounts.models import User
    from core.accounts.passwords import hash_password
    from core.catalog.models import Category, Product, Size, Variant
    from core.catalog.summary import refresh_products

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tag = run_id()
    emails = [f"buyer-{tag}-{i}@example.com" for i in range(buyers)]
    with Session(engine) as db, db.begin():
        hashed = hash_password(PASSWORD)
        db.add_all([User(email=e, password_hash=hashed, is_active=True, email_verified=True) for e in emails])
        category = Category(name=f"Bench {tag}", slug=f"bench-{tag}")
        db.add(category)
        db.flush()
        product = Product(name=f"Bench tee {tag}", slug=f"bench-tee-{tag}", price=1999, category_id=category.id)
        db.add(product)
        db.flush()
        variant = Variant(product_id=product.id, name="Black", sku=f"bench-{tag}")
        db.add(variant)
        db.flush()
        rows = [Size(variant_id=variant.id, label=f"S{i}", sku=f"bench-{tag}-{i}", stock=stock) for i in range(sizes)]
        db.add_all(rows)
        db.flush()
        refresh_products(db, [product.id])
        size_ids = [s.id for s in rows]
    engine.dispose()
    return emails, size_ids


def fill_cart(port: int, email: str, size_id: int) -> dict:
    """Log in and put one unit of the size in the cart; the buyer's auth headers."""
    client = Client(port)
    status, tokens = client.call("POST", "/api/auth/login/", {"email": email, "password": PASSWORD})
    assert status == 200, (status, tokens)
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    status, body = client.call("POST", "/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers)
    assert status == 201, (status, body)
    return headers


def reserve(port: int, headers: dict, stripe_client) -> tuple[int, str | None]:
    """Create the payment intent (it reserves the cart's units); with stripe, confirm it at
    localstripe like Stripe.js would.  The status and the intent id (None when refused)."""
    status, intent = Client(port).call("POST", "/api/orders/create-payment-intent/", {"shipping_address": ADDRESS},
                                       headers)
    if status != 200:
        return status, None
    if stripe_client is not None:
        stripe_client.v1.payment_intents.update(intent["payment_intent_id"], params={"payment_method": "pm_card_visa"})
        stripe_client.v1.payment_intents.confirm(intent["payment_intent_id"])
    return status, intent["payment_intent_id"]


def prepare(port: int, email: str, size_id: int, stripe_client) -> tuple[dict, str]:
    headers = fill_cart(port, email, size_id)
    status, intent = reserve(port, headers, stripe_client)
    assert status == 200, status
    return headers, intent


def fire(port: int, jobs: list[tuple[dict, str]], concurrency: int) -> tuple[float, list[float], dict]:
    queue: Queue = Queue()
    for job in jobs:
        queue.put(job)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker():
        client = Client(port)
        while True:
            try:
                headers, intent = queue.get_nowait()
            except Empty:
                return
            started = time.perf_counter()
            status, _ = client.call("POST", "/api/orders/checkout/",
                                    {"payment_intent_id": intent, "shipping_address": ADDRESS}, headers)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def run_provider(name: str, url: str, orders: int, concurrency: int, env: dict) -> dict:
    emails, sizes = seed(url, orders, orders, stock=10)
    stripe_client = None
    if name == "stripe":
        stripe_client = stripe.StripeClient("sk_test_bench", base_addresses={"api": env["STRIPE_API_BASE"]})
    with gunicorn({**env, "AGORA_PAYMENTS_PROVIDER": name}) as (port, _):
        jobs = [prepare(port, e, s, stripe_client) for e, s in zip(emails, sizes)]
        wall, latencies, statuses = fire(port, jobs, concurrency)
        race = oversell_race(url, port, stripe_client)
    return {"provider": name, "orders": statuses.get(201, 0), "statuses": statuses, "wall": wall,
            "rate": statuses.get(201, 0) / wall, "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99),
            "race": race}


def oversell_race(url: str, port: int, stripe_client) -> dict:
    """20 buyers with one unit each in their carts (5 units in stock) create their payment
    intents at once: the reservations admit 5 (the others are refused, 409), and those 5 check
    out at once.  Oversold = orders beyond the 5 units."""
    from core.catalog.models import Size
    from core.orders.models import Order
    from core.testing.concurrency import all_at_once

    emails, [size_id] = seed(url, 20, 1, stock=5)
    carts = [fill_cart(port, e, size_id) for e in emails]
    reserved = all_at_once([lambda h=h: reserve(port, h, stripe_client) for h in carts])
    jobs = [(h, intent) for h, (status, intent) in zip(carts, reserved) if status == 200]
    refused = sum(1 for status, _ in reserved if status == 409)
    _, _, statuses = fire(port, jobs, 20)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as db:
        stock = db.get(Size, size_id).stock
        orders = db.execute(select(func.count(Order.id)).where(
            Order.payment_reference.in_([i for _, i in jobs]))).scalar_one()
    engine.dispose()
    return {"buyers": 20, "units": 5, "reserved": len(jobs), "refused_at_reservation": refused, "orders": orders,
            "stock_left": stock, "oversold": max(0, orders - 5), "answers": dict(sorted(statuses.items()))}


def time_localstripe_roundtrip(base: str, samples: int = 50) -> float:
    client = stripe.StripeClient("sk_test_bench", base_addresses={"api": base})
    intent = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd", "capture_method": "manual",
                                                      "payment_method_types": ["card"]})
    started = time.perf_counter()
    for _ in range(samples):
        client.v1.payment_intents.retrieve(intent.id)
    return (time.perf_counter() - started) / samples * 1000


def run(orders: int, concurrency: int) -> dict:
    """Both providers under the operating contract; returns the results as a dict."""
    from tests.bench.harness import operating_contract

    name = f"agora_bench_checkout_{run_id()}"
    url = database(name)
    from core import load
    from core.migrate import upgrade
    from core.testing import first_party_plugins, ini_for

    _, pm, loaded = load(ini_for(url, first_party_plugins()), environ={})
    upgrade(url, pm, loaded)
    try:
        with operating_contract(url) as (env, info):
            results = [run_provider("manual", url, orders, concurrency, env),
                       run_provider("stripe", url, orders, concurrency, env)]
            roundtrip = time_localstripe_roundtrip(info["stripe_base"])
    finally:
        drop_database(name)
    stripe_row = results[1]
    # The stand-in's share of a stripe checkout: its two calls (retrieve, capture) at the idle
    # round-trip, against the checkout's median latency (the rest is Agora, PostgreSQL, RabbitMQ).
    standin = min(1.0, 2 * roundtrip / stripe_row["p50"]) if stripe_row["p50"] else 0.0
    return {"orders": orders, "concurrency": concurrency, "providers": results,
            "localstripe_roundtrip_ms": roundtrip, "stripe_split": {"localstripe": standin, "agora": 1 - standin}}


def print_table(result: dict) -> None:
    print(f"\ncheckout on PostgreSQL under the operating contract, gunicorn 2 workers, "
          f"{result['concurrency']} concurrent buyers on distinct sizes")
    print("| provider | orders | orders/s | p50 ms | p99 ms | answers | oversell race |")
    print("|---|---|---|---|---|---|---|")
    for r in result["providers"]:
        print(f"| {r['provider']} | {r['orders']} | {r['rate']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['statuses']} | {r['race']['orders']} orders of 5 units, {r['race']['oversold']} oversold |")
    split = result["stripe_split"]
    print(f"stripe checkout split (median): localstripe ≈ {split['localstripe'] * 100:.0f} % "
          f"(2 calls × {result['localstripe_roundtrip_ms']:.1f} ms idle round-trip), Agora ≈ {split['agora'] * 100:.0f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    print_table(run(args.orders, args.concurrency))


if __name__ == "__main__":
    main()
