"""The returns settings (declared with core's keys in ``config/settings.py``, overridable by the
environment like every key: ``AGORA_RETURNS_WINDOW_DAYS``, ``AGORA_RETURNS_REFUND_SHIPPING``).

* ``agora.returns.window_days`` (default 30): a return may be requested this many days after the
  order was delivered (or shipped, when nobody recorded the delivery); 0 closes returns.
* ``agora.returns.refund_shipping`` (default false): when true, a return also gives back its
  lines' share of the shipping.
"""
from __future__ import annotations

WINDOW_DAYS = "agora.returns.window_days"
REFUND_SHIPPING = "agora.returns.refund_shipping"
