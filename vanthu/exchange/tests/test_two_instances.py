"""Two real Vanthu instances on loopback exchange documents (issue 6, "Checks").

Each instance is `vanthu serve` + `vanthu worker` as subprocesses, with its own VANTHU_VAR_DIR
and SQLite database (migrated once, then copied). Agency A is hosted on one and agency B on the
other; each knows the other agency as `is_hosted=False`, served by the other instance as a
partner. The tests read each instance's database with sqlite3 (read-only) to follow the
exchange. Slow (about 30 s each) but bounded: every wait has a deadline.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from vanthu.exchange.auth import request_headers

KEY_ID = "a-b"
SECRET = secrets.token_hex(24)
WAIT = 40.0
# Starting gunicorn and the worker on a busy 2-core machine takes 10 to 40 s.
START_WAIT = 90.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "VANTHU_", "DJANGO_", "PYTEST", "AWS_"))
    }
    env.update(
        VANTHU_VAR_DIR=str(var_dir),
        DJANGO_SECRET_KEY="two-instances-" + SECRET,
        PYTHONUNBUFFERED="1",
        VANTHU_EXCHANGE_RETRY_SECONDS="0.5",
        VANTHU_EXCHANGE_MAX_ATTEMPTS="30",
        VANTHU_EXCHANGE_TIMEOUT="5",
    )
    return env


@dataclass
class Instance:
    """One Vanthu instance: its data directory, port and processes."""

    side: str
    var_dir: Path
    port: int
    log: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                [sys.executable, *args],
                env=_env(self.var_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

    def start(self, name: str) -> None:
        if name == "serve":
            argv = [
                "-m",
                "vanthu.config.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--no-access-log",
            ]
        else:
            argv = ["-m", "vanthu.config.cli", "worker", "--interval", "0.1"]
        self.processes[name] = self.run(*argv)

    def stop(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        uri = f"file:{self.var_dir / 'vanthu.sqlite3'}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def is_up(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/api/v1/exchange/packets/")
            return connection.getresponse().status > 0
        except OSError:
            return False
        finally:
            connection.close()


def _helper(instances: list[Instance], *args: str) -> None:
    """Run the peers helper on several instances at once; fail with its log if it fails."""
    processes = [
        (i, i.run("-m", "vanthu.exchange.tests.peers", args[0], i.side, *args[1:]))
        for i in instances
    ]
    for instance, process in processes:
        if process.wait(timeout=60) != 0:
            pytest.fail(f"peers {args} on {instance.side} failed:\n" + instance.log.read_text())


def _wait(
    what: str, predicate: Callable[[], bool], instances: list[Instance], limit: float = WAIT
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        if any(p.poll() is not None for i in instances for p in i.processes.values()):
            break
        time.sleep(0.2)
    logs = "\n".join(
        f"--- {i.side}\n" + i.log.read_text(errors="replace")[-4000:] for i in instances
    )
    pytest.fail(f"timed out waiting for {what}\n{logs}")


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """Each side's data directory, migrated and set up once, and its port.

    Migrated and with collected static files once, then copied; each side gets its agencies,
    clerk and partner (the other side, at its port). Each test copies these again.
    """
    base = tmp_path_factory.mktemp("vanthu-template")
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        result = subprocess.run(
            [sys.executable, "-m", "vanthu.config.cli", *command],
            env=_env(base),
            capture_output=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr.decode()
    ports = {"a": _free_port(), "b": _free_port()}
    sides = {
        side: Instance(side, base.parent / f"template-{side}", ports[side], base.parent / "t.log")
        for side in ("a", "b")
    }
    for instance in sides.values():
        shutil.copytree(base, instance.var_dir)
    processes = [
        (
            i,
            i.run(
                "-m", "vanthu.exchange.tests.peers", "setup", side, sides[other].url, KEY_ID, SECRET
            ),
        )
        for side, other, i in (("a", "b", sides["a"]), ("b", "a", sides["b"]))
    ]
    for instance, process in processes:
        assert process.wait(timeout=60) == 0, instance.log.read_text()
    return {side: (i.var_dir, i.port) for side, i in sides.items()}


@pytest.fixture
def pair(templates, tmp_path) -> Iterator[tuple[Instance, Instance]]:
    """Instances A and B, each other's partner, serving and working."""
    a, b = (
        Instance(side, tmp_path / side, templates[side][1], tmp_path / f"{side}.log")
        for side in ("a", "b")
    )
    for instance in (a, b):
        shutil.copytree(templates[instance.side][0], instance.var_dir)
    try:
        for instance in (a, b):
            instance.start("serve")
            instance.start("worker")
        _wait("both servers", lambda: a.is_up() and b.is_up(), [a, b], START_WAIT)
        yield a, b
    finally:
        for instance in (a, b):
            for name in list(instance.processes):
                instance.stop(name)


