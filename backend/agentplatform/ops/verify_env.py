"""`make verify-env`: is this environment able to run the product?

Each check gives OK, WARN, FAIL or SKIP with a one-line detail; any FAIL makes the command exit 1.
Details never contain a configured secret: every one is passed through `scrub()` with the values of
the secret settings and the passwords of the configured URLs.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from agentplatform.core.db import async_database_url
from agentplatform.core.migrations import current_revisions, head_revisions
from agentplatform.core.redis import WORKER_HEARTBEAT_KEY
from agentplatform.core.settings import DEV_ENCRYPTION_KEY, DEV_SECRET_KEY, Settings

CONNECT_TIMEOUT = 10.0
PROVIDER_TIMEOUT = 10.0
SECRET_ENV_NAMES = (
    "SECRET_KEY",
    "ENCRYPTION_KEYS",
    "OPENAI_API_KEY",
    "OPENROUTER_API_KEY",
    "SENTRY_DSN",
)
URL_ENV_NAMES = ("DATABASE_URL", "REDIS_URL")


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str


# --- secrets never leave -------------------------------------------------------------------------


def _url_password(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def secret_values(settings: Settings | None, extra_urls: Iterable[str | None] = ()) -> list[str]:
    """Every configured secret value, longest first (so a key is replaced before its prefix)."""
    values: list[str] = []
    if settings is not None:
        values.append(settings.secret_key.get_secret_value())
        values.append(settings.encryption_keys.get_secret_value())
        values.extend(settings.encryption_key_list)
        for secret in (settings.openai_api_key, settings.openrouter_api_key, settings.sentry_dsn):
            if secret is not None:
                values.append(secret.get_secret_value())
        extra_urls = [settings.database_url, settings.redis_url, *extra_urls]
    values.extend(p for p in (_url_password(url) for url in extra_urls) if p)
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def scrub(message: str, secrets: Sequence[str]) -> str:
    for value in secrets:
        message = message.replace(value, "***")
    return message


def _error(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{name}: {message}" if message else name


def describe_database_url(url: str) -> str:
    """Where the database is, without the password: `host:port/db` or `unix socket …/db`."""
    try:
        parsed = make_url(async_database_url(url))
    except Exception:
        return "(unparseable URL)"
    host = parsed.host or parsed.query.get("host")
    if isinstance(host, tuple):
        host = host[0] if host else None
    if host and str(host).startswith("/"):
        where = f"unix socket in {host}"
    else:
        where = f"{host or 'localhost'}:{parsed.port or 5432}"
    return f"{where}, database {parsed.database}"


def describe_redis_url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparseable URL)"
    if parts.scheme == "unix":
        return f"unix socket {parts.path}"
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or ''}"


# --- configuration -------------------------------------------------------------------------------


def _validation_messages(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where.upper()}: {message}" if where else message)
    return "; ".join(parts)


def check_settings(load: Callable[[], Settings] = Settings) -> tuple[CheckResult, Settings | None]:
    """Settings load (production refusals are part of loading)."""
    try:
        settings = load()
    except ValidationError as exc:
        return CheckResult("configuration", Status.FAIL, _validation_messages(exc)), None
    except ValueError as exc:
        return CheckResult("configuration", Status.FAIL, str(exc)), None
    dev_defaults = []
    if settings.secret_key.get_secret_value() == DEV_SECRET_KEY:
        dev_defaults.append("SECRET_KEY")
    if DEV_ENCRYPTION_KEY in settings.encryption_key_list:
        dev_defaults.append("ENCRYPTION_KEYS")
    detail = f"ENV={settings.env}"
    if settings.env == "production":
        detail += "; production requirements met"
    elif dev_defaults:
        detail += f"; development defaults for {', '.join(dev_defaults)} (refused in production)"
    storage = []
    if not settings.database_url:
        storage.append("PostgreSQL")
    if not settings.redis_url:
        storage.append("Redis")
    if storage:
        detail += f"; embedded {' and '.join(storage)}"
    return CheckResult("configuration", Status.OK, detail), settings


def check_encryption_keys(settings: Settings) -> CheckResult:
    keys = settings.encryption_key_list
    if not keys:
        return CheckResult("encryption keys", Status.FAIL, "ENCRYPTION_KEYS is empty")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            return CheckResult(
                "encryption keys",
                Status.FAIL,
                f"key #{position} of {len(keys)} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)",
            )
    return CheckResult("encryption keys", Status.OK, f"{len(keys)} valid Fernet key(s)")


# --- storage -------------------------------------------------------------------------------------


async def check_postgres(
    database_url: str, *, pending_migrations_ok: bool = False
) -> list[CheckResult]:
    """Server version, pgvector availability, and the schema revision against the code's."""
    where = describe_database_url(database_url)
    try:
        engine = create_async_engine(
            async_database_url(database_url),
            poolclass=NullPool,
            connect_args={"timeout": CONNECT_TIMEOUT},
        )
    except Exception as exc:
        return [
            CheckResult("postgres", Status.FAIL, f"bad DATABASE_URL: {_error(exc)}"),
            CheckResult("pgvector", Status.SKIP, "PostgreSQL unreachable"),
            CheckResult("migrations", Status.SKIP, "PostgreSQL unreachable"),
        ]
    results: list[CheckResult] = []
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT * 2), engine.connect() as conn:
            version = await conn.scalar(text("SHOW server_version"))
            results.append(CheckResult("postgres", Status.OK, f"PostgreSQL {version} at {where}"))

            row = (
                await conn.execute(
                    text(
                        "SELECT default_version, installed_version "
                        "FROM pg_available_extensions WHERE name = 'vector'"
                    )
                )
            ).first()
            if row is None:
                results.append(
                    CheckResult(
                        "pgvector",
                        Status.FAIL,
                        "the `vector` extension is not available on this server "
                        "(install pgvector, or use the pgvector/pgvector image)",
                    )
                )
            else:
                installed = f", installed {row[1]}" if row[1] else ", not installed yet"
                results.append(CheckResult("pgvector", Status.OK, f"available {row[0]}{installed}"))

            heads = head_revisions()
            current = await current_revisions(conn)
            if current == heads:
                results.append(
                    CheckResult("migrations", Status.OK, f"at head ({', '.join(sorted(heads))})")
                )
            else:
                at = (
                    f"database at {', '.join(sorted(current))}"
                    if current
                    else "no migrations applied yet"
                )
                results.append(
                    CheckResult(
                        "migrations",
                        Status.WARN if pending_migrations_ok else Status.FAIL,
                        f"{at}, code at {', '.join(sorted(heads))}: "
                        + (
                            "`make run` applies them when it starts"
                            if pending_migrations_ok
                            else "run `make migrate`"
                        ),
                    )
                )
    except Exception as exc:
        if not results:
            results.append(
                CheckResult("postgres", Status.FAIL, f"cannot connect to {where}: {_error(exc)}")
            )
        else:
            results.append(CheckResult("postgres queries", Status.FAIL, _error(exc)))
    finally:
        await engine.dispose()
    names = {r.name for r in results}
    for name in ("pgvector", "migrations"):
        if name not in names:
            results.append(CheckResult(name, Status.SKIP, "PostgreSQL unreachable"))
    return results


