"""The floor of the benchmarks: a bare Pyramid view answering a constant JSON body.

    gunicorn tests.bench.floor:app   (AGORA_BENCH_FLOOR_BYTES: the body size, default 8400)

Nothing behind it (no database, no tweens, no security, no transaction): what gunicorn,
WSGI and Pyramid's routing cost per request.  ``make bench`` runs it with the same gunicorn
settings as Agora, sized like the first product-list page, and reports every request as a
share of it.
"""
from __future__ import annotations

import json
import os

from pyramid.config import Configurator
from pyramid.response import Response


def make_app(size: int):
    body = json.dumps({"count": 0, "next": None, "previous": None, "results": [], "padding": "x" * size}).encode()

    def view(request):
        return Response(body=body, content_type="application/json")

    with Configurator() as config:
        config.add_route("floor", "/api/products/")
        config.add_view(view, route_name="floor")
        return config.make_wsgi_app()


app = make_app(int(os.environ.get("AGORA_BENCH_FLOOR_BYTES", "8400")))
