"""``make bench``: the catalog and checkout tables of issue 20 in one run, saved as JSON.

    python -m tests.bench.run [--products 100000] [--duration 15] [--connections 16]
                              [--orders 300] [--concurrency 10] [--out var/bench.json]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from tests.bench import catalog_bench, checkout_bench
from tests.bench.harness import ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench.json")
    args = parser.parse_args()
    catalog = catalog_bench.run(args.products, args.duration, args.connections)
    checkout = checkout_bench.run(args.orders, args.concurrency)
    catalog_bench.print_table(catalog)
    checkout_bench.print_table(checkout)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"catalog": catalog, "checkout": checkout}, indent=2))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
