"""The dashboard plugin: a browser app for managers and vendors at ``/dashboard/``.

Enable it with ``agora.plugins = ... dashboard``.  It registers no REST service and no table:
it serves one HTML page and its static assets (CSS and plain ES modules, no CDN, no build step)
from this package (:mod:`plugins.dashboard.views`).  The pages call the documented REST API with
the signed-in user's JWT and nothing else, so disabling the plugin leaves the API unchanged.
See README.md.
"""
from __future__ import annotations

from core.hooks import hookimpl

requires = ()
agora_version = ">=0.1,<1"
TABLES = ()  # no table of its own: it calls the REST API


@hookimpl
def agora_includeme(config, settings):
    from plugins.dashboard import views

    views.includeme(config)
