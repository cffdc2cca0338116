"""work rows: `next_attempt_at` and `run_id` on every row that is work

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:30:00.000000

Documents, graph extractions and the knowledge index share one durable-work mechanism
(`core.work`): every such row has `attempts`, `last_error`, `heartbeat_at`, `next_attempt_at` (when
a row put back in the queue is due again) and `run_id` (the claim its job holds). Documents used
to encode their backoff as "heartbeat older than 5 s x attempts²"; waiting documents get that
moment as their `next_attempt_at`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("document", "graph_extraction", "knowledge_index"):
        op.add_column(table, sa.Column("next_attempt_at", sa.DateTime(timezone=True)))
    for table in ("document", "knowledge_index"):
        op.add_column(table, sa.Column("run_id", sa.Uuid()))
    op.execute(
        """
        UPDATE document
        SET next_attempt_at = heartbeat_at + make_interval(secs => 5 * attempts * attempts)
        WHERE status = 'queued' AND attempts > 0 AND heartbeat_at IS NOT NULL
        """
    )


def downgrade() -> None:
    for table in ("document", "knowledge_index"):
        op.drop_column(table, "run_id")
    for table in ("document", "graph_extraction", "knowledge_index"):
        op.drop_column(table, "next_attempt_at")
