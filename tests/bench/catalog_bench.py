"""Catalog-scale benchmark under the operating contract (issue 20).

    python -m tests.bench.catalog_bench [--products 100000] [--duration 15] [--connections 16]

1. Creates (or reuses) the database ``agora_bench`` and loads the demo catalog once.
2. Counts SQL statements per request in-process (cold/warm: caches empty, then filled), and
   saves ``EXPLAIN ANALYZE`` of every statement of each request to ``var/bench/explain.txt``.
3. Starts what production runs (:func:`tests.bench.harness.operating_contract`: RabbitMQ on a
   private vhost, SMTP, localstripe, a mail worker, every first-party plugin), then the floor
   (a bare Pyramid view, :mod:`tests.bench.floor`, body the size of the first list page) and
   ``gunicorn --paste production.ini -w 2``, each driven by wrk (1 thread, ``--latency``).
4. Prints the table (req/s, share of the floor, p99, statements) and the RSS of the web
   workers and of the mail worker.
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
from core.fastpath import fast_statements
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
    from core.testing import first_party_plugins, ini_for

    settings, pm, loaded = load(ini_for(url, first_party_plugins(), {"agora.jwt_secret": JWT_SECRET}), environ={})
    app = make_app(settings, pm, loaded)
    engine = engine_of(app.registry)
    captured: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, stmt, params, ctx, many: captured.append((stmt, params)))
    client = webtest.TestApp(app)
    counts, explain = {}, []
    for label, path, headers in cases:
        captured.clear()
        before = fast_statements(app.registry)
        client.get(path, headers=headers)  # cold: caches empty for this URL
        cold, statements = len(captured) + fast_statements(app.registry) - before, list(captured)
        captured.clear()
        before = fast_statements(app.registry)
        client.get(path, headers=headers)  # warm: what the load test mostly sees
        counts[label] = f"{cold}/{len(captured) + fast_statements(app.registry) - before}"
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


def wrk(port: int, path: str, headers: dict, duration: int, connections: int, script: Path | None = None) -> dict:
    """wrk with one thread (the issue's setting), ``connections`` connections, ``--latency``."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script is not None:
        args += ["-s", str(script)]
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


def slugs(url: str, n: int) -> list[str]:
    from core.catalog.models import Product

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        found = conn.execute(select(Product.slug).where(Product.is_active).order_by(func.random()).limit(n)).scalars()
        found = list(found)
    engine.dispose()
    return found


def rotating_script(name: str, paths: list[str]) -> Path:
    """A wrk Lua script that requests ``paths`` in turn (the -H headers are kept)."""
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / f"{name}.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(f"paths = {{{quoted}}}\ni = 0\nrequest = function()\n  i = i % #paths + 1\n"
                      f"  return wrk.format(\"GET\", paths[i])\nend\n")
    return script


def run(products: int, duration: int, connections: int) -> dict:
    """The catalog table under the operating contract; returns it as a dict."""
    from tests.bench.harness import operating_contract

    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian package wrk): apt-get install -y wrk")
    url = database("agora_bench", keep=True)
    loaded_in = ensure_catalog(url, products)
    loaded_note = f"{products} products loaded in {loaded_in:.0f} s" if loaded_in is not None else None
    print(f"demo-data: {loaded_note or f'reused {products} products'}")
    t = sample_targets(url)
    from core import load, make_app
    from core.testing import first_party_plugins, ini_for

    plugins = first_party_plugins()
    settings, pm, loaded = load(ini_for(url, plugins, {"agora.jwt_secret": JWT_SECRET}), environ={})
    app = make_app(settings, pm, loaded)
    cart_headers = cart_user(app, url)
    first = webtest.TestApp(app).get("/api/products/").json
    last_page = max(1, -(-first["count"] // max(1, len(first["results"]))))
    page = min(50, last_page)  # page 50 of 100 000 products; the last one of a smoke run's few
    engine_of(app.registry).dispose()
    detail_slugs = slugs(url, 500)
    cases = [
        ("product list, first page", "/api/products/", {}),
        (f"list, page {page}", f"/api/products/?page={page}", {}),
        ("list, category + ordering=price", f"/api/products/?category={t['category']}&ordering=price", {}),
        ("list, search", f"/api/products/?search={t['word']}", {}),
        ("list, min_price + in_stock", "/api/products/?min_price=20&in_stock=true", {}),
        (f"product detail ({len(detail_slugs)} slugs)", f"/api/products/{detail_slugs[0]}/", {}),
        ("categories", "/api/categories/", {}),
        ("cart, 10 items", "/api/cart/", cart_headers),
        ("health", "/api/health/", {}),
    ]
    scripts = {cases[5][0]: rotating_script("detail", [f"/api/products/{s}/" for s in detail_slugs])}
    counts = in_process(url, cases)
    first_page = len(webtest.TestApp(make_app(settings, pm, loaded)).get("/api/products/").body)
    rows = []
    with operating_contract(url) as (env, info):
        floor_env = {**env, "AGORA_BENCH_FLOOR_BYTES": str(first_page)}
        with gunicorn(floor_env, app="tests.bench.floor:app") as (port, _):
            wrk(port, "/api/products/", {}, 2, connections)  # warm up
            floor = wrk(port, "/api/products/", {}, duration, connections)
        with gunicorn(env) as (port, proc):
            for label, path, headers in cases:
                # Warm both workers' caches: 2 s for one URL; 10 s for the rotating detail, whose 500
                # slugs are each built once per worker (cold: the "statements" column) before the
                # steady state this row measures.
                wrk(port, path, headers, 10 if label in scripts else 2, connections, scripts.get(label))
                rows.append({"request": label, "path": path, "statements": counts[label],
                             **wrk(port, path, headers, duration, connections, scripts.get(label))})
            web_rss = [rss_mb(pid) for pid in worker_children(proc.pid)]
        worker_rss = rss_mb(info["worker"].pid)
        broker = info["broker_url"].rsplit("@", 1)[-1]
    for row in rows:
        row["share"] = row["rps"] / floor["rps"] if floor["rps"] else 0.0
    return {"products": products, "duration_s": duration, "connections": connections, "threads": 1,
            "broker": broker, "floor": {"request": f"floor (bare Pyramid, {first_page / 1000:.1f} KB)", **floor},
            "rows": rows, "web_worker_rss_mb": web_rss, "mail_worker_rss_mb": worker_rss}


def print_table(result: dict) -> None:
    print(f"\n{result['products']} products, gunicorn --paste production.ini -w 2, PostgreSQL, RabbitMQ "
          f"({result['broker']}), SMTP, localstripe, every first-party plugin, a mail worker; "
          f"wrk -t1 -c{result['connections']} -d{result['duration_s']}s")
    print("| request | req/s | share of the floor | p99 ms | statements (cold/warm) | errors |")
    print("|---|---|---|---|---|---|")
    floor = result["floor"]
    print(f"| {floor['request']} | {floor['rps']:.0f} | 100 % | {floor['p99']:.1f} | 0 | {floor['errors']} |")
    for r in result["rows"]:
        print(f"| {r['request']} | {r['rps']:.0f} | {r['share'] * 100:.0f} % | {r['p99']:.1f} | {r['statements']} "
              f"| {r['errors']} |")
    print(f"web worker RSS: {', '.join(f'{v:.0f} MB' for v in result['web_worker_rss_mb'])}; "
          f"mail/webhook worker RSS: {result['mail_worker_rss_mb']:.0f} MB")
    print(f"EXPLAIN ANALYZE of every statement: {OUT / 'explain.txt'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    result = run(args.products, args.duration, args.connections)
    print_table(result)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "catalog.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
