"""Every automation route, found from the OpenAPI schema, answers another workspace's member
with a 404 (the house's isolation test covers them too; this one names the domain's rows)."""

from __future__ import annotations

from agentplatform.automation import enrolments
from agentplatform.automation.models import SequenceEnrolment
from agentplatform.core.settings import Settings
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.automation.conftest import rule, sequence
from tests.automation.test_automation_api import SEQUENCE
from tests.factories import create_owner, login
from tests.test_isolation import fill, send, tenant_operations


async def test_another_workspaces_automation_rows_are_not_found_on_any_route(
    app: FastAPI, client: AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    a, b = await create_owner(db), await create_owner(db)
    theirs = await sequence(db, settings, b.tenant.id, SEQUENCE["steps"])
    their_rule = await rule(db, settings, b.tenant.id, "lead_added")
    await enrolments.enrol(db, b.tenant.id, theirs.id, 5, {}, "test")
    enrolment = await db.scalar(select(SequenceEnrolment.id))
    await db.commit()
    known = {
        "rule_id": str(their_rule.id),
        "sequence_id": str(theirs.id),
        "enrolment_id": str(enrolment),
        "version": "1",
    }
    await login(client, a.user.email)
    operations = [op for op in tenant_operations(app) if "/automation/" in op[1]]
    assert len(operations) >= 25
    failures = []
    for method, path, _ in operations:
        # Their ids under our workspace, and anything under theirs: both are not found.
        for tenant in (a.tenant.id, b.tenant.id):
            url = fill(path, tenant, known)
            if path.endswith("/enrolments") and method == "POST":  # a valid body: not a 422
                status = (await client.post(url, json={"lead_id": 1})).status_code
            else:
                status = await send(client, method, url)
            if status != 404 and not (
                tenant == a.tenant.id and "{" not in path.replace("{tenant_id}", "")
            ):
                failures.append((method, path, str(tenant), status))
    assert failures == []
