"""invitations know the organisation type and region, to compare who was invited with who took part

Revision ID: b3d5f7a9c1e2
Revises: a1f4c8e2b6d0
Create Date: 2026-12-02 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e2'
down_revision = 'a1f4c8e2b6d0'
branch_labels = None
depends_on = None


def upgrade():
    # Invitations sent before this revision know neither: they count as "not told".
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_type', sa.Enum('municipality', 'regional_council', 'ministry', 'ely_centre', 'development_company', 'research', 'association', 'company', 'network', 'other', name='organisationtype', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('region', sa.Enum('uusimaa', 'varsinais_suomi', 'satakunta', 'kanta_hame', 'pirkanmaa', 'paijat_hame', 'kymenlaakso', 'etela_karjala', 'etela_savo', 'pohjois_savo', 'pohjois_karjala', 'keski_suomi', 'etela_pohjanmaa', 'pohjanmaa', 'keski_pohjanmaa', 'pohjois_pohjanmaa', 'kainuu', 'lappi', 'ahvenanmaa', 'national', 'abroad', name='region', native_enum=False, length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('region')
        batch_op.drop_column('organisation_type')
