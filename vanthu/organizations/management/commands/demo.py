"""`vanthu demo`: a complete Vanthu on this machine with one command.

Creates or updates the SQLite database under VANTHU_VAR_DIR, loads the Khánh Hòa demonstration
data into an empty database, then runs the same pieces as production, gunicorn and the
background worker, as child processes, and stops both when either stops or on Ctrl+C (ADR 0007).
"""

from __future__ import annotations

import ctypes
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from vanthu.core.actor import Actor
from vanthu.core.management.commands.serve import bind_address, gunicorn_argv
from vanthu.organizations.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    ROLE_LOGIN_PREFIXES,
    load_demo_data,
)
from vanthu.organizations.management.commands.load_demo_data import summary_line
from vanthu.organizations.models import Agency

READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 15
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _die_with_parent() -> None:
    # Linux: a child gets SIGTERM if `vanthu demo` itself is killed (even with SIGKILL), so no
    # orphaned server keeps the port.
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _answers(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", "/", headers={"Host": "localhost"})
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def logins_table() -> str:
    """Return the table of demo logins printed by `vanthu demo` (the README shows the same)."""
    rows = [("Tên đăng nhập", "Vai trò", "Cơ quan", "Đơn vị")]
    rows += [(d.username, d.role, d.agency, d.unit or "—") for d in DEMO_LOGINS]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3]
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    others = ", ".join(f"{prefix}.<ký hiệu>" for prefix in ROLE_LOGIN_PREFIXES)
    lines += [
        "",
        f"Mật khẩu của mọi tài khoản mẫu: {DEMO_PASSWORD}",
        f"Mọi cơ quan khác có {others}",
        "(ký hiệu viết thường, không dấu: vanthu.sgddt, lanhdao.nhatrang, chuyenvien.loctho…).",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Chạy bản trình diễn: cơ sở dữ liệu, dữ liệu mẫu, máy chủ web và tiến trình nền."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("VANTHU_HOST", "") or "127.0.0.1",
            help="Địa chỉ lắng nghe (mặc định VANTHU_HOST hoặc 127.0.0.1).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("VANTHU_PORT", "") or 8000),
            help="Cổng (mặc định VANTHU_PORT hoặc 8000).",
        )
        parser.add_argument(
            "--web-workers", type=int, default=2, help="Số tiến trình gunicorn (mặc định 2)."
        )

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()  # a pipe (tests, service managers) should see it at once

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "Lệnh này chạy ở chế độ trình diễn: dùng `vanthu demo` (hoặc đặt VANTHU_DEMO=1)."
            )
        host, port = options["host"], options["port"]
        if not 0 < port < 65536 or options["web_workers"] < 1:
            raise CommandError("Cổng phải từ 1 đến 65535 và --web-workers lớn hơn 0.")
        if not _port_free(host, port):
            raise CommandError(
                f"Cổng {port} trên {host} đang được dùng: chọn cổng khác bằng --port hoặc "
                "VANTHU_PORT."
            )
        if host not in _LOOPBACK and not os.environ.get("DJANGO_ALLOWED_HOSTS"):
            self.say(
                self.style.WARNING(
                    f"Lưu ý: truy cập từ máy khác cần DJANGO_ALLOWED_HOSTS chứa tên hoặc địa chỉ "
                    f"của máy này (hiện chỉ {', '.join(settings.ALLOWED_HOSTS)})."
                )
            )
        self.say(f"Vanthu — bản trình diễn. Thư mục dữ liệu: {settings.VAR_DIR}")
        self._prepare_database()
        # Static files come from the app directories (whitenoise finders); an existing, empty
        # STATIC_ROOT keeps whitenoise from warning about it on every start.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        connections.close_all()  # the children open their own
        # The demo's own RFC 3161 timestamp authority (served by the web process itself).
        target = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
        os.environ.setdefault(
            "VANTHU_TSA_URL", f"http://{bind_address(target, port)}/dich-vu/tem-thoi-gian/"
        )
        self._run(host, port, options["web_workers"])

    def _prepare_database(self) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        self.say(f"Cơ sở dữ liệu sẵn sàng ({time.monotonic() - started:.1f} giây).")
        if Agency.objects.exists():
            self.say("Cơ sở dữ liệu đã có dữ liệu: dùng lại, không nạp dữ liệu mẫu.")
            return
        started = time.monotonic()
        summary = load_demo_data(actor=Actor.system("vanthu demo"))
        self.say(f"{summary_line(summary)} ({time.monotonic() - started:.1f} giây)")

    def _run(self, host: str, port: int, web_workers: int) -> None:
        stop: list[int] = []

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            stop.append(signum)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        web_argv = gunicorn_argv(
            binds=[bind_address(host, port)],
            workers=web_workers,
            threads=4,
            timeout=60,
            access_log=False,
            preload=True,
        )
        worker_argv = [sys.executable, "-m", "vanthu.config.cli", "worker"]
        # The periodic deadline scan (due soon, overdue), every 15 minutes as in production.
        scan_argv = [
            sys.executable,
            "-m",
            "vanthu.config.cli",
            "workflow",
            "scan",
            "--every",
            "900",
        ]
        # The sweep of packets due to other systems (retries whose task was lost), every minute.
        exchange_argv = [
            sys.executable,
            "-m",
            "vanthu.config.cli",
            "exchange",
            "send",
            "--every",
            "60",
        ]
        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, argv in (
                ("Máy chủ web (gunicorn)", web_argv),
                ("Tiến trình nền", worker_argv),
                ("Quét hạn xử lý", scan_argv),
                ("Gửi liên thông", exchange_argv),
            ):
                # Own process group: Ctrl+C reaches only us, and we stop the children in order.
                children[name] = subprocess.Popen(  # noqa: S603 - fixed arguments
                    argv, process_group=0, preexec_fn=_die_with_parent
                )
                self.say(f"{name}: pid {children[name].pid}")
            died = self._wait_ready(host, port, children, stop)
            if died is None and not stop:
                self._announce(host, port)
                died = self._supervise(children, stop)
        finally:
            self._stop(children)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if died is not None and not stop:
            code = children[died].returncode
            raise CommandError(f"{died} đã dừng bất ngờ (mã thoát {code}); đã dừng phần còn lại.")
        self.say("Đã dừng Vanthu.")

    def _wait_ready(
        self, host: str, port: int, children: dict[str, subprocess.Popen[bytes]], stop: list[int]
    ) -> str | None:
        target = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)  # noqa: S104
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not stop and time.monotonic() < deadline:
            for name, child in children.items():
                if child.poll() is not None:
                    return name
            if _answers(target, port):
                return None
            time.sleep(0.2)
        if not stop:
            raise CommandError(
                f"Máy chủ web không trả lời sau {READY_TIMEOUT_SECONDS} giây; đã dừng."
            )
        return None

    def _announce(self, host: str, port: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
        url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}/"
        self.say("")
        self.say(self.style.SUCCESS(f"Vanthu đang chạy tại {url}"))
        self.say("")
        self.say(logins_table())
        self.say("")
        self.say("Nhấn Ctrl+C để dừng.")

    def _supervise(
        self, children: dict[str, subprocess.Popen[bytes]], stop: list[int]
    ) -> str | None:
        while not stop:
            for name, child in children.items():
                if child.poll() is not None:
                    self.say(self.style.ERROR(f"{name} đã dừng (mã thoát {child.returncode})."))
                    return name
            time.sleep(0.25)
        return None

    def _stop(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
