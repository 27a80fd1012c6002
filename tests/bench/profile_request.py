"""Profile one storefront request in-process under ``production.ini`` (cProfile).

    python -m tests.bench.profile_request /api/cart/ [--requests 200] [--database agora_bench]

Against the database ``make bench`` leaves behind (100 000 products, the demo accounts), with
every first-party plugin and the manual payment provider.  Requests under ``/api/cart/`` are
made as the demo customer, whose cart is first filled to 10 items.  Prints the top of the
profile by cumulative time: where a request's time goes, for the figures of ``make bench``.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats

from tests.bench.harness import ALL_PLUGINS, BROKER_URL, JWT_SECRET, ROOT

CUSTOMER = ("customer@demo.agora.test", "demo-password-1234")


def _fill_cart(app, headers: dict, items: int = 10) -> None:
    have = len(app.get("/api/cart/", headers=headers).json["items"])
    for product in app.get("/api/products/?in_stock=true&page_size=50").json["results"]:
        if have >= items:
            return
        size = app.get(f"/api/products/{product['slug']}/").json["variants"][0]["sizes"][0]
        answer = app.post_json("/api/cart/add/", {"size_id": size["id"], "quantity": 1}, headers=headers,
                               expect_errors=True)
        have += answer.status_int == 201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", default="agora_bench")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    os.environ.update({"AGORA_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}",
                       "AGORA_JWT_SECRET": JWT_SECRET, "AGORA_BROKER_URL": BROKER_URL,
                       "AGORA_PAYMENTS_PROVIDER": "manual", "AGORA_PLUGINS": ALL_PLUGINS})
    import webtest
    from pyramid.paster import get_app

    app = webtest.TestApp(get_app(str(ROOT / "production.ini")), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    headers = {}
    if args.path.startswith("/api/cart/"):
        email, password = CUSTOMER
        tokens = app.post_json("/api/auth/login/", {"email": email, "password": password}).json
        headers = {"Authorization": f"Bearer {tokens['access']}"}
        _fill_cart(app, headers)
    for _ in range(20):  # warm the caches and the pools
        app.get(args.path, headers=headers)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        app.get(args.path, headers=headers)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    print(f"{args.requests} × GET {args.path}: {stats.total_tt / args.requests * 1000:.1f} ms per request (profiled)")
    stats.print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
