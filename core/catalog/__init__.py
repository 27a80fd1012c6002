"""Catalog: see the module docstrings."""


def includeme(config):
    pass
