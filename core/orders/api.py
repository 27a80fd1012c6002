"""What plugins may call in core orders (stable): settlement, the webhook's checkout path, lookups.

A payment provider's webhook completes checkouts (``complete``), cancels and records refunds
(``cancel``, ``mark_refunded``) through these; vendors record shipping moves (``record_status``,
``check_transition``).
"""
from core.orders.checkout import complete  # noqa: F401
from core.orders.pipeline import CheckoutRefused, find_order  # noqa: F401
from core.orders.settlement import cancel, capture, mark_refunded, refund, release  # noqa: F401
from core.orders.states import CANCELLABLE, check_transition, record_status  # noqa: F401
