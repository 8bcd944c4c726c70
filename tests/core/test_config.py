"""Settings: production refuses a missing secret; the embedded default warns and makes one up."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from app.core.settings import ConfigError, Settings, get_settings


def test_production_without_secret_is_a_start_up_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        get_settings()
    get_settings.cache_clear()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "changeme")
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="at least 32"):
        get_settings()
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    get_settings.cache_clear()
    assert get_settings().app_env == "production"
    get_settings.cache_clear()


def test_the_example_env_file_copied_as_is_starts_with_the_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`cp .env.example .env`: blank means default, and no comment becomes a value (a comment
    after a blank `SECRET_KEY=` once became the session key)."""
    shutil.copy(Path(__file__).parents[2] / ".env.example", tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings()
    assert settings.secret_key is None and settings.webhook_secret is None
    assert settings.parse_workers == Settings.model_fields["parse_workers"].get_default(call_default_factory=True)
    assert not any("#" in str(value) for value in settings.model_dump().values())


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
