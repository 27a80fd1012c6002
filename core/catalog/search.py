"""Full-text product search over name (weighted high) and description, ranked.

* PostgreSQL: ``products.search_vector``, a stored generated ``tsvector`` (name weight A,
  description weight B, ``english`` configuration) with a GIN index (migration
  ``0003_product_search``); matched with ``websearch_to_tsquery`` and ranked by ``ts_rank``.
* SQLite: the FTS5 table ``products_fts`` (external content, porter stemming) kept by
  triggers on ``products``; ranked by ``bm25`` with the name weighted 10 to 1.

:func:`search_clause` returns what a product query needs: a filter, an ORDER BY expression
(best first) and, on SQLite, a subquery to join.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, FromClause, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSVECTOR

from core.catalog.models import Product

PG_CONFIG = literal_column("'english'::regconfig")  # the generated column's configuration
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Search:
    where: ColumnElement
    rank: ColumnElement  # ORDER BY this, best match first
    join: FromClause | None = None  # joined on ``join.c.id == products.id`` when set


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def search_clause(dialect: str, text: str) -> Search | None:
    """The search for ``text`` (None when it holds no word, i.e. no filter)."""
    terms = words(text)
    if not terms:
        return None
    if dialect == "postgresql":
        vector = literal_column("products.search_vector", type_=TSVECTOR)
        query = func.websearch_to_tsquery(PG_CONFIG, " ".join(terms))
        return Search(where=vector.op("@@")(query), rank=func.ts_rank(vector, query).desc())
    # FTS5: every word quoted (so AND/OR/NEAR/* typed by a user are plain words), all required.
    match = " ".join('"' + t.replace('"', "") + '"' for t in terms)
    fts = table("products_fts")
    hits = (
        select(literal_column("products_fts.rowid").label("id"),
               func.bm25(literal_column("products_fts"), 10.0, 1.0).label("score"))
        .select_from(fts)
        .where(literal_column("products_fts").op("MATCH")(match))
        .subquery("search_hits")
    )
    return Search(where=hits.c.id == Product.id, rank=hits.c.score.asc(), join=hits)
