"""The simulator's OAuth as Kommo does it, through the client's token-endpoint calls: consent
redirect, single-use codes, refresh rotation, double use revoking the grant."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from agentplatform.kommo.client import KommoGrantRevoked, KommoUnauthorized
from agentplatform.kommo.client.oauth import OAuthClient, TokenPair, exchange_code, refresh_grant
from agentplatform.kommo.simulator import KommoSimulator
from pydantic import SecretStr

from tests.kommo.conftest import ClientFactory
from tests.kommo.support import Receiver


def _integration(kommo: KommoSimulator) -> OAuthClient:
    return OAuthClient(
        client_id=kommo.oauth.client_id,
        client_secret=SecretStr(kommo.oauth.client_secret),
        redirect_uri=kommo.oauth.redirect_uri,
    )


async def _consent(kommo: KommoSimulator, http: httpx.AsyncClient, **params: str) -> dict[str, str]:
    response = await http.get(
        f"{kommo.base_url}/oauth", params={"client_id": kommo.oauth.client_id, **params}
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(kommo.oauth.redirect_uri + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class Holder:
    """The smallest token provider over a grant: refreshes with the stored refresh token."""

    def __init__(self, kommo: KommoSimulator, http: httpx.AsyncClient, pair: TokenPair) -> None:
        self.kommo, self.http, self.pair = kommo, http, pair
        self.refreshes = 0

    async def get_token(self) -> str:
        return self.pair.access_token.get_secret_value()

    async def refresh(self, rejected: str) -> str | None:
        if rejected != self.pair.access_token.get_secret_value():
            return self.pair.access_token.get_secret_value()  # someone refreshed already
        self.refreshes += 1
        self.pair = await refresh_grant(
            self.http,
            self.kommo.base_url,
            _integration(self.kommo),
            self.pair.refresh_token.get_secret_value(),
        )
        return self.pair.access_token.get_secret_value()


async def test_consent_redirects_with_code_state_and_referer(kommo: KommoSimulator) -> None:
    async with httpx.AsyncClient() as http:
        query = await _consent(kommo, http, state="s-123", mode="popup")
        assert set(query) == {"code", "state", "referer", "client_id"}
        assert query["state"] == "s-123"
        assert query["referer"] == kommo.account_host
        assert query["client_id"] == kommo.oauth.client_id

        assert "state" not in await _consent(kommo, http)

        kommo.oauth.consent = "deny"
        denied = await _consent(kommo, http, state="s-9")
        assert denied == {"error": "access_denied", "client_id": kommo.oauth.client_id,
                          "state": "s-9"}  # fmt: skip


async def test_a_code_is_exchanged_once(kommo: KommoSimulator) -> None:
    async with httpx.AsyncClient() as http:
        code = (await _consent(kommo, http, state="x"))["code"]
        pair = await exchange_code(http, kommo.base_url, _integration(kommo), code)
        assert pair.token_type == "Bearer"
        assert pair.expires_in == 86_400
        assert pair.access_token.get_secret_value().count(".") == 2  # JWT-shaped

        with pytest.raises(KommoGrantRevoked):
            await exchange_code(http, kommo.base_url, _integration(kommo), code)

        wrong = OAuthClient(client_id=kommo.oauth.client_id, client_secret=SecretStr("nope"),
                            redirect_uri=kommo.oauth.redirect_uri)  # fmt: skip
        code = (await _consent(kommo, http))["code"]
        with pytest.raises(KommoGrantRevoked):
            await exchange_code(http, kommo.base_url, wrong, code)


async def test_refresh_rotates_and_a_second_use_revokes_the_grant(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    async with httpx.AsyncClient() as http:
        code = (await _consent(kommo, http))["code"]
        first = await exchange_code(http, kommo.base_url, _integration(kommo), code)
        old_refresh = first.refresh_token.get_secret_value()

        second = await refresh_grant(http, kommo.base_url, _integration(kommo), old_refresh)
        assert second.refresh_token.get_secret_value() != old_refresh
        assert second.access_token.get_secret_value() != first.access_token.get_secret_value()

        holder = Holder(kommo, http, second)
        client = kommo_client_factory(tokens=holder)
        assert (await client.account()).id == kommo.state.account_id  # the new pair is used

        # The old refresh token again (a second worker that did not see the rotation): the
        # whole grant is revoked, as Kommo does.
        with pytest.raises(KommoGrantRevoked) as caught:
            await refresh_grant(http, kommo.base_url, _integration(kommo), old_refresh)
        assert "revoked" in (caught.value.detail or "").lower()
        with pytest.raises(KommoGrantRevoked):
            await refresh_grant(
                http, kommo.base_url, _integration(kommo), second.refresh_token.get_secret_value()
            )
        with pytest.raises(KommoUnauthorized):
            await client.account()


async def test_the_old_refresh_token_works_until_the_new_pair_is_used(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    """Kommo's grace for a refresh whose answer was lost: the unused pair is replaced."""
    async with httpx.AsyncClient() as http:
        code = (await _consent(kommo, http))["code"]
        first = await exchange_code(http, kommo.base_url, _integration(kommo), code)
        refresh = first.refresh_token.get_secret_value()
        lost = await refresh_grant(http, kommo.base_url, _integration(kommo), refresh)
        retried = await refresh_grant(http, kommo.base_url, _integration(kommo), refresh)

        lost_client = kommo_client_factory(tokens=Holder(kommo, http, lost))
        with pytest.raises(KommoGrantRevoked):
            await lost_client.account()  # 401, then its refresh token is refused too
        client = kommo_client_factory(tokens=Holder(kommo, http, retried))
        assert (await client.account()).id == kommo.state.account_id


async def test_an_expired_access_token_is_refreshed_once(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory
) -> None:
    async with httpx.AsyncClient() as http:
        code = (await _consent(kommo, http))["code"]
        pair = await exchange_code(http, kommo.base_url, _integration(kommo), code)
        holder = Holder(kommo, http, pair)
        client = kommo_client_factory(tokens=holder)
        assert len(await client.list_users()) == 3

        kommo.oauth.expire_access_tokens()
        assert len(await client.list_users()) == 3
        assert holder.refreshes == 1
        assert kommo.count("/api/v4/users", status=401) == 1


async def test_uninstall_revokes_tokens_and_sends_the_signed_revoke_hook(
    kommo: KommoSimulator, kommo_client_factory: ClientFactory, receiver: Receiver
) -> None:
    kommo.revoke_hook_url = f"{receiver.url}/kommo/revoked"
    client = kommo_client_factory()
    assert (await client.account()).id == kommo.state.account_id

    status = await asyncio.wrap_future(kommo.uninstall())

    assert status == 200
    hook = receiver.received[0]
    assert hook.method == "GET"
    assert hook.headers["user-agent"] == "amoService-oAuth-Code-Sender/1.0"
    query = {k: v[0] for k, v in parse_qs(hook.query).items()}
    message = f"{kommo.oauth.client_id}|{kommo.state.account_id}".encode()
    expected = hmac.new(kommo.oauth.client_secret.encode(), message, hashlib.sha256).hexdigest()
    assert query == {"client_uuid": kommo.oauth.client_id,
                     "account_id": str(kommo.state.account_id), "signature": expected}  # fmt: skip
    with pytest.raises(KommoUnauthorized):
        await client.account()
