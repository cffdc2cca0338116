"""Fetching a web page for the knowledge base: size and time limits, public addresses only.

Every hop of a redirect is checked again, so a public URL cannot bounce the worker to an internal
service. (The check resolves the name itself; a DNS answer that changes between the check and the
connection is not caught — run the worker where internal services need authentication anyway.)
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

MAX_REDIRECTS = 5
USER_AGENT = "GPT-Agent-Platform-Knowledge/1.0"


class FetchError(Exception):
    """`message` can be shown to the user; `permanent` says whether trying again could help."""

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass(frozen=True)
class FetchedPage:
    data: bytes
    content_type: str | None
    final_url: str


async def _check_host(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchError("Only http and https addresses can be added")
    if not parts.hostname:
        raise FetchError("The address has no host name")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )  # fmt: skip
    except socket.gaierror as exc:
        raise FetchError(f"The host {parts.hostname} could not be found", permanent=False) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise FetchError(
                f"{parts.hostname} points to a private or local address; only public pages "
                "can be added"
            )


async def fetch(
    url: str, *, max_bytes: int, timeout_seconds: float, allow_private: bool = False
) -> FetchedPage:
    timeout = httpx.Timeout(timeout_seconds)
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
    ) as client:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            await _check_host(current, allow_private)
            try:
                async with asyncio.timeout(timeout_seconds):
                    async with client.stream("GET", current) as response:
                        if response.is_redirect:
                            location = response.headers.get("location")
                            if not location:
                                raise FetchError("The page redirects without saying where")
                            current = urljoin(current, location)
                            continue
                        if response.status_code >= 400:
                            raise FetchError(
                                f"The page answered {response.status_code}",
                                permanent=response.status_code < 500,
                            )
                        declared = response.headers.get("content-length")
                        if declared and declared.isdigit() and int(declared) > max_bytes:
                            raise FetchError(f"The page is larger than {max_bytes} bytes")
                        body = bytearray()
                        async for piece in response.aiter_bytes():
                            body.extend(piece)
                            if len(body) > max_bytes:
                                raise FetchError(f"The page is larger than {max_bytes} bytes")
                        return FetchedPage(
                            bytes(body), response.headers.get("content-type"), str(response.url)
                        )
            except TimeoutError as exc:
                raise FetchError(
                    f"The page did not load within {timeout_seconds:g} s", permanent=False
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    f"The page could not be loaded ({type(exc).__name__})", permanent=False
                ) from exc
    raise FetchError(f"The page redirects more than {MAX_REDIRECTS} times")
