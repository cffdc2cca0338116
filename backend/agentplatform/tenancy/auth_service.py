"""Sign-in with email and password, and the server-side sessions behind the cookie."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agentplatform.core.db import utcnow
from agentplatform.core.errors import InvalidCredentials
from agentplatform.core.security import (
    hash_password,
    new_token,
    password_needs_rehash,
    token_hash,
    verify_password,
)
from agentplatform.tenancy.models import AuthSession, User


async def find_user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.scalars(select(User).where(func.lower(User.email) == email.lower()))
    return result.first()


async def verify_credentials(session: AsyncSession, email: str, password: str) -> User:
    user = await find_user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise InvalidCredentials()
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def start_session(
    session: AsyncSession, user: User, *, ttl: timedelta, user_agent: str, ip_address: str
) -> tuple[AuthSession, str]:
    """Returns the stored session and the token for the cookie (only its hash is stored)."""
    token = new_token()
    now = utcnow()
    auth_session = AuthSession(
        user_id=user.id,
        token_hash=token_hash(token),
        expires_at=now + ttl,
        last_seen_at=now,
        user_agent=user_agent[:400],
        ip_address=ip_address[:64],
    )
    user.last_login_at = now
    session.add(auth_session)
    await session.flush()
    return auth_session, token


async def login(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    ttl: timedelta,
    user_agent: str = "",
    ip_address: str = "",
) -> tuple[User, str]:
    user = await verify_credentials(session, email, password)
    _, token = await start_session(
        session, user, ttl=ttl, user_agent=user_agent, ip_address=ip_address
    )
    return user, token


async def end_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Revokes the sign-in; the flush marks its grants stale in every process (`grants.py`)."""
    auth_session = await session.get(AuthSession, session_id)
    if auth_session is not None and auth_session.revoked_at is None:
        auth_session.revoked_at = utcnow()
        await session.flush()
