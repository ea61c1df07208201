"""`vanthu check`: is this installation able to work, and what is switched off?

Required parts (database, file storage) decide the exit code; every optional component is
reported with what its absence disables, so an operator knows what users will miss.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from vanthu.core.management.commands.worker import read_heartbeats

DEFAULT_PKCS11_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
# A task waiting longer than this with no live worker in sight means nobody is working the queue.
QUEUE_STALE_SECONDS = 120
STATUS_LABELS = {
    "ok": "ĐẠT",
    "warning": "CẢNH BÁO",
    "missing": "THIẾU",
    "error": "LỖI",
    "unknown": "CHƯA RÕ",
    "info": "THÔNG TIN",
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The state of one part of the installation."""

    key: str
    label: str
    required: bool
    status: str  # a key of STATUS_LABELS
    detail: str
    disables: str = ""  # what users lose while this part is missing

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "info")


def _database_name() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{connections['default'].vendor} {host}{port}/{db['NAME']}"


def check_database() -> CheckResult:
    """Connect to the database and look for migrations not yet applied."""
    label, disables = "Cơ sở dữ liệu", "toàn bộ hệ thống"
    try:
        connection = connections["default"]
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except (DatabaseError, OSError) as exc:
        return CheckResult(
            "database",
            label,
            True,
            "error",
            f"{_database_name()}: không kết nối được ({exc}).",
            disables,
        )
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in pending[:3])
        return CheckResult(
            "database",
            label,
            True,
            "error",
            (
                f"{_database_name()}: còn {len(pending)} migration chưa áp dụng ({names}…); "
                "chạy `vanthu migrate`."
            ),
            disables,
        )
    return CheckResult(
        "database",
        label,
        True,
        "ok",
        f"{_database_name()}: kết nối được, mọi migration đã áp dụng.",
    )


def check_storage() -> CheckResult:
    """Write, read back and delete a probe file in the default file storage."""
    label = "Lưu trữ tệp"
    storages = cast(dict[str, dict[str, Any]], settings.STORAGES)
    backend = str(storages["default"]["BACKEND"]).rsplit(".", 1)[-1]
    where = settings.S3_BUCKET or str(settings.MEDIA_ROOT)
    payload = f"vanthu check {uuid.uuid4()}".encode()
    try:
        name = default_storage.save(f"vanthu-check/{uuid.uuid4().hex}.txt", ContentFile(payload))
        try:
            with default_storage.open(name, "rb") as handle:
                read_back = handle.read()
        finally:
            default_storage.delete(name)
    except Exception as exc:  # any storage failure is the finding itself
        return CheckResult(
            "storage",
            label,
            True,
            "error",
            f"{backend} ({where}): ghi/đọc/xóa tệp thử thất bại: {exc}",
            "lưu và mở tệp văn bản, đính kèm",
        )
    if read_back != payload:
        return CheckResult(
            "storage",
            label,
            True,
            "error",
            f"{backend} ({where}): tệp đọc lại khác tệp đã ghi.",
            "lưu và mở tệp văn bản, đính kèm",
        )
    return CheckResult(
        "storage",
        label,
        True,
        "ok",
        f"{backend} ({where}): ghi, đọc lại và xóa tệp thử thành công.",
    )


