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
    seen = "\n".join(f"{i.side} deliveries: {_deliveries(i)}" for i in instances)
    pytest.fail(f"timed out waiting for {what}\n{seen}\n{logs}")


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


def _deliveries(instance: Instance) -> list[tuple[str, str, str]]:
    """(business type, state, codes reported, sorted) of each delivery of an instance.

    Sorted: a status carries its time in whole seconds, so a "13" and an "01" or a "03" and a
    "15" of the same second come in either order.
    """
    rows = instance.query(
        "select d.business_type, d.state, group_concat(e.code, ',') from exchange_delivery d "
        "left join exchange_statusevent e on e.delivery_id = d.id group by d.id order by d.id"
    )
    return [
        (kind, state, ",".join(sorted((codes or "").split(",")))) for kind, state, codes in rows
    ]


def _pending_requests(instance: Instance, business_type: str) -> int:
    return int(
        instance.query(
            "select count(*) from exchange_changerequest where state = 'pending' "
            "and business_type = ?",
            business_type,
        )[0][0]
    )


def _incoming_files(instance: Instance, incoming_id: int) -> list[tuple[str, int]]:
    return [
        (sha, int(current))
        for sha, current in instance.query(
            "select sha256, is_current from registry_documentfile where incoming_id = ? "
            "order by id",
            incoming_id,
        )
    ]


def test_an_update_and_replacements_of_a_sent_document_are_answered_across_instances(pair):
    a, b = pair
    # given A sent two documents to B and B received both into its register
    _helper([a], "send", "2")
    _wait("both documents at B", lambda: _receptions(b) == 2, [a, b])
    _helper([b], "receive")
    done = ("0", "delivered", "01,03")
    _wait("03 at A", lambda: _deliveries(a) == [done, done], [a, b])
    # when A's clerk sends an update of the first (corrected summary and file)
    corrected = "V/v liên thông văn bản số 1 (đính chính)"
    _helper([a], "update", "1", corrected)
    # then B's clerk sees the change request, the update outside the queue (no 01 for it)
    _wait("the update at B", lambda: _pending_requests(b, "2") == 1, [a, b])
    ((first, incoming_1, state),) = b.query(
        "select r.id, r.incoming_id, r.state from exchange_changerequest c "
        "join exchange_reception r on r.id = c.reception_id where c.business_type = '2'"
    )
    assert state == "received"
    assert b.query("select state from exchange_reception where id > 2") == [("update",)]
    assert _deliveries(a)[2] == ("2", "delivered", "13")
    ((old_summary,),) = b.query(
        "select summary from registry_incomingdocument where id = ?", incoming_1
    )
    files_before = _incoming_files(b, incoming_1)
    assert [current for _, current in files_before] == [1]
    # when B's clerk accepts it
    _helper([b], "decide", "accept", "")
    # then 15 comes back on the update's delivery, the document's own stays as it was
    _wait("15 at A", lambda: _deliveries(a)[2] == ("2", "delivered", "13,15"), [a, b])
    assert _deliveries(a)[:2] == [done, done]
    # and B's registered document has the corrected summary and file, the earlier file kept
    assert b.query("select summary from registry_incomingdocument where id = ?", incoming_1) == [
        (corrected,)
    ]
    assert old_summary != corrected
    ((sent_sha,),) = a.query("select sha256 from exchange_outgoingchangefile")
    assert _incoming_files(b, incoming_1) == [(files_before[0][0], 0), (sent_sha, 1)]
    assert b.query(
        "select is_current from exchange_receptionfile where reception_id = ? order by id", first
    ) == [(0,), (1,)]

    # when A's clerk issues two documents, replacing the first and the second, and sends them
    _helper([a], "replace", "1", "2")
    # then B gets each as a document to receive, with a request of type 3 on the old reception
    _wait("the replacements at B", lambda: _pending_requests(b, "3") == 2, [a, b])
    requests = b.query(
        "select c.reception_id, o.incoming_id, c.replacement_id, r.state, "
        "json_extract(r.metadata, '$.number') from exchange_changerequest c "
        "join exchange_reception r on r.id = c.replacement_id "
        "join exchange_reception o on o.id = c.reception_id "
        "where c.business_type = '3' order by o.document_id"
    )
    (
        (target, _, refused, refused_state, number_3),
        (second, incoming_2, new, new_state, number_4),
    ) = requests
    assert target == first
    assert (refused_state, new_state) == ("awaiting", "awaiting")
    assert [int(number_3), int(number_4)] == [
        n for (n,) in a.query("select number from registry_outgoingdocument where id > 2")
    ]
    # when B's clerk refuses the first with a reason and accepts the second
    reason = "Văn bản cũ đã triển khai, đề nghị giữ nguyên"
    _helper([b], "decide", "refuse", reason, "accept", "")
    # then 16 with the reason comes back on the first replacement's delivery, and 03 (the new
    # document registered) and 15 on the second's
    _wait(
        "16 and 15 at A",
        lambda: (
            _deliveries(a)[3:]
            == [("3", "delivered", "01,13,16"), ("3", "delivered", "01,03,13,15")]
        ),
        [a, b],
    )
    assert a.query("select description from exchange_statusevent where code = '16'") == [(reason,)]
    # and B's first document stays in use, corrected; the replacement waits in the queue
    assert b.query("select state from exchange_reception where id = ?", first) == [("received",)]
    assert b.query("select status from registry_incomingdocument where id = ?", incoming_1) == [
        ("registered",)
    ]
    assert b.query("select state from exchange_reception where id = ?", refused) == [("awaiting",)]
    # and B's second document is revoked (kept, with a note) and its replacement registered
    assert b.query("select state from exchange_reception where id = ?", second) == [("replaced",)]
    ((status, notes),) = b.query(
        "select status, notes from registry_incomingdocument where id = ?", incoming_2
    )
    assert status == "revoked"
    assert "Được thay thế bởi văn bản" in notes
    ((new_state, incoming_new),) = b.query(
        "select state, incoming_id from exchange_reception where id = ?", new
    )
    assert new_state == "received"
    assert b.query("select status from registry_incomingdocument where id = ?", incoming_new) == [
        ("registered",)
    ]

    # when every packet is delivered a second time, both ways
    for sender, receiver in ((a, b), (b, a)):
        assert set(_repost_every_packet(sender, receiver)) == {200}
    # then nothing is lost or duplicated (duplicates are refused within the request)
    assert _deliveries(a) == [
        done,
        done,
        ("2", "delivered", "13,15"),
        ("3", "delivered", "01,13,16"),
        ("3", "delivered", "01,03,13,15"),
    ]
    assert _receptions(a) == 0
    # (the first two documents were sent together and arrive in either order)
    assert sorted(b.query("select state from exchange_reception")) == [
        ("awaiting",),
        ("received",),
        ("received",),
        ("replaced",),
        ("update",),
    ]
    assert sorted(b.query("select business_type, state from exchange_changerequest")) == [
        ("2", "accepted"),
        ("3", "accepted"),
        ("3", "refused"),
    ]
    assert b.query("select count(*) from registry_incomingdocument") == [(3,)]
    assert sorted(b.query("select code from exchange_outboxmessage")) == [
        ("01",),
        ("01",),
        ("01",),
        ("01",),
        ("03",),
        ("03",),
        ("03",),
        ("15",),
        ("15",),
        ("16",),
    ]
