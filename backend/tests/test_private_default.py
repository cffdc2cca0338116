"""The embedded default keeps to its owner: random keys on first start, a socket only it can use."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from agentplatform.core.local_secrets import adopt_local_secrets, local_secrets, secrets_file
from agentplatform.core.security import SecretBox
from agentplatform.core.settings import DEV_ENCRYPTION_KEY, DEV_SECRET_KEY, Settings

from tests.conftest import Services


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_start_makes_private_random_keys(tmp_path: Path) -> None:
    first = local_secrets(tmp_path / "a")
    assert _mode(secrets_file(tmp_path / "a")) == 0o600
    assert first["SECRET_KEY"] != DEV_SECRET_KEY
    assert len(first["SECRET_KEY"]) >= 32
    assert first["ENCRYPTION_KEYS"] != DEV_ENCRYPTION_KEY
    assert DEV_ENCRYPTION_KEY not in first["ENCRYPTION_KEYS"]
    SecretBox(first["ENCRYPTION_KEYS"].split(","))  # valid Fernet keys

    assert local_secrets(tmp_path / "a") == first  # kept across restarts
    assert local_secrets(tmp_path / "b") != first  # not a constant


def test_a_loosened_file_is_tightened(tmp_path: Path) -> None:
    keys = local_secrets(tmp_path)
    secrets_file(tmp_path).chmod(0o644)
    assert local_secrets(tmp_path) == keys
    assert _mode(secrets_file(tmp_path)) == 0o600


def test_an_older_data_dir_keeps_reading_what_the_development_key_encrypted(
    tmp_path: Path,
) -> None:
    (tmp_path / "postgres").mkdir()
    (tmp_path / "postgres" / "PG_VERSION").write_text("17\n")
    keys = local_secrets(tmp_path)["ENCRYPTION_KEYS"].split(",")
    assert keys[-1] == DEV_ENCRYPTION_KEY
    assert keys[0] != DEV_ENCRYPTION_KEY
    old = SecretBox([DEV_ENCRYPTION_KEY]).encrypt("sk-old")
    assert SecretBox(keys).decrypt(old) == "sk-old"


def test_only_unset_keys_are_adopted_and_only_in_development(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS"):  # restored as they were after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    given = Settings(env="development", data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert adopt_local_secrets(given)
    assert os.environ["SECRET_KEY"] == "x" * 40
    assert os.environ["ENCRYPTION_KEYS"] == local_secrets(tmp_path)["ENCRYPTION_KEYS"]

    monkeypatch.delenv("ENCRYPTION_KEYS")
    elsewhere = tmp_path / "test"
    assert not adopt_local_secrets(Settings(env="test", data_dir=elsewhere, _env_file=None))  # type: ignore[call-arg]
    assert not secrets_file(elsewhere).exists()


def test_commands_agree_on_the_keys(tmp_path: Path) -> None:
    """What `make admin` or a hand-started API would load: the same file, not the public keys."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ENCRYPTION_KEYS"}}
    env.update(ENV="development", DATA_DIR=str(tmp_path))
    script = (
        "from agentplatform.cli import _load_settings; s = _load_settings(); "
        "print(s.encryption_keys.get_secret_value())"
    )
    seen = {
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert seen == {local_secrets(tmp_path)["ENCRYPTION_KEYS"]}


def test_the_embedded_postgres_socket_is_private(services: Services) -> None:
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the suite runs against an external PostgreSQL")
    socket_dir = Path(parse_qs(urlsplit(services.admin_dsn).query)["host"][0])
    assert _mode(socket_dir) == 0o700
    sockets = list(socket_dir.glob(".s.PGSQL.*[0-9]"))
    assert sockets, list(socket_dir.iterdir())
    assert all(_mode(sock) & 0o077 == 0 for sock in sockets)
