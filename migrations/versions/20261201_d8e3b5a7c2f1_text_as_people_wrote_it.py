"""text as people wrote it: line feeds only, and each comment's plain text

Revision ID: d8e3b5a7c2f1
Revises: c4f1a9e2d6b8
Create Date: 2026-12-01 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e3b5a7c2f1'
down_revision = 'c4f1a9e2d6b8'
branch_labels = None
depends_on = None

# Browsers send a textarea's lines ending in CR LF; what was stored so went into differences
# and spreadsheet cells as stray carriage returns. Every text people type, as line feeds.
TYPED_TEXT = {
    'comments': ['body_markdown', 'body_html', 'quote', 'moderation_reason'],
    'comment_revisions': ['body_markdown', 'quote'],
    'comment_drafts': ['body_markdown', 'quote'],
    'sections': ['body_markdown', 'body_html', 'draft_markdown'],
    'section_versions': ['body_markdown'],
    'pages': ['intro'],
    'workspaces': ['summary'],
    'reports': ['reason'],
    'moderator_notes': ['body'],
    'moderation_log': ['reason'],
    'notifications': ['detail'],
    'alternatives': ['description_markdown', 'description_html'],
    'comment_links': ['note'],
    'assessments': ['reason'],
}


def upgrade():
    cr = "chr(13)" if op.get_bind().dialect.name == "postgresql" else "char(13)"
    lf = "chr(10)" if op.get_bind().dialect.name == "postgresql" else "char(10)"
    for table, columns in TYPED_TEXT.items():
        for column in columns:
            op.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = "
                    f"REPLACE(REPLACE({column}, {cr} || {lf}, {lf}), {cr}, {lf}) "
                    f"WHERE {column} LIKE '%' || {cr} || '%'"
                )
            )

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_text', sa.Text(), nullable=False, server_default=''))
    # The plain text is derived by the app's own function, as every later write derives it.
    from valuma_space.materials.plaintext import plain_text

    connection = op.get_bind()
    comments = sa.table(
        'comments', sa.column('id', sa.Integer), sa.column('body_markdown', sa.Text),
        sa.column('body_text', sa.Text),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(comments.c.id, comments.c.body_markdown)
            .where(comments.c.id > last, comments.c.body_markdown != '')
            .order_by(comments.c.id)
            .limit(2000)
        ).all()
        if not rows:
            break
        connection.execute(
            comments.update().where(comments.c.id == sa.bindparam('row_id')),
            [{'row_id': row.id, 'body_text': plain_text(row.body_markdown)} for row in rows],
        )
        last = rows[-1].id
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.alter_column('body_text', server_default=None)


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('body_text')
