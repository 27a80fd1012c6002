"""The hook specifications: the whole contract between Agora core and its plugins.

Plugins are modules (or objects) with functions marked ``@hookimpl`` and named like the
specifications below.  Hooks take keyword arguments only; an implementation may accept a
subset of a hook's arguments.  Two kinds of hooks exist:

* **in-transaction** hooks run inside the request's database transaction (``request.db``):
  what they write commits or rolls back with the event; raising :class:`core.errors.AgoraError`
  vetoes the whole operation with that error's 4xx answer.
* **after-commit** notifications are never run by core directly from a view; core queues
  them with ``transaction.addAfterCommitHook`` when a plugin needs it (see ``core.events``).

Every hook below says which kind it is.  ``docs/plugins.md`` documents each hook; a test
fails when one is missing there.
"""
from __future__ import annotations

import pluggy

PROJECT = "agora"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --------------------------------------------------------------------------- wiring
@hookspec
def agora_settings_defaults():
    """Return a dict of default ini settings for this plugin (``{"agora.myplugin.max_items": "99"}``).

    Called once at start-up, before the settings are validated; the ini file and the
    environment win over these defaults.  No transaction."""


@hookspec
def agora_settings_keys():
    """Return the plugin's settings as a list of :class:`config.Key` (name, default, type).

    Called once at start-up.  Core validates them with its own keys: a bad value stops
    start-up with one line naming the key, and ``settings[name]`` is the typed value.  Each
    key can be overridden by the environment variable named after it
    (``agora.myplugin.max_items`` → ``AGORA_MYPLUGIN_MAX_ITEMS``).  No transaction.

    Example: ``return [Key("agora.myplugin.max_items", 99, positive_int)]``."""


@hookspec
def agora_body_limits(settings):
    """Return ``[(path_regex, max_bytes), ...]``: routes of this plugin that take bodies larger
    than ``agora.max_body_size`` (an upload), with their own limit.

    Called once at start-up; the request tween answers 413 beyond the limit of the first
    pattern that matches the path (``re.search``), before any view runs.  No transaction."""


@hookspec
def agora_includeme(config, settings):
    """Register the plugin's routes, Cornice services, views, request methods and tweens.

    Called once at start-up with the Pyramid ``Configurator`` and the validated
    :class:`config.Settings`, in the order the plugins are listed in ``agora.plugins``.
    Raise :class:`core.plugins.PluginError` to refuse to start with a clear message.
    No transaction; return value ignored."""


@hookspec
def agora_migration_locations():
    """Return a list of directories holding this plugin's alembic revisions.

    Called by ``agora CONFIG migrate`` (and the test fixtures).  Each plugin's revisions
    form their own branch with their own version table (``alembic_version_<plugin>``) and
    run after core's, so disabling a plugin never breaks core's migrations."""


@hookspec
def agora_openapi_tags():
    """Return a list of OpenAPI tag objects (``{"name": ..., "description": ...}``).

    Called when ``/api/openapi.json`` is generated; return value appended to the tags."""


@hookspec
def agora_health(request):
    """Return a dict of extra health entries, e.g. ``{"broker": "ok"}``.

    Called by ``GET /api/health/``; a value other than ``"ok"`` is reported but only the
    database decides the 503.  No transaction is written."""


@hookspec
def agora_worker_tasks(settings):
    """Return a list of callables the background worker runs (``agora CONFIG worker``).

    Each callable receives ``stop`` (a ``threading.Event``) and runs until it is set; the
    worker runs each in its own thread and sets ``stop`` on SIGTERM/SIGINT."""


@hookspec
def agora_cli_commands(subparsers):
    """Add sub-commands to ``agora CONFIG ...``.

    ``subparsers`` is the argparse sub-parser collection; set ``func=callable(args, settings,
    pm, loaded)`` with ``set_defaults`` (the validated settings, the plugin manager and the
    loaded plugins)."""


# --------------------------------------------------------------------------- accounts
@hookspec
def agora_user_registered(request, user, token):
    """A user registered; ``token`` is the plain email-verification token (stored hashed).

    In the registration transaction: write an outbox row here, never send.  Return ignored."""


@hookspec
def agora_email_verified(request, user):
    """A user verified their email and is now active.  In the verification transaction."""


@hookspec
def agora_password_reset_requested(request, user, token):
    """A password reset was requested for an existing account; ``token`` is the plain,
    single-use reset token.  In the request's transaction (never called for unknown
    emails, so nothing may answer differently for them)."""


@hookspec
def agora_password_changed(request, user):
    """A user's password was changed or reset; all their sessions are already revoked.
    In the change's transaction."""


