"""A plugin whose service uses a view option Pyramid does not know (a guessed argument)."""
from cornice import Service

from core.hooks import hookimpl

guessed = Service("badview_guessed", "/api/badview/", description="Registered with an unknown option")


@guessed.get(colour="red")
def guessed_view(request):
    return {}


@hookimpl
def agora_includeme(config, settings):
    config.add_cornice_service(guessed)
