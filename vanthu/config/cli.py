"""The `vanthu` command line: `vanthu demo|serve|worker|check|import-agencies|journal ...`.

Every subcommand is a Django management command; this entry point sets the settings module,
maps Vanthu's names to command names (`check` is Vanthu's own `vanthu_check`; Django's stays
reachable as `django-check`) and forwards the arguments, so `vanthu X` and `manage.py X` agree.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

# Vanthu name -> (management command, one-line description in Vietnamese).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "demo",
        "Chạy bản trình diễn: CSDL SQLite, dữ liệu mẫu, máy chủ web và tiến trình nền",
    ),
    "serve": ("serve", "Chạy máy chủ web gunicorn cho vận hành thật"),
    "worker": ("worker", "Chạy tiến trình nền xử lý hàng đợi tác vụ"),
    "check": ("vanthu_check", "Kiểm tra CSDL, lưu trữ tệp, tiến trình nền, thành phần tùy chọn"),
    "migrate": ("migrate", "Tạo hoặc cập nhật cấu trúc cơ sở dữ liệu"),
    "collectstatic": ("collectstatic", "Gom tệp tĩnh (cần trước `vanthu serve`)"),
    "import-agencies": ("import_agencies", "Nhập danh bạ cơ quan từ tệp CSV hoặc JSON"),
    "load-demo-data": ("load_demo_data", "Nạp dữ liệu mẫu tỉnh Khánh Hòa vào CSDL trống"),
    "journal": ("journal", "Kiểm tra toàn vẹn nhật ký (verify) hoặc xem nhật ký (show)"),
    "signatures": (
        "signatures",
        "Kiểm tra lại chữ ký số đã lưu, bổ sung dấu thời gian trước khi chứng thư hết hạn",
    ),
    "workflow": (
        "workflow",
        "Quét hạn xử lý (scan): báo sắp đến hạn, quá hạn; gửi lại thư thông báo",
    ),
    "exchange": (
        "exchange",
        "Liên thông: nhập danh bạ hệ thống liên thông (import-partners), gửi gói tin (send)",
    ),
    "texts": (
        "texts",
        "Nội dung tệp: trích xuất, nhận dạng chữ các tệp đã lưu (extract [--missing])",
    ),
    "search": ("search", "Tìm kiếm toàn văn: lập lại chỉ mục (rebuild), có thanh tiến độ"),
    "createsuperuser": ("createsuperuser", "Tạo tài khoản quản trị hệ thống đầu tiên"),
    "django-check": ("check", "Lệnh `check` gốc của Django (kiểm tra cấu hình)"),
}
HELP_FLAGS = {"-h", "--help", "help"}


def _version() -> str:
    try:
        return version("vanthu")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "chưa cài đặt"


def usage() -> str:
    """Return the overview printed by `vanthu`, `vanthu help` and `vanthu --help`."""
    width = max(len(name) for name in COMMANDS)
    lines = [
        f"Vanthu {_version()}: trao đổi, lưu trữ, xử lý văn bản điện tử.",
        "",
        "Cách dùng: vanthu <lệnh> [tùy chọn]     (vanthu <lệnh> --help để xem chi tiết)",
        "",
        "Lệnh:",
        *(f"  {name.ljust(width)}  {text}" for name, (_cmd, text) in COMMANDS.items()),
        "",
        "Các lệnh Django khác (shell, dbshell, showmigrations…) cũng chạy được;",
        "`vanthu django-help` liệt kê tất cả.",
    ]
    return "\n".join(lines)


def translate(args: list[str]) -> list[str]:
    """Map Vanthu's command names to management-command names (`args` excludes argv[0])."""
    if not args:
        return args
    name, rest = args[0], args[1:]
    if name == "django-help":
        return ["help", *rest]
    if name == "help" and rest:
        return ["help", *translate(rest)]
    if name in COMMANDS:
        return [COMMANDS[name][0], *rest]
    return [name.replace("-", "_"), *rest] if not name.startswith("-") else args


def main(argv: list[str] | None = None) -> None:
    """Run a Vanthu command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    args = list(sys.argv if argv is None else argv)[1:]
    if not args or (args[0] in HELP_FLAGS and len(args) == 1):
        print(usage())
        return
    if args[0] == "--version":
        print(f"vanthu {_version()}")
        return
    if args[0] == "demo":
        # Demo mode must be known before settings load (secret key, demo data, 2FA default).
        os.environ.setdefault("VANTHU_DEMO", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["vanthu", *translate(args)])
    except ImproperlyConfigured as exc:
        # Settings fail closed (no secret key, bad DATABASE_URL…): say so without a traceback.
        print(f"Lỗi cấu hình Vanthu: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
