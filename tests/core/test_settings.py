"""Settings: types, defaults, environment overrides, production refusals."""
import pytest

from config import SettingsError, load_settings

SECRET = "p" * 64


def test_defaults_and_types():
    settings = load_settings({"agora.checkout.tax_rate": "0.0825", "agora.plugins": "cart wishlist"}, environ={})
    assert str(settings["agora.checkout.tax_rate"]) == "0.0825"
    assert settings.plugins == ["cart", "wishlist"]
    assert settings["agora.currency"] == "USD"


def test_environment_overrides_the_ini():
    settings = load_settings({"agora.database_url": "sqlite:///a.db"},
                             environ={"AGORA_DATABASE_URL": "postgresql://u@h/db"})
    assert settings["agora.database_url"] == "postgresql://u@h/db"


@pytest.mark.parametrize("ini, environ, message", [
    ({"agora.env": "production"}, {"AGORA_DATABASE_URL": "postgresql://h/db"}, "AGORA_JWT_SECRET is missing"),
    ({"agora.env": "production"}, {"AGORA_DATABASE_URL": "postgresql://h/db", "AGORA_JWT_SECRET": "changeme"},
     "AGORA_JWT_SECRET"),
    ({"agora.env": "production", "agora.jwt_secret": SECRET}, {"AGORA_JWT_SECRET": SECRET},
     "must not be written in a production ini file"),
    ({"agora.env": "production"}, {"AGORA_JWT_SECRET": SECRET}, "AGORA_DATABASE_URL is required"),
    ({}, {"AGORA_DATABASE_URL": "not a url"}, "malformed database URL"),
    ({"agora.database_url": "mysql://h/db"}, {}, "unsupported database"),
    ({"agora.currency": "dollars"}, {}, "ISO 4217"),
    ({"agora.checkout.tax_rate": "lots"}, {}, "agora.checkout.tax_rate"),
])
def test_invalid_settings_are_refused_in_one_line(ini, environ, message):
    with pytest.raises(SettingsError) as info:
        load_settings(ini, environ=environ)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_production_accepts_secrets_from_the_environment():
    settings = load_settings({"agora.env": "production"},
                             environ={"AGORA_JWT_SECRET": SECRET, "AGORA_DATABASE_URL": "postgresql://h/db"})
    assert settings.is_production and settings["agora.jwt_secret"] == SECRET


def test_production_ini_starts_only_with_the_environment(tmp_path):
    import subprocess
    import sys

    code = "from pyramid.paster import get_app; get_app('production.ini')"
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode != 0
    assert "agora: AGORA_JWT_SECRET is missing" in out.stderr


def test_every_core_key_is_overridden_by_the_variable_named_after_it():
    settings = load_settings({"agora.checkout.tax_rate": "0.05", "agora.throttle.window": "60"},
                             environ={"AGORA_CHECKOUT_TAX_RATE": "0.2", "AGORA_THROTTLE_WINDOW": "120",
                                      "AGORA_CURRENCY": "eur"})
    assert str(settings["agora.checkout.tax_rate"]) == "0.2"
    assert settings["agora.throttle.window"] == 120 and settings["agora.currency"] == "EUR"


def test_a_bad_value_from_the_environment_names_the_key():
    with pytest.raises(SettingsError, match="agora.throttle.window") as info:
        load_settings({}, environ={"AGORA_THROTTLE_WINDOW": "soon"})
    assert "\n" not in str(info.value)


def test_plugin_keys_are_typed_validated_and_overridable_like_cores():
    from config import Key, positive_int

    keys = [Key("agora.shop.max_things", 7, positive_int), Key("agora.shop.greeting", "hi")]
    settings = load_settings({}, environ={}, extra_keys=keys)
    assert settings["agora.shop.max_things"] == 7 and settings["agora.shop.greeting"] == "hi"
    settings = load_settings({"agora.shop.max_things": "3"}, environ={"AGORA_SHOP_GREETING": "hello"},
                             extra_keys=keys)
    assert settings["agora.shop.max_things"] == 3 and settings["agora.shop.greeting"] == "hello"
    settings = load_settings({"agora.shop.max_things": "3"}, environ={"AGORA_SHOP_MAX_THINGS": "9"}, extra_keys=keys)
    assert settings["agora.shop.max_things"] == 9
    with pytest.raises(SettingsError, match="agora.shop.max_things") as info:
        load_settings({"agora.shop.max_things": "0"}, environ={}, extra_keys=keys)
    assert "\n" not in str(info.value)


def test_an_undeclared_ini_key_is_overridable_too():
    settings = load_settings({"agora.legacy.flag": "a"}, environ={"AGORA_LEGACY_FLAG": "b"})
    assert settings["agora.legacy.flag"] == "b"


def test_a_plugin_key_through_the_whole_start_up(tmp_path):
    """A first-party plugin's declared key, overridden from the environment, reaches the app."""
    from core import load

    ini = {"agora.plugins": "vendors cart", "agora.database_url": f"sqlite:///{tmp_path}/x.sqlite"}
    settings, _, _ = load(ini, environ={"AGORA_CART_MAX_QUANTITY": "12"})
    assert settings["agora.cart.max_quantity"] == 12
    with pytest.raises(SettingsError, match="agora.cart.max_quantity"):
        load(ini, environ={"AGORA_CART_MAX_QUANTITY": "none"})
