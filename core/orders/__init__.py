"""Orders: the order model and state machine, the checkout pipeline, the orders services."""


def includeme(config):
    from core.orders.services import PAYMENT_SERVICES, SERVICES

    settings = config.registry.settings["agora.settings"]
    provider = config.registry["agora.plugin_manager"].hook.agora_payment_provider(settings=settings)
    config.registry["agora.payment_provider"] = provider
    services = SERVICES + (PAYMENT_SERVICES if provider is not None else [])
    for service in services:
        config.add_cornice_service(service)
