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
