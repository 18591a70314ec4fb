"""Merkle tree hashing and proofs as in Certificate Transparency (RFC 9162, section 2.1).

Leaves hash as ``SHA-256(0x00 || data)``, interior nodes as ``SHA-256(0x01 || left || right)``;
a tree of ``n`` leaves splits at the largest power of two below ``n``. Proof generation reads
only the hashes of *perfect* subtrees (``2**level`` leaves starting at ``index * 2**level``),
which a log stores as it grows; so a proof costs O(log n) reads whatever the log's size.
Verification follows the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2 literally.

No Python library on PyPI stores a CT-style tree in our own database and verifies proofs
with the RFC's algorithms, so this is a small, vector-tested implementation.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Protocol

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or a request for one that cannot exist."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of_leaf_hashes(hashes: list[bytes]) -> bytes:
    """MTH over already-hashed leaves, computed from scratch (for audits and tests)."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    # Bottom-up pairing gives the same tree as the RFC's recursive split.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root_of(entries: Iterable[bytes]) -> bytes:
    return root_of_leaf_hashes([leaf_hash(e) for e in entries])


class NodeReader(Protocol):
    def __call__(self, level: int, index: int) -> bytes: ...


class Tree:
    """Proofs over a log whose perfect-subtree hashes are read through ``node(level, index)``.

    ``node(0, i)`` is the hash of leaf ``i``; ``node(l, i)`` the root of leaves
    ``[i * 2**l, (i + 1) * 2**l)``. The caller guarantees those nodes exist for ``size``.
    """

    def __init__(self, node: NodeReader | Callable[[int, int], bytes]):
        self.node = node

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) where ``start`` is aligned as in the RFC's recursion."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            return self.node(n.bit_length() - 1, start // n)
        k = _split(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int) -> bytes:
        return self.subtree(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(m, D[n]) of RFC 9162 section 2.1.3.1."""
        if not 0 <= index < size:
            raise ProofError(f"leaf {index} is not in a tree of size {size}")
        path: list[bytes] = []
        start, end, m = 0, size, index
        while end - start > 1:
            k = _split(end - start)
            if m < k:
                path.append(self.subtree(start + k, end))
                end = start + k
            else:
                path.append(self.subtree(start, start + k))
                start, m = start + k, m - k
        return path[::-1]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        """PROOF(m, D[n]) of RFC 9162 section 2.1.4.1."""
        if not 0 < first <= second:
            raise ProofError(f"no consistency proof from size {first} to {second}")
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.subtree(start, end)]
        k = _split(n)
        if m <= k:
            return self._subproof(m, start, start + k, complete) + [self.subtree(start + k, end)]
        return self._subproof(m - k, start + k, end, False) + [self.subtree(start, start + k)]


def new_nodes(index: int, leaf: bytes, node: Callable[[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The perfect-subtree nodes completed by appending leaf ``index`` (level 0 included)."""
    created = [(0, index, leaf)]
    level, position, current = 0, index, leaf
    while position % 2 == 1:
        current = node_hash(node(level, position - 1), current)
        level, position = level + 1, position // 2
        created.append((level, position, current))
    return created


def appended_reads(start: int, count: int) -> list[tuple[int, int]]:
    """The stored nodes :func:`appended_nodes` reads to append ``count`` leaves at ``start``: at
    each level whose first new node is a right child, its left sibling (at most one per level)."""
    reads = []
    level = 0
    while (start >> level) < ((start + count) >> level):
        first = start >> level
        if first % 2:
            reads.append((level, first - 1))
        level += 1
    return reads


def appended_nodes(start: int, leaves: list[bytes], node: Callable[[int, int], bytes]) -> list[tuple[int, int, bytes]]:
    """The perfect-subtree nodes completed by appending ``leaves`` (hashes) as leaves ``start``,
    ``start + 1``, … (level 0 included): :func:`new_nodes` for a batch, a level at a time.

    At each level the new nodes are consecutive, from ``start >> level``; a right child pairs
    with its left sibling, read through ``node`` when that sibling is older than the batch.
    """
    created = [(0, start + offset, leaf) for offset, leaf in enumerate(leaves)]
    level, first, row = 0, start, leaves
    while row:
        parents = []
        begin = 0
        if first % 2:
            parents.append(node_hash(node(level, first - 1), row[0]))
            begin = 1
        for i in range(begin, len(row) - 1, 2):
            parents.append(node_hash(row[i], row[i + 1]))
        level, first, row = level + 1, first // 2, parents
        created.extend((level, first + offset, digest) for offset, digest in enumerate(row))
    return created


class MemoryTree(Tree):
    """A tree kept in a dict: for tests, the benchmark and offline tools."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}
        self.size = 0
        super().__init__(lambda level, index: self.nodes[(level, index)])

    def append(self, data: bytes) -> int:
        index = self.size
        for level, position, digest in new_nodes(index, leaf_hash(data), self.node):
            self.nodes[(level, position)] = digest
        self.size += 1
        return index


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2: the root that ``proof`` leads to, or ProofError."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError(f"leaf {index} is not included in the tree of size {size} with this root")


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: list[bytes]) -> None:
    """RFC 9162 section 2.1.4.2: raise ProofError unless the first tree is a prefix of the second."""
    if first > second or first < 0:
        raise ProofError(f"a tree of size {second} cannot extend one of size {first}")
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("trees of the same size must have the same root and an empty proof")
        return
    if first == 0:
        if proof:
            raise ProofError("the proof from an empty tree must be empty")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the first tree is a node of the second
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError(f"the tree of size {second} does not extend the tree of size {first}")
