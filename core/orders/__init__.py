"""Orders: the order model and state machine, checkout orchestration, settlement, the orders views."""


def includeme(config):
    from core.orders.guest_views import SERVICES as GUEST_SERVICES
    from core.orders.views import PAYMENT_SERVICES, SERVICES
    from core.registry import hooks_of, set_payment_provider, settings_of

    provider = hooks_of(config.registry).agora_payment_provider(settings=settings_of(config.registry))
    set_payment_provider(config.registry, provider)
    services = SERVICES + GUEST_SERVICES + (PAYMENT_SERVICES if provider is not None else [])
    for service in services:
        config.add_cornice_service(service)
