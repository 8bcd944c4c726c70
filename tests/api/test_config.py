"""Settings: production refuses a missing secret; the embedded default warns and makes one up."""

from __future__ import annotations

import logging

import pytest

from app.config import ConfigError, Settings, get_settings


def test_production_without_secret_is_a_start_up_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        get_settings()
    get_settings.cache_clear()


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_MAX_AGE", "600")
    monkeypatch.setenv("PARSE_WORKERS", "3")
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "12345")
    monkeypatch.setenv("REDIS_URL", "")
    settings = Settings()
    assert (settings.session_max_age, settings.parse_workers, settings.max_upload_bytes) == (600, 3, 12345)
    assert settings.redis_url is None


def test_missing_secret_in_development_warns_and_generates(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(app_env="development", secret_key=None)
    with caplog.at_level(logging.WARNING):
        key = settings.signing_key()
    assert len(key) >= 32
    assert settings.signing_key() == key
    assert "sessions will not survive a restart" in caplog.text
    assert key not in caplog.text
