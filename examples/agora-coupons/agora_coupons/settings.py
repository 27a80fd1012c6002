"""The coupons plugin's settings, declared as typed keys (validated by Agora at start-up).

``agora.coupons.return_on_cancel`` (default true; environment ``AGORA_COUPONS_RETURN_ON_CANCEL``):
a cancelled order gives its coupon use back.
"""
from __future__ import annotations

from config import Key, as_bool

RETURN_ON_CANCEL = "agora.coupons.return_on_cancel"
KEYS = [Key(RETURN_ON_CANCEL, True, as_bool)]


def return_on_cancel(settings) -> bool:
    """Whether a cancelled order gives its coupon use back (a boolean, checked at start-up)."""
    return settings[RETURN_ON_CANCEL]
