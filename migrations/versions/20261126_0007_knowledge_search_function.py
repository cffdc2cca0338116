"""knowledge_search(): a whole knowledge search (scope, both legs, fusion, hits) in one round trip

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 00:00:00.000000

`knowledge.search` used four round trips per search (scope, vector leg, text leg, hits); each
cost ~1.5-2 ms of client work against well under a millisecond of server work, most of a
search's time once the index is cached. The same steps now run in the database, in one call.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Reciprocal Rank Fusion of two rankings (ids, best first): score = sum of 1 / (k + rank) over
# the rankings that hold the id. Ties go to the better best rank, then to the vector ranking,
# then to the id (uuid order is the order of their text form).
RRF = """
CREATE FUNCTION knowledge_rrf(p_vector_ids uuid[], p_text_ids uuid[], p_k integer)
RETURNS TABLE (chunk_id uuid, score double precision, vector_rank integer, text_rank integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT coalesce(v.id, t.id),
           coalesce(1.0::float8 / (p_k + v.rank), 0) + coalesce(1.0::float8 / (p_k + t.rank), 0),
           v.rank::integer,
           t.rank::integer
    FROM unnest(p_vector_ids) WITH ORDINALITY AS v (id, rank)
    FULL JOIN unnest(p_text_ids) WITH ORDINALITY AS t (id, rank) ON t.id = v.id
    ORDER BY 2 DESC, least(v.rank, t.rank), coalesce(v.rank, 2147483647), 1
$fn$
"""

# The steps, in the order `knowledge.search` documents them:
#
# 1. Scope: the documents the filters leave (NULL: no filter) and the chunks they hold by their
#    chunk_count; no document left means no hit.
# 2. Vector leg (modes vector, hybrid), `p_candidates` ids nearest first (`p_limit` in vector
#    mode, which shows them as they are):
#    - a scope of at most `p_exact_scan_max_rows` chunks is searched exactly: distances of at
#      most that many + 1 filtered rows inside a MATERIALIZED CTE, sorted outside it (an ORDER
#      BY on a CTE's output cannot use the HNSW index). The same statement counts the rows it
#      saw; more than the threshold means chunk_count understated the scope, and the index path
#      answers instead (a stale count costs time, never results);
#    - a larger one goes through `knowledge_nearest_chunks` (migration 0006: iterative
#      relaxed-order HNSW scan, settings put back) with hnsw.ef_search = the list an unfiltered
#      search would use (pgvector's default 40, or the candidates if more) x table rows / rows
#      in scope, at most pgvector's limit 1,000: the first pass then holds about as many rows
#      that pass the filter as an unfiltered search would hold rows, which keeps the recall of
#      the nearest few (a tenant holding a fifth of the table needs its nearest 10 from about
#      the table's nearest 50-200). hnsw.max_scan_tuples = 4 x candidates x table rows / rows in
#      scope (between pgvector's default 20,000 and 1,000,000). The table's rows are the
#      planner's estimate (pg_class); a never-analysed table (-1) gets the defaults. Relaxed
#      order is sorted again here.
# 3. Text leg (modes text, hybrid; only when the query has a term the index can look up:
#    querytree is '' without lexemes and 'T' for negations only): ts_rank_cd of
#    websearch_to_tsquery('simple', query) against search_vector, best `p_candidates`.
# 4. Ranking: vector mode scores 1 - cosine distance, text mode ts_rank_cd, hybrid RRF; the best
#    `p_limit`.
# 5. Hits: each ranked chunk with its document's title (a chunk deleted since the legs ran drops
#    out) and, when it matches the text query as a whole, a ts_headline of its HTML-escaped
#    text (escaping before ts_headline keeps text that looks like a tag: `&lt;div&gt;` is copied
#    through where `<div>` would be dropped as markup; entities are whole tokens, so a fragment
#    never cuts one).
#
# Statements whose best plan depends on the values (the legs) are run with EXECUTE, which plans
# them with the call's values each time; the rest are cheap either way.
SEARCH = """
CREATE FUNCTION knowledge_search(
    p_tenant uuid,
    p_documents uuid[],
    p_collections uuid[],
    p_tags varchar[],
    p_query text,
    p_query_vector vector,
    p_mode text,
    p_limit integer,
    p_candidates integer,
    p_exact_scan_max_rows integer,
    p_rrf_k integer,
    p_headline_options text
) RETURNS TABLE (
    chunk_id uuid,
    document_id uuid,
    document_title text,
    chunk_text text,
    heading_path text[],
    page_start integer,
    page_end integer,
    score double precision,
    vector_rank integer,
    text_rank integer,
    headline text
)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_documents uuid[];
    v_rows bigint;
    v_table_rows double precision;
    v_filtered double precision;
    v_tsquery tsquery;
    v_has_terms boolean := false;
    v_seen bigint := 0;
    v_vector_ids uuid[] := '{}';
    v_distances double precision[] := '{}';
    v_text_ids uuid[] := '{}';
    v_text_ranks double precision[] := '{}';
    v_ef_search integer;
    v_max_scan_tuples integer;
    v_in_documents text := '';
    -- Vector mode shows the leg's best `p_limit` as they are: asking the index for more rows
    -- only makes it visit more (the candidate list is still sized for `p_candidates`).
    v_vector_limit integer := CASE WHEN p_mode = 'vector' THEN p_limit ELSE p_candidates END;
BEGIN
    IF p_documents IS NULL AND p_collections IS NULL AND p_tags IS NULL THEN
        SELECT coalesce(sum(d.chunk_count), 0) INTO v_rows
        FROM document d WHERE d.tenant_id = p_tenant;
    ELSE
        SELECT coalesce(array_agg(d.id), '{}'), coalesce(sum(d.chunk_count), 0)
        INTO v_documents, v_rows
        FROM document d
        WHERE d.tenant_id = p_tenant
          AND (p_documents IS NULL OR d.id = ANY (p_documents))
          AND (p_collections IS NULL OR d.collection_id = ANY (p_collections))
          AND (p_tags IS NULL OR d.tags && p_tags);
        IF cardinality(v_documents) = 0 THEN
            RETURN;
        END IF;
        v_in_documents := ' AND document_id = ANY ($4)';
    END IF;

    IF p_query IS NOT NULL THEN
        v_tsquery := websearch_to_tsquery('simple', p_query);
        v_has_terms := querytree(v_tsquery) NOT IN ('', 'T');
    END IF;

    IF p_mode <> 'text' THEN
        IF v_rows <= p_exact_scan_max_rows THEN
            EXECUTE
                'WITH filtered AS MATERIALIZED ('
                '    SELECT id, embedding <=> $1 AS distance FROM chunk'
                '    WHERE tenant_id = $2 AND embedding IS NOT NULL' || v_in_documents ||
                '    LIMIT $5 + 1'
                '), best AS ('
                '    SELECT id, distance FROM filtered ORDER BY distance, id LIMIT $3'
                ') '
                'SELECT (SELECT count(*) FROM filtered),'
                '       coalesce((SELECT array_agg(id ORDER BY distance, id) FROM best), ''{}''),'
                '       coalesce((SELECT array_agg(distance ORDER BY distance, id) FROM best),'
                '                ''{}'')'
            INTO v_seen, v_vector_ids, v_distances
            USING p_query_vector, p_tenant, v_vector_limit, v_documents, p_exact_scan_max_rows;
        END IF;
        IF v_rows > p_exact_scan_max_rows OR v_seen > p_exact_scan_max_rows THEN
            SELECT c.reltuples INTO v_table_rows FROM pg_class c WHERE c.oid = 'chunk'::regclass;
            v_filtered := greatest(v_rows, p_exact_scan_max_rows + 1);
            IF v_table_rows IS NULL OR v_table_rows <= 0 THEN
                v_ef_search := least(greatest(p_candidates, 40), 1000);
                v_max_scan_tuples := 20000;
            ELSE
                v_ef_search := floor(least(greatest(
                    greatest(p_candidates, 40) * v_table_rows / v_filtered, p_candidates, 40),
                    1000));
                v_max_scan_tuples := floor(least(greatest(
                    4.0 * p_candidates * v_table_rows / v_filtered, 20000), 1000000));
            END IF;
            SELECT coalesce(array_agg(n.chunk_id ORDER BY n.distance, n.chunk_id), '{}'),
                   coalesce(array_agg(n.distance ORDER BY n.distance, n.chunk_id), '{}')
            INTO v_vector_ids, v_distances
            FROM knowledge_nearest_chunks(
                p_tenant, v_documents, p_query_vector, v_vector_limit, v_ef_search,
                v_max_scan_tuples
            ) AS n;
        END IF;
    END IF;

    IF p_mode <> 'vector' AND v_has_terms THEN
        EXECUTE
            'SELECT coalesce(array_agg(id ORDER BY rank DESC, id), ''{}''),'
            '       coalesce(array_agg(rank ORDER BY rank DESC, id), ''{}'') '
            'FROM (SELECT id, ts_rank_cd(search_vector, $1)::float8 AS rank FROM chunk'
            '      WHERE tenant_id = $2 AND search_vector @@ $1' || v_in_documents ||
            '      ORDER BY rank DESC, id LIMIT $3) AS best'
        INTO v_text_ids, v_text_ranks
        USING v_tsquery, p_tenant, p_candidates, v_documents;
    END IF;

    RETURN QUERY
    WITH ranked AS (
        SELECT v.id AS chunk_id, 1.0 - v.distance AS score, v.rank::integer AS vector_rank,
               NULL::integer AS text_rank, v.rank AS position
        FROM unnest(v_vector_ids, v_distances) WITH ORDINALITY AS v (id, distance, rank)
        WHERE p_mode = 'vector'
        UNION ALL
        SELECT t.id, t.rank_cd, NULL, t.rank::integer, t.rank
        FROM unnest(v_text_ids, v_text_ranks) WITH ORDINALITY AS t (id, rank_cd, rank)
        WHERE p_mode = 'text'
        UNION ALL
        SELECT f.chunk_id, f.score, f.vector_rank, f.text_rank, f.position
        FROM knowledge_rrf(v_vector_ids, v_text_ids, p_rrf_k) WITH ORDINALITY
            AS f (chunk_id, score, vector_rank, text_rank, position)
        WHERE p_mode = 'hybrid'
    ), best AS (
        SELECT * FROM ranked ORDER BY ranked.position LIMIT p_limit
    )
    SELECT c.id, c.document_id, d.title::text, c.text, c.heading_path, c.page_start,
           c.page_end, b.score, b.vector_rank, b.text_rank,
           CASE WHEN v_has_terms AND c.search_vector @@ v_tsquery THEN
               ts_headline(
                   'simple',
                   replace(replace(replace(replace(replace(
                       c.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'),
                       '''', '&#x27;'),
                   v_tsquery,
                   p_headline_options
               )
           END
    FROM best b
    JOIN chunk c ON c.id = b.chunk_id AND c.tenant_id = p_tenant
    JOIN document d ON d.id = c.document_id AND d.tenant_id = p_tenant
    ORDER BY b.position;
END
$fn$
"""


def upgrade() -> None:
    op.execute(RRF)
    op.execute(SEARCH)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION knowledge_search(uuid, uuid[], uuid[], varchar[], text, vector, text, "
        "integer, integer, integer, integer, text)"
    )
    op.execute("DROP FUNCTION knowledge_rrf(uuid[], uuid[], integer)")
