"""A correction of a just-recorded scan is a new attempt naming the one it corrects

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-04 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (nullable, no default) on both databases: attempts refuse UPDATE and
    # DELETE, so the table is never rebuilt. SQLite takes the reference inline.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE attempts ADD COLUMN corrects_attempt_id INTEGER '
                   'CONSTRAINT fk_attempts_corrects_attempt_id_attempts REFERENCES attempts (id)')
    else:
        op.add_column('attempts', sa.Column('corrects_attempt_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_attempts_corrects_attempt_id_attempts'), 'attempts', 'attempts',
                              ['corrects_attempt_id'], ['id'])
    op.create_index(op.f('ix_attempts_corrects_attempt_id'), 'attempts', ['corrects_attempt_id'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_attempts_corrects_attempt_id'), table_name='attempts')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_attempts_corrects_attempt_id_attempts'), 'attempts', type_='foreignkey')
    op.drop_column('attempts', 'corrects_attempt_id')
