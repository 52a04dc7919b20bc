"""Consultation requests from the customer app, kept only with consent and only for the retention period.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),  # normalised, e.g. 010-1234-5678
        sa.Column("preferred_time", sa.String(64)),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("products", sa.Text, nullable=False),  # JSON list of the recommended prdtCd
        sa.Column("facts", sa.Text, nullable=False),  # JSON of the conversation's six facts and group
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # new | handled
        sa.Column("handled_by", sa.String(64)),
        sa.Column("handled_at", sa.DateTime(timezone=True)),
        # A deleted request's id is never given to a later one, so "opened lead N" in the audit log stays unambiguous.
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("consultation_request")
