"""The pages links in mails open: a storefront's, or Agora's own minimal ones.

A mail link must be safe to *open*: mail scanners fetch links before the person does, so a
link that spends a token on GET activates the account for the scanner and fails for the
person.  Mail links therefore open a page, and the page's button POSTs the token to the API.

* ``agora.storefront_url`` set: links point at the storefront (:func:`link_templates`), which
  calls ``POST /api/auth/verify-email/``, ``POST /api/auth/password-reset/confirm/`` and
  ``GET /api/orders/`` itself.  Agora serves no pages.
* unset (development, an API-only shop): Agora serves three small HTML pages under
  ``/pages/`` that do the same with one static script (no inline script, no external
  asset, a strict Content-Security-Policy).
"""
from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyramid.response import Response

from core.registry import settings_of

HERE = Path(__file__).parent
ORDER_NUMBER = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))


def link_templates(public_url: str, storefront_url: str = "") -> dict[str, str]:
    """The default mail links (``{token}`` / ``{number}`` filled by the mailer)."""
    if storefront_url:
        return {"verify": f"{storefront_url}/verify-email/?token={{token}}",
                "reset": f"{storefront_url}/reset-password/?token={{token}}",
                "order": f"{storefront_url}/orders/{{number}}/",
                "guest_order": f"{storefront_url}/orders/guest/?token={{token}}"}
    return {"verify": f"{public_url}/pages/verify-email/?token={{token}}",
            "reset": f"{public_url}/pages/reset-password/?token={{token}}",
            "order": f"{public_url}/pages/orders/{{number}}/",
            "guest_order": f"{public_url}/pages/orders/guest/?token={{token}}"}


def _page(request, template: str, **values) -> Response:
    settings = request.settings
    body = _env.get_template(template).render(shop_name=settings.get("agora.shop_name") or "Agora", **values)
    response = Response(body, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"  # the URL carries a token
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _token(request) -> str:
    token = request.GET.get("token", "")
    return token if 0 < len(token) <= 200 else ""


def verify_email_page(request):
    """A button that posts the link's token to ``POST /api/auth/verify-email/``; a GET spends nothing."""
    return _page(request, "verify_email.html", token=_token(request))


def reset_password_page(request):
    """A new-password form posting to ``POST /api/auth/password-reset/confirm/``."""
    return _page(request, "reset_password.html", token=_token(request))


def order_page(request):
    """Where an order mail links: sign in, and the page shows that order from ``GET /api/orders/``.

    It answers for any well-formed number (it reveals nothing: the order comes from the API,
    for its owner only)."""
    number = request.matchdict["number"]
    if not ORDER_NUMBER.match(number):
        number = ""
    return _page(request, "order.html", number=number)


def guest_order_page(request):
    """Where a guest order's confirmation links: a button that reads the order from
    ``GET /api/orders/guest/{order_token}/`` (the token is in the link's query string)."""
    return _page(request, "guest_order.html", token=_token(request))


def includeme(config):
    """Serve the pages unless a storefront serves its own."""
    if settings_of(config.registry).get("agora.storefront_url"):
        return
    config.add_route("page_verify_email", "/pages/verify-email/")
    config.add_view(verify_email_page, route_name="page_verify_email", request_method="GET")
    config.add_route("page_reset_password", "/pages/reset-password/")
    config.add_view(reset_password_page, route_name="page_reset_password", request_method="GET")
    config.add_route("page_guest_order", "/pages/orders/guest/")
    config.add_view(guest_order_page, route_name="page_guest_order", request_method="GET")
    config.add_route("page_order", "/pages/orders/{number}/")
    config.add_view(order_page, route_name="page_order", request_method="GET")
    config.add_static_view("pages/static", str(HERE / "static"), cache_max_age=3600)
