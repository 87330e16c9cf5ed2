"""invitation links live for days

Revision ID: f2b6d8a4c9e1
Revises: e5a9c3f7b1d4
Create Date: 2026-12-01 23:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b6d8a4c9e1'
down_revision = 'e5a9c3f7b1d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('from_invitation', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table('link_tokens', schema=None) as batch_op:
        batch_op.drop_column('from_invitation')
