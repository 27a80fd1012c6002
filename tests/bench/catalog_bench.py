"""Catalog-scale benchmark: 100 000 products on PostgreSQL behind `gunicorn --paste production.ini`.

    python -m tests.bench.catalog_bench [--products 100000] [--duration 10] [--connections 10]

1. Creates (or reuses) the database ``agora_bench`` and loads the demo catalog once.
2. Counts SQL statements per request in-process, and saves ``EXPLAIN ANALYZE`` of every
   statement of each request to ``var/bench/explain.txt``.
3. Starts gunicorn with 2 workers on loopback and drives each request with wrk
   (``--latency``), printing req/s, p50, p99 and errors, next to a reference view that
   answers a constant JSON body of the same size through the same stack.
4. Prints the RSS of the web workers and of a mail worker (``agora … worker``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import webtest
from sqlalchemy import create_engine, event, func, select, text

from core.db import engine_of
from tests.bench.harness import JWT_SECRET, ROOT, database, env_for, gunicorn

OUT = ROOT / "var" / "bench"


def ensure_catalog(url: str, products: int) -> float | None:
    """Load the demo catalog unless it is there; returns the load time in seconds (None: reused)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    from core.catalog.models import Product

    try:
        with engine.connect() as conn:
            have = conn.execute(select(func.count()).select_from(Product)).scalar_one()
    except Exception:  # not migrated yet
        have = 0
    engine.dispose()
    if have >= products:
        return None
    env = {**os.environ, **env_for(url),
           "AGORA_PAYMENTS_PROVIDER": "manual"}
    agora = str(Path(sys.executable).parent / "agora")
    subprocess.run([agora, str(ROOT / "production.ini"), "migrate"], check=True, env=env, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run([agora, str(ROOT / "production.ini"), "demo-data", "--products", str(products - have)],
                   check=True, env=env)
    seconds = time.perf_counter() - started
    vacuum(url)
    return seconds


def vacuum(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def sample_targets(url: str) -> dict:
    """Real slugs and ids to request: a product, a category with children, a search word."""
    from core.catalog.models import Category, Product, Vendor

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        slug = conn.execute(select(Product.slug).where(Product.is_active).order_by(Product.id.desc()).limit(1)).scalar()
        root = conn.execute(select(Category.slug).where(Category.parent_id.is_(None)).order_by(Category.id)).first()[0]
        name = conn.execute(select(Product.name).order_by(Product.id).limit(1)).scalar()
        vendor = conn.execute(select(Vendor.slug).where(Vendor.status == "approved").limit(1)).scalar()
    engine.dispose()
    word = name.split()[-1].lower()
    return {"slug": slug, "category": root, "word": word, "vendor": vendor}


def cart_user(app, url: str) -> dict:
    """A customer with 10 items in the cart; returns the auth header."""
    from sqlalchemy.orm import Session

    from core.accounts.models import User
    from core.accounts.passwords import hash_password
    from core.catalog.models import Size

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    email = f"bench-cart-{os.getpid()}-{int(time.time())}@example.com"
    with Session(engine) as db, db.begin():
        db.add(User(email=email, password_hash=hash_password("bench password 123"), is_active=True,
                    email_verified=True))
    with engine.connect() as conn:
        size_ids = conn.execute(select(Size.id).where(Size.stock > 5).order_by(Size.id.desc()).limit(10)).scalars().all()
    engine.dispose()
    client = webtest.TestApp(app)
    token = client.post_json("/api/auth/login/", {"email": email, "password": "bench password 123"}).json["access"]
    headers = {"Authorization": f"Bearer {token}"}
    for size_id in size_ids:
        client.post_json("/api/cart/add/", {"size_id": size_id, "quantity": 1}, headers=headers)
    return headers


def in_process(url: str, cases: list[tuple[str, str, dict]]) -> dict[str, str]:
    """Statement counts per request ("cold/warm": caches empty, then filled) and EXPLAIN
    ANALYZE of each statement of the cold request, in-process."""
    from core import load, make_app
    from core.testing import ini_for

    settings, pm, loaded = load(ini_for(url, ["vendors", "cart", "wishlist", "payments"],
                                        {"agora.jwt_secret": JWT_SECRET}), environ={})
    app = make_app(settings, pm, loaded)
    engine = engine_of(app.registry)
    captured: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, stmt, params, ctx, many: captured.append((stmt, params)))
    client = webtest.TestApp(app)
    counts, explain = {}, []
    for label, path, headers in cases:
        captured.clear()
        client.get(path, headers=headers)  # cold: caches empty for this URL
        cold, statements = len(captured), list(captured)
        captured.clear()
        client.get(path, headers=headers)  # warm: what the load test mostly sees
        counts[label] = f"{cold}/{len(captured)}"
        explain.append(f"===== {label}: GET {path} ({len(statements)} statements)")
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            for stmt, params in statements:
                if not stmt.lstrip().upper().startswith("SELECT"):
                    continue
                with raw.cursor() as cur:
                    cur.execute("EXPLAIN ANALYZE " + stmt, params)
                    plan = "\n".join(row[0] for row in cur.fetchall())
                explain.append(f"-- {stmt.strip()[:300]}\n{plan}\n")
            raw.rollback()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "explain.txt").write_text("\n".join(explain))
    engine.dispose()
    return counts


