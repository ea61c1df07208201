"""`vanthu load-demo-data`: load the Khánh Hòa demonstration data into an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vanthu.core.actor import Actor
from vanthu.core.errors import VanthuError
from vanthu.organizations.demo import DEMO_PASSWORD, DemoSummary, load_demo_data


def summary_line(summary: DemoSummary) -> str:
    """Return the one-line Vietnamese account of what was loaded."""
    return (
        f"Đã nạp dữ liệu mẫu: {summary.agencies} cơ quan, {summary.units} đơn vị, "
        f"{summary.positions} chức vụ, {summary.people} cán bộ, {summary.grants} vai trò "
        f"({summary.journal_entries} bản ghi nhật ký)." + "".join(f"\n{m}" for m in summary.more)
    )


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu tỉnh Khánh Hòa (cơ quan, đơn vị, cán bộ) vào cơ sở dữ liệu trống."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_demo_data(actor=Actor.system("vanthu load-demo-data"))
        except VanthuError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(summary_line(summary)))
        self.stdout.write(f"Mật khẩu của mọi tài khoản mẫu: {DEMO_PASSWORD}")
