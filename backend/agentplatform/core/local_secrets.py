"""Private keys for the embedded default, made on first start instead of the public ones.

`<data_dir>/secrets.env` (mode 0600) holds a random SECRET_KEY and ENCRYPTION_KEYS; every command
started in development with those unset reads it (and creates it the first time), so `make run`,
`make admin` and a hand-started API or worker agree. A data dir made before this file existed may
hold provider keys encrypted with the development key: that key then stays as the last, decrypt-only
key, and every value written from now on uses the new one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from agentplatform.core.settings import DEV_ENCRYPTION_KEY, Settings

SECRETS_FILENAME = "secrets.env"
_NAMES = ("SECRET_KEY", "ENCRYPTION_KEYS")


def secrets_file(data_dir: Path) -> Path:
    return Path(data_dir).resolve() / SECRETS_FILENAME


def _read(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in _NAMES and value.strip():
            values[name.strip()] = value.strip()
    return values


def _create(path: Path, *, legacy_data: bool) -> dict[str, str]:
    keys = [Fernet.generate_key().decode()]
    if legacy_data:
        keys.append(DEV_ENCRYPTION_KEY)
    values = {"SECRET_KEY": secrets.token_urlsafe(48), "ENCRYPTION_KEYS": ",".join(keys)}
    path.parent.mkdir(parents=True, exist_ok=True)
    body = (
        "# Made by agentplatform on first start; keep it private and back it up with the data.\n"
        "# Losing ENCRYPTION_KEYS makes stored provider keys and Kommo tokens unreadable.\n"
        + "".join(f"{name}={value}\n" for name, value in values.items())
    )
    tmp = path.with_name(f".{SECRETS_FILENAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    try:
        os.link(tmp, path)  # never replaces a file another command made meanwhile
    except FileExistsError:
        return _read(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return values


def local_secrets(data_dir: Path) -> dict[str, str]:
    """The data dir's keys, made (0600) the first time; the file is tightened if it was loosened."""
    path = secrets_file(data_dir)
    if path.exists():
        path.chmod(0o600)
        return _read(path)
    legacy = (Path(data_dir).resolve() / "postgres" / "PG_VERSION").exists()
    return _create(path, legacy_data=legacy)


def needs_local_secrets(settings: Settings) -> bool:
    unset = {"secret_key", "encryption_keys"} - settings.model_fields_set
    return settings.env == "development" and bool(unset)


def adopt_local_secrets(settings: Settings) -> bool:
    """Put the data dir's keys in the environment for what is unset; True if anything changed."""
    if not needs_local_secrets(settings):
        return False
    changed = False
    for name, value in local_secrets(settings.data_dir).items():
        if name.lower() not in settings.model_fields_set:
            os.environ[name] = value
            changed = True
    return changed
