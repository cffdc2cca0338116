"""One settings class for the API, the worker and the CLI.

Every field is read from the environment (upper-case name) or from a file named by `<NAME>_FILE`
(Docker and Kubernetes secrets). Defaults are safe for development and refused in production.
"""

from __future__ import annotations

import ipaddress
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused outside development
# A valid Fernet key that is public on purpose: it only ever protects development data.
DEV_ENCRYPTION_KEY = "ZGV2LWluc2VjdXJlLWVuY3J5cHRpb24ta2V5LTMyYis="

Environment = Literal["development", "test", "production"]


class FileSecretsSource(PydanticBaseSettingsSource):
    """Reads `<NAME>_FILE` variables: the value is the content of the named file, stripped."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        path = os.environ.get(f"{field_name.upper()}_FILE")
        if not path:
            return None, field_name, False
        try:
            content = Path(path).read_text().strip()
            # An empty secret file means "not configured", the same as an unset variable.
            return (content or None), field_name, False
        except OSError as exc:
            raise ValueError(
                f"{field_name.upper()}_FILE={path}: cannot read ({exc.strerror})"
            ) from exc

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                values[key] = value
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", validate_default=True)

    # --- runtime -------------------------------------------------------------------------
    env: Environment = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    public_url: str | None = None
    data_dir: Path = Path(".data")
    static_dir: Path = Path("frontend/dist")

    # --- storage -------------------------------------------------------------------------
    database_url: str | None = None
    redis_url: str | None = None
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_recycle_seconds: int = Field(default=1800, ge=1)
    # Every Redis call (connect, each read) gives up after this; rate limits and caches, which
    # carry on without Redis, wait at most the shorter budget.
    redis_timeout_seconds: float = Field(default=2.0, gt=0, le=60)
    redis_fast_timeout_seconds: float = Field(default=0.5, gt=0, le=10)
    # /readyz answers within this, reporting whatever did not answer in time as down.
    readyz_timeout_seconds: float = Field(default=2.0, gt=0, le=30)

    # --- security ------------------------------------------------------------------------
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    encryption_keys: SecretStr = SecretStr(DEV_ENCRYPTION_KEY)
    session_cookie_name: str = "ap_session"
    # How long a process may reuse a resolved grant (session or key, membership, scopes) while
    # its invalidation epochs in Redis are unchanged; 0 resolves every request from the database.
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    cookie_secure: bool | None = None
    trusted_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Addresses or networks of the reverse proxies whose X-Forwarded-* headers are believed
    # ("*": whoever can reach the API, for a port only the proxy can reach).
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024)
    invitation_ttl_hours: int = Field(default=24 * 7, ge=1)

    # --- rate limits (the `limits` notation: "10/minute", "5 per 30 seconds") -------------
    rate_limit_login: str = "10/minute"
    rate_limit_api_key: str = "600/minute"
    rate_limit_public: str = "60/minute"

    # --- observability -------------------------------------------------------------------
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    sentry_dsn: SecretStr | None = None
    sentry_traces_sample_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # --- worker --------------------------------------------------------------------------
    worker_metrics_port: int = Field(default=9100, ge=0, le=65535)
    worker_max_jobs: int = Field(default=10, ge=1)
    worker_heartbeat_seconds: int = Field(default=10, ge=1)
    worker_heartbeat_stale_seconds: int = Field(default=60, ge=5)
    # Work kept as rows (indexing, graph extraction, re-embedding, ...): see `core.work`.
    work_stale_seconds: int = Field(default=300, ge=5)
    # How often the sweep of stale work runs (a divisor of 60, or 60 for once a minute).
    work_sweep_seconds: int = Field(default=60, ge=1, le=60)
    work_max_attempts: int = Field(default=5, ge=1)

    # --- AI providers (environment defaults; tenants may override) ------------------------
    openai_api_key: SecretStr | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openrouter_api_key: SecretStr | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    default_chat_model: str = "gpt-4o-mini"
    default_embedding_provider: Literal["local", "openai", "openrouter"] = "local"
    default_embedding_model: str = "local/all-MiniLM-L6-v2"
    local_embedding_model_path: Path | None = None
    llm_timeout_seconds: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=3, ge=0, le=10)
    ai_models_cache_seconds: int = Field(default=300, ge=0)

    # --- chat ----------------------------------------------------------------------------
    # Tokens of context an agent turn may send (instructions, knowledge, history, the message);
    # the agent's max_output_tokens come out of it.
    chat_context_tokens: int = Field(default=8_000, ge=512, le=1_000_000)
    # Rounds of tool calls a turn may make before the model must answer without tools.
    chat_max_tool_steps: int = Field(default=4, ge=0, le=20)

    # --- Kommo --------------------------------------------------------------------------
    # The public integration's identity (Kommo's integration settings); without them only
    # long-lived tokens of private integrations can connect.
    kommo_client_id: str | None = None
    kommo_client_secret: SecretStr | None = None
    # Kommo's consent page (amoCRM RU: https://www.amocrm.ru/oauth; the simulator serves one).
    kommo_oauth_url: str = "https://www.kommo.com/oauth"
    # Hosts an account may live on (a suffix match: acme.kommo.com is on kommo.com).
    kommo_account_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["kommo.com", "amocrm.com", "amocrm.ru"]
    )
    # Development only: loopback accounts (the Kommo simulator) may connect too.
    kommo_allow_loopback: bool = False
    # `make run` also starts the Kommo simulator and points the integration at it (offline).
    kommo_simulator: bool = False
    kommo_simulator_port: int = Field(default=8766, ge=1, le=65535)
    # The Chats API channel the integration owns (Kommo hands these out per channel).
    kommo_chats_channel_id: str | None = None
    kommo_chats_channel_secret: SecretStr | None = None
    kommo_chats_base_url: str = "https://amojo.kommo.com"
    # A customer's messages arriving within this many seconds of each other get one answer.
    kommo_reply_quiet_seconds: float = Field(default=2.0, ge=0, le=60)
    # The channel's bot (issued with the channel): the `sender.ref_id` of the agent's replies.
    kommo_chats_bot_id: str | None = None

    # --- Slack ----------------------------------------------------------------------------
    # Where the bot-token kind posts (`chat.postMessage`); a test points it at a local Slack.
    slack_api_base_url: str = "https://slack.com/api"
    # Development and tests only: incoming-webhook URLs on loopback are accepted too (else only
    # https://hooks.slack.com/...).
    slack_allow_loopback: bool = False

    # --- knowledge -----------------------------------------------------------------------
    storage_dir: Path | None = None
    max_upload_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    url_fetch_timeout_seconds: float = Field(default=20.0, gt=0)
    url_fetch_allow_private: bool = False
    knowledge_url_refresh_seconds: int = Field(default=86_400, ge=0)  # 0: never re-fetch pages
    knowledge_failed_recheck_seconds: int = Field(default=3_600, ge=0)  # 0: never retry failures
    reembed_batch_size: int = Field(default=64, ge=1, le=2048)
    # Each file is parsed in a child process with these limits (see `parsing.sandbox`).
    parse_memory_mb: int = Field(default=1024, ge=64)
    parse_cpu_seconds: int = Field(default=120, ge=1)
    parse_wall_seconds: float = Field(default=180.0, gt=0)
    parse_max_output_mb: int = Field(default=128, ge=1)
    # A document that makes more chunks or tokens is refused with the reason.
    knowledge_max_chunks_per_document: int = Field(default=3_000, ge=1)
    knowledge_max_tokens_per_document: int = Field(default=750_000, ge=1)
    # Documents a workspace may have waiting for or in indexing; more uploads wait (429).
    knowledge_max_queued_per_tenant: int = Field(default=500, ge=1)
    # Embed each chunk under a `Title > Section` header (the full-text leg weights the title
    # either way). Off: with the local English model it cost 6 points of vector recall@5 on the
    # retrieval eval (bench/results/retrieval-languages.md); a multilingual or provider model may
    # gain from it. Changing it applies to what is embedded next: re-embed to apply it to all.
    knowledge_title_in_vectors: bool = False

    # --- feature flags: defaults for every tenant, e.g. FEATURE_FLAGS='{"api_keys": false}' --
    feature_flags: dict[str, bool] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        assert isinstance(env_settings, EnvSettingsSource)
        return (init_settings, env_settings, FileSecretsSource(settings_cls), dotenv_settings)

    @field_validator("trusted_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [item.strip().rstrip("/") for item in value.split(",") if item.strip()]
        return value

    @field_validator("kommo_account_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip().lower().strip(".") for item in value.split(",") if item.strip()]
        return value

    @field_validator("forwarded_allow_ips", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _known_proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            if item != "*":
                ipaddress.ip_network(item, strict=False)  # ValueError names the entry
        return value

    @field_validator("work_sweep_seconds")
    @classmethod
    def _divides_a_minute(cls, value: int) -> int:
        if 60 % value:
            raise ValueError("must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        if self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            problems.append("SECRET_KEY must be set in production")
        elif len(self.secret_key.get_secret_value()) < 32:
            problems.append("SECRET_KEY must be at least 32 characters")
        if DEV_ENCRYPTION_KEY in self.encryption_key_list:
            problems.append("ENCRYPTION_KEYS must not contain the development key in production")
        if not self.database_url:
            problems.append("DATABASE_URL must be set in production (no embedded database)")
        if not self.redis_url:
            problems.append("REDIS_URL must be set in production (no embedded Redis)")
        if self.cookie_secure is False:
            problems.append("COOKIE_SECURE cannot be false in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def encryption_key_list(self) -> list[str]:
        """Newest key first; older keys still decrypt until rows are re-encrypted."""
        return [k.strip() for k in self.encryption_keys.get_secret_value().split(",") if k.strip()]

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else self.env == "production"

    @property
    def storage_path(self) -> Path:
        """Where originals are kept (local directory backend)."""
        return self.storage_dir or self.data_dir / "storage"

    @property
    def is_embedded(self) -> bool:
        return not self.database_url or not self.redis_url


@lru_cache
def get_settings() -> Settings:
    return Settings()
