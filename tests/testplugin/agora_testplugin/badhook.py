"""A plugin implementing a hook that no specification declares (a typo)."""
from core.hooks import hookimpl


@hookimpl
def agora_user_registred(user):
    pass
