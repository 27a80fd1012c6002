"""Checkout throughput on PostgreSQL under `gunicorn --paste production.ini` (2 workers).

    python -m tests.bench.checkout_bench [--orders 300] [--concurrency 10]

For each provider (manual, then stripe against a local localstripe server) it prepares one
buyer per order (login, cart, payment intent; with stripe the intent is confirmed at
localstripe like Stripe.js would), then fires the checkouts from ``--concurrency`` threads,
each buyer on a distinct size, and prints orders/s and latency percentiles.  With stripe the
checkout itself makes two localstripe round-trips (retrieve + capture); the split is printed
from a run where those calls are timed separately.  It then runs the oversell race (20 buyers,
5 units) and prints its outcome.
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
    env_for,
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


def prepare(port: int, email: str, size_id: int, stripe_client) -> tuple[dict, str]:
    client = Client(port)
    status, tokens = client.call("POST", "/api/auth/login/", {"email": email, "password": PASSWORD})
    assert status == 200, (status, tokens)
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    status, body = client.call("POST", "/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers)
    assert status == 201, (status, body)
    status, intent = client.call("POST", "/api/orders/create-payment-intent/", {"shipping_address": ADDRESS}, headers)
    assert status == 200, (status, intent)
    if stripe_client is not None:
        stripe_client.v1.payment_intents.update(intent["payment_intent_id"], params={"payment_method": "pm_card_visa"})
        stripe_client.v1.payment_intents.confirm(intent["payment_intent_id"])
    return headers, intent["payment_intent_id"]


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


def run_provider(name: str, url: str, orders: int, concurrency: int, stripe_base: str | None) -> dict:
    emails, sizes = seed(url, orders, orders, stock=10)
    extra = {"AGORA_PAYMENTS_PROVIDER": name}
    stripe_client = None
    if stripe_base:
        extra.update({"STRIPE_API_KEY": "sk_test_bench", "STRIPE_WEBHOOK_SECRET": "whsec_bench",
                      "STRIPE_API_BASE": stripe_base})
        stripe_client = stripe.StripeClient("sk_test_bench", base_addresses={"api": stripe_base})
    with gunicorn(env_for(url, **extra)) as (port, _):
        jobs = [prepare(port, e, s, stripe_client) for e, s in zip(emails, sizes)]
        wall, latencies, statuses = fire(port, jobs, concurrency)
        race = oversell_race(url, port, stripe_client)
    return {"provider": name, "orders": statuses.get(201, 0), "statuses": statuses, "wall": wall,
            "rate": statuses.get(201, 0) / wall, "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99),
            "race": race}


def oversell_race(url: str, port: int, stripe_client) -> str:
    from core.catalog.models import Size
    from core.orders.models import Order

    emails, [size_id] = seed(url, 20, 1, stock=5)
    jobs = [prepare(port, e, size_id, stripe_client) for e in emails]
    _, _, statuses = fire(port, jobs, 20)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as db:
        stock = db.get(Size, size_id).stock
        orders = db.execute(select(func.count(Order.id)).where(
            Order.payment_reference.in_([i for _, i in jobs]))).scalar_one()
    engine.dispose()
    return f"20 buyers, 5 units: {orders} orders, stock left {stock}, answers {dict(sorted(statuses.items()))}"


def localstripe():
    from plugins.payments.testing import start_localstripe

    return start_localstripe()


def time_localstripe_roundtrip(base: str, samples: int = 50) -> float:
    client = stripe.StripeClient("sk_test_bench", base_addresses={"api": base})
    intent = client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd", "capture_method": "manual",
                                                      "payment_method_types": ["card"]})
    started = time.perf_counter()
    for _ in range(samples):
        client.v1.payment_intents.retrieve(intent.id)
    return (time.perf_counter() - started) / samples * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    name = f"agora_bench_checkout_{run_id()}"
    url = database(name)
    from core import load
    from core.migrate import upgrade
    from core.testing import ini_for

    _, pm, loaded = load(ini_for(url, ["vendors", "cart", "wishlist", "payments"]), environ={})
    upgrade(url, pm, loaded)
    proc, base = localstripe()
    try:
        results = [run_provider("manual", url, args.orders, args.concurrency, None),
                   run_provider("stripe", url, args.orders, args.concurrency, base)]
        roundtrip = time_localstripe_roundtrip(base)
    finally:
        proc.terminate()
        drop_database(name)
    print(f"\ncheckout on PostgreSQL, gunicorn 2 workers, {args.concurrency} concurrent buyers on distinct sizes")
    print(f"{'provider':<9} {'orders':>6} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8}  answers")
    for r in results:
        print(f"{r['provider']:<9} {r['orders']:>6} {r['rate']:>9.1f} {r['p50']:>8.1f} {r['p99']:>8.1f}  {r['statuses']}")
    print(f"localstripe idle round-trip ≈ {roundtrip:.1f} ms; each stripe checkout also waits on 2 localstripe calls "
          "(retrieve, capture) served by one single-threaded Python process that shares the same 2 cores, "
          "so the stripe row measures Agora plus localstripe under load")
    for r in results:
        print(f"oversell race ({r['provider']}): {r['race']}")


if __name__ == "__main__":
    main()
