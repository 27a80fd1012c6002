"""The email plugin's typed settings: defaults, the environment, start-up refusals, the shop name."""
from __future__ import annotations

import pytest

from config import SettingsError
from core import load
from plugins.email.config import EmailConfig


@pytest.fixture
def ini(tmp_path):
    return {"agora.plugins": "email", "agora.database_url": f"sqlite:///{tmp_path}/x.sqlite"}


def test_defaults_are_typed(ini):
    settings = load(ini, environ={})[0]
    assert settings["agora.email.backend"] == "smtp" and settings["agora.email.max_attempts"] == 10
    assert settings["agora.email.retry_base"] == 30.0 and settings["agora.email.shop_name"] == ""


def test_the_environment_overrides_an_email_key(ini):
    settings = load({**ini, "agora.email.smtp_timeout": "12"}, environ={
        "AGORA_EMAIL_SMTP_TIMEOUT": "7.5", "AGORA_EMAIL_BACKEND": "maildir"})[0]
    config = EmailConfig.from_settings(settings)
    assert (config.smtp_timeout, config.backend) == (7.5, "maildir")


@pytest.mark.parametrize("key, value", [("agora.email.backend", "carrier-pigeon"),
                                        ("agora.email.max_attempts", "0"), ("agora.email.relay_delay", "-1"),
                                        ("agora.email.publish_timeout", "soon")])
def test_a_bad_value_stops_start_up_in_one_line_naming_the_key(ini, key, value):
    with pytest.raises(SettingsError, match=key) as info:
        load({**ini, key: value}, environ={})
    assert "\n" not in str(info.value)


def test_an_empty_shop_name_takes_cores(ini):
    assert EmailConfig.from_settings(load({**ini, "agora.shop_name": "Corner"}, environ={})[0]).shop_name == "Corner"
    settings = load({**ini, "agora.shop_name": "Corner", "agora.email.shop_name": " Mail Corner "}, environ={})[0]
    assert EmailConfig.from_settings(settings).shop_name == "Mail Corner"
    assert EmailConfig.from_settings(load(ini, environ={})[0]).shop_name == "Agora"
