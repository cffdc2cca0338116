"""knowledge_nearest_chunks(): the vector leg's settings, index scan and restore in one round trip

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# EXECUTE plans the query with the call's values each time (a custom plan: the tenant, the
# document filter and the limit are known to the planner), which a cached generic plan would not.
FUNCTION = """
CREATE FUNCTION knowledge_nearest_chunks(
    p_tenant uuid,
    p_documents uuid[],
    p_query vector,
    p_limit integer,
    p_ef_search integer,
    p_max_scan_tuples integer
) RETURNS TABLE (chunk_id uuid, distance double precision)
LANGUAGE plpgsql AS $fn$
DECLARE
    old_iterative_scan text := current_setting('hnsw.iterative_scan', true);
    old_ef_search text := current_setting('hnsw.ef_search', true);
    old_max_scan_tuples text := current_setting('hnsw.max_scan_tuples', true);
BEGIN
    PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    PERFORM set_config('hnsw.ef_search', p_ef_search::text, true);
    PERFORM set_config('hnsw.max_scan_tuples', p_max_scan_tuples::text, true);
    IF p_documents IS NULL THEN
        RETURN QUERY EXECUTE
            'SELECT id, embedding <=> $1 FROM chunk '
            'WHERE tenant_id = $2 AND embedding IS NOT NULL '
            'ORDER BY embedding <=> $1 LIMIT $3'
            USING p_query, p_tenant, p_limit;
    ELSE
        RETURN QUERY EXECUTE
            'SELECT id, embedding <=> $1 FROM chunk '
            'WHERE tenant_id = $2 AND document_id = ANY($4) AND embedding IS NOT NULL '
            'ORDER BY embedding <=> $1 LIMIT $3'
            USING p_query, p_tenant, p_limit, p_documents;
    END IF;
    PERFORM set_config('hnsw.iterative_scan', old_iterative_scan, true);
    PERFORM set_config('hnsw.ef_search', old_ef_search, true);
    PERFORM set_config('hnsw.max_scan_tuples', old_max_scan_tuples, true);
END
$fn$
"""


def upgrade() -> None:
    op.execute(FUNCTION)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION knowledge_nearest_chunks(uuid, uuid[], vector, integer, integer, integer)"
    )
