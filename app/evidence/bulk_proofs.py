"""Proofs in bulk for a sender: a zip streamed as it is written, with a manifest of hashes."""
from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.delivery.records import RecordSettings
from app.errors import FieldError, ValidationFailed
from app.evidence.log import current_tree_head
from app.evidence.proofs import issue_proof
from app.models import Item

MAX_ITEMS = 5000


class _Sink:
    """A write-only file object whose bytes are handed out as the zip grows."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass  # the chunks stay to be drained after the archive is closed

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def select_items(session: Session, sender_id: int, *, numbers: list[str], window: tuple[datetime, datetime] | None) -> list[int]:
    """The sender's own items by number or registration window; another sender's items are unknown."""
    query = sa.select(Item.id, Item.tracking_number).where(Item.sender_id == sender_id)
    if numbers:
        rows = session.execute(query.where(Item.tracking_number.in_(numbers))).all()
        missing = sorted(set(numbers) - {r.tracking_number for r in rows})
        if missing:
            raise ValidationFailed([FieldError("items", f"not registered by this sender: {', '.join(missing[:20])}")])
    elif window is not None:
        rows = session.execute(query.where(Item.created_at >= window[0], Item.created_at < window[1])
                               .order_by(Item.created_at, Item.id).limit(MAX_ITEMS + 1)).all()
    else:
        raise ValidationFailed([FieldError("items", "give items=… or both from= and to=")])
    if len(rows) > MAX_ITEMS:
        raise ValidationFailed([FieldError("items", f"at most {MAX_ITEMS} items per zip; narrow the range")])
    return [r.id for r in rows]


def stream_zip(session: Session, item_ids: list[int], *, settings: RecordSettings, now: datetime,
               tree_head_max_age_s: float) -> Iterator[bytes]:
    """Yield the zip: one current proof per item, then manifest.json and SHA256SUMS."""
    sink = _Sink()
    manifest = []
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for item_id in item_ids:
            item = session.get_one(Item, item_id)
            proof = issue_proof(session, item, variant="sender", settings=settings, now=now)
            name = f"proof-{item.tracking_number}-v{proof.version}.pdf"
            archive.writestr(zipfile.ZipInfo(name, date_time=proof.created_at.timetuple()[:6]), proof.pdf)
            manifest.append({"file": name, "tracking_number": item.tracking_number, "version": proof.version,
                             "sha256": proof.sha256, "bytes": len(proof.pdf), "tree_size": proof.tree_size})
            yield sink.drain()
        head = current_tree_head(session, max_age_s=tree_head_max_age_s)
        session.commit()
        archive.writestr("manifest.json", json.dumps({"generated_at": now.isoformat(), "tree_head": head,
                                                      "proofs": manifest}, indent=2, ensure_ascii=False))
        archive.writestr("SHA256SUMS", "".join(f"{m['sha256']}  {m['file']}\n" for m in manifest))
    yield sink.drain()
