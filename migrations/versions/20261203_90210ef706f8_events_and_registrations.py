"""events and registrations: seminars and workshops, seats and the waiting list

Revision ID: 90210ef706f8
Revises: 5b58dc5abc76
Create Date: 2026-12-03 15:47:26.197516

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90210ef706f8'
down_revision = '5b58dc5abc76'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=120), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('attendance', sa.Enum('onsite', 'remote', 'both', name='attendancemode', native_enum=False, length=32), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration_opens_at', sa.DateTime(), nullable=True),
    sa.Column('registration_deadline', sa.DateTime(), nullable=True),
    sa.Column('closed_by_hand', sa.Boolean(), nullable=False),
    sa.Column('remote_link', sa.String(length=500), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('ask_dietary', sa.Boolean(), nullable=False),
    sa.Column('ask_accessibility', sa.Boolean(), nullable=False),
    sa.Column('ask_interpretation', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_events_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('uid', name=op.f('uq_events_uid'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('onsite', 'remote', name='registrationmode', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('confirmed', 'waiting', 'cancelled', name='registrationstate', native_enum=False, length=32), nullable=False),
    sa.Column('waiting_position', sa.Integer(), nullable=True),
    sa.Column('dietary', sa.String(length=500), nullable=False),
    sa.Column('accessibility', sa.String(length=500), nullable=False),
    sa.Column('interpretation', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('confirmation_mail_id', sa.Integer(), nullable=True),
    sa.Column('promotion_mail_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['confirmation_mail_id'], ['outbox_messages.id'], name=op.f('fk_event_registrations_confirmation_mail_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['promotion_mail_id'], ['outbox_messages.id'], name=op.f('fk_event_registrations_promotion_mail_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    sa.UniqueConstraint('cancel_token', name=op.f('uq_event_registrations_cancel_token')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_event_registrations_one_per_person')
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_event_id_state_waiting_position'), ['event_id', 'state', 'waiting_position'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id_state_waiting_position'))

    op.drop_table('event_registrations')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_workspace_id'))

    op.drop_table('events')
