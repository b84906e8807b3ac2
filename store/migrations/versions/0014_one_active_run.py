"""At most one active flow run per person, kept by the store (issue 19): a partial unique index.

The code has always read only her newest active run (`runs.active_for`), so an older one still
marked active was already out of her reach: no message of hers could move it. Before the index
is built, each such older run is ended as `expired`, the status of a run she left unfinished,
exactly as the clock sets aside a run it cannot expire (`RUN_ASIDE`: her answers and the step
she was on are kept, it no longer times out); its end is its last activity (`updated_at`).
Not `cancelled`: that is something she chose. The newest run (the highest id, the one she was
answering) stays active.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.execute(
        "UPDATE flow_runs SET status = 'expired', expires_at = NULL, finished_at = updated_at"
        " WHERE status = 'active' AND id NOT IN"
        " (SELECT MAX(id) FROM flow_runs WHERE status = 'active' GROUP BY person_id)"
    )
    op.create_index(
        "ux_flow_runs_active",
        "flow_runs",
        ["person_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    op.drop_index("ux_flow_runs_active", table_name="flow_runs", sqlite_where=ACTIVE, postgresql_where=ACTIVE)
