"""`make run`: the supervisor that brings up the whole product on one machine.

Unless DATABASE_URL / REDIS_URL are set it starts the embedded PostgreSQL (pgvector) and Redis
under the data dir (unix sockets only, data kept across restarts), applies migrations, then runs
the API and the worker as child processes with the URLs exported to them. A child that dies on its
own is restarted with backoff (`RestartPolicy`), and `/readyz` says so until it is back; only a
child that keeps dying within seconds of starting stops everything, with a non-zero exit. Ctrl-C or
SIGTERM stops the children (SIGTERM, a grace period, then SIGKILL) and then the embedded servers.

How many processes: one API (`agentplatform api`: one uvicorn process, one event loop) and one
worker. One async process serves many concurrent requests (they wait on PostgreSQL and Redis, not
on the CPU), it is what a one-machine install needs, and a single process keeps `/metrics` whole
without `PROMETHEUS_MULTIPROC_DIR`. There is no setting for more: for more cores, run more API
processes or replicas behind a proxy; what they must agree on lives in PostgreSQL and Redis (rate
limits, and the grant-cache epochs that make logout and revocation hold on every process).

While it runs, `<data_dir>/runtime.json` records the embedded servers' URLs (see `runtime.py`)
so that commands run in another terminal reach the same servers.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from agentplatform.core.embedded import EmbeddedPostgres, EmbeddedRedis, start_redis
from agentplatform.core.migrations import upgrade_head
from agentplatform.core.settings import Settings
from agentplatform.runtime import (
    SUPERVISOR_ENV,
    ChildState,
    Echo,
    RuntimeInfo,
    default_echo,
    read_runtime,
    remove_runtime,
    start_embedded_postgres,
    write_runtime,
)

# The Kommo domain's public routes the simulator calls back (kept here: the supervisor imports
# no domain).
KOMMO_CALLBACK_PATH = "/api/v1/integrations/kommo/callback"
KOMMO_REVOKED_PATH = "/api/v1/integrations/kommo/revoked"
KOMMO_CHATS_PATH = "/api/v1/hooks/kommo/chats"
STOP_GRACE_SECONDS = 10.0
API_READY_TIMEOUT = 90.0
_POLL_INTERVAL = 0.2
_PR_SET_PDEATHSIG = 1


# --- the supervisor ------------------------------------------------------------------------------


class SupervisorError(Exception):
    """Startup cannot go on; the message is for the person at the terminal."""


class _Interrupted(BaseException):
    """Ctrl-C / SIGTERM arrived while starting up."""


def display_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def base_url(host: str, port: int) -> str:
    shown = display_host(host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _accepting(host: str, port: int) -> bool:
    try:
        with socket.create_connection((display_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


def _child_setup() -> None:  # pragma: no cover - runs in the forked child
    """Own process group (the terminal's Ctrl-C goes to the supervisor alone, which then stops
    the children in order) and SIGTERM if the supervisor dies without cleaning up."""
    os.setpgid(0, 0)
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class RestartPolicy:
    """When to start a child again after it exited on its own.

    A child that dies within `quick_exit_seconds` of starting is probably failing on start
    (a bad setting, a port taken); after `max_quick_exits` of those in a row restarting is
    pointless and the supervisor gives up. Waits double from `first_delay` up to `max_delay`
    while the exits stay quick, and start again from `first_delay` after a run that lasted.
    """

    quick_exit_seconds: float = 10.0
    max_quick_exits: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0
    quick_exits: int = 0

    def delay_after(self, uptime: float) -> float | None:
        """Seconds to wait before the next start, or None to give up."""
        self.quick_exits = self.quick_exits + 1 if uptime < self.quick_exit_seconds else 0
        if self.quick_exits >= self.max_quick_exits:
            return None
        return float(min(self.max_delay, self.first_delay * 2 ** max(0, self.quick_exits - 1)))


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes]
    started_at: float = field(default_factory=time.monotonic)
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    restarts: int = 0
    last_exit_code: int | None = None
    last_exit_at: float | None = None
    restart_at: float | None = None  # monotonic; set while waiting to start again

    def running(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def state(self) -> ChildState:
        restart_at = None
        if self.restart_at is not None:  # monotonic here, wall-clock for other processes
            restart_at = time.time() + self.restart_at - time.monotonic()
        return ChildState(
            running=restart_at is None,
            restarts=self.restarts,
            last_exit_code=self.last_exit_code,
            last_exit_at=self.last_exit_at,
            restart_at=restart_at,
        )


def child_command(command: str, *args: str) -> list[str]:
    """`agentplatform <command>` with this interpreter (works without the console script)."""
    return [sys.executable, "-m", "agentplatform.cli", command, *args]


def kommo_simulator_child(settings: Settings, api_url: str) -> tuple[list[str], dict[str, str]]:
    """The simulator's command, and what the API and the worker need to use it as Kommo: the
    integration's identity (made up for this run), loopback accounts allowed, the consent page
    and the Chats API on the simulator."""
    sim_url = base_url(settings.host, settings.kommo_simulator_port)
    client_id, client_secret = str(uuid.uuid4()), secrets.token_urlsafe(32)
    channel_id, channel_secret = secrets.token_hex(16), secrets.token_hex(20)
    bot_id = str(uuid.uuid4())
    argv = child_command(
        "kommo-simulator",
        "--host",
        settings.host,
        "--port",
        str(settings.kommo_simulator_port),
        "--client-id",
        client_id,
        "--client-secret",
        client_secret,
        "--redirect-uri",
        f"{api_url}{KOMMO_CALLBACK_PATH}",
        "--revoke-hook-url",
        f"{api_url}{KOMMO_REVOKED_PATH}",
        "--chats-channel-id",
        channel_id,
        "--chats-channel-secret",
        channel_secret,
        "--chats-webhook-url",
        f"{api_url}{KOMMO_CHATS_PATH}",
        "--chats-bot-id",
        bot_id,
    )
    env = {
        "KOMMO_CLIENT_ID": client_id,
        "KOMMO_CLIENT_SECRET": client_secret,
        "KOMMO_ALLOW_LOOPBACK": "true",
        "KOMMO_OAUTH_URL": f"{sim_url}/oauth",
        "KOMMO_CHATS_BASE_URL": sim_url,
        "KOMMO_CHATS_CHANNEL_ID": channel_id,
        "KOMMO_CHATS_CHANNEL_SECRET": channel_secret,
        "KOMMO_CHATS_BOT_ID": bot_id,
    }
    return argv, env


class Supervisor:
    def __init__(self, settings: Settings, *, echo: Echo | None = None) -> None:
        self.settings = settings
        self.echo = echo or default_echo
        self.data_dir = Path(settings.data_dir).resolve()
        self.api_url = base_url(settings.host, settings.port)
        self.children: list[Child] = []
        self.postgres: EmbeddedPostgres | None = None
        self.redis: EmbeddedRedis | None = None
        self._stop_signal: int | None = None
        self._starting = True
        self._previous_handlers: dict[int, Any] = {}

    # -- signals --

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self._stop_signal is None:
            self._stop_signal = signum
            if self._starting:
                raise _Interrupted

    def _install_signals(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._previous_handlers[sig] = signal.signal(sig, self._on_signal)

    def _restore_signals(self) -> None:
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler)

    # -- lifecycle --

    def run(self) -> int:
        """Start everything, wait, stop everything. Returns the process exit code."""
        self._install_signals()
        exit_code = 0
        try:
            try:
                self._start()
                self._starting = False
                if self._stop_signal is None:
                    exit_code = self._watch()
            except _Interrupted:
                self.echo("Interrupted while starting; stopping.")
            except SupervisorError as exc:
                self.echo(f"error: {exc}")
                exit_code = 1
        finally:
            self._starting = False
            self._shutdown()
            self._restore_signals()
        if self._stop_signal is not None and exit_code == 0:
            self.echo("Stopped.")
        return exit_code

    def _start(self) -> None:
        settings = self.settings
        running = read_runtime(self.data_dir)
        if running is not None:
            raise SupervisorError(
                f"already running (pid {running.pid}) at {running.api_url}; "
                "stop it first or use another DATA_DIR"
            )
        if not _port_free(settings.host, settings.port):
            raise SupervisorError(
                f"port {settings.port} on {settings.host} is already in use; "
                "set PORT to another port (e.g. PORT=8001 make run)"
            )
        if settings.worker_metrics_port and not _port_free(
            settings.host, settings.worker_metrics_port
        ):
            raise SupervisorError(
                f"the worker metrics port {settings.worker_metrics_port} is already in use; "
                "set WORKER_METRICS_PORT to another port (0 disables it)"
            )

        database_url = settings.database_url
        redis_url = settings.redis_url
        if not database_url:
            self.echo(f"Starting embedded PostgreSQL (data in {self.data_dir / 'postgres'}) ...")
            try:
                self.postgres = start_embedded_postgres(self.data_dir)
            except _Interrupted:
                raise
            except Exception as exc:
                raise SupervisorError(f"embedded PostgreSQL did not start: {exc}") from exc
            database_url = self.postgres.url()
        if not redis_url:
            self.echo(f"Starting embedded Redis (data in {self.data_dir / 'redis'}) ...")
            try:
                self.redis = start_redis(self.data_dir)
            except _Interrupted:
                raise
            except Exception as exc:
                raise SupervisorError(f"embedded Redis did not start: {exc}") from exc
            redis_url = self.redis.url
        self._runtime = RuntimeInfo(
            pid=os.getpid(),
            api_url=self.api_url,
            database_url=database_url if self.postgres is not None else None,
            redis_url=redis_url if self.redis is not None else None,
        )
        runtime_path = write_runtime(self.data_dir, self._runtime)

        self.echo("Applying database migrations ...")
        try:
            upgrade_head(database_url)
        except _Interrupted:
            raise
        except Exception as exc:
            raise SupervisorError(f"migrations failed: {type(exc).__name__}: {exc}") from exc

        env = dict(os.environ)
        env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, PYTHONUNBUFFERED="1")
        env[SUPERVISOR_ENV] = str(runtime_path)
        if "log_json" not in settings.model_fields_set and sys.stderr.isatty():
            env["LOG_JSON"] = "false"  # a person is reading: readable lines unless told otherwise
        commands = [("API", child_command("api")), ("worker", child_command("worker"))]
        if settings.kommo_simulator:
            if not _port_free(settings.host, settings.kommo_simulator_port):
                raise SupervisorError(
                    f"the Kommo simulator's port {settings.kommo_simulator_port} is in use; "
                    "set KOMMO_SIMULATOR_PORT to another port"
                )
            simulator, kommo_env = kommo_simulator_child(settings, self.api_url)
            env.update(kommo_env)
            commands.insert(0, ("Kommo simulator", simulator))
        self._env = env
        for name, argv in commands:
            self.children.append(Child(name, argv, self._spawn(argv)))
        self._record_children()
        self._wait_for_api()
        self._banner()

    def _spawn(self, argv: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module
            argv,
            env=self._env,
            stdin=subprocess.DEVNULL,
            preexec_fn=_child_setup,  # no threads run in the supervisor
        )

    def _record_children(self) -> None:
        children = {child.name: asdict(child.state()) for child in self.children}
        self._runtime = replace(self._runtime, children=children)
        with contextlib.suppress(OSError):
            write_runtime(self.data_dir, self._runtime)

    def _wait_for_api(self) -> None:
        deadline = time.monotonic() + API_READY_TIMEOUT
        while time.monotonic() < deadline:
            self._tend_children()
            if _accepting(self.settings.host, self.settings.port):
                return
            time.sleep(_POLL_INTERVAL)
        self.echo(f"warning: the API is not answering on {self.api_url} yet; still waiting.")

    def _banner(self) -> None:
        settings = self.settings
        static_dir = Path(settings.static_dir)
        spa = (
            f"{self.api_url}/  (the web app, from {static_dir})"
            if (static_dir / "index.html").is_file()
            else f"not served: {static_dir} has no build (build the frontend to serve it here)"
        )
        postgres = (
            f"embedded, {self.data_dir / 'postgres'} (unix socket, not on the network)"
            if self.postgres is not None
            else "DATABASE_URL"
        )
        redis = (
            f"embedded, {self.data_dir / 'redis'} (unix socket, not on the network)"
            if self.redis is not None
            else "REDIS_URL"
        )
        metrics = (
            f"metrics on :{settings.worker_metrics_port}/metrics"
            if settings.worker_metrics_port
            else "metrics off"
        )
        lines = [
            "",
            "GPT Agent Platform is running",
            f"  API         {self.api_url}",
            f"  API docs    {self.api_url}/docs",
            f"  Web app     {spa}",
            f"  PostgreSQL  {postgres}",
            f"  Redis       {redis}",
            f"  Worker      running ({metrics})",
            *(
                [
                    f"  Kommo       simulator at "
                    f"{base_url(settings.host, settings.kommo_simulator_port)} "
                    "(connect it on the Integrations page; see the README)"
                ]
                if settings.kommo_simulator
                else []
            ),
            "",
            "Create the first admin (in another terminal):",
            "  make admin EMAIL=you@example.com PASSWORD='a long password' TENANT='My company'",
            "Press Ctrl-C to stop.",
            "",
        ]
        self.echo("\n".join(lines))

    def _tend_children(self) -> None:
        """Notice children that exited, and start them again when their wait is over."""
        for child in self.children:
            if self._stop_signal is not None:
                break
            if child.restart_at is not None:
                if time.monotonic() >= child.restart_at:
                    self._restart(child)
                continue
            code = child.process.poll()
            if code is not None:
                self._exited(child, code)
        if self._stop_signal is not None and self._starting:
            raise _Interrupted

    def _exited(self, child: Child, code: int) -> None:
        child.signal_group(signal.SIGKILL)  # what it left behind in its process group
        uptime = time.monotonic() - child.started_at
        child.last_exit_code, child.last_exit_at = code, time.time()
        delay = child.policy.delay_after(uptime)
        if delay is None:
            raise SupervisorError(
                f"the {child.name} exited unexpectedly (exit code {code}), "
                f"{child.policy.quick_exits} times in a row within "
                f"{child.policy.quick_exit_seconds:.0f}s of starting; stopping everything. "
                "Its output above says why."
            )
        child.restart_at = time.monotonic() + delay
        self.echo(
            f"warning: the {child.name} exited unexpectedly (exit code {code}) after "
            f"{uptime:.0f}s; restarting it in {delay:.0f}s."
        )
        self._record_children()

    def _restart(self, child: Child) -> None:
        child.process = self._spawn(child.command)
        child.started_at = time.monotonic()
        child.restart_at = None
        child.restarts += 1
        self.echo(f"Restarted the {child.name} (restart {child.restarts}).")
        self._record_children()

    def _watch(self) -> int:
        while self._stop_signal is None:
            try:
                self._tend_children()
            except SupervisorError as exc:
                self.echo(f"error: {exc}")
                return 1
            time.sleep(_POLL_INTERVAL)
        self.echo(f"{signal.Signals(self._stop_signal).name} received.")
        return 0

    def _shutdown(self) -> None:
        # Further Ctrl-Cs must not interrupt the cleanup half-way.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        self._stop_children()
        if self.redis is not None:
            self.echo("Stopping embedded Redis ...")
            try:
                self.redis.stop()
            except Exception as exc:  # keep stopping the rest
                self.echo(f"warning: embedded Redis did not stop cleanly: {exc}")
            self.redis = None
        if self.postgres is not None:
            self.echo("Stopping embedded PostgreSQL ...")
            try:
                self.postgres.stop()
            except Exception as exc:
                self.echo(f"warning: embedded PostgreSQL did not stop cleanly: {exc}")
            self.postgres = None
        remove_runtime(self.data_dir, os.getpid())

    def _stop_children(self) -> None:
        alive = [child for child in self.children if child.restart_at is None and child.running()]
        if alive:
            self.echo(f"Stopping the {' and the '.join(child.name for child in alive)} ...")
        for child in alive:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while any(child.running() for child in alive) and time.monotonic() < deadline:
            time.sleep(0.1)
        for child in alive:
            if child.running():
                self.echo(
                    f"The {child.name} did not stop in {STOP_GRACE_SECONDS:.0f}s; killing it."
                )
            # Also reaps anything the child left behind in its process group.
            child.signal_group(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(5)
        self.children.clear()


def run_supervisor(settings: Settings, *, echo: Echo | None = None) -> int:
    return Supervisor(settings, echo=echo).run()
