"""The `agentplatform` command: `run` (everything, for `make run`), `api`, `worker`, `migrate`,
`admin`, `verify-env` and `kommo-simulator`. Thin: the work is in `runner`, `ops.verify_env` and
the domain code."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Annotated, NoReturn

import typer
from pydantic import ValidationError

from agentplatform.core.settings import Settings

app = typer.Typer(
    name="agentplatform",
    help="GPT Agent Platform: multi-tenant AI agents that work Kommo CRM leads.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _fail(message: str, code: int = 1) -> NoReturn:
    _err(f"error: {message}")
    raise typer.Exit(code)


def _validation_messages(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def _load_settings() -> Settings:
    from agentplatform.core.local_secrets import adopt_local_secrets

    try:
        settings = Settings()
        if adopt_local_secrets(settings):
            settings = Settings()
        return settings
    except ValidationError as exc:
        _fail(f"invalid configuration: {_validation_messages(exc)}", code=2)
    except ValueError as exc:
        _fail(f"invalid configuration: {exc}", code=2)
    except OSError as exc:
        _fail(f"cannot keep the local keys under DATA_DIR: {exc}", code=2)


def _adopt_running_services(settings: Settings) -> Settings:
    """`api` / `worker` started by hand next to a running `make run`: use its embedded servers."""
    if not settings.is_embedded:
        return settings
    from agentplatform.runtime import read_runtime

    runtime = read_runtime(settings.data_dir)
    if runtime is not None:
        if not settings.database_url and runtime.database_url:
            os.environ["DATABASE_URL"] = runtime.database_url
        if not settings.redis_url and runtime.redis_url:
            os.environ["REDIS_URL"] = runtime.redis_url
        settings = _load_settings()
    if settings.is_embedded:
        _fail(
            "DATABASE_URL and REDIS_URL must be set for this command; "
            "`agentplatform run` (make run) starts embedded ones when they are unset",
            code=2,
        )
    return settings


@app.command()
def run() -> None:
    """Run everything (embedded PostgreSQL/Redis unless URLs are set, migrations, API, worker)."""
    from agentplatform.runner import run_supervisor

    settings = _load_settings()
    raise typer.Exit(run_supervisor(settings))


@app.command()
def api() -> None:
    """Run the API server (uvicorn, one process) on HOST:PORT; needs DATABASE_URL and REDIS_URL.

    One process on purpose (see `runner`): scale out with more processes or replicas."""
    settings = _adopt_running_services(_load_settings())
    serve("agentplatform.main:build_app", settings, factory=True)


def serve(target: str, settings: Settings, *, factory: bool) -> None:
    """Uvicorn as `api` runs it (the API benchmark serves its bare baseline app with this too)."""
    import uvicorn

    uvicorn.run(
        target,
        factory=factory,
        host=settings.host,
        port=settings.port,
        log_config=None,
        # One access line per request, ours (`core.middleware`: request id, duration, route
        # status, JSON); uvicorn's would repeat it with less in it.
        access_log=False,
        server_header=False,
        proxy_headers=False,  # FORWARDED_ALLOW_IPS is applied by the app (core.forwarded)
    )


@app.command()
def worker() -> None:
    """Run the background worker (arq); needs DATABASE_URL and REDIS_URL."""
    _adopt_running_services(_load_settings())
    from worker.main import run_worker

    run_worker()


@app.command()
def migrate() -> None:
    """Apply database migrations to DATABASE_URL (or to the embedded PostgreSQL)."""
    from agentplatform.core.migrations import head_revisions, upgrade_head
    from agentplatform.ops.verify_env import describe_database_url
    from agentplatform.runtime import command_services

    settings = _load_settings()
    try:
        with command_services(settings, echo=_err) as services:
            where = describe_database_url(services.database_url)
            typer.echo(f"Applying migrations to {where} ({services.database_source}) ...")
            upgrade_head(services.database_url)
    except Exception as exc:
        _fail(f"migrations failed: {type(exc).__name__}: {exc}")
    typer.echo(f"Database schema at head: {', '.join(sorted(head_revisions()))}")


async def _create_admin(database_url: str, *, email: str, password: str, tenant: str) -> object:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from agentplatform.core.db import async_database_url, create_sessionmaker
    from agentplatform.core.migrations import current_revisions, head_revisions
    from agentplatform.tenancy.bootstrap import create_admin

    engine = create_async_engine(async_database_url(database_url), poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            if await current_revisions(conn) != head_revisions():
                raise _NotMigratedError
        async with create_sessionmaker(engine)() as session:
            result = await create_admin(session, email=email, password=password, tenant_name=tenant)
            await session.commit()
        return result
    finally:
        await engine.dispose()


class _NotMigratedError(Exception):
    pass


@app.command()
def admin(
    email: Annotated[str, typer.Option("--email", help="The admin's email (the login).")],
    password: Annotated[str, typer.Option("--password", help="At least 8 characters.")],
    tenant: Annotated[str, typer.Option("--tenant", help="Name of the tenant the user owns.")],
) -> None:
    """Create (idempotently) a user who owns a tenant; re-running resets the password."""
    from agentplatform.core.errors import ProblemError
    from agentplatform.core.migrations import upgrade_head
    from agentplatform.runner import base_url
    from agentplatform.runtime import command_services
    from agentplatform.tenancy.bootstrap import AdminResult, validate_admin_input

    try:
        email, password, tenant = validate_admin_input(email, password, tenant)
    except ValidationError as exc:
        _fail(_validation_messages(exc).replace("tenant:", "tenant name:"), code=2)

    settings = _load_settings()
    try:
        with command_services(settings, echo=_err) as services:
            if services.started_postgres:
                upgrade_head(services.database_url)
            result = asyncio.run(
                _create_admin(services.database_url, email=email, password=password, tenant=tenant)
            )
            login_url = services.api_url or base_url(settings.host, settings.port)
    except _NotMigratedError:
        _fail("the database schema is not up to date: run `make migrate` first")
    except ValidationError as exc:
        _fail(_validation_messages(exc), code=2)
    except ProblemError as exc:
        _fail(exc.detail or exc.title)
    except Exception as exc:
        _fail(f"could not create the admin: {type(exc).__name__}: {exc}")

    assert isinstance(result, AdminResult)
    if result.created_user:
        typer.echo(f"Created user {email}.")
    elif result.password_changed:
        typer.echo(f"User {email} already existed; its password was updated.")
    else:
        typer.echo(f"User {email} already existed; nothing to change.")
    if result.created_tenant:
        typer.echo(f"Created tenant {tenant!r}, owned by {email}.")
    else:
        typer.echo(f"Tenant {tenant!r} already existed, owned by {email}.")
    typer.echo(f"Log in at {login_url} (user {result.user_id}, tenant {result.tenant_id}).")


_STATUS_COLOURS = {"OK": "green", "WARN": "yellow", "FAIL": "red", "SKIP": "bright_black"}


@app.command("verify-env")
def verify_env() -> None:
    """Check configuration, PostgreSQL, Redis, worker and AI providers; exit 1 on any FAIL."""
    from agentplatform.ops.verify_env import (
        CheckResult,
        Status,
        check_settings,
        exit_code,
        render_table,
        summary,
        verify,
    )
    from agentplatform.runtime import command_services

    config, settings = check_settings(Settings)
    results: list[CheckResult]
    if settings is None:
        results = verify(Settings)
    else:
        loaded = settings
        try:
            with command_services(settings, need_redis=True, echo=_err) as services:
                notes = {}
                if services.database_source != "DATABASE_URL":
                    notes["postgres"] = services.database_source
                if services.redis_source and services.redis_source != "REDIS_URL":
                    notes["redis"] = services.redis_source
                results = verify(
                    lambda: loaded,
                    database_url=services.database_url,
                    redis_url=services.redis_url,
                    pending_migrations_ok=services.started_postgres,
                    notes=notes,
                )
        except Exception as exc:
            results = [
                config,
                CheckResult(
                    "embedded services",
                    Status.FAIL,
                    f"could not start embedded PostgreSQL/Redis: {type(exc).__name__}: {exc}",
                ),
            ]

    def colour(cell: str, status: Status) -> str:
        return typer.style(cell, fg=_STATUS_COLOURS[status.value], bold=status is Status.FAIL)

    typer.echo(render_table(results, color=colour))
    typer.echo("")
    typer.echo(summary(results))
    raise typer.Exit(exit_code(results))


@app.command("kommo-simulator")
def kommo_simulator(
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: a free one).")] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback).")] = "127.0.0.1",
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="The integration's client id.")
    ] = None,
    client_secret: Annotated[
        str | None, typer.Option("--client-secret", help="The integration's secret.")
    ] = None,
    redirect_uri: Annotated[
        str | None, typer.Option("--redirect-uri", help="Where consent redirects.")
    ] = None,
    revoke_hook_url: Annotated[
        str | None, typer.Option("--revoke-hook-url", help="Called when access is revoked.")
    ] = None,
    chats_channel_id: Annotated[
        str | None, typer.Option("--chats-channel-id", help="A Chats API channel to register.")
    ] = None,
    chats_channel_secret: Annotated[str | None, typer.Option("--chats-channel-secret")] = None,
    chats_webhook_url: Annotated[
        str | None, typer.Option("--chats-webhook-url", help="Where the channel's hooks go.")
    ] = None,
    chats_bot_id: Annotated[
        str | None, typer.Option("--chats-bot-id", help="The channel's bot (sender.ref_id).")
    ] = None,
) -> None:
    """Serve a fake Kommo account (OAuth, REST, webhooks, Chats API) for offline use and tests.

    Prints one JSON line `{"base_url", "account_id", "subdomain", "token"}` once it listens."""
    import json

    from agentplatform.kommo.simulator import KommoSimulator

    simulator = KommoSimulator()
    simulator.configure(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=redirect_uri,
        revoke_hook_url=revoke_hook_url,
    )
    if chats_channel_id and chats_channel_secret:
        channel = simulator.chats.register(
            chats_channel_id, chats_channel_secret, chats_webhook_url
        )
        if chats_bot_id:
            channel.bot_id = chats_bot_id
    try:
        sock = simulator.bind(port, host)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc}")
    typer.echo(json.dumps(simulator.describe()))
    sys.stdout.flush()
    simulator.serve_forever(sock)


def main() -> None:  # pragma: no cover - `python -m agentplatform.cli`
    app(prog_name="agentplatform")


if __name__ == "__main__":  # pragma: no cover
    main()
