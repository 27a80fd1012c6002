"""Accounts: registration, verification, JWT sessions, password reset and change."""


def includeme(config):
    from core.accounts.views import SERVICES

    for service in SERVICES:
        config.add_cornice_service(service)