def _codes(instance: Instance) -> list[tuple[str, str]]:
    """(state, codes reported) of each delivery of an instance, as the sender sees them."""
    rows = instance.query(
        "select d.state, group_concat(e.code, ',') from exchange_delivery d "
        "left join (select * from exchange_statusevent order by at, id) e on e.delivery_id = d.id "
        "group by d.id order by d.id"
    )
    return [(state, codes or "") for state, codes in rows]


def _receptions(instance: Instance) -> int:
    return int(instance.query("select count(*) from exchange_reception")[0][0])


def _repost_every_packet(sender: Instance, receiver: Instance) -> list[int]:
    """Deliver again every packet `sender` sent, as a resend would (new request, same id)."""
    statuses = []
    for packet_id, name in sender.query(
        "select packet_id, file from exchange_packet where direction = 'out' order by id"
    ):
        raw = (sender.var_dir / "files" / name).read_bytes()
        packet = str(uuid.UUID(packet_id))
        headers = request_headers(
            key_id=KEY_ID, secret=SECRET, timestamp=int(time.time()), packet_id=packet, body=raw
        )
        connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
        try:
            connection.request("POST", "/api/v1/exchange/packets/", body=raw, headers=headers)
            response = connection.getresponse()
            body = json.loads(response.read())
            statuses.append(response.status)
            assert body["packet_id"] == packet, body
        finally:
            connection.close()
    return statuses


def test_documents_go_both_ways_statuses_come_back_and_a_second_delivery_duplicates_nothing(pair):
    a, b = pair
    # when each clerk sends a document to the other agency
    _helper([a, b], "send", "1")
    # then it arrives once at the other instance, and "01" comes back by itself
    _wait("the documents to arrive", lambda: _receptions(a) == 1 and _receptions(b) == 1, [a, b])
    _wait("01 at both senders", lambda: _codes(a) == [("delivered", "01")] == _codes(b), [a, b])
    # when each clerk receives the document into the register
    _helper([a, b], "receive")
    # then "03" comes back to the sender
    _wait("03 at both senders", lambda: _codes(a) == [("delivered", "01,03")] == _codes(b), [a, b])
    # when every packet is delivered a second time, both ways
    for sender, receiver in ((a, b), (b, a)):
        assert set(_repost_every_packet(sender, receiver)) == {200}
    # then nothing is duplicated: one reception each, each status once
    time.sleep(1.0)  # the worker would have sent anything a duplicate had queued
    assert (_receptions(a), _receptions(b)) == (1, 1)
    assert _codes(a) == [("delivered", "01,03")] == _codes(b)
    for instance in (a, b):
        assert instance.query("select count(*) from exchange_outboxmessage")[0][0] == 2
        assert instance.query("select count(*) from registry_incomingdocument")[0][0] == 1


def test_the_receiver_killed_during_a_transfer_gets_the_document_once_after_restart(pair):
    a, b = pair
    # given instance B is down (web server and worker killed)
    b.stop("serve")
    b.stop("worker")
    # when A's clerk sends a document to B
    _helper([a], "send", "1")
    # then A tries, fails, and keeps the delivery pending with the error
    _wait(
        "a failed attempt",
        lambda: a.query("select attempts, state, last_error from exchange_delivery")[0][0] >= 1,
        [a, b],
    )
    attempts, state, error = a.query("select attempts, state, last_error from exchange_delivery")[0]
    assert state == "pending"
    assert error
    # when B comes back
    b.start("serve")
    b.start("worker")
    _wait("B up again", b.is_up, [a, b], START_WAIT)
    # then the retry delivers it, exactly once, and 01 comes back
    _wait("the delivery", lambda: _codes(a) == [("delivered", "01")], [a, b])
    assert _receptions(b) == 1
    assert a.query("select attempts from exchange_delivery")[0][0] > attempts
