from __future__ import annotations

from pathlib import Path

import pytest
from agentplatform.core.security import SecretBox
from agentplatform.core.settings import DEV_ENCRYPTION_KEY, Settings
from pydantic import ValidationError

PROD_KEY = "x" * 40


def test_secrets_are_read_from_file_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(PROD_KEY + "\n")
    empty = tmp_path / "openai"
    empty.write_text("\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(empty))
    settings = Settings()
    assert settings.secret_key.get_secret_value() == PROD_KEY
    assert settings.openai_api_key is None
    assert PROD_KEY not in repr(settings)


def test_unreadable_secret_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY_FILE", "/nonexistent/secret")
    with pytest.raises(ValueError, match="SECRET_KEY_FILE"):
        Settings()


def test_production_refuses_development_defaults() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(env="production")
    message = str(info.value)
    for needed in ("SECRET_KEY", "ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL"):
        assert needed in message


def test_production_accepts_real_configuration() -> None:
    from cryptography.fernet import Fernet

    settings = Settings(
        env="production",
        secret_key=PROD_KEY,
        encryption_keys=Fernet.generate_key().decode(),
        database_url="postgresql://db/app",
        redis_url="redis://redis:6379/0",
    )
    assert settings.secure_cookies is True


def test_trusted_origins_accept_commas_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_ORIGINS", "https://a.example/, https://b.example")
    assert Settings().trusted_origins == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("TRUSTED_ORIGINS", '["https://c.example"]')
    assert Settings().trusted_origins == ["https://c.example"]


def test_secret_box_rotation() -> None:
    from cryptography.fernet import Fernet

    new_key = Fernet.generate_key().decode()
    old_box = SecretBox([DEV_ENCRYPTION_KEY])
    token = old_box.encrypt("sk-live-123")
    assert "sk-live-123" not in token
    rotated_box = SecretBox([new_key, DEV_ENCRYPTION_KEY])
    assert rotated_box.decrypt(token) == "sk-live-123"
    rotated = rotated_box.rotate(token)
    assert SecretBox([new_key]).decrypt(rotated) == "sk-live-123"
    with pytest.raises(ValueError, match="cannot be decrypted"):
        SecretBox([new_key]).decrypt(token)
