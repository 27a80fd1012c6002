"""Alembic environment shared by core and every plugin branch (see core.migrate)."""
from alembic import context

import core.models  # noqa: F401  (registers every core table on Base.metadata)
from core.db import Base, make_engine

config = context.config
owner = config.attributes.get("owner", "core")


def include_object(obj, name, type_, reflected, compare_to):
    """Scope autogenerate to the tables of the branch being worked on."""
    if type_ == "table":
        table = obj if not reflected else compare_to
        if table is None:  # a table in the database that no model declares: not ours
            return False
        return table.info.get("owner", "core") == owner
    return True


def run():
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=config.attributes.get("version_table", "alembic_version"),
            include_object=include_object,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
