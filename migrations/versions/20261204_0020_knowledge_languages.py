"""knowledge languages and contextual chunks: each document's language and text-search
configuration, each chunk's document title, a weighted tsvector, and a text leg that ORs

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-04 20:00:00.000000

The full-text leg indexed and parsed everything with 'simple' (no stemming, no stop words, in any
language) and AND-ed every word of `websearch_to_tsquery`: a question ("how do I ...") matched
nearly nothing. Now:

- `document.language` is the language detected at indexing (`knowledge.index.language`) and
  `document.ts_config` / `chunk.ts_config` the PostgreSQL configuration of that language
  (`simple` when it has none or none was detected);
- `chunk.document_title` is the document's title as the chunk carries it (`index.headers`);
- `chunk.search_vector` is `to_tsvector(ts_config, ...)` of the title (weight A), the heading
  path (B) and the text (D);
- `knowledge_search` builds its query in the configuration of each document in scope
  (`knowledge_text_query`: the meaningful terms OR-ed, quoted phrases required, `-word`
  excluded), matches each chunk with the query of its own configuration and ranks by `ts_rank`
  with the weights and normalisation the caller passes.

Backfill: each existing document's language is detected from its chunks' text (the same
detector as indexing; only when there are documents is its model loaded) and its chunks take
its configuration and title. The tsvector is a new generated column (a generated expression
cannot be changed in place before PostgreSQL 17), built once after the backfill. Vectors are not
touched: the title reaches them when the tenant's knowledge is re-embedded
(`POST /api/v1/knowledge/index/rebuild`) or a document is indexed again.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# array_to_string is only STABLE (for arrays of any type); for text[] it is immutable.
HEADING_TEXT = """
CREATE FUNCTION knowledge_heading_text(p_path text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $fn$ SELECT array_to_string(p_path, ' ') $fn$
"""

SEARCH_VECTOR = (
    "setweight(to_tsvector(ts_config, document_title), 'A') || "
    "setweight(to_tsvector(ts_config, coalesce(knowledge_heading_text(heading_path), '')), 'B') "
    "|| to_tsvector(ts_config, text)"
)

# The text query in one configuration: the terms' lexemes (stop words dropped by the
# configuration) OR-ed, every phrase required, every excluded word forbidden. plainto_tsquery's
# output AND-s its lexemes (and may join a compound's parts with <->): its text form with those
# operators made `|` is the same lexemes OR-ed (lexemes never hold spaces, so ' & ' is always an
# operator). Empty parts drop out (`&&` with an empty tsquery is the other operand).
TEXT_QUERY = """
CREATE FUNCTION knowledge_text_query(
    p_config regconfig, p_terms text, p_phrases text[], p_excluded text[]
) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
    v_query tsquery := '';
    v_part text;
BEGIN
    FOREACH v_part IN ARRAY coalesce(p_phrases, '{}') LOOP
        v_query := v_query && phraseto_tsquery(p_config, v_part);
    END LOOP;
    IF p_terms IS NOT NULL THEN
        v_query := v_query && regexp_replace(
            plainto_tsquery(p_config, p_terms)::text, ' (&|<->|<[0-9]+>) ', ' | ', 'g'
        )::tsquery;
    END IF;
    FOREACH v_part IN ARRAY coalesce(p_excluded, '{}') LOOP
        v_query := v_query && !! plainto_tsquery(p_config, v_part);
    END LOOP;
    RETURN v_query;
END
$fn$
"""


# knowledge_search of migration 0007 with a text leg per configuration. Its steps 1, 2, 4 and 5
# are 0007's (see there); what changed:
#
# 3. Text query (any mode, when the caller sent terms or phrases): for each distinct ts_config
#    of the documents in scope, `knowledge_text_query` in that configuration; the ones with a
#    term the index can look up (querytree neither '' nor 'T', negations only) are kept.
#    Text leg (modes text, hybrid): for each kept configuration, its chunks that match its
#    query, ranked by ts_rank(p_text_weights, search_vector, query, p_text_normalization); the
#    best `p_candidates` of all of them.
# 5. Hits: a chunk that matches the query of its configuration gets a ts_headline in that
#    configuration.
SEARCH = """
CREATE FUNCTION knowledge_search(
    p_tenant uuid,
    p_documents uuid[],
    p_collections uuid[],
    p_tags varchar[],
    p_terms text,
    p_phrases text[],
    p_excluded text[],
    p_query_vector vector,
    p_mode text,
    p_limit integer,
    p_candidates integer,
    p_exact_scan_max_rows integer,
    p_rrf_k integer,
    p_text_weights real[],
    p_text_normalization integer,
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
    v_scope_configs regconfig[] := '{}';
    v_configs regconfig[] := '{}';
    v_queries tsquery[] := '{}';
    v_query tsquery;
    v_has_terms boolean := false;
    v_seen bigint := 0;
    v_vector_ids uuid[] := '{}';
    v_distances double precision[] := '{}';
    v_text_ids uuid[] := '{}';
    v_text_ranks double precision[] := '{}';
    v_leg_ids uuid[];
    v_leg_ranks double precision[];
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

    IF p_terms IS NOT NULL OR cardinality(p_phrases) > 0 THEN
        SELECT coalesce(array_agg(DISTINCT d.ts_config), '{}') INTO v_scope_configs
        FROM document d
        WHERE d.tenant_id = p_tenant AND (v_documents IS NULL OR d.id = ANY (v_documents));
        FOR i IN 1 .. coalesce(cardinality(v_scope_configs), 0) LOOP
            v_query := knowledge_text_query(v_scope_configs[i], p_terms, p_phrases, p_excluded);
            IF querytree(v_query) NOT IN ('', 'T') THEN
                v_configs := v_configs || v_scope_configs[i];
                v_queries := v_queries || v_query;
            END IF;
        END LOOP;
        v_has_terms := cardinality(v_queries) > 0;
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
        FOR i IN 1 .. cardinality(v_queries) LOOP
            EXECUTE
                'SELECT coalesce(array_agg(id ORDER BY rank DESC, id), ''{}''),'
                '       coalesce(array_agg(rank ORDER BY rank DESC, id), ''{}'') '
                'FROM (SELECT id, ts_rank($6, search_vector, $1, $7)::float8 AS rank FROM chunk'
                '      WHERE tenant_id = $2 AND ts_config = $5 AND search_vector @@ $1'
                || v_in_documents ||
                '      ORDER BY rank DESC, id LIMIT $3) AS best'
            INTO v_leg_ids, v_leg_ranks
            USING v_queries[i], p_tenant, p_candidates, v_documents, v_configs[i],
                  p_text_weights, p_text_normalization;
            v_text_ids := v_text_ids || v_leg_ids;
            v_text_ranks := v_text_ranks || v_leg_ranks;
        END LOOP;
        IF cardinality(v_queries) > 1 THEN
            SELECT coalesce(array_agg(t.id ORDER BY t.rank DESC, t.id), '{}'),
                   coalesce(array_agg(t.rank ORDER BY t.rank DESC, t.id), '{}')
            INTO v_text_ids, v_text_ranks
            FROM (
                SELECT u.id, u.rank FROM unnest(v_text_ids, v_text_ranks) AS u (id, rank)
                ORDER BY u.rank DESC, u.id LIMIT p_candidates
            ) AS t;
        END IF;
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
           CASE WHEN q.query IS NOT NULL AND c.search_vector @@ q.query THEN
               ts_headline(
                   c.ts_config,
                   replace(replace(replace(replace(replace(
                       c.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'),
                       '''', '&#x27;'),
                   q.query,
                   p_headline_options
               )
           END
    FROM best b
    JOIN chunk c ON c.id = b.chunk_id AND c.tenant_id = p_tenant
    JOIN document d ON d.id = c.document_id AND d.tenant_id = p_tenant
    LEFT JOIN unnest(v_configs, v_queries) AS q (config, query) ON q.config = c.ts_config
    ORDER BY b.position;
END
$fn$
"""


def _detect_languages() -> None:
    """Each document with chunks: its language from the start of its chunks' text."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT d.id, left(string_agg(c.text, E'\\n' ORDER BY c.index), 20000) AS sample "
            "FROM document d JOIN chunk c ON c.document_id = d.id GROUP BY d.id"
        )
    ).all()
    if not rows:
        return
    from agentplatform.knowledge.index.language import detect_language, ts_config_name

    configs = {name for (name,) in bind.execute(sa.text("SELECT cfgname::text FROM pg_ts_config"))}
    for document_id, sample in rows:
        language = detect_language(sample)
        config = ts_config_name(language)
        bind.execute(
            sa.text(
                "UPDATE document SET language = :language, ts_config = CAST(:config AS regconfig) "
                "WHERE id = :id"
            ),
            {
                "language": language,
                "config": config if config in configs else "simple",
                "id": document_id,
            },
        )


def upgrade() -> None:
    op.add_column("document", sa.Column("language", sa.String(length=16), nullable=True))
    op.add_column(
        "document",
        sa.Column(
            "ts_config",
            postgresql.REGCONFIG(),
            server_default=sa.text("'simple'::regconfig"),
            nullable=False,
        ),
    )
    op.add_column(
        "chunk",
        sa.Column(
            "ts_config",
            postgresql.REGCONFIG(),
            server_default=sa.text("'simple'::regconfig"),
            nullable=False,
        ),
    )
    op.add_column(
        "chunk", sa.Column("document_title", sa.Text(), server_default="", nullable=False)
    )
    op.execute(HEADING_TEXT)
    _detect_languages()
    op.execute(
        "UPDATE chunk SET ts_config = d.ts_config, document_title = d.title "
        "FROM document d WHERE d.id = chunk.document_id"
    )
    op.drop_index("ix_chunk_search_vector", table_name="chunk", postgresql_using="gin")
    op.drop_column("chunk", "search_vector")
    op.add_column(
        "chunk",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed(SEARCH_VECTOR, persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_chunk_search_vector", "chunk", ["search_vector"], unique=False, postgresql_using="gin"
    )
    op.execute(TEXT_QUERY)
    op.execute(
        "DROP FUNCTION knowledge_search(uuid, uuid[], uuid[], varchar[], text, vector, text, "
        "integer, integer, integer, integer, text)"
    )
    op.execute(SEARCH)


def _previous_search_function() -> str:
    path = Path(__file__).with_name("20261126_0007_knowledge_search_function.py")
    spec = importlib.util.spec_from_file_location("knowledge_search_0007", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.SEARCH)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION knowledge_search(uuid, uuid[], uuid[], varchar[], text, text[], text[], "
        "vector, text, integer, integer, integer, integer, real[], integer, text)"
    )
    op.execute("DROP FUNCTION knowledge_text_query(regconfig, text, text[], text[])")
    op.drop_index("ix_chunk_search_vector", table_name="chunk", postgresql_using="gin")
    op.drop_column("chunk", "search_vector")
    op.add_column(
        "chunk",
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple'::regconfig, text)", persisted=True),
            nullable=True,
        ),
    )
    op.create_index(
        "ix_chunk_search_vector", "chunk", ["search_vector"], unique=False, postgresql_using="gin"
    )
    op.execute("DROP FUNCTION knowledge_heading_text(text[])")
    op.drop_column("chunk", "document_title")
    op.drop_column("chunk", "ts_config")
    op.drop_column("document", "ts_config")
    op.drop_column("document", "language")
    op.execute(_previous_search_function())
