"""Values exchanged through the checkout hooks (no logic here, so plugins can import it freely)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CheckoutLine:
    """One thing to buy: a size and a quantity.  ``source_id`` lets the provider of the line
    (the cart's item id) find it again in ``agora_checkout_completed``."""

    size_id: int
    quantity: int
    source_id: int | None = None
    # Filled by core while pricing (from the current catalog, never from the client):
    unit_price: int = 0
    product_id: int = 0
    variant_id: int = 0
    vendor_id: int | None = None
    category_id: int | None = None
