"""The built SPA served by the API: history fallback, caching, and the precompressed copies.

In-process (no database needed): an app is built around a small fake `dist/` shaped like Vite's
output, with the `.br` and `.gz` copies the frontend build writes (the `.br` here holds marked
bytes rather than brotli: what matters is which file is sent, and how it is labelled).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from agentplatform.core.settings import Settings
from agentplatform.core.spa import accepted_encodings, choose_encoding
from httpx import ASGITransport, AsyncClient

INDEX = "<!doctype html><title>Agents</title><div id=root></div>" + "<!-- padding -->" * 40
SCRIPT = "console.log('spa');" * 100


@pytest.fixture
def spa_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1a2b3c.js").write_text(SCRIPT)
    (dist / "assets" / "tiny-9f8e7d.css").write_text("a{}")  # too small to have copies
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / ".env").write_text("hidden")
    (tmp_path / "secret.txt").write_text("outside the build")
    for path in (dist / "index.html", dist / "assets" / "app-1a2b3c.js"):
        body = path.read_bytes()
        Path(f"{path}.br").write_bytes(_fake_brotli(body))
        Path(f"{path}.gz").write_bytes(gzip.compress(body))
    return dist


def _fake_brotli(body: bytes) -> bytes:
    return b"BROTLI:" + body[::-1]


DECODE = {
    None: bytes,
    "br": lambda raw: raw.removeprefix(b"BROTLI:")[::-1],
    "gzip": gzip.decompress,
}


def _app_with_spa(static_dir: Path) -> object:
    from agentplatform.main import create_app

    settings = Settings(env="test", static_dir=static_dir, log_json=False)
    return create_app(settings, manage_resources=False)


class _Sent:
    """A response with its body exactly as sent (httpx would decode a Content-Encoding)."""

    def __init__(self, response: httpx.Response, raw: bytes) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.raw = raw
        self.text = raw.decode(errors="replace")

    def json(self) -> dict[str, object]:
        body: dict[str, object] = httpx.Response(200, content=self.raw).json()
        return body


async def _get(
    app: object, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> _Sent:
    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        # httpx asks for gzip by itself unless told otherwise.
        request = http.build_request(
            method, path, headers={"Accept-Encoding": "identity", **(headers or {})}
        )
        response = await http.send(request, stream=True)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return _Sent(response, raw)


async def test_spa_served_with_history_fallback(spa_dir: Path) -> None:
    app = _app_with_spa(spa_dir)

    for path in ("/", "/manage/123/ai-agents", "/settings/workspace"):
        page = await _get(app, path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert "<div id=root>" in page.text
        assert page.headers["cache-control"] == "no-cache"

    asset = await _get(app, "/assets/app-1a2b3c.js")
    assert asset.status_code == 200
    assert asset.text == SCRIPT
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"

    icon = await _get(app, "/favicon.svg")
    assert icon.status_code == 200
    assert icon.text == "<svg/>"
    assert icon.headers["cache-control"] == "no-cache"

    # Nothing outside the build directory, and no dotfile in it, is reachable.
    for path in ("/%2e%2e/secret.txt", "/.env"):
        escape = await _get(app, path)
        assert "outside the build" not in escape.text
        assert "hidden" not in escape.text
        assert "<div id=root>" in escape.text  # the fallback, as for any unknown page


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("br", "br"),
        ("gzip, deflate, br, zstd", "br"),  # what Chrome sends
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("identity", None),
        ("deflate", None),
        ("br;q=0, gzip;q=0", None),
    ],
)
async def test_precompressed_copy_sent_when_accepted(
    spa_dir: Path, accept: str, encoding: str | None
) -> None:
    app = _app_with_spa(spa_dir)
    for path, body, cache in (
        ("/assets/app-1a2b3c.js", SCRIPT, "public, max-age=31536000, immutable"),
        ("/", INDEX, "no-cache"),
        ("/manage/123/dashboard", INDEX, "no-cache"),
    ):
        response = await _get(app, path, {"Accept-Encoding": accept})
        assert response.status_code == 200, path
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers["cache-control"] == cache
        assert response.headers.get("content-encoding") == encoding, path
        # The type is the file's, not that of a .br or .gz file.
        expected_type = "text/html" if body is INDEX else "text/javascript"
        assert response.headers["content-type"].startswith(expected_type)
        assert int(response.headers["content-length"]) == len(response.raw)
        assert DECODE[encoding](response.raw).decode() == body


async def test_file_without_copies_is_sent_as_is(spa_dir: Path) -> None:
    response = await _get(
        _app_with_spa(spa_dir), "/assets/tiny-9f8e7d.css", {"Accept-Encoding": "br, gzip"}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers
    assert response.raw == b"a{}"


@pytest.mark.parametrize(
    "path", ["/assets/app-1a2b3c.js.br", "/assets/app-1a2b3c.js.gz", "/assets/missing.js"]
)
async def test_copies_are_not_served_under_their_own_names(spa_dir: Path, path: str) -> None:
    response = await _get(_app_with_spa(spa_dir), path, {"Accept-Encoding": "br"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_index_copies_are_not_served_under_their_own_names(spa_dir: Path) -> None:
    response = await _get(_app_with_spa(spa_dir), "/index.html.br")
    # Not the brotli bytes labelled as HTML: the page itself, as for any unknown path.
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.text == INDEX


async def test_revalidation_answers_304_per_encoding(spa_dir: Path) -> None:
    app = _app_with_spa(spa_dir)
    for path in ("/", "/assets/app-1a2b3c.js"):
        first = await _get(app, path, {"Accept-Encoding": "br"})
        plain = await _get(app, path)
        assert first.headers["etag"] != plain.headers["etag"]  # each encoding has its own

        again = await _get(
            app, path, {"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.headers["vary"] == "Accept-Encoding"
        assert again.headers["etag"] == first.headers["etag"]
        assert again.raw == b""


async def test_head_has_the_headers_and_no_body(spa_dir: Path) -> None:
    response = await _get(
        _app_with_spa(spa_dir), "/assets/app-1a2b3c.js", {"Accept-Encoding": "gzip"}, "HEAD"
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.raw == b""


def test_accept_encoding_parsing() -> None:
    assert accepted_encodings("gzip;q=0.8, BR , *;q=0.1, x;q=bad, ,") == {
        "gzip": 0.8,
        "br": 1.0,
        "*": 0.1,
        "x": 0.0,
    }
    assert choose_encoding(None, ["br", "gzip"]) is None
    assert choose_encoding("br", []) is None
    assert choose_encoding("gzip;q=0.5, br;q=0.5", ["br", "gzip"]) == "br"


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/nope", "/assets/missing.js", "/docs/nope", "/healthz/x"]
)
async def test_spa_never_answers_api_paths(spa_dir: Path, path: str) -> None:
    response = await _get(_app_with_spa(spa_dir), path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


async def test_api_docs_and_health_still_work_with_spa(spa_dir: Path) -> None:
    app = _app_with_spa(spa_dir)
    assert (await _get(app, "/healthz")).json() == {"status": "ok"}
    docs = await _get(app, "/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


async def test_no_spa_without_a_build(tmp_path: Path) -> None:
    app = _app_with_spa(tmp_path / "missing")
    response = await _get(app, "/agents/123")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
