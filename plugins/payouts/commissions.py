"""Commission rules and the commission snapshot of a paid order.

The rate of a line is the most specific rule that matches it: vendor + category, then vendor,
then category, then ``agora.payouts.commission_rate``.  A category rule also covers the
category's sub-categories (the nearest category with a rule wins, as the catalog's category
filter includes sub-categories).  Rates are parts per million (``125000`` = 0.125).

When an order is paid, every vendor line gets a snapshot (:class:`LineCommission`): the rate,
the discount the line bears, ``commission = round_half_up(base × rate)`` and
``vendor_net = base − commission`` where ``base = line_total − discount``.  Later rule changes
never touch a snapshot.

Discounts: a price adjustment (``order.adjustments``, see ``core.orders.pricing``) is borne by
the platform — unless it names the lines it applies to with a ``"size_ids"`` list, which
core's adjustments do not carry today; such a discount is then shared by those lines pro rata
of their totals (largest remainder, so the shares add up to the discount exactly) and lowers
their base.  Shipping, tax and surcharges belong to the platform.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select

from core.catalog.models import Category, Product, Vendor
from core.db import utcnow
from core.errors import AgoraError, not_found
from core.money import round_half_up
from core.orders.models import Order, OrderItem
from plugins.payouts import settings as payout_settings
from plugins.payouts.models import CommissionRule, LineCommission


# ------------------------------------------------------------------ rules (managers)
def scope_of(vendor_id: int | None, category_id: int | None) -> str:
    """The unique key of a rule's scope: ``v12:c*`` and so on (NULLs are never equal in SQL)."""
    return f"v{vendor_id if vendor_id is not None else '*'}:c{category_id if category_id is not None else '*'}"


def create_rule(db, vendor_slug: str | None, category_slug: str | None, rate: Decimal) -> CommissionRule:
    """A new rule; 400 for an unknown slug or a rule with neither, 409 when the scope has one."""
    if vendor_slug is None and category_slug is None:
        raise AgoraError(400, "A rule names a vendor, a category or both; the default rate is the setting "
                              "agora.payouts.commission_rate.", name="vendor")
    vendor_id = category_id = None
    if vendor_slug is not None:
        vendor_id = db.execute(select(Vendor.id).where(Vendor.slug == vendor_slug)).scalar_one_or_none()
        if vendor_id is None:
            raise AgoraError(400, f"No vendor has the slug {vendor_slug!r}.", name="vendor")
    if category_slug is not None:
        category_id = db.execute(select(Category.id).where(Category.slug == category_slug)).scalar_one_or_none()
        if category_id is None:
            raise AgoraError(400, f"No category has the slug {category_slug!r}.", name="category")
    scope = scope_of(vendor_id, category_id)
    if db.execute(select(CommissionRule.id).where(CommissionRule.scope == scope)).first() is not None:
        raise AgoraError(409, "A rule for this vendor and category exists already; delete it first.",
                         name="category" if category_id is not None else "vendor")
    rule = CommissionRule(vendor_id=vendor_id, category_id=category_id, scope=scope,
                          rate_ppm=payout_settings.rate_to_ppm(rate))
    db.add(rule)
    db.flush()  # a concurrent twin fails here on the unique scope: IntegrityError → 409
    return rule


def delete_rule(db, rule_id: int) -> None:
    rule = db.get(CommissionRule, rule_id)
    if rule is None:
        raise not_found("No such commission rule.", name="id")
    db.delete(rule)
    db.flush()


def count_rules(db) -> int:
    return db.execute(select(func.count(CommissionRule.id))).scalar_one()


def page_of_rules(db, offset: int, limit: int) -> list[tuple]:
    """(rule, vendor slug, category slug) rows, oldest first."""
    return db.execute(
        select(CommissionRule, Vendor.slug, Category.slug)
        .outerjoin(Vendor, Vendor.id == CommissionRule.vendor_id)
        .outerjoin(Category, Category.id == CommissionRule.category_id)
        .order_by(CommissionRule.id).offset(offset).limit(limit)
    ).all()


