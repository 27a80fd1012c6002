"""Returns (core): a customer sends back part of an order, its vendor or a manager decides, the
receipt restocks and refunds part of the payment (docs/api.md › Returns and partial refunds).

* ``models`` — ``returns``, ``return_items``, ``return_status_history`` (core's alembic branch,
  ``0012_returns``); ``states`` — requested → approved → refunded, requested → rejected;
* ``access`` — who sees and who decides (the vendor of every line, or a manager);
* ``amounts`` — the refund of a return; ``lifecycle`` — request, approve, reject;
  ``receipt`` — restock and refund;
* ``views``/``schemas``/``serialize`` — the services; ``settings`` — ``agora.returns.*``.

Hooks fired: ``agora_return_requested``, ``agora_return_status_changed`` and, on receipt,
``agora_order_refunded`` with the refunded items (see docs/plugins.md).
"""
from core.returns.models import TABLES  # noqa: F401


def includeme(config):
    from core.returns.views import SERVICES

    for service in SERVICES:
        config.add_cornice_service(service)
