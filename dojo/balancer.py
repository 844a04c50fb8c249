"""HAProxy in front of the Rasa replicas: one URL for the clients, one replica per conversation.

Every dojo client names the conversation in the `X-Dojo-Conversation` header
(`foundation.turn_message.CONVERSATION_HEADER`); HAProxy hashes it onto a ring of the replicas
(`balance hdr(...)` with `hash-type consistent`), so a conversation's messages all reach the same
replica, whose tracker cache and in-process state stay warm, and two replicas never take the same
conversation at once (open-source Rasa's Redis lock store has a race there, RasaHQ/rasa#9213).

When a replica dies, the health check marks it down within ~2 s (a busy replica's late answer is not
a failure: `timeout check 15s`) and only its conversations move
(consistent hashing); a request that finds it dead before that is retried on another replica
(`retry-on conn-failure empty-response` with `option redispatch 1`). Retrying a message is safe: its
message key makes the action server answer a replayed message with the turn already played. The
lock store guards the hand-over itself.

`haproxy_config` writes the file for `dojo run --replicas K`; `deploy/haproxy.cfg` is the same text
for the compose deployment (tests/scale/test_balancer.py keeps them equal).
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Sequence, Tuple

from dojo.stores import find_tool
from dojo.servers import ManagedProcess, http_ok
from foundation.turn_message import CONVERSATION_HEADER

BALANCER_START_TIMEOUT = 30.0
# Under load a turn can queue for seconds on a busy replica; the clients time out first (RasaClient).
SERVER_TIMEOUT_S = 120


def haproxy_config(bind: str, replicas: Sequence[Tuple[str, str]]) -> str:
    """The HAProxy configuration: listen on `bind`, balance over `replicas` ((name, host:port) pairs)."""
    servers = "\n".join(f"    server {name} {address}" for name, address in replicas)
    return f"""# HAProxy in front of the Rasa replicas (written by dojo/balancer.py; see docs/deploy.md).
global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client {SERVER_TIMEOUT_S}s
    timeout server {SERVER_TIMEOUT_S}s
    timeout queue 30s
    # A message that finds its replica dead is sent to another one: safe, because the message key
    # makes a replayed message answer with the turn already played.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response
    option http-buffer-request

frontend rasa
    bind {bind}
    default_backend replicas

backend replicas
    # One conversation, one replica: a consistent hash of the conversation id every client sends.
    balance hdr({CONVERSATION_HEADER})
    hash-type consistent
    # A dead replica refuses the check's connection at once: down within ~2 s. A busy one answers late
    # (its one event loop is working through queued messages), so the answer may take up to 15 s
    # before a check counts as failed; otherwise a loaded pool would be marked down whole (503).
    option httpchk GET /
    http-check expect status 200
    timeout check 15s
    # A replica whose host name does not resolve yet (compose starting) waits in maintenance instead of
    # stopping HAProxy from starting. Weight 100 puts 1,600 points per replica on the hash ring instead
    # of 16: with 16, one measured run split 200 conversations about 35/65 between two replicas.
    default-server check inter 1s fall 2 rise 2 init-addr last,libc,none weight 100
{servers}
"""


def balancer(port: int, replica_ports: Sequence[int], folder: Path, env: Dict[str, str], log_dir: Path) -> ManagedProcess:
    """HAProxy on 127.0.0.1:`port` in the foreground (`-db`), its configuration written to `folder`."""
    binary = find_tool("haproxy", "haproxy")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "haproxy.cfg"
    config.write_text(haproxy_config(f"127.0.0.1:{port}",
                                     [(f"rasa{i}", f"127.0.0.1:{p}") for i, p in enumerate(replica_ports, start=1)]))
    return ManagedProcess("HAProxy", [binary, "-db", "-f", str(config)], env, f"http://127.0.0.1:{port}/",
                          log_dir / "haproxy.log", BALANCER_START_TIMEOUT, ready=http_ok(f"http://127.0.0.1:{port}/"))
