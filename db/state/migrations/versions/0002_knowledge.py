"""The analysts' loop: saved question/SQL pairs, answer feedback, and the business glossary.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_pair",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("sql", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),  # approved | pending
        sa.Column("source", sa.String(16), nullable=False),  # saved | thumbs_down | cli
        sa.Column("answer_ref", sa.Text),  # which answer it came from: the question asked and the SQL shown
        sa.Column("checked_rows", sa.Integer),  # rows the SQL returned when it was last executed
        sa.Column("saved_by", sa.String(64)),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(64)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "answer_feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("staff", sa.String(64)),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("sql", sa.Text),
        sa.Column("verdict", sa.String(8), nullable=False),  # up | down
        sa.Column("corrected_sql", sa.Text),
        sa.Column("pair_id", sa.Integer),  # the pending pair a correction became, if any
    )
    op.create_table(
        "glossary_term",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("aliases", sa.Text),  # JSON list of other spellings
        sa.Column("condition_sql", sa.Text, nullable=False),  # a WHERE condition over customer
        sa.Column("description", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),  # pending | approved
        sa.Column("proposed_by", sa.String(64)),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("glossary_term")
    op.drop_table("answer_feedback")
    op.drop_table("saved_pair")
