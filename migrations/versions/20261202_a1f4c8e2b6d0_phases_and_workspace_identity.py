"""phases and workspace identity: the study's timeline, accent colour, logo, cover, organisers

Revision ID: a1f4c8e2b6d0
Revises: e7a3b5c19d42
Create Date: 2026-12-02 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1f4c8e2b6d0'
down_revision = 'e7a3b5c19d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_phases_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phases'))
    )
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phases_workspace_id'), ['workspace_id'], unique=False)
    # Existing workspaces keep the site's look: every new column starts empty.
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), server_default='', nullable=False))
        batch_op.add_column(sa.Column('logo_image', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cover_image', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cover_alt', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('organisers', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('partners', sa.Text(), server_default='', nullable=False))
    # The model sets its own defaults; the server defaults were only for the rows already there.
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        for column in ('accent_color', 'logo_image', 'cover_image', 'cover_alt', 'organisers', 'partners'):
            batch_op.alter_column(column, server_default=None)


def downgrade():
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('partners')
        batch_op.drop_column('organisers')
        batch_op.drop_column('cover_alt')
        batch_op.drop_column('cover_image')
        batch_op.drop_column('logo_image')
        batch_op.drop_column('accent_color')
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phases_workspace_id'))
    op.drop_table('phases')
