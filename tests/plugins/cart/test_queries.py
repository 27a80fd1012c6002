"""GET /api/cart/ issues the same number of SQL statements for 1 item and for 50, and commits."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from core.testing import sizes_of
from plugins.cart.items import add_to_cart


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for_cart(testapp, engine, headers) -> tuple[list[str], dict]:
    testapp.get("/api/cart/", headers=headers)  # the cart exists before counting
    with counting(engine) as statements:
        cart = testapp.get("/api/cart/", headers=headers).json
    return statements, cart


def test_get_cart_costs_a_constant_number_of_statements(testapp, engine, db, make_product, make_vendor,
                                                        make_user, auth_headers):
    small, large = make_user(), make_user()
    seller = make_vendor()
    add_to_cart(db, small.id, sizes_of(db, make_product(vendor=seller))[0].id, 1, max_quantity=99)
    for i in range(50):
        size = sizes_of(db, make_product(vendor=seller if i % 2 else None))[0]
        add_to_cart(db, large.id, size.id, 2, max_quantity=99)
    db.flush()
    one, small_cart = statements_for_cart(testapp, engine, auth_headers(small))
    fifty, large_cart = statements_for_cart(testapp, engine, auth_headers(large))
    assert len(small_cart["items"]) == 1 and len(large_cart["items"]) == 50
    assert len(one) == len(fifty), (one, fifty)
    # The user with its login session, the cart with its items; SAVEPOINT and RELEASE of the test session.
    assert len(fifty) == 4, fifty


def test_a_signed_in_read_commits_so_its_prepared_statements_survive(testapp, engine, db, make_product, make_user,
                                                                     auth_headers):
    """psycopg drops a connection's prepared statements on every ROLLBACK: a signed-in read
    that succeeds ends with COMMIT (RELEASE of the test session's savepoint), not ROLLBACK."""
    user = make_user()
    add_to_cart(db, user.id, sizes_of(db, make_product())[0].id, 1, max_quantity=99)
    db.flush()
    statements, _ = statements_for_cart(testapp, engine, auth_headers(user))
    assert statements[-1].startswith("RELEASE SAVEPOINT"), statements
    assert not any(s.startswith("ROLLBACK") for s in statements), statements
