"""one notification per person and event

Revision ID: c4f1a9e2d6b8
Revises: b7d2c4e9a1f3
Create Date: 2026-12-01 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2d6b8'
down_revision = 'b7d2c4e9a1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('event', sa.String(length=40), nullable=False, server_default='published')
        )
    # Decisions and links told before this revision did not record which one they told of:
    # each keeps its own row, named after itself.
    op.execute(
        sa.text(
            "UPDATE notifications SET event = 'legacy:' || CAST(id AS VARCHAR(20)) "
            "WHERE kind IN ('moderation', 'input_linked')"
        )
    )
    # A publication told twice to the same person (a race the old code allowed) keeps the first.
    op.execute(
        sa.text(
            "DELETE FROM notifications WHERE event = 'published' AND id NOT IN ("
            "  SELECT MIN(n.id) FROM notifications n WHERE n.event = 'published'"
            "  GROUP BY n.user_id, n.comment_id)"
        )
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('event', server_default=None)
        batch_op.create_unique_constraint(
            batch_op.f('uq_notifications_user_id_comment_id_event'),
            ['user_id', 'comment_id', 'event'],
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('uq_notifications_user_id_comment_id_event'), type_='unique'
        )
        batch_op.drop_column('event')
