"""Collections: unique names per tenant, document counts, deleting keeps the documents."""

from __future__ import annotations

import secrets
import uuid

from agentplatform.knowledge.documents.models import (
    Collection,
    Document,
    DocumentStatus,
    SourceKind,
)
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_owner, login


async def make_document(
    db: AsyncSession,
    tenant_id: uuid.UUID,
    title: str = "Doc",
    *,
    collection_id: uuid.UUID | None = None,
    status: DocumentStatus = DocumentStatus.ready,
    **values: object,
) -> uuid.UUID:
    """The id only: a rolled-back request expires ORM objects in the shared test session."""
    digest = secrets.token_hex(32)
    document = Document(
        tenant_id=tenant_id,
        collection_id=collection_id,
        title=title,
        source_kind=SourceKind.text,
        filename=None,
        content_type="markdown",
        sha256=digest,
        storage_key=f"{tenant_id}/{digest}",
        status=status,
        **({"size_bytes": 100} | values),
    )
    db.add(document)
    await db.commit()
    return document.id


async def _signed_in(client: AsyncClient, db: AsyncSession) -> tuple[str, uuid.UUID]:
    owner = await create_owner(db)
    await login(client, owner.user.email)
    return f"/api/v1/tenants/{owner.tenant.id}/knowledge", owner.tenant.id


async def test_collections_lifecycle_with_document_counts(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, tenant_id = await _signed_in(client, db)
    created = await client.post(
        f"{base}/collections", json={"name": "Policies", "description": "Returns and shipping"}
    )
    assert created.status_code == 201, created.text
    policies = created.json()
    assert policies["document_count"] == 0
    prices = (await client.post(f"{base}/collections", json={"name": "Prices"})).json()
    assert prices["description"] == ""

    await make_document(db, tenant_id, "Returns", collection_id=uuid.UUID(policies["id"]))
    await make_document(db, tenant_id, "Shipping", collection_id=uuid.UUID(policies["id"]))
    loose = await make_document(db, tenant_id, "Loose")

    listed = (await client.get(f"{base}/collections")).json()
    assert [(c["name"], c["document_count"]) for c in listed] == [("Policies", 2), ("Prices", 0)]

    renamed = await client.patch(
        f"{base}/collections/{prices['id']}", json={"name": "Plans and prices"}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Plans and prices"
    described = (
        await client.patch(f"{base}/collections/{prices['id']}", json={"description": "Plans"})
    ).json()
    assert (described["name"], described["description"]) == ("Plans and prices", "Plans")

    moved = await client.patch(
        f"{base}/documents/{loose}",
        json={
            "title": "Price list",
            "tags": ["pricing", "2024", "pricing"],
            "collection_id": prices["id"],
        },
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["title"], body["tags"], body["collection_id"]) == (
        "Price list",
        ["2024", "pricing"],
        prices["id"],
    )
    # Only what is sent changes; an explicit null takes the document out of its collection.
    kept = (await client.patch(f"{base}/documents/{loose}", json={"title": "Prices"})).json()
    assert (kept["tags"], kept["collection_id"]) == (["2024", "pricing"], prices["id"])
    out = (await client.patch(f"{base}/documents/{loose}", json={"collection_id": None})).json()
    assert out["collection_id"] is None

    deleted = await client.delete(f"{base}/collections/{policies['id']}")
    assert deleted.status_code == 204
    documents = (await client.get(f"{base}/documents")).json()
    assert documents["total"] == 3
    assert all(d["collection_id"] is None for d in documents["items"])
    assert [c["name"] for c in (await client.get(f"{base}/collections")).json()] == [
        "Plans and prices"
    ]


async def test_collection_validation_and_conflicts(client: AsyncClient, db: AsyncSession) -> None:
    base, tenant_id = await _signed_in(client, db)
    first = (await client.post(f"{base}/collections", json={"name": "FAQ"})).json()
    second = (await client.post(f"{base}/collections", json={"name": "Guides"})).json()

    duplicate = await client.post(f"{base}/collections", json={"name": "FAQ"})
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["field"] == "body.name"
    clash = await client.patch(f"{base}/collections/{second['id']}", json={"name": "FAQ"})
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "body.name"
    same = await client.patch(f"{base}/collections/{first['id']}", json={"name": "FAQ"})
    assert same.status_code == 200

    for bad in ({"name": ""}, {"name": "x" * 201}, {}, {"name": "ok", "colour": "red"}):
        refused = await client.post(f"{base}/collections", json=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"].startswith("body"), bad
    nulled = await client.patch(f"{base}/collections/{first['id']}", json={"name": None})
    assert nulled.status_code == 422
    assert nulled.json()["errors"][0]["field"] == "body.name"

    document = await make_document(db, tenant_id)
    unknown = await client.patch(
        f"{base}/documents/{document}", json={"collection_id": str(uuid.uuid4())}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "body.collection_id"
    for field, value in (("title", ""), ("title", None), ("tags", None), ("tags", ["x" * 65])):
        refused = await client.patch(f"{base}/documents/{document}", json={field: value})
        assert refused.status_code == 422, (field, value)
        assert refused.json()["errors"][0]["field"].startswith(f"body.{field}"), (field, value)


async def test_another_tenants_collections_and_documents_are_not_found(
    client: AsyncClient, db: AsyncSession
) -> None:
    base, _ = await _signed_in(client, db)
    other = await create_owner(db)
    other_base = f"/api/v1/tenants/{other.tenant.id}/knowledge"
    collection = Collection(tenant_id=other.tenant.id, name="Theirs")
    db.add(collection)
    await db.commit()
    theirs = collection.id
    their_document = await make_document(db, other.tenant.id, collection_id=theirs)

    assert (
        await client.patch(f"{base}/collections/{theirs}", json={"name": "x"})
    ).status_code == 404
    assert (await client.delete(f"{base}/collections/{theirs}")).status_code == 404
    assert (
        await client.patch(f"{base}/documents/{their_document}", json={"title": "x"})
    ).status_code == 404
    assert (await client.get(f"{other_base}/collections")).status_code == 404
    assert (await client.get(f"{base}/collections")).json() == []

    # Their collection cannot receive my documents, and the same name is free for me.
    mine = (await client.post(f"{base}/collections", json={"name": "Theirs"})).json()
    assert mine["document_count"] == 0
    my_document = await make_document(db, uuid.UUID(base.split("/")[4]))
    moved = await client.patch(
        f"{base}/documents/{my_document}", json={"collection_id": str(theirs)}
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["field"] == "body.collection_id"
