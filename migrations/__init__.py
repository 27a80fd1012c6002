"""Alembic environment and core's revisions (plugins bring their own, see core.migrate)."""