def parse_heartbeat(raw: bytes | str | None) -> float | None:
    """The worker writes `time.time()` as a string."""
    if raw is None:
        return None
    try:
        return float(raw.decode() if isinstance(raw, bytes) else raw)
    except (ValueError, UnicodeDecodeError):
        return None


async def check_redis(redis_url: str, *, stale_after: float) -> list[CheckResult]:
    from redis.asyncio import Redis

    where = describe_redis_url(redis_url)
    try:
        client: Redis = Redis.from_url(
            redis_url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
        )
    except Exception as exc:
        return [
            CheckResult("redis", Status.FAIL, f"bad REDIS_URL: {_error(exc)}"),
            CheckResult("worker heartbeat", Status.SKIP, "Redis unreachable"),
        ]
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT * 2):
            await client.ping()
            info: dict[str, Any] = await client.info("server")
            results = [
                CheckResult(
                    "redis", Status.OK, f"Redis {info.get('redis_version', '?')} at {where}"
                )
            ]
            beat = parse_heartbeat(await client.get(WORKER_HEARTBEAT_KEY))
    except Exception as exc:
        return [
            CheckResult("redis", Status.FAIL, f"cannot reach Redis at {where}: {_error(exc)}"),
            CheckResult("worker heartbeat", Status.SKIP, "Redis unreachable"),
        ]
    finally:
        await client.aclose()
    if beat is None:
        results.append(
            CheckResult(
                "worker heartbeat",
                Status.WARN,
                "no heartbeat: no worker is running (`make run` or `make worker` starts one)",
            )
        )
    else:
        age = max(0.0, time.time() - beat)
        if age <= stale_after:
            results.append(CheckResult("worker heartbeat", Status.OK, f"{age:.0f}s ago"))
        else:
            results.append(
                CheckResult(
                    "worker heartbeat",
                    Status.WARN,
                    f"last seen {age:.0f}s ago (stale after {stale_after:.0f}s): "
                    "the worker has stopped",
                )
            )
    return results


# --- AI providers --------------------------------------------------------------------------------


async def check_provider(
    name: str, env_name: str, api_key: str | None, base_url: str
) -> CheckResult:
    """List models with the official SDK; any OpenAI-compatible server answers this."""
    check = f"provider {name}"
    if not api_key:
        return CheckResult(check, Status.SKIP, f"{env_name} not set")
    import openai

    host = urlsplit(base_url).hostname or base_url
    client = openai.AsyncOpenAI(
        api_key=api_key, base_url=base_url, timeout=PROVIDER_TIMEOUT, max_retries=0
    )
    try:
        page = await client.models.list()
        models = [model.id for model in page.data]
    except openai.AuthenticationError as exc:
        return CheckResult(check, Status.FAIL, f"{host} rejected {env_name} ({exc.status_code})")
    except openai.PermissionDeniedError as exc:
        return CheckResult(check, Status.FAIL, f"{host} refused to list models ({exc.status_code})")
    except openai.APIStatusError as exc:
        return CheckResult(check, Status.FAIL, f"{host} answered HTTP {exc.status_code}")
    except openai.APITimeoutError:
        return CheckResult(check, Status.FAIL, f"{host} did not answer in {PROVIDER_TIMEOUT:.0f}s")
    except openai.APIConnectionError as exc:
        cause = exc.__cause__ or exc
        return CheckResult(check, Status.FAIL, f"cannot reach {host}: {_error(cause)}")
    except Exception as exc:
        return CheckResult(check, Status.FAIL, f"{host}: {_error(exc)}")
    finally:
        await client.close()
    sample = ", ".join(sorted(models)[:3])
    more = f" (e.g. {sample})" if sample else ""
    return CheckResult(check, Status.OK, f"{host}: {len(models)} models{more}")


