"""Alembic, programmatically: core's branch, then one branch per enabled plugin.

Core's revisions live in ``migrations/versions`` with the default version table; each
plugin's revisions live in the directories it returns from ``agora_migration_locations``
and are tracked in their own version table (``alembic_version_<plugin>``).  Keeping the
tables apart means disabling a plugin never makes core's upgrade fail with "Can't locate
revision"; uninstalling one leaves its tables and its version table in place (drop them
by hand if the data is not needed).
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent


def alembic_config(url: str, version_table: str = "alembic_version", locations: list[str] | None = None,
                   owner: str = "core") -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", ":".join(locations or [str(MIGRATIONS_DIR / "versions")]))
    cfg.attributes["database_url"] = url
    cfg.attributes["version_table"] = version_table
    cfg.attributes["owner"] = owner
    return cfg


def branches(pm, loaded) -> list[tuple[str, Config, str]]:
    """(owner, config) for core and each enabled plugin with migrations, in order."""
    out = []
    for plugin in loaded:
        others = [pm.get_plugin(p.name) for p in loaded if p.name != plugin.name]
        caller = pm.subset_hook_caller("agora_migration_locations", remove_plugins=others)
        locations = [str(loc) for group in caller() for loc in (group or [])]
        if locations:
            out.append((plugin.name, locations))
    return out


def upgrade(url: str, pm, loaded) -> list[str]:
    """Upgrade core and every enabled plugin to head; returns the branches upgraded."""
    command.upgrade(alembic_config(url), "heads")
    done = ["core"]
    for name, locations in branches(pm, loaded):
        command.upgrade(alembic_config(url, f"alembic_version_{name}", locations, owner=name), "heads")
        done.append(name)
    return done
