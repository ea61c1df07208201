"""The `vanthu` command line: name mapping, `check`, `journal`, `serve` and `worker`.

The last tests start `vanthu worker` and `vanthu serve` as real subprocesses (slow, a few
seconds each) and stay in the default run so CI exercises the production pieces.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from vanthu.config.cli import COMMANDS, main, translate
from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record

# --- name mapping -----------------------------------------------------------------------------


def test_vanthu_names_map_to_management_commands():
    assert translate(["check", "--json"]) == ["vanthu_check", "--json"]
    assert translate(["django-check"]) == ["check"]
    assert translate(["import-agencies", "danh-ba.csv"]) == ["import_agencies", "danh-ba.csv"]
    assert translate(["help", "check"]) == ["help", "vanthu_check"]
    assert translate(["django-help"]) == ["help"]
    assert translate(["showmigrations"]) == ["showmigrations"]


def test_help_lists_every_vanthu_command(capsys):
    main(["vanthu", "--help"])
    out = capsys.readouterr().out
    for name in ("demo", "serve", "worker", "check", "import-agencies", "journal"):
        assert f"  {name} " in out
    assert len(COMMANDS) >= 6


def test_every_mapped_command_exists():
    from django.core.management import get_commands

    assert {command for command, _text in COMMANDS.values()} <= set(get_commands())


# --- vanthu check -----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.VAR_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path


def _check_json(*args) -> dict[str, Any]:
    out = StringIO()
    with contextlib.suppress(CommandError):
        call_command("vanthu_check", "--json", *args, stdout=out)
    body: dict[str, Any] = json.loads(out.getvalue())
    return body


@pytest.mark.django_db
def test_check_json_reports_database_and_storage_ok(media, capsys):
    # when `vanthu check --json` runs through the real command line
    main(["vanthu", "check", "--json"])
    body = json.loads(capsys.readouterr().out)
    checks = {c["key"]: c for c in body["checks"]}
    # then the required parts are fine and every optional component is reported
    assert body["ok"] is True
    assert checks["database"]["status"] == "ok"
    assert checks["database"]["required"] is True
    assert checks["storage"]["status"] == "ok"
    assert {"worker", "tesseract", "pkcs11", "pdfsig", "smtp", "chromium"} <= set(checks)
    # and the probe file was removed
    assert not any((media / "files").rglob("*.txt"))


@pytest.mark.django_db
def test_check_fails_when_storage_cannot_be_written(settings, tmp_path):
    # given a storage location that is a file, not a directory
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    # when checked, the command exits with 1 and says which required part failed
    out = StringIO()
    with pytest.raises(CommandError, match="Lưu trữ tệp") as exc_info:
        call_command("vanthu_check", stdout=out)
    assert exc_info.value.returncode == 1
    assert "LỖI" in out.getvalue()


@pytest.mark.django_db
def test_missing_optional_components_say_what_they_disable(media, monkeypatch, tmp_path):
    # given a PATH without tesseract or pdfsig, and no PKCS#11 module
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("VANTHU_PKCS11_MODULE", str(tmp_path / "khong-co.so"))
    body = _check_json()
    checks = {c["key"]: c for c in body["checks"]}
    # then they are missing, the reason says what users lose, and the exit is still success
    assert checks["tesseract"]["status"] == "missing"
    assert "OCR" in checks["tesseract"]["disables"]
    assert checks["pkcs11"]["status"] == "missing"
    assert "ký số" in checks["pkcs11"]["disables"]
    assert checks["pdfsig"]["status"] == "missing"
    assert body["ok"] is True


@pytest.mark.django_db
def test_a_file_that_is_not_a_pkcs11_module_is_an_error(media, monkeypatch, tmp_path):
    fake = tmp_path / "fake.so"
    fake.write_bytes(b"not a library")
    monkeypatch.setenv("VANTHU_PKCS11_MODULE", str(fake))
    checks = {c["key"]: c for c in _check_json()["checks"]}
    assert checks["pkcs11"]["status"] == "error"


@pytest.mark.django_db
def test_worker_is_judged_by_heartbeat_then_by_queue_age(media):
    from django_tasks_db.models import DBTaskResult

    # given no heartbeat and an empty queue: unknown
    assert {c["key"]: c for c in _check_json()["checks"]}["worker"]["status"] == "unknown"
    # given a task waiting for ten minutes: nobody works the queue
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="vanthu.tasks.example",
        backend_name="default",
        run_after=datetime(9999, 1, 1, tzinfo=UTC),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=datetime.now(UTC) - timedelta(minutes=10)
    )
    worker = {c["key"]: c for c in _check_json()["checks"]}["worker"]
    assert worker["status"] == "warning"
    assert "10 phút" in worker["detail"]
    # given a fresh heartbeat of a live local process: running
    run = media / "run"
    run.mkdir()
    (run / "worker-x.json").write_text(
        json.dumps(
            {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "worker_id": "w",
                "queues": "*",
                "beat_at": datetime.now(UTC).isoformat(),
            }
        )
    )
    assert {c["key"]: c for c in _check_json()["checks"]}["worker"]["status"] == "ok"
    # given the same heartbeat, but its process is gone: not running
    (run / "worker-x.json").write_text(
        json.dumps(
            {
                "host": socket.gethostname(),
                "pid": 2**22 + 7,
                "worker_id": "w",
                "queues": "*",
                "beat_at": datetime.now(UTC).isoformat(),
            }
        )
    )
    assert {c["key"]: c for c in _check_json()["checks"]}["worker"]["status"] == "warning"


# --- vanthu journal ---------------------------------------------------------------------------


def _tamper(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_journalentry ENABLE TRIGGER USER")


def _records():
    actor = Actor(person_id=7, name="Trần Thị Văn Thư", agency_id=1, ip_address="10.0.0.5")
    return [
        journal_record(
            actor=actor,
            action="unit.create",
            object_type="organizations.unit",
            object_id=str(n),
            object_repr=f"Phòng {n}",
            after={"name": f"Phòng {n}"},
        )
        for n in range(3)
    ]


@pytest.mark.django_db
def test_journal_verify_passes_on_an_intact_journal():
    _records()
    out = StringIO()
    call_command("journal", "verify", stdout=out)
    assert "Nhật ký toàn vẹn: 1 chuỗi, 3 bản ghi" in out.getvalue()


@pytest.mark.django_db
def test_journal_verify_exits_1_after_tampering():
    # given a journal whose middle row was edited behind the application's back
    entries = _records()
    _tamper(
        "UPDATE core_journalentry SET after = %s WHERE id = %s",
        ['{"name": "Phòng giả"}', entries[1].pk],
    )
    # when verified
    out = StringIO()
    with pytest.raises(CommandError) as exc_info:
        call_command("journal", "verify", stdout=out)
    # then it exits 1 and names the row, in Vietnamese
    assert exc_info.value.returncode == 1
    assert "bản ghi #2" in out.getvalue()
    assert "đã bị sửa" in out.getvalue()


@pytest.mark.django_db
def test_journal_verify_json_lists_deleted_rows():
    entries = _records()
    _tamper("DELETE FROM core_journalentry WHERE id = %s", [entries[2].pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("journal", "verify", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["ok"] is False
    assert body["entries"] == 2
    assert any("deleted" in p["message"] for p in body["problems"])


@pytest.mark.django_db
def test_journal_show_prints_one_objects_history():
    _records()
    out = StringIO()
    call_command("journal", "show", "--object", "organizations.unit:1", stdout=out)
    text = out.getvalue()
    assert "unit.create" in text
    assert "Phòng 1" in text
    assert "10.0.0.5" in text
    assert "Phòng 2" not in text
    with pytest.raises(CommandError, match="Không có bản ghi"):
        call_command("journal", "show", "--object", "organizations.unit:99")
    with pytest.raises(CommandError, match="LOẠI:MÃ"):
        call_command("journal", "show", "--object", "khong-dung")


# --- vanthu serve -----------------------------------------------------------------------------


def test_serve_builds_a_gunicorn_command():
    out = StringIO()
    call_command(
        "serve",
        "--print-command",
        "--bind",
        "0.0.0.0:8080",
        "--bind",
        "unix:/run/vanthu.sock",
        "--workers",
        "3",
        stdout=out,
    )
    argv = out.getvalue().split()
    assert argv[1:4] == ["-m", "gunicorn", "vanthu.config.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "3"
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--bind"] == [
        "0.0.0.0:8080",
        "unix:/run/vanthu.sock",
    ]


def test_serve_refuses_to_start_without_collected_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve", "--bind", "127.0.0.1:1")


# --- production pieces as subprocesses (slow) -------------------------------------------------


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "VANTHU_", "DJANGO_", "PYTEST", "AWS_"))
    }
    env.update(
        VANTHU_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1", DJANGO_SECRET_KEY="test-only-" + "k" * 50
    )
    return env


def _vanthu(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "vanthu.config.cli", *args], env=env, **kwargs)


def _until(predicate, timeout: float, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            pytest.fail(f"{what} stopped early (exit {process.returncode})")
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"{what} timed out")


def test_worker_publishes_a_heartbeat_and_stops_cleanly(tmp_path):
    # given a migrated database of its own
    env = _env(tmp_path)
    assert _vanthu("migrate", "-v0", env=env).wait(timeout=120) == 0
    # when a worker runs
    worker = _vanthu("worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        beats = tmp_path / "run"
        _until(lambda: any(beats.glob("worker-*.json")), 60, worker, "vanthu worker")
        # then `vanthu check` sees it running
        check = subprocess.run(
            [sys.executable, "-m", "vanthu.config.cli", "check", "--json"],
            env=env,
            capture_output=True,
            check=False,
            timeout=60,
        )
        checks = {c["key"]: c for c in json.loads(check.stdout)["checks"]}
        assert check.returncode == 0
        assert checks["worker"]["status"] == "ok"
        assert str(worker.pid) in checks["worker"]["detail"]
        # and on SIGTERM it exits 0 and removes its heartbeat
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert not any(beats.glob("worker-*.json"))
    finally:
        if worker.poll() is None:
            worker.kill()


def _get(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def test_serve_runs_gunicorn_with_collected_static_files(tmp_path):
    # given a production-like installation: secret key set, static files collected
    env = _env(tmp_path)
    assert _vanthu("collectstatic", "--noinput", "-v0", env=env).wait(timeout=120) == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # when `vanthu serve` runs
    server = _vanthu(
        "serve",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _until(lambda: _get(port, "/api/v1/schema/") == 200, 90, server, "vanthu serve")
        # then the API schema and the static files are served
        assert _get(port, "/static/css/vanthu.css") == 200
        # and SIGTERM stops it (the process is gunicorn itself, thanks to exec)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert _get(port, "/api/v1/schema/") is None
    finally:
        if server.poll() is None:
            server.kill()
