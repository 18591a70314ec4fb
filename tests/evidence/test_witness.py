"""The witness shipped with the project (C2SP tlog-witness): append-only, refuses an inconsistent checkpoint."""
from __future__ import annotations

import base64
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.evidence.keyfiles import pkcs8
from notices import checkpoint, merkle, witness

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "awizo.test/log"


def _tree(n: int, prefix: str = "entry") -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for i in range(n):
        tree.append(f"{prefix} {i}".encode())
    return tree


def _checkpoint(tree: merkle.MemoryTree, size: int, key: Ed25519PrivateKey) -> str:
    return checkpoint.sign(ORIGIN, size, tree.root(size), 1_800_000_000_000 + size, key).note


def _request(old: int, proof: list[bytes], note: str) -> str:
    return f"old {old}\n" + "".join(base64.b64encode(h).decode() + "\n" for h in proof) + "\n" + note


@pytest.fixture
def setup(tmp_path):
    log_key, witness_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    state = witness.StateFile(tmp_path / "checkpoints.json")

    def add(body: str, now: int = 1_800_000_000) -> witness.Answer:
        return witness.add_checkpoint(body, logs={ORIGIN: log_key.public_key()}, state=state,
                                      name="witness.test/w1", key=witness_key, now=now)

    return log_key, witness_key, add


def test_a_consistent_checkpoint_is_cosigned_and_the_cosignature_verifies(setup):
    log_key, witness_key, add = setup
    tree = _tree(7)
    first = add(_request(0, [], _checkpoint(tree, 3, log_key)))
    assert first.status == 200 and first.body.startswith("— witness.test/w1 ")
    note = _checkpoint(tree, 7, log_key)
    second = add(_request(3, tree.consistency_proof(3, 7), note))
    assert second.status == 200
    assert witness.verify_cosignature(note + second.body, "witness.test/w1", witness_key.public_key()) == 1_800_000_000
    with pytest.raises(checkpoint.CheckpointError):
        witness.verify_cosignature(note + second.body, "witness.test/w1", Ed25519PrivateKey.generate().public_key())


def test_the_witness_refuses_a_rewritten_log_and_a_stale_old_size(setup):
    log_key, _, add = setup
    honest = _tree(5)
    assert add(_request(0, [], _checkpoint(honest, 5, log_key))).status == 200
    rewritten = _tree(8, prefix="rewritten")  # the same key re-signs a different history
    refused = add(_request(5, rewritten.consistency_proof(5, 8), _checkpoint(rewritten, 8, log_key)))
    assert refused.status == 422
    same_size = add(_request(5, [], _checkpoint(rewritten, 5, log_key)))
    assert same_size.status == 409 and same_size.body == "5\n" and same_size.content_type == "text/x.tlog.size"
    stale = add(_request(2, honest.consistency_proof(2, 5), _checkpoint(honest, 5, log_key)))
    assert (stale.status, stale.body) == (409, "5\n")
    other_key = add(_request(5, [], _checkpoint(honest, 5, Ed25519PrivateKey.generate())))
    assert other_key.status == 403
    assert add(_request(0, [], "other.example/log\n1\n" + "A" * 44 + "\n\n— x y\n")).status == 404


def test_vkey_strings_round_trip():
    key = Ed25519PrivateKey.generate().public_key()
    text = witness.vkey(ORIGIN, key)
    name, parsed = witness.parse_vkey(text)
    assert name == ORIGIN and witness._raw(parsed) == witness._raw(key)
    with pytest.raises(checkpoint.CheckpointError):
        witness.parse_vkey(text[:-4] + "AAA=")


def test_the_standalone_witness_serves_add_checkpoint_over_http(tmp_path):
    log_key, witness_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (tmp_path / "w.pem").write_bytes(pkcs8(witness_key))
    port = 0
    process = subprocess.Popen(
        [sys.executable, "-m", "notices.witness", "serve", "--name", "witness.test/w1", "--key", str(tmp_path / "w.pem"),
         "--log", witness.vkey(ORIGIN, log_key.public_key()), "--state", str(tmp_path / "state"), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    try:
        line = process.stdout.readline()
        port = int(line.rsplit(" ", 1)[1])
        tree = _tree(4)
        body = _request(0, [], _checkpoint(tree, 4, log_key)).encode()
        with urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/add-checkpoint", data=body),
                                    timeout=10) as answer:
            assert answer.status == 200 and answer.read().decode().startswith("— witness.test/w1 ")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/add-checkpoint", data=body.replace(
                b"old 0", b"old 3")), timeout=10)
        assert refused.value.code == 409
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_witness_runs_from_the_flask_command_line_too(runner, tmp_path):
    key = Ed25519PrivateKey.generate()
    (tmp_path / "w.pem").write_bytes(pkcs8(key))
    result = runner.invoke(args=["evidence", "witness", "vkey", "--name", "witness.test/w1", "--key", str(tmp_path / "w.pem")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == witness.vkey("witness.test/w1", key.public_key(), 4)
