"""pictures in the materials: image sizes and their stored widths

Revision ID: e7a3b5c19d42
Revises: f2b6d8a4c9e1
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3b5c19d42'
down_revision = 'f2b6d8a4c9e1'
branch_labels = None
depends_on = None


def upgrade():
    # Pictures uploaded before this revision keep no width: they stay downloads until uploaded again.
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
    op.create_table('image_variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_image_variants_attachment_id_attachments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_variants')),
    sa.UniqueConstraint('attachment_id', 'width', name=op.f('uq_image_variants_attachment_id_width')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_image_variants_stored_name'))
    )
    with op.batch_alter_table('image_variants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_image_variants_attachment_id'), ['attachment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('image_variants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_image_variants_attachment_id'))
    op.drop_table('image_variants')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('height')
        batch_op.drop_column('width')
