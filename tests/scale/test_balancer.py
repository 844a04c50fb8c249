"""The real HAProxy in front of stand-in replicas (small HTTP servers that say who they are): one
conversation always reaches one replica, conversations spread over all of them, and a dead replica's
conversations move to a living one without the client seeing an error."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import Counter

import httpx
import pytest

from dojo.balancer import balancer, haproxy_config
from dojo.servers import ManagedProcess, free_port, http_ok, stop_all
from dojo.stores import find_tool
from foundation.paths import REPO_ROOT
from foundation.turn_message import CONVERSATION_HEADER

REPLICA = textwrap.dedent('''
    import sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Replica(BaseHTTPRequestHandler):
        def answer(self):
            body = sys.argv[2].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = answer

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.answer()

        def log_message(self, *args):
            """Silent: the test reads the answers, not the server's access log."""

    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Replica).serve_forever()
''')


@pytest.fixture()
def three_replicas_behind_haproxy(tmp_path):
    ports = [free_port() for _ in range(3)]
    replicas = [ManagedProcess(f"replica {n}", [sys.executable, "-c", REPLICA, str(port), f"rasa{n}"], dict(os.environ),
                               f"http://127.0.0.1:{port}/", tmp_path / f"replica{n}.log", 20)
                for n, port in enumerate(ports, start=1)]
    front = balancer(free_port(), ports, tmp_path / "haproxy", dict(os.environ), tmp_path)
    everything = [*replicas, front]
    try:
        # As in ScaleDeployment.start: the balancer starts once the replicas answer, so its first health
        # checks find them all up.
        for process in replicas:
            process.start()
        for process in everything:
            if process is front:
                front.start()
            process.wait_ready()
        yield front.health_url.rstrip("/"), replicas
    finally:
        stop_all(everything)


CLIENT = httpx.Client(timeout=10)  # one keep-alive connection; HAProxy still balances every request


def who_answers(url: str, conversation: str) -> str:
    response = CLIENT.post(f"{url}/webhooks/rest/webhook", json={"sender": conversation, "message": "hi"},
                           headers={CONVERSATION_HEADER: conversation})
    response.raise_for_status()
    return response.text


def test_one_conversation_one_replica_and_all_replicas_used(three_replicas_behind_haproxy):
    url, _ = three_replicas_behind_haproxy
    conversations = [f"session-{n}" for n in range(40)]
    first = {c: who_answers(url, c) for c in conversations}
    assert all(who_answers(url, c) == first[c] for c in conversations for _ in range(2))
    spread = Counter(first.values())
    assert set(spread) == {"rasa1", "rasa2", "rasa3"} and min(spread.values()) >= 4, spread


def test_a_dead_replicas_conversations_move_and_only_those(three_replicas_behind_haproxy):
    url, replicas = three_replicas_behind_haproxy
    conversations = [f"session-{n}" for n in range(40)]
    before = {c: who_answers(url, c) for c in conversations}
    replicas[0].kill()  # SIGKILL: like a crash; the health check has not noticed yet
    after = {c: who_answers(url, c) for c in conversations}  # no error: retried on a living replica
    assert "rasa1" not in after.values()
    assert all(after[c] == before[c] for c in conversations if before[c] != "rasa1")  # the others stay put


def test_the_compose_balancer_file_is_what_dojo_writes():
    """deploy/haproxy.cfg (several machines) and the file `dojo run --replicas` writes come from one
    function, so the routing rules cannot drift apart."""
    expected = haproxy_config("*:5005", [("rasa1", "rasa1:5005"), ("rasa2", "rasa2:5005")])
    assert (REPO_ROOT / "deploy" / "haproxy.cfg").read_text() == expected
    # HAProxy itself accepts it, even where the replicas' host names do not resolve (as here).
    check = subprocess.run([find_tool("haproxy", "haproxy"), "-c", "-f", str(REPO_ROOT / "deploy" / "haproxy.cfg")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_health_probe_is_false_until_something_answers():
    assert http_ok(f"http://127.0.0.1:{free_port()}/")() is False
