"""The checkout pipeline: turn an authorized payment into an order, exactly once.

Steps, all in the request's transaction unless said otherwise:

1. ``agora_checkout_validate`` lets any plugin refuse with a 4xx.
2. The lines' catalog rows are loaded with the sizes' rows locked (``SELECT … FOR UPDATE OF
   sizes`` ordered by id, so two checkouts never wait on each other in opposite orders): one
   statement for the prices, the sellability and the stock.
3. Pricing is recomputed from the catalog; it must equal the authorized amount.
4. An order row keyed by (provider, payment reference) is inserted: a concurrent checkout of
   the same intent waits for the first one's locks, then fails on the unique index with an
   IntegrityError that is marked retryable — its retry finds the order and answers it.
5. Stock and sellability are re-checked against the others' live reservations (read under
   the locks); items are snapshotted, stock decremented, product summaries refreshed, the
   status history written; ``agora_checkout_completed`` (the cart drops the bought items),
   ``agora_order_placed`` and ``agora_order_paid`` run.
6. After commit, the caller captures the payment (``core.orders.checkout``).

A failure at 2, 3 or 5 raises :class:`CheckoutRefused`; the caller releases the
authorization and answers with its status.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime

from pyramid_retry import mark_error_retryable
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.catalog.summary import refresh_products
from core.db import utcnow
from core.errors import AgoraError
from core.orders import stock
from core.orders.checkout_types import CheckoutLine
from core.orders.guests import issue_order_token
from core.orders.models import Order, OrderItem, OrderStatusChange
from core.orders.payment import Authorization
from core.orders.pricing import load_line_details, price_lines
from core.orders.stock import CheckoutRefused


def new_order_number() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    day = datetime.now(UTC).strftime("%y%m%d")
    return f"AG-{day}-" + "".join(secrets.choice(alphabet) for _ in range(6))


def find_order(db, provider_name: str, reference: str) -> Order | None:
    return db.execute(
        select(Order).where(Order.payment_provider == provider_name, Order.payment_reference == reference)
    ).scalar_one_or_none()


def place_order(request, user, provider, authorization: Authorization) -> Order:
    """Create the order for ``authorization`` (see the module docstring)."""
    db = request.db
    hook = request.hooks
    lines = [CheckoutLine(size_id=int(line["size_id"]), quantity=int(line["quantity"]), source_id=line.get("source_id"))
             for line in authorization.lines]
    if not lines:
        raise CheckoutRefused(400, "The payment has no items to buy.", name="payment_intent_id")
    hook.agora_checkout_validate(request=request, user=user, lines=lines,
                                 shipping_address=authorization.shipping_address)
    details = load_line_details(db, lines, lock=True)
    try:
        pricing = price_lines(request, user, lines, details)
    except AgoraError as exc:  # a pricing refusal here must release the authorization too
        raise CheckoutRefused(exc.status, str(exc), name="cart") from None
    if pricing.total != authorization.amount or pricing.currency != authorization.currency:
        raise CheckoutRefused(
            409, "Prices or your cart changed since the payment was authorized; start the payment again.",
            name="payment_intent_id")
    order = Order(
        number=new_order_number(), user_id=user.id if user is not None else None,
        email=authorization.email if user is None else None,
        status="pending_payment", currency=authorization.currency,
        subtotal=pricing.subtotal, discount=pricing.discount, shipping=pricing.shipping, tax=pricing.tax,
        total=pricing.total, adjustments=[a.to_json() for a in pricing.adjustments],
        shipping_address=authorization.shipping_address,
        payment_provider=provider.name, payment_reference=authorization.reference,
        payment_status="pending" if authorization.pending else "authorized",
    )
    if user is None:  # a guest order: a token, shown once, opens it (core.orders.guests)
        issue_order_token(order)
    db.add(order)
    try:
        db.flush()  # the serialization point for one intent: see the module docstring
    except IntegrityError as exc:
        mark_error_retryable(exc)  # the retry finds the order the other request committed
        raise
    refresh = stock.check_and_take_stock(db, lines, details, authorization.reference)
    items = []
    for line in lines:
        size, variant, product, vendor, _ = details[line.size_id]
        items.append(OrderItem(
            order_id=order.id, product_id=product.id, variant_id=variant.id, size_id=size.id,
            vendor_id=product.vendor_id, vendor_name=vendor.name if vendor else None,
            product_name=product.name, variant_name=variant.name, size_label=size.label, sku=size.sku,
            unit_price=line.unit_price, quantity=line.quantity, line_total=line.unit_price * line.quantity,
            fulfillment_status="pending",
        ))
    db.add_all(items)
    history = [OrderStatusChange(order_id=order.id, status="pending_payment", note="Order placed.", at=utcnow())]
    if not authorization.pending:
        order.status = "paid"
        history.append(OrderStatusChange(order_id=order.id, status="paid", note="Payment authorized.", at=utcnow()))
    db.add_all(history)
    if refresh:  # a size that ran out, or a product listed out of stock
        refresh_products(db, refresh)
    db.flush()
    set_committed_value(order, "items", items)
    set_committed_value(order, "history", history)
    provider.attach_order(request, reference=authorization.reference, order_id=order.id)
    hook.agora_checkout_completed(request=request, order=order, lines=lines)
    hook.agora_order_placed(request=request, order=order)
    if not authorization.pending:
        hook.agora_order_paid(request=request, order=order)
    return order
