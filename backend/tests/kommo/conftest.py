"""Kommo fixtures: one simulator per session (reset for each test), clients on the real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from agentplatform.kommo.client import (
    AccessTokenProvider,
    KommoClient,
    KommoRateLimiter,
    StaticTokenProvider,
)
from agentplatform.kommo.simulator import KommoSimulator
from arq import ArqRedis

from tests.kommo.support import Receiver


@pytest.fixture(scope="session")
def kommo_session() -> Iterator[KommoSimulator]:
    with KommoSimulator() as simulator:
        yield simulator


@pytest.fixture
def kommo(kommo_session: KommoSimulator) -> Iterator[KommoSimulator]:
    """The simulator, freshly seeded (new account, tokens; no faults, blocks or requests)."""
    kommo_session.reset()
    yield kommo_session
    kommo_session.reset()


@pytest.fixture
def limiter(redis: ArqRedis) -> KommoRateLimiter:
    return KommoRateLimiter(redis)


ClientFactory = Callable[..., KommoClient]


@pytest.fixture
async def kommo_client_factory(
    kommo: KommoSimulator, limiter: KommoRateLimiter
) -> AsyncIterator[ClientFactory]:
    """`make(tokens=..., limiter=..., **options)`: a client on the simulator, closed after."""
    made: list[KommoClient] = []

    def make(
        tokens: AccessTokenProvider | None = None,
        limiter_: KommoRateLimiter | None = None,
        **options: object,
    ) -> KommoClient:
        client = KommoClient(
            kommo.base_url,
            tokens or StaticTokenProvider(kommo.token),
            limiter=limiter_ or limiter,
            **options,  # type: ignore[arg-type]
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
async def kommo_client(kommo_client_factory: ClientFactory) -> KommoClient:
    return kommo_client_factory()


@pytest.fixture(scope="session")
def receiver_session() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def receiver(receiver_session: Receiver) -> Iterator[Receiver]:
    """A local HTTP endpoint that records what Kommo's webhooks post to it."""
    receiver_session.reset()
    yield receiver_session
    receiver_session.reset()
