from __future__ import annotations

from collections.abc import Callable

from agentplatform.tenancy.models import Role
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import PASSWORD, add_member, create_owner, create_user, login


async def test_invite_lookup_accept_and_join(
    client: AsyncClient, client_factory: Callable[[], AsyncClient], db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    created = await client.post(
        f"{base}/invitations", json={"email": "New@Example.com", "role": "admin"}
    )
    assert created.status_code == 201
    invitation = created.json()
    assert invitation["accept_url"].endswith(invitation["token"])

    invitee = client_factory()
    preview = await invitee.post("/api/v1/invitations/lookup", json={"token": invitation["token"]})
    assert preview.status_code == 200
    assert preview.json()["tenant_name"] == owner.tenant.name
    assert preview.json()["account_exists"] is False

    accepted = await invitee.post(
        "/api/v1/invitations/accept",
        json={"token": invitation["token"], "password": "a new password", "name": "Nina"},
    )
    assert accepted.status_code == 200
    assert accepted.json()["tenants"][0]["role"] == "admin"
    # Signed in straight away, and the token is spent.
    assert (await invitee.get(base)).status_code == 200
    again = await invitee.post("/api/v1/invitations/lookup", json={"token": invitation["token"]})
    assert again.status_code == 404
    members = (await client.get(f"{base}/members")).json()
    assert members["total"] == 2
    assert {m["role"] for m in members["items"]} == {"owner", "admin"}


async def test_existing_account_must_prove_its_password(
    client: AsyncClient, client_factory: Callable[[], AsyncClient], db: AsyncSession
) -> None:
    owner = await create_owner(db)
    existing = await create_user(db, email="known@example.com")
    await db.commit()
    existing_email = existing.email
    await login(client, owner.user.email)
    token = (
        await client.post(
            f"/api/v1/tenants/{owner.tenant.id}/invitations", json={"email": existing_email}
        )
    ).json()["token"]
    invitee = client_factory()
    wrong = await invitee.post(
        "/api/v1/invitations/accept", json={"token": token, "password": "not the password"}
    )
    assert wrong.status_code == 401
    right = await invitee.post(
        "/api/v1/invitations/accept", json={"token": token, "password": PASSWORD}
    )
    assert right.status_code == 200


async def test_roles_limit_what_members_and_admins_may_do(
    client_factory: Callable[[], AsyncClient], db: AsyncSession
) -> None:
    owner = await create_owner(db)
    admin_user, member_user = await create_user(db), await create_user(db)
    await add_member(db, owner.tenant, admin_user, Role.admin)
    member_id = (await add_member(db, owner.tenant, member_user, Role.member)).id
    member_email, admin_email = member_user.email, admin_user.email
    await db.commit()
    base = f"/api/v1/tenants/{owner.tenant.id}"
    as_member, as_admin, as_owner = client_factory(), client_factory(), client_factory()
    await login(as_member, member_email)
    await login(as_admin, admin_email)
    await login(as_owner, owner.user.email)

    assert (await as_member.get(f"{base}/members")).status_code == 200
    assert (
        await as_member.post(f"{base}/invitations", json={"email": "a@example.com"})
    ).status_code == 403
    assert (await as_member.patch(base, json={"name": "x"})).status_code == 403

    owner_invite = await as_admin.post(
        f"{base}/invitations", json={"email": "b@example.com", "role": "owner"}
    )
    assert owner_invite.status_code == 403
    promote = await as_admin.patch(f"{base}/members/{member_id}", json={"role": "owner"})
    assert promote.status_code == 403
    assert (
        await as_admin.patch(f"{base}/members/{member_id}", json={"role": "admin"})
    ).status_code == 200

    members = (await as_owner.get(f"{base}/members")).json()["items"]
    owner_membership = next(m for m in members if m["role"] == "owner")
    last_owner = await as_owner.patch(
        f"{base}/members/{owner_membership['id']}", json={"role": "admin"}
    )
    assert last_owner.status_code == 409
    assert (await as_owner.delete(f"{base}/members/{owner_membership['id']}")).status_code == 409

    owner_id = owner_membership["id"]
    assert (await as_member.delete(f"{base}/members/{owner_id}")).status_code == 403
    assert (await as_owner.delete(f"{base}/members/{member_id}")).status_code == 204
    # Removed: the workspace no longer exists for them.
    assert (await as_member.get(base)).status_code == 404


async def test_a_member_may_leave(client: AsyncClient, db: AsyncSession) -> None:
    owner = await create_owner(db)
    member = await create_user(db)
    member_email = member.email
    membership_id = (await add_member(db, owner.tenant, member, Role.member)).id
    await db.commit()
    await login(client, member_email)
    base = f"/api/v1/tenants/{owner.tenant.id}"
    assert (await client.delete(f"{base}/members/{membership_id}")).status_code == 204
    assert (await client.get(base)).status_code == 404


async def test_new_invitation_replaces_pending_one_and_revoke(
    client: AsyncClient, db: AsyncSession
) -> None:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    base = f"/api/v1/tenants/{owner.tenant.id}/invitations"
    first = (await client.post(base, json={"email": "c@example.com"})).json()
    second = (await client.post(base, json={"email": "c@example.com"})).json()
    listed = {i["id"]: i for i in (await client.get(base)).json()["items"]}
    assert listed[first["id"]]["revoked_at"] is not None
    assert listed[second["id"]]["revoked_at"] is None
    assert (await client.delete(f"{base}/{second['id']}")).status_code == 204
    lookup = await client.post("/api/v1/invitations/lookup", json={"token": second["token"]})
    assert lookup.status_code == 404
    member_again = await client.post(base, json={"email": owner.user.email})
    assert member_again.status_code == 409