def check_worker(database_ok: bool) -> CheckResult:
    """Look for live workers (heartbeats), else judge by the age of the oldest waiting task."""
    label = "Tiến trình nền (vanthu worker)"
    disables = "các việc chạy nền: OCR, gửi thư, liên thông văn bản, nhắc hạn"
    now = datetime.now(UTC)
    alive = [b for b in read_heartbeats() if b.is_alive(now)]
    if alive:
        where = ", ".join(f"{b.host} pid {b.pid}" for b in alive)
        return CheckResult(
            "worker", label, False, "ok", f"{len(alive)} tiến trình đang chạy ({where})."
        )
    if not database_ok:
        return CheckResult(
            "worker",
            label,
            False,
            "unknown",
            "Không kiểm tra được hàng đợi vì cơ sở dữ liệu lỗi.",
            disables,
        )
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    if oldest is not None and (now - oldest).total_seconds() > QUEUE_STALE_SECONDS:
        minutes = int((now - oldest).total_seconds() // 60)
        return CheckResult(
            "worker",
            label,
            False,
            "warning",
            (
                f"{waiting.count()} tác vụ đang chờ, tác vụ cũ nhất đã chờ {minutes} phút: có vẻ "
                "không có tiến trình nền nào chạy. Chạy `vanthu worker`."
            ),
            disables,
        )
    return CheckResult(
        "worker",
        label,
        False,
        "unknown",
        (
            f"Không thấy tiến trình nền nào ghi nhịp tại {settings.VAR_DIR / 'run'}; hàng đợi "
            "không tồn đọng (tiến trình nền có thể chạy trên máy khác)."
        ),
        disables,
    )


def _run(argv: list[str]) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=15, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return None


def check_tesseract() -> CheckResult:
    """Look for Tesseract and its Vietnamese language data."""
    label, disables = "Tesseract (OCR)", "nhận dạng chữ (OCR) cho văn bản giấy scan"
    path = shutil.which("tesseract")
    result = _run([path, "--list-langs"]) if path else None
    if result is None or result.returncode != 0:
        return CheckResult(
            "tesseract",
            label,
            False,
            "missing",
            "Không tìm thấy lệnh tesseract (gói tesseract-ocr).",
            disables,
        )
    langs = {line.strip() for line in (result.stdout + result.stderr).splitlines()[1:]}
    if "vie" not in langs:
        return CheckResult(
            "tesseract",
            label,
            False,
            "warning",
            (f"{path} có, nhưng thiếu dữ liệu tiếng Việt (gói tesseract-ocr-vie)."),
            "OCR tiếng Việt có dấu (văn bản scan sẽ mất dấu)",
        )
    return CheckResult("tesseract", label, False, "ok", f"{path}, có tiếng Việt (vie).")


def check_pkcs11() -> CheckResult:
    """Load the PKCS#11 module used for signing with a token or HSM."""
    label = "Mô-đun PKCS#11 (ký số)"
    disables = "ký số bằng USB token/HSM qua PKCS#11"
    path = os.environ.get("VANTHU_PKCS11_MODULE", "") or DEFAULT_PKCS11_MODULE
    if not os.path.exists(path):
        return CheckResult(
            "pkcs11",
            label,
            False,
            "missing",
            f"Không có {path} (đặt VANTHU_PKCS11_MODULE).",
            disables,
        )
    try:
        library = ctypes.CDLL(path)
        library.C_GetFunctionList  # noqa: B018 - the PKCS#11 entry point must exist
    except (OSError, AttributeError) as exc:
        return CheckResult(
            "pkcs11",
            label,
            False,
            "error",
            f"{path} không phải mô-đun PKCS#11 dùng được: {exc}",
            disables,
        )
    return CheckResult("pkcs11", label, False, "ok", f"{path} nạp được (C_GetFunctionList).")


def check_pdfsig() -> CheckResult:
    """Look for poppler's pdfsig."""
    label = "poppler pdfsig"
    path = shutil.which("pdfsig")
    result = _run([path, "-v"]) if path else None
    if result is None:
        return CheckResult(
            "pdfsig",
            label,
            False,
            "missing",
            "Không tìm thấy lệnh pdfsig (gói poppler-utils).",
            "kiểm tra đối chiếu chữ ký số trong tệp PDF nhận được",
        )
    version = (result.stderr or result.stdout).strip().splitlines()
    return CheckResult("pdfsig", label, False, "ok", f"{path} ({version[0] if version else '?'}).")


def check_smtp() -> CheckResult:
    """Open a connection to the configured SMTP server and read its greeting."""
    label = "Máy chủ thư (SMTP)"
    disables = "gửi thư thông báo và gửi văn bản qua hộp thư điện tử công vụ"
    mailer = getattr(settings, "MAILERS", {}).get("default", {})
    backend = str(mailer.get("BACKEND", ""))
    if not backend.endswith("smtp.EmailBackend"):
        return CheckResult("smtp", label, False, "info", f"Không dùng SMTP ({backend}).")
    host = mailer["OPTIONS"].get("host", "127.0.0.1")
    port = int(mailer["OPTIONS"].get("port", 25))
    try:
        with socket.create_connection((host, port), timeout=3) as conn:
            conn.settimeout(3)
            greeting = conn.recv(512).decode("ascii", "replace").strip()
    except OSError as exc:
        return CheckResult(
            "smtp", label, False, "missing", f"Không kết nối được {host}:{port} ({exc}).", disables
        )
    if not greeting.startswith("220"):
        return CheckResult(
            "smtp",
            label,
            False,
            "warning",
            f"{host}:{port} trả lời lạ: {greeting[:80]!r}.",
            disables,
        )
    return CheckResult("smtp", label, False, "ok", f"{host}:{port} sẵn sàng ({greeting[:60]}).")


def check_chromium() -> CheckResult:
    """Look for Chromium (only the automated browser tests use it)."""
    label = "Chromium (chỉ để tham khảo)"
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return CheckResult("chromium", label, False, "ok", f"{path}.")
    return CheckResult(
        "chromium",
        label,
        False,
        "missing",
        "Không tìm thấy Chromium.",
        "các bài kiểm thử giao diện tự động (người dùng không bị ảnh hưởng)",
    )


def run_checks() -> list[CheckResult]:
    """Run every check, required parts first."""
    database = check_database()
    optional: list[Callable[[], CheckResult]] = [
        check_tesseract,
        check_pkcs11,
        check_pdfsig,
        check_smtp,
        check_chromium,
    ]
    return [database, check_storage(), check_worker(database.ok), *(check() for check in optional)]


class Command(BaseCommand):
    help = "Kiểm tra cơ sở dữ liệu, lưu trữ tệp, tiến trình nền và các thành phần tùy chọn."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        results = run_checks()
        ok = all(r.ok for r in results if r.required)
        if options["json"]:
            body = {"ok": ok, "checks": [{**asdict(r), "ok": r.ok} for r in results]}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            self._print(results, ok)
        if not ok:
            failed = ", ".join(r.label for r in results if r.required and not r.ok)
            raise CommandError(f"Phần bắt buộc chưa hoạt động: {failed}.", returncode=1)

    def _print(self, results: list[CheckResult], ok: bool) -> None:
        self.stdout.write(
            f"Kiểm tra Vanthu (tỉnh {settings.PROVINCE_NAME}, mã cấp 1 {settings.PROVINCE_CODE})"
        )
        width = max(len(v) for v in STATUS_LABELS.values())
        for r in results:
            status = STATUS_LABELS[r.status].ljust(width)
            style = (
                self.style.SUCCESS
                if r.ok
                else (self.style.ERROR if r.required or r.status == "error" else self.style.WARNING)
            )
            required = " (bắt buộc)" if r.required else ""
            self.stdout.write(f"  {style(status)}  {r.label}{required}: {r.detail}")
            if not r.ok and r.disables:
                self.stdout.write(f"  {' ' * width}  → Không có phần này: tắt {r.disables}.")
        if ok:
            self.stdout.write(self.style.SUCCESS("Các phần bắt buộc đều hoạt động."))
