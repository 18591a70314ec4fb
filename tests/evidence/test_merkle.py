"""RFC 9162 hashing and proofs, against Certificate Transparency's published test vectors."""
from __future__ import annotations

import random

import pytest

from notices import merkle

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]
H = bytes.fromhex
INCLUSION = [  # (leaf index, tree size, path) from the CT / Trillian test data
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def _tree(n: int) -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for leaf in LEAVES[:n]:
        tree.append(leaf)
    return tree


def test_roots_match_the_reference_roots_for_every_size():
    assert merkle.root_of([]) == merkle.EMPTY_ROOT
    for size in range(1, 9):
        assert merkle.root_of(LEAVES[:size]) == ROOTS[size - 1]
        assert _tree(size).root(size) == ROOTS[size - 1]


@pytest.mark.parametrize("index,size,path", INCLUSION)
def test_inclusion_proofs_match_the_vectors_and_verify(index, size, path):
    tree = _tree(8)
    proof = tree.inclusion_proof(index, size)
    assert [p.hex() for p in proof] == path
    leaf = merkle.leaf_hash(LEAVES[index])
    merkle.verify_inclusion(index, size, leaf, proof, ROOTS[size - 1])
    for wrong in ((index + 1) % size, index ^ 2):
        if wrong != index and wrong < size:
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(wrong, size, leaf, proof, ROOTS[size - 1])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size, leaf, proof + [ROOTS[0]], ROOTS[size - 1])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size, merkle.leaf_hash(b"forged"), proof, ROOTS[size - 1])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index, size * 2, leaf, proof, ROOTS[size - 1])


@pytest.mark.parametrize("first,second,path", CONSISTENCY)
def test_consistency_proofs_match_the_vectors_and_verify(first, second, path):
    proof = _tree(8).consistency_proof(first, second)
    assert [p.hex() for p in proof] == path
    merkle.verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(first, second, ROOTS[second - 1], ROOTS[first - 1], proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], proof[:-1])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], [merkle.EMPTY_ROOT] + proof[1:])


def test_every_proof_in_trees_up_to_40_leaves_verifies():
    leaves = [f"entry {i}".encode() for i in range(40)]
    tree = merkle.MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    for size in range(1, 41):
        root = merkle.root_of(leaves[:size])
        assert tree.root(size) == root
        for index in range(size):
            merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), tree.inclusion_proof(index, size), root)
        for first in range(1, size + 1):
            merkle.verify_consistency(first, size, merkle.root_of(leaves[:first]), root, tree.consistency_proof(first, size))


def test_a_changed_leaf_breaks_consistency_with_the_earlier_root():
    tree, forked = merkle.MemoryTree(), merkle.MemoryTree()
    for i in range(10):
        tree.append(f"entry {i}".encode())
        forked.append(b"rewritten" if i == 3 else f"entry {i}".encode())
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(6, 10, tree.root(6), forked.root(10), forked.consistency_proof(6, 10))


def _batched(batches: list[list[bytes]]) -> merkle.MemoryTree:
    """A tree grown a batch at a time through ``appended_nodes``, reading only what ``appended_reads`` names."""
    tree = merkle.MemoryTree()
    for batch in batches:
        wanted = merkle.appended_reads(tree.size, len(batch))
        stored = {key: tree.nodes[key] for key in wanted}
        created = merkle.appended_nodes(tree.size, [merkle.leaf_hash(b) for b in batch],
                                        lambda level, index: stored[(level, index)])  # noqa: B023 (used at once)
        for level, index, digest in created:
            tree.nodes[(level, index)] = digest
        tree.size += len(batch)
    return tree


def test_leaves_appended_in_batches_give_the_reference_roots_for_every_split():
    for size in range(1, 9):
        for cut in range(size + 1):  # two batches: LEAVES[:cut] and LEAVES[cut:size]
            tree = _batched([b for b in (LEAVES[:cut], LEAVES[cut:size]) if b])
            assert tree.root(size) == ROOTS[size - 1], (size, cut)


def test_batched_appends_store_the_nodes_leaf_by_leaf_appends_store():
    chooser = random.Random(14)
    data = [str(i).encode() for i in range(700)]
    one_by_one = merkle.MemoryTree()
    for entry in data:
        one_by_one.append(entry)
    for _ in range(20):
        cuts = sorted(chooser.sample(range(1, len(data)), chooser.randint(1, 12)))
        batches = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        assert _batched(batches).nodes == one_by_one.nodes
