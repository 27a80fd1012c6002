"""The SSRF guard's rules and the settings, without the network."""
from __future__ import annotations

import pytest

from config import Settings
from config.settings import SettingsError
from core import load
from plugins.webhooks import targets
from plugins.webhooks.settings import delivery_config


@pytest.mark.parametrize("address, why", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:10.0.0.1", "private"), ("172.16.5.4", "private"),
    ("fd00::1", "private"), ("fe80::1", "link-local"), ("169.254.1.1", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("192.0.2.1", "private"), ("100.64.1.1", "not globally routable"),
])
def test_non_public_addresses_are_named(address, why):
    assert targets.refusal(address) == why


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert targets.refusal(address) is None


def test_https_is_required_in_production_unless_private_targets_are_allowed():
    with pytest.raises(targets.TargetRefused, match="https"):
        targets.parse("http://93.184.215.14/", require_https=True)
    assert targets.parse("https://93.184.215.14:8443/a?b=1", require_https=True).path == "/a?b=1"
    production = {"agora.env": "production", "agora.webhooks.timeout": 10.0, "agora.webhooks.retry_schedule": (5,),
                  "agora.webhooks.lease_margin": 30.0, "agora.webhooks.concurrency": 1,
                  "agora.webhooks.poll_interval": 1.0}
    assert delivery_config(Settings({**production, "agora.webhooks.allow_private_targets": False})).require_https
    assert not delivery_config(Settings({**production, "agora.webhooks.allow_private_targets": True})).require_https
    assert not delivery_config(Settings({**production, "agora.env": "development",
                                         "agora.webhooks.allow_private_targets": False})).require_https


def test_the_checked_address_is_the_one_connected_to():
    target = targets.check("http://localhost:8080/x", require_https=False, allow_private=True)
    assert target.address is None  # allowed: the socket resolves by itself
    with pytest.raises(targets.TargetRefused, match="loopback"):
        targets.check("http://localhost:8080/x", require_https=False, allow_private=False)
    assert targets.check("https://93.184.215.14/", require_https=True, allow_private=False).address == "93.184.215.14"


def test_settings_are_typed_and_bad_values_stop_start_up(base_ini):
    settings = load({**base_ini, "agora.webhooks.retry_schedule": "1, 2 3"}, environ={})[0]
    assert settings["agora.webhooks.retry_schedule"] == (1, 2, 3)
    defaults = load(base_ini, environ={})[0]
    assert defaults["agora.webhooks.retry_schedule"] == (5, 300, 1800, 7200, 18000, 36000)
    assert defaults["agora.webhooks.timeout"] == 10 and defaults["agora.webhooks.allow_private_targets"] is False
    for key, value in [("agora.webhooks.retry_schedule", "5,-1"), ("agora.webhooks.timeout", "0"),
                       ("agora.webhooks.allow_private_targets", "perhaps")]:
        with pytest.raises(SettingsError, match=key.replace(".", r"\.")):
            load({**base_ini, key: value}, environ={})
    env = load(base_ini, environ={"AGORA_WEBHOOKS_TIMEOUT": "2.5"})[0]
    assert env["agora.webhooks.timeout"] == 2.5
