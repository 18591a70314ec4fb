"""The transparency log: every item event becomes a leaf, in the event's own transaction.

Leaves are numbered under a row lock on ``log_state`` (PostgreSQL) or SQLite's single writer,
so the tree only grows at its end. Perfect-subtree hashes are stored as leaves arrive, so a
root or a proof needs O(log n) reads. Tree heads are signed checkpoints (Ed25519).
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.events import Event
from app.evidence.facts import ENTRY_VERSION, alert_facts, alert_opening, attempt_facts
from app.evidence.keyring import keys
from app.extensions import db
from app.models import Attempt, Item, OutboxMessage
from app.models.bulk import insert_rows
from app.models.evidence import LogEntry, LogNode, LogState, SignedTreeHead
from app.models.types import utcnow
from notices import checkpoint, merkle
from notices.evidence import canonical, commitment, entry_leaf_hash, utc


def recipient_opening(item: Item) -> dict:
    """The recipient data a registration entry commits to (contacts may change later; these don't)."""
    return {"name": item.recipient_name, "line1": item.address_line1, "line2": item.address_line2,
            "postal_code": item.postal_code, "city": item.city, "country": item.country}


def entry_content(session: Session, item: Item, event: Event, salt: str | None,
                  version: int = ENTRY_VERSION) -> dict:
    """The canonical content of the entry for ``event``, rebuilt from the rows it describes."""
    content = {
        "v": version, "item": item.tracking_number,
        "event": {"id": event.id, "kind": event.kind, "at": utc(event.occurred_at), "data": event.data},
    }
    if event.kind == "registered":
        facts = {
            "service": item.service, "sender_id": item.sender_id, "sender_reference": item.sender_reference,
            "registered_at": utc(item.created_at),
            "recipient_commitment": commitment(recipient_opening(item), salt or ""),
        }
        if item.content_sha256:  # the sender's commitment to the content (absent from entries without one)
            facts["content_sha256"] = item.content_sha256
        content["facts"] = facts
    elif isinstance(event.data, dict) and event.data.get("attempt_id") is not None:
        attempt = session.get(Attempt, event.data["attempt_id"])
        content["facts"] = {"attempt": attempt_facts(attempt, version) if attempt else None}
    elif version >= 2 and event.kind == "notification_status" and isinstance(event.data, dict):
        content["facts"] = {"alert": alert_facts(session.get(OutboxMessage, event.data.get("message_id")), salt or "")}
    return content


def _opening(session: Session, item: Item, event: Event, salt: str | None) -> dict | None:
    """What the sender's proof opens of the entry's commitments (kept beside the entry, never logged)."""
    if salt is None:
        return None
    if event.kind == "registered":
        return {"recipient": recipient_opening(item), "salt": salt}
    message = session.get(OutboxMessage, (event.data or {}).get("message_id"))
    return {"destination": alert_opening(message), "salt": salt} if message else None


_LOG_STATE = cast(sa.Table, LogState.__table__)
_ENTRIES = cast(sa.Table, LogEntry.__table__)
_NODES = cast(sa.Table, LogNode.__table__)


def _reserve(session: Session, count: int) -> int:
    """Number ``count`` new leaves: the log's row lock and its new size in one statement; returns the first."""
    grow = (sa.update(_LOG_STATE).where(_LOG_STATE.c.id == 1)
            .values(tree_size=_LOG_STATE.c.tree_size + count).returning(_LOG_STATE.c.tree_size))
    end = session.execute(grow).scalar()
    if end is None:  # the very first entry: make the log's row, unless a concurrent first writer just did
        insert_rows(session.connection(), _LOG_STATE, [{"id": 1, "tree_size": 0}], skip_conflicts_on=["id"])
        end = session.execute(grow).scalar_one()
    return end - count


def node_reader(session: Session):
    """Read perfect-subtree hashes one by one (cached); see ``planned`` for batched reads."""
    cache: dict[tuple[int, int], bytes] = {}

    def node(level: int, index: int) -> bytes:
        key = (level, index)
        if key not in cache:
            row = session.get(LogNode, key)
            if row is None:
                raise merkle.ProofError(f"the log has no node at level {level}, index {index}")
            cache[key] = bytes.fromhex(row.hash)
        return cache[key]

    return node


def planned(session: Session, compute):
    """Run ``compute(node)`` with every node it needs fetched in one query.

    Which nodes a root or proof reads depends only on sizes and indices, never on hash
    values, so a dry run with placeholder hashes lists them.
    """
    wanted: set[tuple[int, int]] = set()

    def placeholder(level: int, index: int) -> bytes:
        wanted.add((level, index))
        return bytes(32)

    compute(placeholder)
    return compute(_reader(_nodes(session, wanted)))


def _reader(found: dict[tuple[int, int], bytes]):
    def node(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise merkle.ProofError(f"the log has no node at level {level}, index {index}") from None
    return node


def _nodes(session: Session, wanted) -> dict[tuple[int, int], bytes]:
    """The stored nodes ``wanted`` (``(level, index)`` pairs), in one query."""
    found: dict[tuple[int, int], bytes] = {}
    if session.get_bind().dialect.name == "postgresql":
        # One statement whatever the nodes (a scan wants a different set each time): the driver
        # prepares it once per connection, where an OR of terms would be a new statement per set.
        pairs = list(wanted)
        if pairs:
            stored = session.connection().exec_driver_sql(
                f'SELECT n."level", n."index", n."hash" FROM "{_NODES.name}" n JOIN unnest(%(levels)s::smallint[], '
                '%(indices)s::bigint[]) AS w("level", "index") ON n."level" = w."level" AND n."index" = w."index"',
                {"levels": [level for level, _ in pairs], "indices": [index for _, index in pairs]})
            found.update({(level, index): bytes.fromhex(digest) for level, index, digest in stored})
        return found
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        by_level.setdefault(level, []).append(index)
    if by_level:  # one query; each (level, index IN …) term uses the primary key
        rows = session.execute(sa.select(LogNode.level, LogNode.index, LogNode.hash).where(sa.or_(
            *(sa.and_(LogNode.level == level, LogNode.index.in_(indices)) for level, indices in by_level.items()))))
        found.update({(level, index): bytes.fromhex(digest) for level, index, digest in rows})
    return found


_PENDING = "awizo.log_pending"


def append_event(session: Session, item: Item, event: Event) -> None:
    """Listener for item events: the entry joins the log in this transaction, just before it commits.

    Numbering leaves needs the log's single row lock; taking it at commit time instead of when the
    event happens keeps concurrent requests from queueing behind each other's whole transaction.
    """
    session.info.setdefault(_PENDING, []).append((item, event))


def append_event_batch(session: Session, pairs: list[tuple[Item, Event]]) -> None:
    """:func:`append_event` for a batch of events (``record_events``).

    The entries' content and leaf hashes are made now, in one pass over the batch, and only
    they wait for the commit: a bulk import keeps no item or event object alive until then, and
    the work done under the log's lock at commit is numbering and the tree's nodes alone.
    """
    session.info.setdefault(_PENDING, []).extend(_prepare(session, pairs))


def integrate_pending(session: Session, *, final: bool = False) -> None:
    """Append the events this transaction recorded so far (before commit, or before a read of the log).

    In a transaction that :func:`defer_numbering` marked, the entries are only moved out of
    memory, unnumbered, until ``final`` (the commit)."""
    pending = session.info.pop(_PENDING, None) or []
    staged = session.info.get(_STAGING)
    if staged is None:
        append_events(session, pending)
        return
    _stage(session, staged, pending)
    if final:
        del session.info[_STAGING]
        _number_staged(session, staged)


def _integrate_at_commit(session: Session) -> None:
    # The transaction's other writes go out first: whoever numbers leaves holds the log's one
    # row lock until the commit, so nothing else should be sent while it is held.
    session.flush()
    integrate_pending(session, final=True)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_STAGING, None)  # the temporary table went with the transaction


def install_session_hooks() -> None:
    """Integrate queued entries at commit; drop them on rollback (their events are gone too)."""
    for name, fn in (("before_commit", _integrate_at_commit), ("after_soft_rollback", _forget_pending)):
        if not sa.event.contains(Session, name, fn):
            sa.event.listen(Session, name, fn)


_STAGING = "awizo.log_staging"  # session.info: the leaf hashes staged so far, 32 bytes each, in order
_STAGED = sa.Table("awizo_log_staged", sa.MetaData(), *(sa.Column(c.name, c.type) for c in _ENTRIES.c))


def defer_numbering(session: Session) -> None:
    """Number this transaction's entries only when it commits: for a long write, a bulk import.

    The log has one row lock, and whoever numbers an entry holds it until their commit. An import
    that numbered its entries chunk by chunk would make every scan and alert committing meanwhile
    wait for the rest of the import. After this call :func:`integrate_pending` moves the entries
    recorded so far into a temporary table, unnumbered (memory stays flat), and the commit numbers
    them all at once: the lock is held for the numbering, the tree's nodes and one
    ``INSERT … SELECT``. Until then reads of the log in this transaction see it without them
    (a callback's tree head covers the log before the import).

    PostgreSQL only: SQLite's single writer holds the whole database from a transaction's first
    write to its commit anyway, so there entries are numbered as they come.
    """
    if _STAGING in session.info or session.get_bind().dialect.name != "postgresql":
        return
    session.connection().exec_driver_sql(
        f'CREATE TEMPORARY TABLE "{_STAGED.name}" (LIKE "{_ENTRIES.name}") ON COMMIT DROP')
    session.info[_STAGING] = bytearray()


def _stage(session: Session, staged: bytearray, pending: list) -> None:
    """Write pending entries to the temporary table, their position in the transaction as index."""
    if not pending:
        return
    rows = _rows(session, pending)
    first = len(staged) // 32
    for offset, row in enumerate(rows):
        row["index"] = first + offset
        staged += bytes.fromhex(str(row["leaf_hash"]))
    insert_rows(session.connection(), _STAGED, rows)


_NODES_AT_ONCE = 4096  # leaves whose new nodes are made and written together (memory bounded, not per import)


def _number_staged(session: Session, staged: bytearray) -> None:
    """Number the staged entries after the log's current end and move them into it."""
    if not staged:
        return
    count = len(staged) // 32
    start = _reserve(session, count)
    columns = ", ".join(f'"{c.name}"' for c in _ENTRIES.c if c.name != "index")
    connection = session.connection()
    connection.exec_driver_sql(f'INSERT INTO "{_ENTRIES.name}" ("index", {columns}) '
                               f'SELECT %(start)s + "index", {columns} FROM "{_STAGED.name}"', {"start": start})
    for first in range(0, count, _NODES_AT_ONCE):  # each part reads the nodes the one before it wrote
        leaves = [bytes(staged[i * 32:(i + 1) * 32]) for i in range(first, min(count, first + _NODES_AT_ONCE))]
        _insert_nodes(connection, _grow(session, start + first, leaves))


def _prepare(session: Session, pairs: list[tuple[Item, Event]]) -> list[dict[str, object]]:
    """The log rows of these events, without their index: canonical content, leaf hash, opening."""
    rows: list[dict[str, object]] = []
    for item, event in pairs:
        salt = secrets.token_hex(16) if event.kind in ("registered", "notification_status") else None
        text = canonical(entry_content(session, item, event, salt))
        rows.append({"item_id": item.id, "event_id": event.id, "kind": event.kind, "canonical": text,
                     "leaf_hash": entry_leaf_hash(text).hex(), "created_at": utcnow(),
                     "opening": _opening(session, item, event, salt)})
    return rows


def _rows(session: Session, pending: list) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for entry in pending:
        rows.extend(_prepare(session, [entry]) if isinstance(entry, tuple) else [entry])
    return rows


def append_events(session: Session, pending: list) -> None:
    """Append events as consecutive leaves: one lock, one node read, two bulk INSERTs.

    ``pending`` holds ``(item, event)`` pairs and rows :func:`_prepare` made, in event order.
    """
    if not pending:
        return
    rows = _rows(session, pending)
    leaves = [bytes.fromhex(str(row["leaf_hash"])) for row in rows]
    start = _reserve(session, len(rows))
    created = _grow(session, start, leaves)
    for offset, row in enumerate(rows):
        row["index"] = start + offset
    # One statement each, however many leaves: nothing here needs the ORM's per-row bookkeeping.
    connection = session.connection()
    insert_rows(connection, _ENTRIES, rows)
    _insert_nodes(connection, created)


def _grow(session: Session, start: int, leaves: list[bytes]) -> list[tuple[int, int, bytes]]:
    """The perfect-subtree nodes that ``leaves``, numbered from ``start``, complete."""
    return merkle.appended_nodes(start, leaves, _reader(_nodes(session, merkle.appended_reads(start, len(leaves)))))


def _insert_nodes(connection, created: list[tuple[int, int, bytes]]) -> None:
    insert_rows(connection, _NODES, [{"level": level, "index": index, "hash": digest.hex()}
                                     for level, index, digest in created])


def tree_size(session: Session) -> int:
    integrate_pending(session)
    return session.scalar(sa.select(LogState.tree_size).where(LogState.id == 1)) or 0



def root(session: Session, size: int) -> bytes:
    return planned(session, lambda node: merkle.Tree(node).root(size))


def latest_tree_head(session: Session) -> SignedTreeHead | None:
    return session.scalar(sa.select(SignedTreeHead).order_by(SignedTreeHead.id.desc()).limit(1))


def sign_tree_head(session: Session, now: datetime | None = None, size: int | None = None) -> SignedTreeHead:
    """Sign the current tree (of ``size``, if the caller just read it) and keep the head (in the caller's transaction)."""
    size = tree_size(session) if size is None else size
    root_hash = root(session, size)
    moment = now or utcnow()
    head = checkpoint.sign(keys().origin, size, root_hash, int(moment.timestamp() * 1000), keys().log_key)
    row = SignedTreeHead(tree_size=size, root_hash=root_hash.hex(), timestamp_ms=head.timestamp_ms, note=head.note,
                         created_at=moment)
    session.add(row)
    session.flush()
    return row


def current_tree_head(session: Session | None = None, now: datetime | None = None, *, max_age_s: float) -> dict:
    """The signed tree head covering the whole log now, as a dict for callbacks and proofs.

    Re-uses the latest head if it covers the current size and is younger than ``max_age_s``
    (``TREE_HEAD_MAX_AGE_SECONDS``); otherwise signs a new one in the caller's transaction (the
    caller commits). Sender callbacks include this so every sender holds a head the operator
    cannot later contradict.
    """
    session = session or db.session
    moment = now or utcnow()
    head = latest_tree_head(session)
    size = tree_size(session)
    if head is None or head.tree_size != size or moment.timestamp() * 1000 - head.timestamp_ms > max_age_s * 1000:
        head = sign_tree_head(session, moment, size)
    return head_dict(head)


def head_dict(head: SignedTreeHead) -> dict:
    return checkpoint.TreeHead(keys().origin, head.tree_size, bytes.fromhex(head.root_hash), head.timestamp_ms,
                               head.note).as_dict()


def publish_tree_head(max_age_s: float) -> dict:
    """Sign and publish the current tree head (every few minutes, see :mod:`app.evidence.jobs`)."""
    head = current_tree_head(db.session, max_age_s=max_age_s)
    db.session.commit()
    return head


def inclusion(session: Session, index: int, size: int) -> list[str]:
    return inclusions(session, [index], size)[0]


def inclusions(session: Session, indices: Sequence[int], size: int) -> list[list[str]]:
    """The inclusion proofs of several entries in the tree of ``size``, every node they need
    fetched in one query (a proof PDF carries one per entry of its item)."""
    proofs = planned(session, lambda node: [merkle.Tree(node).inclusion_proof(index, size) for index in indices])
    return [[h.hex() for h in proof] for proof in proofs]


def consistency(session: Session, first: int, second: int) -> list[str]:
    return [h.hex() for h in planned(session, lambda node: merkle.Tree(node).consistency_proof(first, second))]

