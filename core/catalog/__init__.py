"""Catalog: the public product list/detail, the category tree and its management.

Modules: ``models`` (tables), ``summary`` (denormalized product columns), ``serialize``
(product JSON, used by plugins too), ``queries`` and ``search`` (public product queries,
full text), ``categories`` (the tree), ``sellable`` (what is sold: core's rule and the
plugins' criteria), ``slugs``, ``views`` (public reads),
``category_views`` (manager writes), ``fastpath`` (cached anonymous reads served in one
statement), ``demo`` (``agora CONFIG demo-data``).
"""


def includeme(config):
    config.include("core.catalog.sellable")
    config.include("core.catalog.fastpath")
    from core.catalog import category_views  # noqa: F401  (adds the write views to the services)
    from core.catalog.views import SERVICES

    for service in SERVICES:
        config.add_cornice_service(service)
