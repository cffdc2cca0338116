"""chat hand-off: how long an agent stays quiet after a person writes, and conversations paused

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:40:00.000000

`agent.human_pause_minutes` (30 for every existing agent) and `conversation.paused_until`: after a
person of the workspace answers in a conversation the agent does not answer it until then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "agent",
        sa.Column("human_pause_minutes", sa.Integer(), server_default="30", nullable=False),
    )
    op.add_column(
        "conversation", sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("conversation", "paused_until")
    op.drop_column("agent", "human_pause_minutes")
