"""The ``agora`` command: ``agora CONFIG <command> [options]``.

Core commands: migrate, create-user, demo-data, worker, plugins.  Plugins add their own
through the ``agora_cli_commands`` hook.
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from plaster import get_settings
from pyramid.paster import setup_logging

from config import SettingsError
from core.db import engine_of
from core.plugins import PluginError, describe


def _load(config_uri: str):
    from core import load

    ini = get_settings(config_uri, "app:main")
    return load(dict(ini))


def cmd_migrate(args, settings, pm, loaded):
    from core.migrate import upgrade

    done = upgrade(settings["agora.database_url"], pm, loaded)
    print(f"migrated: {', '.join(done)}")


def cmd_create_user(args, settings, pm, loaded):
    from sqlalchemy.orm import Session

    from core.accounts.auth import find_user
    from core.accounts.models import User
    from core.accounts.passwords import hash_password, password_problems
    from core.db import engine_from_settings

    problems = password_problems(args.password, args.email)
    if problems:
        raise SystemExit("agora: " + " ".join(problems))
    engine = engine_from_settings(settings)
    with Session(engine) as db, db.begin():
        if find_user(db, args.email) is not None:
            raise SystemExit(f"agora: a user with email {args.email} already exists")
        user = User(email=args.email.strip().lower(), password_hash=hash_password(args.password),
                    role=args.role, is_active=True, email_verified=True,
                    first_name=args.first_name, last_name=args.last_name)
        db.add(user)
        db.flush()
        print(f"created {args.role} {user.email} (id {user.id})")


def cmd_plugins(args, settings, pm, loaded):
    from core import make_app

    # Build the application as start-up does: each plugin's agora_includeme checks its settings
    # and registers its services, so a bad setting or registration fails here with the same line.
    app = make_app(settings, pm, loaded)
    engine_of(app.registry).dispose()
    listing = describe(pm, loaded)
    if args.json:
        print(json.dumps(listing, indent=2))
        return
    if not listing:
        print("no plugins enabled")
    for plugin in listing:
        print(f"{plugin['name']} {plugin['version']} ({plugin['distribution']})")
        for hook in plugin["hooks"]:
            print(f"    {hook}")


def cmd_demo_data(args, settings, pm, loaded):
    from core.catalog.demo import load_demo_data

    if args.migrate:
        cmd_migrate(args, settings, pm, loaded)
    load_demo_data(settings, args.products, if_empty=args.if_empty, vendors=args.vendors, seed=args.seed)


def cmd_worker(args, settings, pm, loaded):
    from core.orders.housekeeping import worker_tasks

    tasks = worker_tasks(settings) + [t for group in pm.hook.agora_worker_tasks(settings=settings)
                                      for t in (group or [])]
    stop = threading.Event()

    def _stop(signum, frame):
        logging.getLogger("agora.worker").info("signal %s: finishing current work and stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    threads = [threading.Thread(target=t, args=(stop,), name=getattr(t, "__name__", "task"), daemon=True)
               for t in tasks]
    for thread in threads:
        thread.start()
    while not stop.is_set() and any(t.is_alive() for t in threads):
        stop.wait(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)


def build_parser(pm=None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agora", description="Agora commerce backend")
    parser.add_argument("config", help="the ini file, e.g. development.ini")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade core and every enabled plugin to head").set_defaults(func=cmd_migrate)
    p = sub.add_parser("create-user", help="create a verified, active user")
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--role", choices=["customer", "vendor", "manager", "admin"], default="customer")
    p.add_argument("--first-name", default="")
    p.add_argument("--last-name", default="")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("demo-data", help="load a realistic demo catalog")
    p.add_argument("--products", type=int, default=200)
    p.add_argument("--vendors", type=int, default=8)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--if-empty", action="store_true", help="do nothing when products exist")
    p.add_argument("--migrate", action="store_true",
                   help="migrate first, in the same process (what `make dev` does: one start-up, not two)")
    p.set_defaults(func=cmd_demo_data)
    sub.add_parser("worker", help="run the background worker").set_defaults(func=cmd_worker)
    p = sub.add_parser("plugins", help="list enabled plugins and their hooks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plugins)
    if pm is not None:
        pm.hook.agora_cli_commands(subparsers=sub)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-"):
        build_parser().parse_args(argv)  # prints usage / help
        return 2
    try:
        setup_logging(argv[0])
    except Exception:  # an ini without logging sections
        logging.basicConfig(level=logging.INFO)
        logging.getLogger("alembic").setLevel(logging.WARNING)  # "Running upgrade ..." is not news
    try:
        settings, pm, loaded = _load(argv[0])
    except (SettingsError, PluginError) as exc:
        print(f"agora: {exc}", file=sys.stderr)
        return 1
    args = build_parser(pm).parse_args(argv)
    try:
        args.func(args, settings, pm, loaded)
    except (SettingsError, PluginError) as exc:
        print(f"agora: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
