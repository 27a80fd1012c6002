"""The payments plugin's settings are typed keys: validated at start-up, overridable from the
environment by their derived names and by the operating contract's STRIPE_* names."""
from __future__ import annotations

import pytest

from config import SettingsError
from core import load
from core.plugins import PluginError
from core.testing import ini_for

PLUGINS = ["payments"]


def _provider(settings, pm):
    return pm.hook.agora_payment_provider(settings=settings)


def test_the_provider_defaults_to_manual(database_url):
    settings, pm, _ = load(ini_for(database_url, PLUGINS), environ={})
    assert settings["agora.payments.provider"] == "manual"
    assert _provider(settings, pm).name == "manual"


def test_the_operating_contract_names_configure_stripe(database_url):
    environ = {"AGORA_PAYMENTS_PROVIDER": "stripe", "STRIPE_API_KEY": "sk_test_env",
               "STRIPE_WEBHOOK_SECRET": "whsec_env", "STRIPE_API_BASE": "http://127.0.0.1:1"}
    settings, pm, _ = load(ini_for(database_url, PLUGINS), environ=environ)
    provider = _provider(settings, pm)
    assert (provider.name, provider.webhook_secret) == ("stripe", "whsec_env")
    assert settings["agora.payments.stripe.api_key"] == "sk_test_env"
    assert settings["agora.payments.stripe.api_base"] == "http://127.0.0.1:1"


def test_the_derived_names_override_the_ini(database_url):
    ini = ini_for(database_url, PLUGINS, {"agora.payments.provider": "stripe",
                                          "agora.payments.stripe.api_key": "sk_test_ini",
                                          "agora.payments.stripe.webhook_secret": "whsec_ini"})
    settings, _, _ = load(ini, environ={"AGORA_PAYMENTS_STRIPE_WEBHOOK_SECRET": "whsec_derived"})
    assert settings["agora.payments.stripe.webhook_secret"] == "whsec_derived"
    assert settings["agora.payments.stripe.api_key"] == "sk_test_ini"


def test_an_unknown_provider_stops_start_up_in_one_line(database_url):
    with pytest.raises(SettingsError, match=r"invalid setting agora.payments.provider: 'paypal' is not one of"):
        load(ini_for(database_url, PLUGINS), environ={"AGORA_PAYMENTS_PROVIDER": "paypal"})


def test_stripe_without_its_keys_is_refused(database_url):
    settings, pm, _ = load(ini_for(database_url, PLUGINS, {"agora.payments.provider": "stripe"}), environ={})
    with pytest.raises(PluginError, match="STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET"):
        _provider(settings, pm)
