"""``/dashboard/``: the app's one HTML page and its static assets, served from this package.

The page is the same for everyone (the app decides what to show after logging in through the
API), so it holds no data and no token; a strict Content-Security-Policy allows only this
origin's scripts, styles, API calls and images.
"""
from __future__ import annotations

from pathlib import Path

from pyramid.httpexceptions import HTTPMovedPermanently
from pyramid.response import FileResponse

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
       "form-action 'none'; base-uri 'none'; frame-ancestors 'none'")


def dashboard_page(request):
    """The single page of the app (``index.html``); its modules route on the URL's fragment."""
    response = FileResponse(str(STATIC / "index.html"), request=request, content_type="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


def to_dashboard(request):
    return HTTPMovedPermanently(location=request.route_path("dashboard"))


def includeme(config):
    config.add_route("dashboard", "/dashboard/")
    config.add_view(dashboard_page, route_name="dashboard", request_method="GET")
    config.add_route("dashboard_bare", "/dashboard")
    config.add_view(to_dashboard, route_name="dashboard_bare", request_method="GET")
    config.add_static_view("dashboard/static", str(STATIC), cache_max_age=300)
