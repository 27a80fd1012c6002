"""A real plugin, installed through its entry point: adds a service, a setting and hooks."""
from cornice import Service

from core.hooks import hookimpl

agora_version = ">=0.1"

ping = Service("testplugin_ping", "/api/testplugin/ping/", description="Answers the plugin's greeting")
REGISTERED = []


@ping.get()
def ping_view(request):
    return {"greeting": request.registry.settings["agora.settings"].get("agora.testplugin.greeting")}


@hookimpl
def agora_settings_defaults():
    return {"agora.testplugin.greeting": "hello from a plugin"}


@hookimpl
def agora_includeme(config, settings):
    config.add_cornice_service(ping)


@hookimpl
def agora_user_registered(user, token):
    REGISTERED.append(user.email)


@hookimpl
def agora_openapi_tags():
    return [{"name": "testplugin", "description": "The test plugin"}]
