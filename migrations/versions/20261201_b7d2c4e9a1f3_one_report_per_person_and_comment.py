"""one report per person and comment

Revision ID: b7d2c4e9a1f3
Revises: e1c32d8b175b
Create Date: 2026-12-01 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2c4e9a1f3'
down_revision = 'e1c32d8b175b'
branch_labels = None
depends_on = None


def upgrade():
    # A person's later reports of the same comment go: the first one stays, open if any of
    # theirs was, so that no open report is lost.
    op.execute(
        sa.text(
            "UPDATE reports SET status = 'open', resolved_at = NULL "
            "WHERE reporter_id IS NOT NULL AND id IN ("
            "  SELECT MIN(r.id) FROM reports r WHERE r.reporter_id IS NOT NULL"
            "  GROUP BY r.comment_id, r.reporter_id"
            "  HAVING SUM(CASE WHEN r.status = 'open' THEN 1 ELSE 0 END) > 0)"
        )
    )
    op.execute(
        sa.text(
            "DELETE FROM reports WHERE reporter_id IS NOT NULL AND id NOT IN ("
            "  SELECT MIN(r.id) FROM reports r WHERE r.reporter_id IS NOT NULL"
            "  GROUP BY r.comment_id, r.reporter_id)"
        )
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f('uq_reports_comment_id_reporter_id'), ['comment_id', 'reporter_id']
        )


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reports_comment_id_reporter_id'), type_='unique')
