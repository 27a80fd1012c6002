"""Whether the catalog sells a product: core's rule plus the criteria plugins contribute.

Core's own rule is that the product, the variant and the size are active.  Anything else — a
plugin's "the vendor is approved", say — reaches core only through the hook
``agora_product_sellable(settings)``: each implementation returns a SQL boolean clause about
``Product`` (or None), and a product is sold when all of them hold.  Core never knows what a
clause means.

The clauses depend on no request, so they are collected once at start-up
(:func:`includeme`) and travel with every request's session: domain functions that take only
the session (checkout, and plugins' queries over sizes or products) read them with :func:`criterion` and evaluate
them *in the query that loads the rows* (:func:`column`), never in a statement of their own.
The catalog's public queries AND them into their WHERE clause.  A session made outside a
request (a script) carries none: everything active is sold.
"""
from __future__ import annotations

from sqlalchemy import and_, true

from core.catalog.models import Product, Size, Variant
from core.db import set_session_info
from core.registry import hooks_of, settings_of

_KEY = "agora.sellable"


def collect(hooks, settings):
    """The AND of every plugin's clause (``true()`` when no plugin objects)."""
    clauses = [c for c in hooks.agora_product_sellable(settings=settings) if c is not None]
    return and_(*clauses) if clauses else true()


def criterion(db):
    """The plugins' clause carried by ``db`` (a request's session), else ``true()``."""
    return db.info.get(_KEY, true())


def column(db):
    """The plugins' clause as a selectable boolean column named ``sellable``."""
    return criterion(db).label("sellable")


def problem(size: Size, variant: Variant, product: Product, allowed: bool) -> str | None:
    """Why the catalog no longer sells this size (stock aside), or None when it does.

    ``allowed`` is the value of :func:`column` loaded with the row."""
    if not (product.is_active and variant.is_active and size.is_active):
        return f"{product.name} ({variant.name}, {size.label}) is no longer sold."
    if not allowed:
        return f"{product.name} is not available at the moment."
    return None


def includeme(config):
    """Collect the plugins' clauses once and hand them to every request's session."""
    set_session_info(config.registry, _KEY, collect(hooks_of(config.registry), settings_of(config.registry)))
