"""chunk: embeddings stored inline in the row, not in the TOAST table

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:30:00.000000

pgvector gives `vector` EXTERNAL storage, and a chunk row (a 384-dimension vector is 1,544 bytes,
plus the text and its tsvector) passes PostgreSQL's 2 kB TOAST threshold, so every embedding was
moved out of line: each distance computed on a row (the exact path, every row the HNSW path
returns) read the TOAST index and the TOAST heap first, about four buffers a row. On the bench's
rows an exact scan of 20,000 chunks touched 80,800 buffers and took ~120 ms.

Now the embedding is PLAIN (never compressed or moved out) and the toaster only steps in for
rows over 8 kB (`toast_tuple_target`), when it moves the text or its tsvector. Rows written
before keep their out-of-line vectors until rewritten: re-embedding rewrites every vector, and
`VACUUM FULL chunk` rewrites the table at a quiet time. `pending_embedding`, read only while the
embedding model changes, stays EXTERNAL.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE chunk ALTER COLUMN embedding SET STORAGE PLAIN")
    op.execute("ALTER TABLE chunk SET (toast_tuple_target = 8160)")


def downgrade() -> None:
    op.execute("ALTER TABLE chunk RESET (toast_tuple_target)")
    op.execute("ALTER TABLE chunk ALTER COLUMN embedding SET STORAGE EXTERNAL")
