"""Every environment variable the service reads, in one pydantic-settings object, and the formats
of the values it checks (retry schedules, webhook secrets). It imports nothing of the app: every
other part may read it."""

from __future__ import annotations

import base64
import logging
import os
import secrets
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)


#: The shortest SECRET_KEY production accepts: 32 characters of token_urlsafe carry 192 bits.
MIN_SECRET_KEY_CHARS = 32


#: Standard Webhooks' recommended schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
STANDARD_SCHEDULE = "5,300,1800,7200,18000,36000,50400,72000,86400"
WEBHOOK_SECRET_PREFIX = "whsec_"


def parse_schedule(text: str) -> list[int]:
    """Comma-separated whole seconds, each at least 1 (RQ schedules retries in whole seconds)."""
    try:
        seconds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError("a retry schedule is comma-separated whole seconds, e.g. 5,300,1800") from None
    if any(value < 1 for value in seconds):
        raise ValueError("every retry delay must be at least 1 second")
    return seconds


class InvalidSecret(ValueError):
    pass


def webhook_signing_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks `whsec_` secret: 24 to 64 bytes, base64 after the prefix
    (WEBHOOK_SECRET is checked at start; a caller's secret when a webhook is requested)."""
    if not secret.startswith(WEBHOOK_SECRET_PREFIX):
        raise InvalidSecret("A webhook secret starts with 'whsec_' followed by base64 (Standard Webhooks).")
    try:
        key = base64.b64decode(secret[len(WEBHOOK_SECRET_PREFIX) :], validate=True)
    except ValueError:  # binascii.Error, or characters outside ASCII
        raise InvalidSecret("The part after 'whsec_' is not valid base64.") from None
    if not 24 <= len(key) <= 64:
        raise InvalidSecret("A webhook secret holds 24 to 64 random bytes (base64 after 'whsec_').")
    return key


def _memory_bytes() -> int:
    """The machine's physical memory (4 GiB where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 4 * 1024**3


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says which variable to set."""


class Settings(BaseSettings):
    # A variable set but blank (`PARSE_WORKERS=` as in .env.example) means its default.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    app_env: Literal["development", "test", "production"] = "development"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"

    # Sessions
    secret_key: SecretStr | None = None
    session_max_age: int = Field(default=7200, ge=60)
    secure_cookies: bool = False
    cookie_domain: str | None = None
    frontend_url: str | None = None
    max_sessions: int = Field(default=10_000, ge=1)
    max_session_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    # What all sessions held in this process may add up to (without Redis): default a quarter of
    # the machine's memory, so many full sessions cannot exhaust it
    max_store_bytes: int = Field(default_factory=lambda: _memory_bytes() // 4, ge=1024 * 1024)
    session_sweep_seconds: float = Field(default=30.0, gt=0)

    # Backends
    redis_url: str | None = None
    redis_recheck_seconds: float = Field(default=5.0, gt=0)
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_metrics_host: str = "0.0.0.0"

    # Parsing
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    # any request body that is not an upload (JSON: corrections, ids, webhooks)
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    # the originals one print may copy into its sheets (an id listed twice counts twice)
    print_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    max_pages: int = Field(default=50, ge=1)
    parse_timeout_seconds: float = Field(default=30.0, gt=0)
    parse_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    parse_memory_mb: int = Field(default=1536, ge=256)
    # "auto": the local engines installed (see app/ocr/scanned.py), so a dropped scan is read
    ocr_engine: Literal["auto", "none", "tesseract", "rapidocr", "baidu"] = "auto"
    ocr_languages: str = Field(default="eng+deu+fra+nld+chi_sim+jpn", pattern=r"^[a-z_]+(\+[a-z_]+)*$")

    # Bulk uploads (files and ZIP archives)
    bulk_max_files: int = Field(default=500, ge=1)
    bulk_max_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    zip_max_entries: int = Field(default=2_000, ge=1)
    zip_max_ratio: float = Field(default=100.0, gt=1)

    # What one HTTP client may send, and how slowly (python main.py; see app/http_limits.py)
    http_max_header_bytes: int = Field(default=32 * 1024, ge=1024)
    http_max_headers: int = Field(default=100, ge=10)
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    http_body_idle_timeout_seconds: float = Field(default=30.0, gt=0)
    http_body_timeout_seconds: float = Field(default=300.0, gt=0)

    # Rate limits (requests to /api per window; 0 switches one off)
    rate_limit_per_session: int = Field(default=600, ge=0)
    rate_limit_per_address: int = Field(default=1200, ge=0)
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=3600)

    # Background jobs and webhooks
    job_result_ttl_seconds: int = Field(default=86_400, ge=60)
    webhook_secret: SecretStr | None = None
    webhook_retry_schedule: str = STANDARD_SCHEDULE
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_max_response_bytes: int = Field(default=4096, ge=0)
    webhook_allowed_hosts: str = ""
    delivery_retention_seconds: int = Field(default=7 * 86_400, ge=60)

    # S3 exports (ENABLE_S3); credentials come the AWS way (environment, profile, instance role)
    enable_s3: bool = False
    s3_bucket: str | None = None
    s3_prefix: str = "invoice-exports/"
    s3_region: str | None = None
    s3_endpoint_url: str | None = None
    s3_url_expires: int = Field(default=3600, ge=60, le=7 * 86_400)
    s3_retry_schedule: str = "5,30,120"

    # Mailbox pulls (POST /api/v2/mail/pull) and the mail pipeline (`python -m workers` with MAIL_HOST)
    mail_allowed_hosts: str = ""
    mail_allow_plaintext: bool = False
    mail_ca_file: str | None = None
    mail_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    mail_max_messages: int = Field(default=500, ge=1, le=10_000)
    mail_job_timeout_seconds: int = Field(default=3600, ge=60)
    mail_retry_schedule: str = "30,120,600"
    mail_protocol: Literal["imap", "pop3"] = "imap"
    mail_host: str | None = None
    mail_port: int | None = Field(default=None, ge=1, le=65535)
    mail_security: Literal["tls", "starttls", "plain"] = "tls"
    mail_username: str | None = None
    mail_password: SecretStr | None = None
    mail_access_token: SecretStr | None = None
    mail_folder: str = "INBOX"
    mail_mark: Literal["keyword", "move", "delete"] = "keyword"
    mail_keyword: str = Field(default="$InvoiceImported", pattern=r"^\$?[A-Za-z0-9_.-]{1,64}$")
    mail_move_to: str | None = None
    mail_poll_seconds: float = Field(default=60.0, ge=1)
    mail_webhook_url: str | None = None
    mail_s3: bool = False

    # Tracking
    payment_terms_days: int = Field(default=30, ge=0, le=365)

    # Remote OCR (OCR_ENGINE=baidu)
    baidu_ocr_api_key: SecretStr | None = None
    baidu_ocr_secret_key: SecretStr | None = None
    baidu_ocr_url: str = "https://aip.baidubce.com"
    ocr_qps_limit: float = Field(default=2.0, gt=0)
    ocr_max_attempts: int = Field(default=5, ge=1, le=20)
    ocr_backoff_seconds: float = Field(default=1.0, ge=0)
    ocr_timeout_seconds: float = Field(default=30.0, gt=0)
    ocr_cache_ttl_seconds: int = Field(default=86_400, ge=1)
    ocr_cache_max_entries: int = Field(default=1_000, ge=1)

    @field_validator(
        "secret_key",
        "redis_url",
        "cookie_domain",
        "frontend_url",
        "baidu_ocr_api_key",
        "baidu_ocr_secret_key",
        "webhook_secret",
        "s3_bucket",
        "s3_region",
        "s3_endpoint_url",
        "mail_ca_file",
        "mail_host",
        "mail_port",
        "mail_username",
        "mail_password",
        "mail_access_token",
        "mail_move_to",
        "mail_webhook_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("webhook_retry_schedule", "s3_retry_schedule", "mail_retry_schedule")
    @classmethod
    def _schedule_parses(cls, value: str) -> str:
        parse_schedule(value)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_is_whsec(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            webhook_signing_key(value.get_secret_value())
        return value

    @property
    def webhook_schedule(self) -> list[int]:
        return parse_schedule(self.webhook_retry_schedule)

    @property
    def s3_schedule(self) -> list[int]:
        return parse_schedule(self.s3_retry_schedule)

    @property
    def mail_schedule(self) -> list[int]:
        return parse_schedule(self.mail_retry_schedule)

    @property
    def allowed_webhook_hosts(self) -> frozenset[str]:
        return _host_list(self.webhook_allowed_hosts)

    @property
    def allowed_mail_hosts(self) -> frozenset[str]:
        return _host_list(self.mail_allowed_hosts)

    @model_validator(mode="after")
    def _complete_mail_pipeline(self) -> Settings:
        if not self.mail_host:
            return self
        if not self.mail_username or (self.mail_password is None) == (self.mail_access_token is None):
            raise ValueError("MAIL_HOST needs MAIL_USERNAME and one of MAIL_PASSWORD or MAIL_ACCESS_TOKEN")
        if not self.mail_webhook_url and not self.mail_s3:
            raise ValueError("MAIL_HOST needs somewhere to deliver to: MAIL_WEBHOOK_URL and/or MAIL_S3=true")
        if self.mail_webhook_url and self.webhook_secret is None:
            raise ValueError("MAIL_WEBHOOK_URL needs WEBHOOK_SECRET to sign the webhooks with")
        if self.mail_s3 and not self.enable_s3:
            raise ValueError("MAIL_S3=true needs ENABLE_S3=true and S3_BUCKET")
        if self.mail_mark == "move" and not self.mail_move_to:
            raise ValueError("MAIL_MARK=move needs MAIL_MOVE_TO")
        if self.mail_protocol == "pop3" and self.mail_mark != "delete":
            raise ValueError("POP3 has no flags or folders: a pipeline on POP3 needs MAIL_MARK=delete")
        if self.mail_protocol == "imap" and self.mail_mark == "delete":
            raise ValueError("MAIL_MARK=delete is for POP3; on IMAP use keyword or move")
        return self

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> Settings:
        if self.app_env == "production" and (
            self.secret_key is None or len(self.secret_key.get_secret_value()) < MIN_SECRET_KEY_CHARS
        ):
            raise ValueError(
                f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_CHARS} random characters when "
                "APP_ENV=production (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @model_validator(mode="after")
    def _require_bucket_for_s3(self) -> Settings:
        if self.enable_s3 and not self.s3_bucket:
            raise ValueError("ENABLE_S3=true needs S3_BUCKET")
        return self

    @model_validator(mode="after")
    def _require_keys_for_baidu(self) -> Settings:
        if self.ocr_engine == "baidu" and (self.baidu_ocr_api_key is None or self.baidu_ocr_secret_key is None):
            raise ValueError("OCR_ENGINE=baidu needs BAIDU_OCR_API_KEY and BAIDU_OCR_SECRET_KEY")
        return self

    def signing_key(self) -> str:
        """The key sessions are signed with; a random one (with a warning) when none is set."""
        if self.secret_key is None:
            log.warning(
                "SECRET_KEY is not set: using a random key, so sessions will not survive a restart "
                "or be shared between instances"
            )
            self.secret_key = SecretStr(secrets.token_urlsafe(48))
        return self.secret_key.get_secret_value()


def _host_list(text: str) -> frozenset[str]:
    return frozenset(host.strip().lower() for host in text.split(",") if host.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a bad value becomes a ConfigError naming it."""
    try:
        return Settings()
    except ValidationError as exc:  # named fields and reasons only: an input may be a secret
        reasons = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']).upper() or 'settings'}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)
        )
        raise ConfigError(f"Invalid configuration: {reasons}") from None
