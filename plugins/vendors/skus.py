"""SKUs unique per vendor: check the ones a body gives, generate the ones it leaves out.

A product body names up to 50 variants × 50 sizes; :class:`SkuPlan` collects every SKU it
needs and settles them with a bounded number of queries (one for the given SKUs, one per
generation round), never one per row.  Retired variants and sizes keep their SKU reserved,
since order lines refer to it.  There is no database constraint behind this rule (variants
and sizes carry no vendor column), so two concurrent writes of the same new SKU could both
pass; the check covers every sequential case.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import literal, select, union_all

from core.catalog.models import Product, Size, Variant

MAX_LENGTH = 80
ROUNDS = 8


@dataclass
class Wanted:
    name: str                     # dotted body name, e.g. "variants.1.sizes.0.sku"
    owner: tuple[str, int | None]  # ("variant" | "size", row id or None when new)
    given: str | None
    current: str | None
    base: str | None               # generation base (variants)
    base_of: str | None            # name whose final SKU is the base (sizes)
    suffix: str | None


class SkuPlan:
    def __init__(self, db, vendor_id: int):
        self.db = db
        self.vendor_id = vendor_id
        self.entries: list[Wanted] = []

    def want(self, name, owner, given, *, current=None, base=None, base_of=None, suffix=None) -> None:
        """Record one SKU; variants must be recorded before their sizes."""
        self.entries.append(Wanted(name, owner, given, current, base, base_of, suffix))

    def resolve(self, problems) -> dict[str, str]:
        """``{name: sku}`` for every entry, or problems added (duplicates) and ``{}``."""
        given = [e for e in self.entries if e.given]
        taken = self._taken({e.given for e in given})
        seen: set[str] = set()
        for e in given:
            if e.given in seen:
                problems.add(e.name, f"SKU {e.given!r} appears twice in this product.")
            elif any(owner != e.owner for owner in taken.get(e.given, ())):
                problems.add(e.name, f"SKU {e.given!r} is already used by another of your variants or sizes.")
            seen.add(e.given)
        if problems.errors:
            return {}
        final = {e.name: e.given or e.current for e in self.entries if e.given or e.current}
        self._generate([e for e in self.entries if e.name not in final], final)
        return final

    def _generate(self, pending: list[Wanted], final: dict[str, str]) -> None:
        attempt: dict[str, int] = defaultdict(lambda: 1)
        for round_ in range(ROUNDS):
            candidates: dict[str, str] = {}
            for e in pending:
                base = e.base if e.base is not None else f"{final.get(e.base_of) or candidates[e.base_of]}-{e.suffix}"
                base = base.upper()[:MAX_LENGTH - 8]
                n = attempt[e.name]
                if round_ == ROUNDS - 1:
                    candidates[e.name] = f"{base}-{secrets.token_hex(3).upper()}"
                else:
                    candidates[e.name] = base if n == 1 else f"{base}-{n}"
            taken = self._taken(set(candidates.values()))
            used = set(final.values())
            clash = False
            for e in pending:
                sku = candidates[e.name]
                if sku in used or sku in taken:
                    attempt[e.name] += 1
                    clash = True
                used.add(sku)
            if not clash or round_ == ROUNDS - 1:
                final.update(candidates)
                return

    def _taken(self, skus: set[str]) -> dict[str, set[tuple[str, int]]]:
        """Which of ``skus`` the vendor's variants and sizes (retired included) already use."""
        if not skus:
            return {}
        variants = (select(Variant.sku, literal("variant").label("kind"), Variant.id)
                    .join(Product, Product.id == Variant.product_id)
                    .where(Product.vendor_id == self.vendor_id, Variant.sku.in_(skus)))
        sizes = (select(Size.sku, literal("size").label("kind"), Size.id)
                 .join(Variant, Variant.id == Size.variant_id)
                 .join(Product, Product.id == Variant.product_id)
                 .where(Product.vendor_id == self.vendor_id, Size.sku.in_(skus)))
        taken: dict[str, set] = defaultdict(set)
        for sku, kind, row_id in self.db.execute(union_all(variants, sizes)):
            taken[sku].add((kind, row_id))
        return taken
