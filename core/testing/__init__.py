"""Pytest fixtures for Agora and its plugins (load with ``-p core.testing``).

A small package, one module per concern:

* :mod:`core.testing.database` — ``--db=sqlite|postgresql``, the database created and migrated
  once per run, ``connection``/``db`` (one rolled-back transaction per test), and
  ``scratch_database``/``committed_session`` for races on real commits;
* :mod:`core.testing.app` — ``enabled_plugins`` and ``app_settings`` (override them), ``ini_for``,
  ``loaded``, ``app``, ``testapp``, ``login``, ``auth_headers`` (``bearer(app, user)`` on an app of the
  test's own), ``hooks`` (every accounts hook call recorded, e.g. verification tokens);
* :mod:`core.testing.factories` — ``make_user``, ``customer``, ``manager``, ``admin``,
  ``make_vendor``, ``make_product`` (fixtures on the test's ``db``) and ``new_user``, ``new_vendor``,
  ``new_product`` (the same factories on any session), ``sizes_of``, ``committed_size``, ``ADDRESS``,
  ``TEST_PASSWORD``;
* :mod:`core.testing.audit` — ``audited`` (one audit row asserted) and ``AS_CLIENT`` (a known request id
  and client address);
* :mod:`core.testing.concurrency` — ``all_at_once`` (threads released together), ``free_port``.

Provider-specific kits live beside their plugin (``-p plugins.payments.testing`` for localstripe).
"""
from core.testing.app import (  # noqa: F401  (fixtures are found by pytest as attributes of this plugin)
    HookRecorder,
    app,
    app_settings,
    auth_headers,
    base_ini,
    bearer,
    enabled_plugins,
    first_party_plugins,
    hooks,
    ini_for,
    loaded,
    login,
    testapp,
)
from core.testing.audit import AS_CLIENT, audit_trail, audited  # noqa: F401
from core.testing.concurrency import all_at_once, free_port  # noqa: F401
from core.testing.database import (  # noqa: F401
    PG_ADMIN_URL,
    committed_session,
    connection,
    database_url,
    db,
    db_kind,
    engine,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    scratch_database,
)
from core.testing.factories import (  # noqa: F401
    ADDRESS,
    TEST_PASSWORD,
    admin,
    committed_size,
    customer,
    make_product,
    make_user,
    make_vendor,
    manager,
    new_product,
    new_user,
    new_vendor,
    sizes_of,
)
