"""A proof's inclusion proofs, one per entry of its item, come from the log in one query."""
from __future__ import annotations

import sqlalchemy as sa

from app.evidence import log as evidence_log
from app.evidence.audit import check_item
from app.extensions import db
from app.models import Item
from app.models.evidence import LogEntry
from notices import merkle


def test_every_entry_of_an_item_is_proven_from_one_query_and_each_proof_verifies(app, api):
    number = api.register().get_json()["tracking_number"]
    for outcome in ("no_access", "notice_left"):
        assert api.scan(number, outcome=outcome).status_code == 201
    api.register()  # entries of another item after these: the proofs are not of the tree's last leaves
    with app.app_context():
        item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
        entries = list(db.session.scalars(sa.select(LogEntry).where(LogEntry.item_id == item.id).order_by(LogEntry.index)))
        size = evidence_log.tree_size(db.session)
        assert len(entries) >= 3 and entries[-1].index < size - 1

        # The reference tree, rebuilt in memory from every entry's canonical text.
        reference = merkle.MemoryTree()
        for entry in db.session.scalars(sa.select(LogEntry).order_by(LogEntry.index)):
            reference.append(entry.canonical.encode())
        assert reference.size == size

        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            proofs = evidence_log.inclusions(db.session, [entry.index for entry in entries], size)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert len(statements) == 1, statements
        for entry, proof in zip(entries, proofs, strict=True):
            assert [bytes.fromhex(h) for h in proof] == reference.inclusion_proof(entry.index, size)
            merkle.verify_inclusion(entry.index, size, merkle.leaf_hash(entry.canonical.encode()),
                                    [bytes.fromhex(h) for h in proof], reference.root(size))


def test_a_deleted_log_node_is_reported_for_exactly_the_entries_whose_proofs_need_it(app, api, attacker):
    """The item check reads its proofs in one go; a node missing from the log still names each
    entry it breaks, and only those (the reference: the same tree in memory without that node)."""
    number = api.register().get_json()["tracking_number"]
    for outcome in ("no_access", "notice_left"):
        assert api.scan(number, outcome=outcome).status_code == 201
    for _ in range(3):
        api.register()
    with app.app_context():
        item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
        evidence_log.sign_tree_head(db.session)
        db.session.commit()
        size = evidence_log.tree_size(db.session)
        reference = merkle.MemoryTree()
        for entry in db.session.scalars(sa.select(LogEntry).order_by(LogEntry.index)):
            reference.append(entry.canonical.encode())
        indices = list(db.session.scalars(sa.select(LogEntry.index).where(LogEntry.item_id == item.id)))
        assert check_item(db.session, item).problems == []
    victim = (0, indices[0] ^ 1)  # the first entry's sibling leaf: its proof carries that hash
    attacker('DELETE FROM log_nodes WHERE level = :l AND "index" = :i', l=victim[0], i=victim[1])

    def needs_victim(index: int) -> bool:
        nodes = {key: value for key, value in reference.nodes.items() if key != victim}
        try:
            merkle.Tree(lambda level, position: nodes[(level, position)]).inclusion_proof(index, size)
        except KeyError:
            return True
        return False

    expected = [index for index in indices if needs_victim(index)]
    assert expected and len(expected) < len(indices)
    with app.app_context():
        item = db.session.scalar(sa.select(Item).where(Item.tracking_number == number))
        problems = check_item(db.session, item).problems
    assert [int(p.split()[2]) for p in problems] == expected, problems
    assert all("is not included under the signed tree head" in p for p in problems)
