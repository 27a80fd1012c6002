"""Slugs: URL-safe, generated from names, unique."""
from __future__ import annotations

from core.catalog.models import Category
from core.catalog.slugs import is_valid_slug, slugify, unique_slug


def test_slugify_folds_accents_and_drops_punctuation():
    assert slugify("Café Crème, 2 L!") == "cafe-creme-2-l"
    assert slugify("  --  ") == "item"
    assert is_valid_slug(slugify("Ünïcödé  —  names"))


def test_unique_slug_appends_the_next_free_number(db, make_category):
    make_category("Shoes", slug="shoes")
    make_category("Shoes 2", slug="shoes-2")
    assert unique_slug(db, Category.slug, "Shoes") == "shoes-3"
    assert unique_slug(db, Category.slug, "Boots") == "boots"
