"""Twilio on loopback for tests: prism serving Twilio's own OpenAPI description, a small
stub for the error answers prism cannot give, and signed webhook calls.

``prism_server`` (session-wide) starts ``.tools/node_modules/.bin/prism`` from the vendored
``tests/support/twilio/twilio_api_v2010.json`` on a free port and stops it at the end (see
that folder's README for its origin and version).
"""
from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
from twilio.request_validator import RequestValidator

from tests.support import required

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".tools" / "node_modules" / ".bin" / "prism"

TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "test-twilio-auth-token"
TEST_FROM_NUMBER = "+48500100200"

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

def unreachable_url() -> str:
    """A loopback URL with nothing listening on it (a provider that is down)."""
    return f"http://127.0.0.1:{free_port()}"

@dataclass
class PrismServer:
    url: str
    log_path: Path
    process: subprocess.Popen

    def message_requests(self) -> int:
        """How many ``POST …/Messages.json`` requests prism has received so far."""
        pattern = re.compile(r"\[HTTP SERVER\] post /2010-04-01/Accounts/AC\w+/Messages\.json\b.*Request received")
        return sum(1 for line in self.log_path.read_text(errors="replace").splitlines() if pattern.search(line))

@pytest.fixture(scope="session")
def prism_server(tmp_path_factory):
    spec = required.TWILIO_SPEC
    if not spec.exists():
        required.missing("the Twilio API description", f"{spec} does not exist")
    if not PRISM.exists():
        pytest.fail(f"prism is not installed at {PRISM}: npm install --prefix .tools @stoplight/prism-cli")
    port = free_port()
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    log = open(log_path, "wb")  # noqa: SIM115  (prism writes to it until the fixture stops it)
    process = subprocess.Popen([str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"prism exited with {process.returncode}: {log_path.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/2010-04-01/Accounts.json", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (401 without credentials): ready
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("prism did not start within 60 s")
                time.sleep(0.2)
        yield PrismServer(url, log_path, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

# -- a stub for Twilio's error answers ------------------------------------------------------

@dataclass
class TwilioStub:
    """Answers ``POST …/Messages.json`` from a script of responses; records what it got.

    Each scripted answer is ``(status, body_dict, headers)``; when the script is empty a
    normal 201 with a fresh ``SM…`` sid is given. ``hold_first()`` keeps the next request
    waiting (the message is taken, the answer not yet given) until ``release()``.
    """

    url: str = ""
    script: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    counter: int = 0
    held: threading.Event | None = None

    def hold_first(self) -> None:
        self.held = threading.Event()

    def release(self) -> None:
        if self.held is not None:
            self.held.set()

    def answer_error(self, status: int, code: int, message: str, headers: dict | None = None, times: int = 1):
        body = {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status}
        self.script.extend([(status, body, headers or {})] * times)

def _stub_handler(stub: TwilioStub):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            stub.requests.append({"path": self.path, "form": form, "headers": dict(self.headers)})
            held, stub.held = stub.held, None
            if held is not None:
                held.wait(60)
            if stub.script:
                status, body, headers = stub.script.pop(0)
            else:
                stub.counter += 1
                status, headers = 201, {}
                body = {"sid": f"SM{stub.counter:032x}", "status": "queued", "to": form.get("To"),
                        "from": form.get("From"), "body": form.get("Body"), "account_sid": TEST_ACCOUNT_SID,
                        "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler

class _StubServer:
    def __init__(self, stub: TwilioStub):
        self.stub = stub
        self.port = free_port()
        stub.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.thread = None

    def start(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _stub_handler(self.stub))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = None


@pytest.fixture
def twilio_stub():
    """A Twilio-shaped stub on loopback; ``twilio_stub.stop()``/``start()`` take it down and back."""
    stub = TwilioStub()
    server = _StubServer(stub)
    stub.start, stub.stop = server.start, server.stop
    server.start()
    yield stub
    server.stop()


# -- signed webhook calls -------------------------------------------------------------------

def signed_post(client, public_base_url: str, path: str, params: dict, auth_token: str = TEST_AUTH_TOKEN,
                signature: str | None = None, **kwargs):
    """POST ``params`` as Twilio does, signed with Twilio's own ``RequestValidator``."""
    url = f"{public_base_url}{path}"
    if signature is None:
        signature = RequestValidator(auth_token).compute_signature(url, params)
    return client.post(path, data=urlencode(params), content_type="application/x-www-form-urlencoded",
                       headers={"X-Twilio-Signature": signature}, **kwargs)
