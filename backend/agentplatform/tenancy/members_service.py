"""Who belongs to a tenant: members, their roles, and invitations to join."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import Conflict, FieldError, Forbidden, InvalidCredentials, NotFound
from agentplatform.core.pagination import PageParams, paginate
from agentplatform.core.scoped import get_scoped, scoped
from agentplatform.core.security import hash_password, new_token, token_hash, verify_password
from agentplatform.core.settings import Settings
from agentplatform.tenancy import flags_service
from agentplatform.tenancy.auth_service import find_user_by_email
from agentplatform.tenancy.models import Invitation, Membership, Role, Tenant, User
from agentplatform.tenancy.schemas import InvitationAccept, InvitationCreate, MemberRead


def _require_may_assign(actor_role: Role | None, role: Role) -> None:
    """Only owners hand out or take away ownership."""
    if role is Role.owner and actor_role is not Role.owner:
        raise Forbidden("Only an owner can make someone an owner")


def _member_read(membership: Membership, user: User) -> MemberRead:
    return MemberRead(
        id=membership.id,
        user_id=user.id,
        email=user.email,
        name=user.name,
        role=membership.role,
        created_at=membership.created_at,
    )


async def list_members(
    session: AsyncSession, tenant_id: uuid.UUID, params: PageParams
) -> tuple[list[MemberRead], int]:
    base = scoped(select(Membership), Membership, tenant_id)
    total = await session.scalar(select(func.count()).select_from(base.subquery()))
    rows = await session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id)
        .order_by(Membership.created_at, Membership.id)
        .limit(params.limit)
        .offset(params.offset)
    )
    return [_member_read(m, u) for m, u in rows], int(total or 0)


async def _membership(
    session: AsyncSession, tenant_id: uuid.UUID, membership_id: uuid.UUID
) -> Membership:
    return await get_scoped(
        session, Membership, tenant_id, membership_id, "Member not found", for_update=True
    )


async def _owner_count(session: AsyncSession, tenant_id: uuid.UUID) -> int:
    owners = await session.scalars(
        scoped(select(Membership.id), Membership, tenant_id)
        .where(Membership.role == Role.owner)
        .with_for_update()
    )
    return len(list(owners))


async def change_role(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    membership_id: uuid.UUID,
    role: Role,
    actor_role: Role | None,
) -> MemberRead:
    membership = await _membership(session, tenant_id, membership_id)
    _require_may_assign(actor_role, role)
    _require_may_assign(actor_role, membership.role)
    demoting_owner = membership.role is Role.owner and role is not Role.owner
    if demoting_owner and await _owner_count(session, tenant_id) <= 1:
        raise Conflict("A workspace needs at least one owner; make someone else owner first")
    membership.role = role
    await session.flush()
    user = await session.get(User, membership.user_id)
    assert user is not None
    return _member_read(membership, user)


async def remove_member(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    membership_id: uuid.UUID,
    *,
    actor_role: Role | None,
    actor_user_id: uuid.UUID | None,
    may_manage_members: bool,
) -> None:
    """Removes a member; anyone may leave, only managers (members:write) remove others."""
    membership = await _membership(session, tenant_id, membership_id)
    leaving = actor_user_id is not None and membership.user_id == actor_user_id
    if not leaving and not may_manage_members:
        raise Forbidden("This needs the 'members:write' permission")
    _require_may_assign(actor_role, membership.role)
    if membership.role is Role.owner and await _owner_count(session, tenant_id) <= 1:
        raise Conflict("The last owner cannot be removed")
    await session.delete(membership)
    await session.flush()


async def create_invitation(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    data: InvitationCreate,
    *,
    actor_role: Role | None,
    invited_by: uuid.UUID | None,
    settings: Settings,
) -> tuple[Invitation, str]:
    await flags_service.require_enabled(session, tenant_id, "member_invitations", settings)
    _require_may_assign(actor_role, data.role)
    already = await session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == tenant_id, func.lower(User.email) == data.email.lower())
    )
    if already is not None:
        raise Conflict(
            f"{data.email} is already a member",
            errors=[FieldError.at("body.email", "already a member", "member")],
        )
    # A new invitation replaces any pending one for the same address.
    pending = await session.scalars(
        scoped(select(Invitation), Invitation, tenant_id).where(
            func.lower(Invitation.email) == data.email.lower(),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )
    now = utcnow()
    for old in pending:
        old.revoked_at = now
    token = new_token("inv_")
    invitation = Invitation(
        tenant_id=tenant_id,
        email=data.email,
        role=data.role,
        token_hash=token_hash(token),
        invited_by_user_id=invited_by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.invitation_ttl_hours),
    )
    session.add(invitation)
    await session.flush()
    return invitation, token


async def list_invitations(
    session: AsyncSession, tenant_id: uuid.UUID, params: PageParams
) -> tuple[list[Invitation], int]:
    stmt = scoped(select(Invitation), Invitation, tenant_id).order_by(
        Invitation.created_at.desc(), Invitation.id
    )
    return await paginate(session, stmt, params)


async def revoke_invitation(
    session: AsyncSession, tenant_id: uuid.UUID, invitation_id: uuid.UUID
) -> None:
    invitation = await get_scoped(
        session, Invitation, tenant_id, invitation_id, "Invitation not found"
    )
    if invitation.accepted_at is not None:
        raise Conflict("The invitation was already accepted")
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        await session.flush()


async def open_invitation(session: AsyncSession, token: str) -> tuple[Invitation, Tenant]:
    """The pending invitation for a token; one unknown, used, revoked or expired is a 404."""
    row = (
        await session.execute(
            select(Invitation, Tenant)
            .join(Tenant, Tenant.id == Invitation.tenant_id)
            .where(
                Invitation.token_hash == token_hash(token),
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .with_for_update(of=Invitation)
        )
    ).first()
    if row is None:
        raise NotFound("The invitation is unknown, used, revoked or expired")
    invitation, tenant = row
    return invitation, tenant


async def accept_invitation(session: AsyncSession, data: InvitationAccept) -> tuple[User, Tenant]:
    """Joins the invited user to the tenant, creating the account when there is none.

    An existing account proves itself with its password, so an invitation alone never grants
    access to someone else's account.
    """
    invitation, tenant = await open_invitation(session, data.token)
    user = await find_user_by_email(session, invitation.email)
    if user is None:
        user = User(
            email=invitation.email, name=data.name, password_hash=hash_password(data.password)
        )
        session.add(user)
        await session.flush()
    elif not verify_password(user.password_hash, data.password):
        raise InvalidCredentials("This email already has an account: enter its password")
    exists = await session.scalar(
        scoped(select(Membership.id), Membership, tenant.id).where(Membership.user_id == user.id)
    )
    if exists is None:
        session.add(Membership(tenant_id=tenant.id, user_id=user.id, role=invitation.role))
    invitation.accepted_at = utcnow()
    await session.flush()
    return user, tenant
