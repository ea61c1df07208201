"""`vanthu serve`: run the production web server, gunicorn, in front of Vanthu's WSGI application.

The process replaces itself with gunicorn (exec), so a service manager's signals reach gunicorn
directly. Several `vanthu serve` processes, on one or more machines, may share one database and
one object store; `vanthu worker` runs the background work separately (ADR 0007).
"""

from __future__ import annotations

import os
import sys
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

WSGI_APP = "vanthu.config.wsgi:application"


def default_workers() -> int:
    """Return gunicorn's worker count: WEB_CONCURRENCY, else 2 * cores + 1 (at most 9)."""
    configured = os.environ.get("WEB_CONCURRENCY", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def bind_address(host: str, port: int) -> str:
    """Return a gunicorn bind string; IPv6 addresses need brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_argv(
    *,
    binds: list[str],
    workers: int,
    threads: int,
    timeout: int,
    access_log: bool,
    preload: bool = False,
) -> list[str]:
    """Return the command line that starts gunicorn with the current Python interpreter."""
    argv = [
        sys.executable, "-m", "gunicorn", WSGI_APP,
        "--name", "vanthu",
        "--worker-class", "gthread",
        "--workers", str(workers),
        "--threads", str(threads),
        "--timeout", str(timeout),
        "--graceful-timeout", "10",
        "--error-logfile", "-",
        # gunicorn 27's control socket defaults to one path per user: two servers would collide.
        "--no-control-socket",
    ]  # fmt: skip
    for bind in binds:
        argv += ["--bind", bind]
    if access_log:
        argv += ["--access-logfile", "-"]
    if preload:
        # Import Django once in the master and fork: faster start, less memory; but a HUP no
        # longer reloads code, so production (`vanthu serve`) restarts instead.
        argv.append("--preload")
    return argv


def static_files_ready() -> str:
    """Return "" when static files can be served, else why not (Vietnamese)."""
    storages = cast(dict[str, dict[str, Any]], settings.STORAGES)
    backend = str(storages["staticfiles"]["BACKEND"])
    if "Manifest" not in backend:
        return ""
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        return ""
    return (
        f"Chưa có tệp tĩnh đã gom ({manifest} không tồn tại): chạy `vanthu collectstatic "
        "--noinput` trước khi chạy `vanthu serve` (mỗi lần cập nhật phiên bản)."
    )


class Command(BaseCommand):
    help = "Chạy máy chủ web gunicorn cho vận hành thật (production web server)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            default=None,
            help="Địa chỉ lắng nghe HOST:PORT, có thể lặp lại "
            "(mặc định VANTHU_BIND hoặc 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="Số tiến trình gunicorn (mặc định WEB_CONCURRENCY hoặc 2 * số lõi + 1).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("VANTHU_WEB_THREADS", "4")),
            help="Số luồng mỗi tiến trình (mặc định VANTHU_WEB_THREADS hoặc 4).",
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="Giây tối đa cho một yêu cầu (mặc định 60)."
        )
        parser.add_argument(
            "--no-access-log", action="store_true", help="Không ghi nhật ký truy cập."
        )
        parser.add_argument(
            "--print-command",
            action="store_true",
            help="Chỉ in lệnh gunicorn sẽ chạy, không chạy.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        binds = options["bind"] or [os.environ.get("VANTHU_BIND", "") or "127.0.0.1:8000"]
        if options["workers"] < 1 or options["threads"] < 1 or options["timeout"] < 1:
            raise CommandError("--workers, --threads và --timeout phải lớn hơn 0.")
        argv = gunicorn_argv(
            binds=binds,
            workers=options["workers"],
            threads=options["threads"],
            timeout=options["timeout"],
            access_log=not options["no_access_log"],
        )
        if options["print_command"]:
            self.stdout.write(" ".join(argv))
            return
        problem = static_files_ready()
        if problem:
            raise CommandError(problem)
        self.stdout.write("Vanthu: máy chủ web tại " + ", ".join(binds))
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments
