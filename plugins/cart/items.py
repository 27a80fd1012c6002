"""Changing a cart: add a size, set a quantity, remove an item, empty the cart.

These functions take the session and plain values (never the request) and raise
:class:`core.errors.AgoraError` with the answer a client can act on:

* a quantity above ``max_quantity`` (setting ``agora.cart.max_quantity``) → 400;
* an unknown size → 404; a size that is not sold (inactive product, variant or size, or a
  plugin's criterion such as the vendors plugin's "approved vendor", see
  :mod:`core.catalog.sellable`) → 400;
* a total quantity above what is available (stock less others' live reservations,
  :func:`core.orders.reservations.available`) → 409 naming what is left;
* another shopper's item → 404, exactly like a missing one.

A shopper (``owner``) is a user id or a :class:`plugins.cart.shoppers.Shopper` (a guest).

Race-freedom: the cart row and each item row are written with ``INSERT ... ON CONFLICT``
on their unique keys (``carts.user_id``, ``cart_items (cart_id, size_id)``), and adding
increments the stored quantity in SQL, so concurrent adds of one size by one user end in
one row holding the sum.  The limits are checked on the total the database returns, inside
a savepoint that is rolled back when a limit is exceeded.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from core.catalog import sellable
from core.catalog.models import Product, Size, Variant
from core.db import dialect_insert, utcnow
from core.errors import AgoraError, not_found
from core.orders.reservations import available
from plugins.cart.models import Cart, CartItem
from plugins.cart.shoppers import as_shopper


def is_sellable(size: Size, variant: Variant, product: Product, allowed: bool) -> bool:
    """Whether the catalog still sells this size (stock aside): core's rule, as a yes/no.

    ``allowed`` is ``core.catalog.sellable.column`` loaded with the row (the plugins' criteria)."""
    return sellable.problem(size, variant, product, allowed) is None


def ensure_cart(db, owner) -> int:
    """The id of the shopper's cart, created if missing (one statement, race-free).  ``owner``:
    a user id or a :class:`~plugins.cart.shoppers.Shopper` (a guest's cart exists already)."""
    shopper = as_shopper(owner)
    if shopper.user_id is None:
        return shopper.guest_cart_id
    user_id = shopper.user_id
    now = utcnow()
    stmt = dialect_insert(db, Cart).values(user_id=user_id, created_at=now, updated_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=[Cart.user_id], set_={"updated_at": now})
    return db.execute(stmt.returning(Cart.id)).scalar_one()


def find_cart(db, owner) -> int | None:
    shopper = as_shopper(owner)
    if shopper.user_id is None:
        return shopper.guest_cart_id
    return db.execute(select(Cart.id).where(Cart.user_id == shopper.user_id)).scalar_one_or_none()


def cart_of(shopper):
    """The WHERE clause that picks the shopper's cart row."""
    return Cart.user_id == shopper.user_id if shopper.user_id is not None else Cart.id == shopper.guest_cart_id


def _catalog_row(db, size_id: int):
    return db.execute(
        select(Size, Variant, Product, sellable.column(db))
        .join(Variant, Variant.id == Size.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(Size.id == size_id)
    ).one_or_none()


def _check_maximum(quantity: int, max_quantity: int, name: str = "quantity") -> None:
    if quantity > max_quantity:
        raise AgoraError(400, f"At most {max_quantity} of one size fit in a cart (you asked for {quantity}).",
                         name=name)


def _check_limits(db, quantity: int, size: Size, max_quantity: int, owner: str, name: str = "quantity") -> None:
    """The per-size maximum (400), then what the shopper may still take (409): the stock less
    what other buyers hold for their payments (core's one availability rule)."""
    _check_maximum(quantity, max_quantity, name)
    left = available(db, [size.id], exclude_owner=owner).get(size.id, 0)
    if quantity > left:
        raise AgoraError(409, f"Size {size.label} has only {left} left (you asked for {quantity}).",
                         name=name)


def add_to_cart(db, owner, size_id: int, quantity: int, *, max_quantity: int) -> int:
    """Add ``quantity`` of a size to the shopper's cart (adding to what is there); returns the item id."""
    shopper = as_shopper(owner)
    _check_maximum(quantity, max_quantity)
    row = _catalog_row(db, size_id)
    if row is None:
        raise AgoraError(404, f"There is no size {size_id}.", name="size_id")
    size, variant, product, allowed = row
    if not is_sellable(size, variant, product, allowed):
        raise AgoraError(400, f"{product.name} ({variant.name}, {size.label}) is not sold any more.",
                         name="size_id")
    cart_id = ensure_cart(db, shopper)
    stmt = dialect_insert(db, CartItem).values(
        cart_id=cart_id, size_id=size_id, quantity=quantity, added_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[CartItem.cart_id, CartItem.size_id],
        set_={"quantity": CartItem.quantity + stmt.excluded.quantity},
    ).returning(CartItem.id, CartItem.quantity)
    with db.begin_nested():  # rolled back if the new total breaks a limit
        item_id, total = db.execute(stmt).one()
        _check_limits(db, total, size, max_quantity, shopper.reservation_owner)
    return item_id


def _own_item(db, shopper, item_id: int):
    row = db.execute(
        select(CartItem, Size, Variant, Product, sellable.column(db))
        .join(Cart, Cart.id == CartItem.cart_id)
        .join(Size, Size.id == CartItem.size_id)
        .join(Variant, Variant.id == Size.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(CartItem.id == item_id, cart_of(shopper))
    ).one_or_none()
    if row is None:
        raise not_found(f"There is no item {item_id} in your cart.", name="item_id")
    return row


def set_quantity(db, owner, item_id: int, quantity: int, *, max_quantity: int) -> None:
    """Set an item's quantity; 0 removes it."""
    shopper = as_shopper(owner)
    item, size, variant, product, allowed = _own_item(db, shopper, item_id)
    if quantity == 0:
        db.delete(item)
        return
    if not is_sellable(size, variant, product, allowed):
        raise AgoraError(400, f"{product.name} ({variant.name}, {size.label}) is not sold any more; "
                              "remove it from your cart.", name="item_id", location="path")
    _check_limits(db, quantity, size, max_quantity, shopper.reservation_owner)
    item.quantity = quantity


def remove_item(db, owner, item_id: int) -> None:
    item = _own_item(db, as_shopper(owner), item_id)[0]
    db.delete(item)


def empty_cart(db, owner) -> None:
    db.execute(delete(CartItem).where(
        CartItem.cart_id.in_(select(Cart.id).where(cart_of(as_shopper(owner))))))
