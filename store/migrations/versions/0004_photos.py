"""Photos kept apart from bulletins, so that a summary's chart goes up the way a bulletin's
photo does. Existing bulletin photos keep their bulletin's id as their photo id, so outbox rows
already queued with `photo_of` still name the right picture.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("file_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.execute(
        "INSERT INTO photos (id, data, file_id, created_at) SELECT id, photo, photo_file_id, created_at"
        " FROM bulletins WHERE photo IS NOT NULL OR photo_file_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('photos', 'id'), COALESCE(MAX(id), 0) + 1, false)"
            " FROM photos"
        )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_bulletins_photo_id_photos"), "photos", ["photo_id"], ["id"], ondelete="SET NULL"
        )
    op.execute("UPDATE bulletins SET photo_id = id WHERE photo IS NOT NULL OR photo_file_id IS NOT NULL")
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_column("photo")
        batch_op.drop_column("photo_file_id")


def downgrade() -> None:
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_file_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE bulletins SET photo = (SELECT data FROM photos WHERE photos.id = bulletins.photo_id),"
        " photo_file_id = (SELECT file_id FROM photos WHERE photos.id = bulletins.photo_id)"
    )
    with op.batch_alter_table("bulletins", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_bulletins_photo_id_photos"), type_="foreignkey")
        batch_op.drop_column("photo_id")
    op.drop_table("photos")
