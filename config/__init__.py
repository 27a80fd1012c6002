"""Settings schema and loading: ini keys, environment overrides, validation."""
from config.settings import (
    Key,
    Settings,
    SettingsError,
    as_bool,
    as_decimal,
    as_list,
    env_name,
    load_settings,
    non_negative_int,
    one_of,
    positive_int,
)

__all__ = ["Key", "Settings", "SettingsError", "as_bool", "as_decimal", "as_list", "env_name", "load_settings",
           "non_negative_int", "one_of", "positive_int"]