# ------------------------------------------------------------------ resolving a rate
class RateBook:
    """The rules that can apply to some vendors, and the category tree, loaded once per order."""

    def __init__(self, db, vendor_ids: set[int], default_ppm: int):
        self.default_ppm = default_ppm
        rules = db.execute(select(CommissionRule).where(
            or_(CommissionRule.vendor_id.in_(sorted(vendor_ids)), CommissionRule.vendor_id.is_(None)))).scalars()
        self.rules = {(r.vendor_id, r.category_id): r.rate_ppm for r in rules}
        self.parents: dict[int, int | None] = {}
        if any(category is not None for _, category in self.rules):
            self.parents = dict(db.execute(select(Category.id, Category.parent_id)).all())

    def chain(self, category_id: int | None) -> list[int]:
        """The category and its ancestors, nearest first (cycles cannot loop forever)."""
        out: list[int] = []
        while category_id is not None and category_id not in out:
            out.append(category_id)
            category_id = self.parents.get(category_id)
        return out

    def rate(self, vendor_id: int, category_id: int | None) -> int:
        chain = self.chain(category_id)
        for key in [(vendor_id, c) for c in chain] + [(vendor_id, None)] + [(None, c) for c in chain]:
            if key in self.rules:
                return self.rules[key]
        return self.default_ppm


def rate_for(db, settings, vendor_id: int, category_id: int | None) -> int:
    """The rate (ppm) a line of ``vendor_id`` in ``category_id`` would get now."""
    return RateBook(db, {vendor_id}, payout_settings.default_rate_ppm(settings)).rate(vendor_id, category_id)


# ------------------------------------------------------------------ the snapshot
def allocate(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``total`` over ``weights`` pro rata, rounding by largest remainder: the parts add up
    to ``total`` exactly (ties go to the smaller key, so the split is deterministic)."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum <= 0:
        return {key: 0 for key in weights}
    floors = {key: total * w // weight_sum for key, w in weights.items()}
    left = total - sum(floors.values())
    by_remainder = sorted(weights, key=lambda key: (-(total * weights[key] % weight_sum), key))
    for key in by_remainder[:left]:
        floors[key] += 1
    return floors


def line_discounts(adjustments: list, items: list[OrderItem]) -> dict[int, int]:
    """order item id → the part of line-naming discounts it bears (see the module docstring)."""
    shares = {item.id: 0 for item in items}
    for adjustment in adjustments or []:
        named = adjustment.get("size_ids") if isinstance(adjustment, dict) else None
        amount = int(adjustment.get("amount", 0)) if isinstance(adjustment, dict) else 0
        if not named or amount >= 0:
            continue
        eligible = {item.id: item.line_total - shares[item.id] for item in items if item.size_id in set(named)}
        portion = allocate(min(-amount, sum(eligible.values())), eligible)
        for item_id, share in portion.items():
            shares[item_id] += share
    return shares


def commission_of(base: int, rate_ppm: int) -> int:
    return round_half_up(Decimal(base) * rate_ppm / payout_settings.PPM)


def snapshot_order(db, order: Order, settings) -> list[LineCommission]:
    """Snapshot rate, commission and net on each vendor line of a paid order (once per line:
    lines already snapshotted are left alone, so a repeated ``paid`` event writes nothing)."""
    rows = db.execute(select(OrderItem, Product.category_id).join(Product, Product.id == OrderItem.product_id)
                      .where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    items = [item for item, _ in rows]
    categories = {item.id: category for item, category in rows}
    done = set(db.execute(select(LineCommission.order_item_id)
                          .where(LineCommission.order_id == order.id)).scalars())
    book = RateBook(db, {i.vendor_id for i in items if i.vendor_id is not None},
                    payout_settings.default_rate_ppm(settings))
    discounts = line_discounts(order.adjustments, items)
    now = utcnow()
    snapshots = []
    for item in items:
        if item.vendor_id is None or item.id in done:
            continue  # the platform's own products earn no vendor anything
        rate = book.rate(item.vendor_id, categories[item.id])
        base = item.line_total - discounts[item.id]
        commission = commission_of(base, rate)
        snapshots.append(LineCommission(
            order_item_id=item.id, order_id=order.id, vendor_id=item.vendor_id, rate_ppm=rate,
            line_total=item.line_total, discount=discounts[item.id], commission=commission,
            vendor_net=base - commission, created_at=now))
    db.add_all(snapshots)
    db.flush()
    return snapshots


def snapshots_of(db, order_item_ids: list[int]) -> dict[int, LineCommission]:
    if not order_item_ids:
        return {}
    return {s.order_item_id: s for s in db.execute(select(LineCommission).where(
        LineCommission.order_item_id.in_(order_item_ids))).scalars()}


def settle_paid_order(db, order: Order, settings) -> list:
    """The order was paid: snapshot its vendor lines and write their ``sale`` entries, in the
    transaction that records the payment."""
    from plugins.payouts.ledger import record_sales

    return record_sales(db, order, snapshot_order(db, order, settings), payout_settings.hold_days(settings))