# --------------------------------------------------------------------------- checkout
@hookspec(firstresult=True)
def agora_checkout_lines(request, user):
    """Return the lines to buy as a list of ``core.orders.checkout_types.CheckoutLine``.

    ``firstresult``: the first plugin returning a non-None list wins (the plugin that keeps
    carts provides it).  In the checkout transaction.  ``user`` is None for a guest checkout (no
    account): the lines are then those of the request's ``X-Cart-Token`` cart."""


@hookspec
def agora_checkout_validate(request, user, lines, shipping_address):
    """Refuse a checkout by raising :class:`core.errors.AgoraError` (a 4xx with its reason).

    Called after the lines are collected, in the checkout transaction.  Return ignored.
    ``user`` is None for a guest checkout (no account)."""


@hookspec
def agora_checkout_price(request, user, lines, pricing):
    """Adjust ``pricing`` (a ``core.orders.pricing.Pricing``) in place: add adjustments for
    shipping, tax or discounts with ``pricing.add_adjustment(...)``.

    Called after core's default pricing; the total is recomputed by core from the result.
    In the checkout transaction.  Return ignored.  ``user`` is None for a guest (no account)."""


@hookspec(firstresult=True)
def agora_payment_provider(settings):
    """Return the payment provider object (see ``core.orders.payment.PaymentProvider``).

    The first non-None answer wins; called once at start-up by the orders subsystem."""


@hookspec
def agora_checkout_completed(request, order, lines):
    """The order and its snapshot were written and stock decremented: remove what was bought
    from wherever it came from (the cart) and record usage (a discount code, say).  In the checkout
    transaction; raising aborts the checkout."""


# --------------------------------------------------------------------------- orders
@hookspec
def agora_order_placed(request, order):
    """An order was created.  In the checkout transaction (write outbox rows here)."""


@hookspec
def agora_order_paid(request, order):
    """An order's payment was confirmed (captured, or marked paid by a manager).
    In the transaction that records it."""


@hookspec
def agora_order_status_changed(request, order, old_status, new_status, note):
    """An order moved along its state machine.  In the transaction that moved it."""


@hookspec
def agora_order_shipped(request, order, vendor, lines, tracking_number, carrier):
    """A vendor shipped its lines of an order (``vendor`` is None when a manager moved the
    order to shipped: ``lines`` are then those no vendor had shipped).  In the shipping
    transaction."""


@hookspec
def agora_order_cancelled(request, order):
    """An order was cancelled and its stock returned.  In the cancelling transaction."""


@hookspec
def agora_order_refunded(request, order, amount, items):
    """Money was returned for an order (``amount`` in minor units).  In the recording transaction.

    ``items`` is None when the refund is for the order as a whole (a cancellation, a refund made
    at the provider), or ``[(order_item_id, quantity), ...]``: the units a return gave back, whose
    share ``amount`` is.  Return ignored."""


# --------------------------------------------------------------------------- returns
@hookspec
def agora_return_requested(request, return_, order):
    """A customer asked to return some units of an order (``return_`` is a
    ``core.returns.models.Return`` with its ``items``; ``order`` the locked order).  In the
    request's transaction (write outbox rows here).  Return ignored."""


@hookspec
def agora_return_status_changed(request, return_, order, old_status, new_status, note):
    """A return moved: ``approved`` or ``rejected`` (its vendor or a manager decided; ``note`` is
    the rejection reason), or ``refunded`` (received, the money returned; ``agora_order_refunded``
    already ran in the same transaction).  In the transaction that moved it.  Return ignored."""


# --------------------------------------------------------------------------- catalog
@hookspec
def agora_product_created(request, product):
    """A vendor created a product (with its variants and sizes).  In the creating transaction;
    fired by the plugin through which vendors edit products.  Return ignored."""


@hookspec
def agora_product_updated(request, product):
    """A vendor changed a product: replaced or patched it, deactivated it, added or removed an
    image.  In the changing transaction; fired by the plugin through which vendors edit products.
    Return ignored."""


@hookspec
def agora_product_sellable(settings):
    """Return a SQLAlchemy boolean clause about ``Product`` that a product must satisfy to be
    shown and sold (e.g. "its vendor is approved"), or None.

    Called once at start-up; all returned clauses are AND-ed and used by the public catalog
    queries, the cart (adding, changing, its ``available`` flags) and checkout, always inside
    the query that loads the rows.  Correlate only on ``Product`` (alias other tables: the
    query may join them already).  The clause must not depend on who is asking."""


@hookspec
def agora_product_visibility(query, request):
    """Return a SQLAlchemy boolean clause that public product queries must satisfy
    (e.g. "the vendor is approved"), or None.

    Called while building every public catalog query; all returned clauses are AND-ed.  The
    clause must not depend on who is asking: list counts are cached per catalog version."""
