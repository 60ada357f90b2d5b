"""Settings: code defaults < instance file < environment < test dict."""

from __future__ import annotations

import pytest

from plugin.config import load_settings
from plugin.errors import ConfigurationError


def test_defaults_give_an_embedded_sqlite_database_and_a_generated_secret(tmp_path):
    settings = load_settings(tmp_path, environ={})

    assert settings.database_url == f"sqlite:///{tmp_path / 'amends.sqlite3'}"
    assert len(settings.secret_key) >= 48
    assert load_settings(tmp_path, environ={}).secret_key == settings.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_each_layer_overrides_the_one_before(tmp_path):
    (tmp_path / "amends.toml").write_text(
        'webhook_max_bytes = 1000\nsmtp_url = "smtp://file"\nlog_level = "DEBUG"\n'
    )
    environ = {
        "AMENDS_SMTP_URL": "smtp://env",
        "AMENDS_LOG_LEVEL": "WARNING",
        "SHOPIFY_API_SECRET": "from-env",
        "UNRELATED": "x",
    }

    settings = load_settings(tmp_path, environ=environ, overrides={"log_level": "ERROR"})

    assert settings.webhook_max_bytes == 1000
    assert settings.smtp_url == "smtp://env"
    assert settings.log_level == "ERROR"
    assert settings.shopify_webhook_secrets == ("from-env",)


def test_environment_values_are_typed(tmp_path):
    settings = load_settings(tmp_path, environ={"AMENDS_INBOX_MAX_ATTEMPTS": "3"})

    assert settings.inbox_max_attempts == 3


def test_the_log_level_is_read_in_any_case(tmp_path):
    assert load_settings(tmp_path, environ={"AMENDS_LOG_LEVEL": "debug"}).log_level == "DEBUG"


@pytest.mark.parametrize(
    ("environ", "file", "message"),
    [
        (
            {"AMENDS_INBOX_MAX_ATTEMPTS": "many"},
            None,
            "setting inbox_max_attempts must be an integer, got 'many'",
        ),
        (
            {"AMENDS_LOG_LEVEL": "loud"},
            None,
            "setting log_level must be one of debug, info, warning, error, got 'loud'",
        ),
        ({}, "typo_setting = 1\n", "unknown setting(s): typo_setting"),
        ({}, "not toml [", "is not valid TOML"),
    ],
)
def test_bad_settings_say_which_and_why(tmp_path, environ, file, message):
    if file:
        (tmp_path / "amends.toml").write_text(file)

    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_settings(tmp_path, environ=environ)
