"""The transparency log (entries, perfect-subtree nodes, signed tree heads) and proof versions."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, check_in, utcnow
from notices.vocabulary import ProofVariant


class LogState(Model):
    """One row holding the log's size; locked while appending so leaves are numbered in order."""

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class LogEntry(Model):
    """Leaf ``index`` of the log: the canonical JSON of one item event and its RFC 9162 leaf hash.

    ``opening`` keeps what a commitment in the entry hides (the recipient's name and address
    and a salt), so the sender's proof can reveal it while the public one does not.
    """

    __tablename__ = "log_entries"

    index: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("item_events.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    canonical: Mapped[str] = mapped_column(sa.Text)
    leaf_hash: Mapped[str] = mapped_column(sa.String(64))
    opening: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LogNode(Model):
    """The root of a perfect subtree: leaves ``[index * 2**level, (index + 1) * 2**level)``."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(sa.String(64))


class SignedTreeHead(Model):
    """A published checkpoint: tree size, root hash and time, signed with the log's Ed25519 key."""

    __tablename__ = "log_tree_heads"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    root_hash: Mapped[str] = mapped_column(sa.String(64))
    timestamp_ms: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProofVersion(Model):
    """A proof PDF as issued: the same bytes are served until a new event makes a new version."""

    __tablename__ = "proof_versions"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "variant", "version", name="uq_proof_versions_item_variant_version"),
        check_in("variant", ProofVariant),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    variant: Mapped[str] = mapped_column(sa.String(10))
    version: Mapped[int] = mapped_column(sa.Integer)
    entry_count: Mapped[int] = mapped_column(sa.Integer)
    last_entry_index: Mapped[int] = mapped_column(sa.BigInteger)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # Whether the signature carries an RFC 3161 time-stamp (None: issued before this was kept;
    # the PDF's evidence then says it), so serving a stored version never parses the PDF.
    timestamped: Mapped[bool | None] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WitnessCosignature(Model):
    """A witness's cosigned checkpoint of the log (C2SP tlog-witness), as the witness returned it."""

    __tablename__ = "log_cosignatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    witness: Mapped[str] = mapped_column(sa.String(200), index=True)
    tree_size: Mapped[int] = mapped_column(sa.BigInteger)
    root_hash: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text)  # the checkpoint with the log's signature and the cosignature
    cosigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckpointTimestamp(Model):
    """An RFC 3161 time-stamp token over a published checkpoint (SHA-256 of its note)."""

    __tablename__ = "log_checkpoint_timestamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_head_id: Mapped[int] = mapped_column(sa.ForeignKey("log_tree_heads.id"), unique=True)
    token: Mapped[str] = mapped_column(sa.Text)  # base64 of the DER token
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