# --- all together --------------------------------------------------------------------------------


async def collect(
    settings: Settings,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    pending_migrations_ok: bool = False,
    notes: dict[str, str] | None = None,
) -> list[CheckResult]:
    """Every check after configuration. URLs default to the settings' (the CLI passes embedded
    ones); `notes` adds where a URL came from to the postgres/redis details."""
    database_url = database_url or settings.database_url
    redis_url = redis_url or settings.redis_url
    notes = notes or {}
    results = [check_encryption_keys(settings)]

    async def _missing(name: str, detail: str) -> list[CheckResult]:
        return [CheckResult(name, Status.FAIL, detail)]

    pg: Awaitable[list[CheckResult]] = (
        check_postgres(database_url, pending_migrations_ok=pending_migrations_ok)
        if database_url
        else _missing("postgres", "no DATABASE_URL and no embedded server")
    )
    rd: Awaitable[list[CheckResult]] = (
        check_redis(redis_url, stale_after=settings.worker_heartbeat_stale_seconds)
        if redis_url
        else _missing("redis", "no REDIS_URL and no embedded server")
    )
    providers = [
        check_provider(
            "openai",
            "OPENAI_API_KEY",
            settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
            settings.openai_base_url,
        ),
        check_provider(
            "openrouter",
            "OPENROUTER_API_KEY",
            settings.openrouter_api_key.get_secret_value() if settings.openrouter_api_key else None,
            settings.openrouter_base_url,
        ),
    ]
    pg_results, redis_results, provider_results = await asyncio.gather(
        pg, rd, asyncio.gather(*providers)
    )
    for result in [*pg_results, *redis_results]:
        note = notes.get(result.name)
        results.append(
            CheckResult(result.name, result.status, f"{result.detail} ({note})")
            if note and result.status is Status.OK
            else result
        )
    results.extend(provider_results)
    secrets = secret_values(settings, [database_url, redis_url])
    return [CheckResult(r.name, r.status, scrub(r.detail, secrets)) for r in results]


def verify(
    load: Callable[[], Settings] = Settings,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    pending_migrations_ok: bool = False,
    notes: dict[str, str] | None = None,
) -> list[CheckResult]:
    """All checks, synchronously (the CLI resolves embedded URLs and passes them)."""
    config, settings = check_settings(load)
    if settings is None:
        # Nothing loaded to tell secrets apart: scrub whatever the environment holds for them.
        env_secrets = [os.environ.get(name, "") for name in SECRET_ENV_NAMES]
        env_secrets += [p for p in (_url_password(os.environ.get(n)) for n in URL_ENV_NAMES) if p]
        secrets = sorted({v for v in env_secrets if len(v) >= 4}, key=len, reverse=True)
        return [CheckResult(config.name, config.status, scrub(config.detail, secrets))]
    rest = asyncio.run(
        collect(
            settings,
            database_url=database_url,
            redis_url=redis_url,
            pending_migrations_ok=pending_migrations_ok,
            notes=notes,
        )
    )
    return [config, *rest]


def exit_code(results: Iterable[CheckResult]) -> int:
    return 1 if any(r.status is Status.FAIL for r in results) else 0


def render_table(
    results: Sequence[CheckResult], *, color: Callable[[str, Status], str] | None = None
) -> str:
    """A plain-text table; `color` may decorate the status cell (the CLI adds ANSI colours)."""
    headers = ("CHECK", "STATUS", "DETAIL")
    name_width = max([len(headers[0]), *(len(r.name) for r in results)])
    status_width = max(len(headers[1]), *(len(s.value) for s in Status))
    lines = [f"{headers[0]:<{name_width}}  {headers[1]:<{status_width}}  {headers[2]}"]
    lines.append(f"{'-' * name_width}  {'-' * status_width}  {'-' * 6}")
    for result in results:
        status = f"{result.status.value:<{status_width}}"
        if color is not None:
            status = color(status, result.status)
        lines.append(f"{result.name:<{name_width}}  {status}  {result.detail}")
    return "\n".join(lines)


def summary(results: Sequence[CheckResult]) -> str:
    counts = {status: sum(1 for r in results if r.status is status) for status in Status}
    parts = [f"{counts[s]} {s.value}" for s in Status if counts[s]]
    verdict = "FAILED" if counts[Status.FAIL] else "ready"
    return f"{verdict}: {', '.join(parts)}"