def wrk(port: int, path: str, headers: dict, duration: int, connections: int) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for key, value in headers.items():
        args += ["-H", f"{key}: {value}"]
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return {"rps": rate, "p50": _ms(lat.get("50", "0ms")), "p99": _ms(lat.get("99", "0ms")), "errors": failed}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_children(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def mail_worker_rss(url: str) -> float:
    env = {**os.environ, **env_for(url),
           "AGORA_BROKER_URL": "redis://127.0.0.1:6379/15", "AGORA_SMTP_URL": "smtp://127.0.0.1:2525"}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "agora"), str(ROOT / "production.ini"), "worker"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(8)
    rss = rss_mb(proc.pid)
    proc.terminate()
    proc.wait(timeout=30)
    return rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian package wrk): apt-get install -y wrk")
    url = database("agora_bench", keep=True)
    loaded_in = ensure_catalog(url, args.products)
    loaded = f"{args.products} products loaded in {loaded_in:.0f} s" if loaded_in is not None else None
    print(f"demo-data: {loaded or f'reused {args.products} products'}")
    t = sample_targets(url)
    from core import load, make_app
    from core.testing import ini_for

    # The same JWT secret as the gunicorn workers, so the cart user's token is valid there.
    settings, pm, loaded = load(ini_for(url, ["vendors", "cart", "wishlist", "payments"],
                                        {"agora.jwt_secret": JWT_SECRET}), environ={})
    app = make_app(settings, pm, loaded)
    cart_headers = cart_user(app, url)
    engine_of(app.registry).dispose()
    cases = [
        ("products: first page", "/api/products/", {}),
        ("products: page 50", "/api/products/?page=50", {}),
        ("products: category + ordering=price", f"/api/products/?category={t['category']}&ordering=price", {}),
        ("products: search", f"/api/products/?search={t['word']}", {}),
        ("products: min_price + in_stock", "/api/products/?min_price=20&in_stock=true", {}),
        ("product detail", f"/api/products/{t['slug']}/", {}),
        ("categories", "/api/categories/", {}),
        ("cart (10 items)", "/api/cart/", cart_headers),
    ]
    counts = in_process(url, cases)
    first_page = len(webtest.TestApp(make_app(settings, pm, loaded)).get("/api/products/").body)
    env = {**env_for(url), "AGORA_PAYMENTS_PROVIDER": "manual", "AGORA_BENCH_REFERENCE_BYTES": str(first_page)}
    rows = []
    with gunicorn(env) as (port, proc):
        wrk(port, "/api/_bench/reference/", {}, 2, args.connections)  # warm both workers up
        reference = wrk(port, "/api/_bench/reference/", {}, args.duration, args.connections)
        for label, path, headers in cases:
            rows.append((label, wrk(port, path, headers, args.duration, args.connections), counts[label]))
        web_rss = [rss_mb(pid) for pid in worker_children(proc.pid)]
    mail_rss = mail_worker_rss(url)
    print(f"\n{args.products} products, gunicorn --paste production.ini, 2 workers, wrk -t2 -c{args.connections} "
          f"-d{args.duration}s")
    print(f"{'request':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'SQL':>5} {'vs ref':>7}")
    print(f"{'reference view (' + str(first_page) + ' bytes)':<38} {reference['rps']:>8.0f} {reference['p50']:>8.1f} "
          f"{reference['p99']:>8.1f} {reference['errors']:>7} {'0':>5} {'100%':>7}")
    for label, r, sql in rows:
        print(f"{label:<38} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7} {sql:>5} "
              f"{r['rps'] / reference['rps'] * 100:>6.0f}%")
    print(f"web worker RSS: {', '.join(f'{v:.0f} MB' for v in web_rss)}; mail worker RSS: {mail_rss:.0f} MB")
    print("SQL = statements per request, cold/warm (list pages, counts and the tree are cached per "
          "worker under the catalog version)")
    print(f"EXPLAIN ANALYZE of every statement: {OUT / 'explain.txt'}")
    (OUT / "catalog.json").write_text(json.dumps({"reference": reference, "rows": rows, "web_rss": web_rss,
                                                  "mail_rss": mail_rss}, indent=2))


if __name__ == "__main__":
    main()
