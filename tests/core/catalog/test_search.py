"""Full-text search: matching, relevance (name above description), and the GIN index on PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text


def slugs(answer) -> list[str]:
    return [p["slug"] for p in answer["results"]]


@pytest.fixture
def catalog(make_category, make_product):
    category = make_category("Everything")
    make_product(category=category, name="Plain tee", slug="in-description", age_days=0,
                 description="A soft tee that goes with any linen trousers.")
    make_product(category=category, name="Linen shirt", slug="in-name", age_days=5,
                 description="Breathable and light.")
    make_product(category=category, name="Wool coat", slug="unrelated", description="Warm for winter.")


def test_search_matches_name_and_description(testapp, catalog):
    assert set(slugs(testapp.get("/api/products/?search=linen").json)) == {"in-name", "in-description"}
    assert slugs(testapp.get("/api/products/?search=winter").json) == ["unrelated"]
    assert testapp.get("/api/products/?search=velvet").json["count"] == 0


def test_word_in_the_name_ranks_above_word_in_the_description(testapp, catalog):
    # in-description is newer, so only the rank can put in-name first
    assert slugs(testapp.get("/api/products/?search=linen").json) == ["in-name", "in-description"]


def test_explicit_ordering_wins_over_rank(testapp, catalog):
    answer = testapp.get("/api/products/?search=linen&ordering=-created_at").json
    assert slugs(answer) == ["in-description", "in-name"]


def test_all_words_must_match_and_stems_match(testapp, catalog):
    assert slugs(testapp.get("/api/products/?search=linen shirts").json) == ["in-name"]


@pytest.mark.parametrize("query", ['"unbalanced', "linen AND OR", "NEAR(", "*", "tee-shirt's", "a:b"])
def test_search_syntax_typed_by_users_never_errors(testapp, catalog, query):
    testapp.get("/api/products/", {"search": query}, status=200)


def test_search_stays_in_sync_after_a_rename(testapp, db, catalog):
    from core.catalog.models import Product

    product = db.query(Product).filter_by(slug="unrelated").one()
    product.name = "Velvet coat"
    db.flush()
    assert slugs(testapp.get("/api/products/?search=velvet").json) == ["unrelated"]


@pytest.mark.postgresql_only
def test_postgresql_search_uses_the_gin_index(db, catalog):
    from sqlalchemy import select

    from core.catalog.models import Product
    from core.catalog.search import search_clause

    query = select(Product.id).where(search_clause("postgresql", "linen").where)
    sql = str(query.compile(dialect=db.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    db.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.execute(text("EXPLAIN " + sql)))
    assert "ix_products_search_vector" in plan
