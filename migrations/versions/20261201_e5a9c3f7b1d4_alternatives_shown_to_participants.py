"""alternatives shown to participants, sections withdrawn from the discussion

Revision ID: e5a9c3f7b1d4
Revises: d8e3b5a7c2f1
Create Date: 2026-12-01 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a9c3f7b1d4'
down_revision = 'd8e3b5a7c2f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('alternatives', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'shown_to_participants', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    # What was published stays shown, but for drafts, which publishing should never have shown:
    # their sections are withdrawn, their comments kept.
    op.execute(
        sa.text(
            "UPDATE alternatives SET shown_to_participants = :yes "
            "WHERE section_id IS NOT NULL AND status NOT IN ('draft', 'set_aside')"
        ).bindparams(yes=True)
    )
    op.execute(
        sa.text(
            "UPDATE sections SET withdrawn_at = CURRENT_TIMESTAMP WHERE id IN ("
            "  SELECT section_id FROM alternatives"
            "  WHERE section_id IS NOT NULL AND shown_to_participants = :no)"
        ).bindparams(no=False)
    )


def downgrade():
    with op.batch_alter_table('alternatives', schema=None) as batch_op:
        batch_op.drop_column('shown_to_participants')
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
