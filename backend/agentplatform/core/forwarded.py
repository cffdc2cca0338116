"""X-Forwarded-* believed only from the proxies named in FORWARDED_ALLOW_IPS.

From such a proxy, `X-Forwarded-For` becomes the client address (the right-most hop that is not a
trusted proxy), `X-Forwarded-Proto` the scheme and `X-Forwarded-Host` the Host, so the rest of the
app reads `request.client` and `request.url` and never a forwarded header. From anyone else the
headers are dropped before the app sees them: a client cannot pose as another origin (the CSRF
check compares Origin with `request.url`) or another address (rate limits key on it).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

_FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    def __init__(self, entries: Iterable[str]) -> None:
        items = [entry.strip() for entry in entries if entry.strip()]
        self.everyone = "*" in items
        self.networks: list[_Network] = [
            ipaddress.ip_network(item, strict=False) for item in items if item != "*"
        ]

    def __bool__(self) -> bool:
        return self.everyone or bool(self.networks)

    def __contains__(self, host: object) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self.networks)


class ForwardedHeadersMiddleware:
    def __init__(self, app: ASGIApp, trusted: TrustedProxies) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = rewrite_forwarded(scope, self.trusted)
        await self.app(scope, receive, send)


def rewrite_forwarded(scope: Scope, trusted: TrustedProxies) -> Scope:
    """The scope as the app should see it: forwarded headers applied (from a trusted proxy) or
    dropped (from anyone else); the same scope when it has none (nearly every request)."""
    for name, _ in scope["headers"]:
        if name in _FORWARDED:
            return _rewrite(scope, trusted)
    return scope


def _rewrite(scope: Scope, trusted: TrustedProxies) -> Scope:
    forwarded: dict[bytes, str] = {}
    kept: list[tuple[bytes, bytes]] = []
    for name, value in scope["headers"]:
        if name in _FORWARDED:
            forwarded.setdefault(name, value.decode("latin-1"))
        else:
            kept.append((name, value))
    scope = dict(scope, headers=kept)
    client = scope.get("client")
    if not trusted or client is None or client[0] not in trusted:
        return scope  # dropped: only a configured proxy may say these things
    proto = forwarded.get(b"x-forwarded-proto", "").split(",")[0].strip().lower()
    if proto in ("http", "https", "ws", "wss"):
        ws = scope["type"] == "websocket"
        scope["scheme"] = {"http": "ws", "https": "wss"}.get(proto, proto) if ws else proto
    if host := forwarded.get(b"x-forwarded-host", "").split(",")[0].strip():
        scope["headers"] = [(n, v) for n, v in kept if n != b"host"]
        scope["headers"].append((b"host", host.encode("latin-1")))
    hops = [h.strip() for h in forwarded.get(b"x-forwarded-for", "").split(",") if h.strip()]
    if hops and trusted.everyone:  # every hop is trusted: the first is the client
        scope["client"] = (hops[0], 0)
    else:
        for hop in reversed(hops):
            if hop not in trusted:
                scope["client"] = (hop, 0)
                break
    return scope
