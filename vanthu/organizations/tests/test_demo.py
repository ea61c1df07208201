"""Demo data (`load_demo_data`) and the `vanthu demo` command as a user runs it.

The last tests start `vanthu demo` as a real subprocess (gunicorn and the worker included);
they are slow (10 to 30 s) but stay in the default run, so CI exercises the demo every time.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import Conflict, PermissionDenied
from vanthu.core.journal import journal_verify
from vanthu.core.models import JournalEntry
from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    ROLE_LOGIN_PREFIXES,
    agency_identifier,
    demo_plan,
    load_demo_data,
)
from vanthu.organizations.identifiers import parse_identifier
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit

SYSTEM = Actor.system("kiểm thử")
AGENCY_ROLES = {
    Role.CLERK,
    Role.LEADER,
    Role.UNIT_HEAD,
    Role.SPECIALIST,
    Role.ARCHIVIST,
    Role.AGENCY_ADMIN,
}
FAMILY_NAMES = {
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
}


@pytest.mark.django_db
def test_demo_has_a_province_with_departments_districts_and_wards():
    # when the demo is loaded
    summary = load_demo_data(actor=SYSTEM)
    # then the province has its committee, office, >= 12 departments, districts, >= 10 wards
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert kinds[AgencyKind.PROVINCIAL_COMMITTEE] == 1
    assert kinds[AgencyKind.PROVINCIAL_OFFICE] == 1
    assert kinds[AgencyKind.DEPARTMENT] >= 12
    assert kinds[AgencyKind.DISTRICT_COMMITTEE] >= 5
    assert kinds[AgencyKind.COMMUNE_COMMITTEE] >= 10
    # (the exchange's demo adds an agency served by another system: not hosted, not counted)
    assert summary.agencies == Agency.objects.filter(is_hosted=True).count()
    province = Agency.objects.get(identifier="000.00.00.H34")
    assert province.name == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert Agency.objects.get(short_name="STTTT").identifier == "000.00.12.H34"
    # and every identifier is a valid QCVN 102 code placed at its level under its parent
    for agency in Agency.objects.select_related("parent"):
        ident = parse_identifier(agency.identifier)
        assert ident.level1 == "H34"
        if agency.kind == AgencyKind.COMMUNE_COMMITTEE:
            assert agency.parent is not None
            parent = parse_identifier(agency.parent.identifier)
            assert agency.parent.kind == AgencyKind.DISTRICT_COMMITTEE
            assert (ident.depth, ident.level2) == (3, parent.level2)
        elif agency.parent is not None:
            assert (ident.depth, agency.parent_id) == (2, province.pk)
        assert agency.qd20_code.startswith("H34")


@pytest.mark.django_db
def test_every_hosted_agency_has_every_role_units_and_positions():
    load_demo_data(actor=SYSTEM)
    roles: dict[int, set[str]] = {}
    for agency_id, role in RoleGrant.objects.values_list("agency_id", "role"):
        roles.setdefault(agency_id, set()).add(role)
    for agency in Agency.objects.filter(is_hosted=True):
        assert roles[agency.pk] >= AGENCY_ROLES, agency.name
        units = Unit.objects.filter(agency=agency)
        assert 3 <= units.count() <= 6, agency.name
        assert Position.objects.filter(agency=agency).count() >= 3, agency.name
    # the specialised units of STTTT carry the short names used in notations
    assert set(
        Unit.objects.filter(agency__short_name="STTTT").values_list("short_name", flat=True)
    ) >= {"VP", "CNTT", "BCVT", "TTr"}
    # people have real-looking names and agency mailboxes
    for person in Person.objects.all():
        assert person.full_name.split()[0] in FAMILY_NAMES
        assert len(person.full_name.split()) >= 3
        assert person.email == f"{person.username}@khanhhoa.gov.vn"


@pytest.mark.django_db
def test_fixed_logins_exist_with_their_roles_and_the_demo_password():
    load_demo_data(actor=SYSTEM)
    expected = {
        "vanthu.stttt": (Role.CLERK, "STTTT", "VP"),
        "lanhdao.stttt": (Role.LEADER, "STTTT", None),
        "truongphong.stttt": (Role.UNIT_HEAD, "STTTT", "CNTT"),
        "chuyenvien.stttt": (Role.SPECIALIST, "STTTT", "CNTT"),
        "luutru.stttt": (Role.ARCHIVIST, "STTTT", "VP"),
        "quantri.stttt": (Role.AGENCY_ADMIN, "STTTT", None),
        "vanthu.stc": (Role.CLERK, "STC", "VP"),
        "quantri": (Role.SYSTEM_ADMIN, "UBND", None),
        "vanthu.sgddt": (Role.CLERK, "SGDĐT", "VP"),
        "chuyenvien.loctho": (Role.SPECIALIST, "UBND P. Lộc Thọ", "TPHT"),
    }
    for username, (role, agency, unit) in expected.items():
        person = Person.objects.get(username=username)
        assert person.check_password(DEMO_PASSWORD), username
        grants = {
            (g.role, g.agency.short_name, g.unit.short_name if g.unit else None)
            for g in person.grants.select_related("agency", "unit")
        }
        assert (role, agency, unit) in grants, username
    leader_position = Person.objects.get(username="lanhdao.stttt").grants.get().position
    assert leader_position is not None
    assert leader_position.name == "Giám đốc"
    assert Person.objects.get(username="quantri").agency is None
    # every published login exists, and the "several roles" person holds two in two units
    assert set(Person.objects.values_list("username", flat=True)) >= {
        d.username for d in DEMO_LOGINS
    }
    both = Person.objects.get(username="kiemnhiem.stttt").grants.select_related("unit")
    assert {(g.role, g.unit.short_name if g.unit else "") for g in both} == {
        (Role.UNIT_HEAD, "BCVT"),
        (Role.SPECIALIST, "CNTT"),
    }
    # the password was hashed once for everybody (loading takes seconds, not minutes)
    assert Person.objects.values("password").distinct().count() == 1
    assert not Person.objects.get(username="vanthu.stttt").check_password("sai-mat-khau")


@pytest.mark.django_db
def test_pattern_logins_exist_for_every_agency():
    load_demo_data(actor=SYSTEM)
    usernames = set(Person.objects.values_list("username", flat=True))
    for planned in demo_plan():
        for prefix in ROLE_LOGIN_PREFIXES:
            assert f"{prefix}.{planned.slug}" in usernames
        assert planned.slug.isascii()
        assert planned.slug == planned.slug.lower()


@pytest.mark.django_db
def test_one_journal_record_per_created_object_and_the_chain_verifies():
    summary = load_demo_data(actor=SYSTEM)
    # The exchange's demo adds an agency served by another system (not hosted), journalled too.
    others = [str(pk) for pk in Agency.objects.filter(is_hosted=False).values_list("pk", flat=True)]
    created = (
        Agency.objects.filter(is_hosted=True).count()
        + Unit.objects.count()
        + Position.objects.count()
        + Person.objects.count()
        + RoleGrant.objects.count()
    )
    # Other apps add their own sample data (the demo_data_loaded hook) with journals of their own.
    directory = JournalEntry.objects.filter(
        action__in=[
            "agency.create",
            "unit.create",
            "position.create",
            "person.create",
            "role_grant.add",
        ]
    ).exclude(object_type="organizations.agency", object_id__in=others)
    assert directory.count() == summary.journal_entries == created
    assert set(directory.values_list("actor_name", flat=True)) == {"kiểm thử"}
    assert JournalEntry.objects.filter(action="role_grant.add").count() == summary.grants
    assert journal_verify() == []


@pytest.mark.django_db
def test_demo_is_the_same_on_every_machine():
    def load() -> list[tuple[str, str]]:
        with transaction.atomic():
            load_demo_data(actor=SYSTEM)
            people = list(Person.objects.order_by("username").values_list("username", "full_name"))
            transaction.set_rollback(True)
        return people

    first = load()
    assert Agency.objects.count() == 0
    assert load() == first


@pytest.mark.django_db
def test_loading_into_a_database_with_agencies_is_refused(cast):
    # given a database that already has agencies, people and journal rows
    before = (Agency.objects.count(), Person.objects.count(), JournalEntry.objects.count())
    # when the demo data is loaded
    with pytest.raises(Conflict, match="dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống"):
        load_demo_data(actor=SYSTEM)
    # then nothing changed
    assert (Agency.objects.count(), Person.objects.count(), JournalEntry.objects.count()) == before


@pytest.mark.django_db
def test_only_a_system_administrator_loads_demo_data(cast):
    with pytest.raises(PermissionDenied):
        load_demo_data(actor=cast.actor(cast.agency_admin))
    assert JournalEntry.objects.count() == 0


def test_identifiers_follow_the_configured_province_code(settings):
    settings.PROVINCE_CODE = "H99"
    identifiers = [p.identifier for p in demo_plan()]
    assert identifiers[0] == "000.00.00.H99"
    assert all(i.endswith(".H99") for i in identifiers)
    assert len(set(identifiers)) == len(identifiers)
    assert agency_identifier("01.30") == "000.01.30.H99"


@pytest.mark.django_db
def test_load_demo_data_command_loads_once(capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("load_demo_data")
    assert "Đã nạp dữ liệu mẫu" in capsys.readouterr().out
    with pytest.raises(CommandError, match="cơ sở dữ liệu trống"):
        call_command("load_demo_data")


def test_demo_command_needs_demo_mode(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEMO = False
    with pytest.raises(CommandError, match="VANTHU_DEMO"):
        call_command("demo", "--port", "1")


def test_demo_command_refuses_a_busy_port_before_touching_anything(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.DEMO = True
    settings.VAR_DIR = tmp_path / "var"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cổng {port}.*VANTHU_PORT"):
            call_command("demo", "--port", str(port))
    assert not (tmp_path / "var").exists()


# --- `vanthu demo` as a subprocess (slow) ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(port: int, path: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture(scope="module")
def demo_var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("vanthu-demo-var")


def _start_demo(var_dir, port, log_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "VANTHU_", "DJANGO_", "PYTEST", "AWS_"))
    }
    # Never the developer's or CI's database: the demo uses SQLite in its own directory.
    env.update(VANTHU_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    log = open(log_path, "wb")  # noqa: SIM115 - closed by the caller's process end
    process = subprocess.Popen(
        [sys.executable, "-m", "vanthu.config.cli", "demo", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    return process, log


def _wait_for(predicate, timeout, process, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if process.poll() is not None:
            pytest.fail("vanthu demo stopped early:\n" + log_path.read_text(errors="replace"))
        time.sleep(0.3)
    process.kill()
    pytest.fail("vanthu demo timed out:\n" + log_path.read_text(errors="replace"))


def _child_pids(log_path) -> dict[str, int]:
    text = log_path.read_text(errors="replace")
    return {name: int(pid) for name, pid in re.findall(r"^(.+): pid (\d+)$", text, re.M)}


def test_demo_serves_the_login_page_and_stops_its_children(demo_var_dir, tmp_path):
    # given `vanthu demo` started on a free port with a fresh data directory
    port = _free_port()
    log_path = tmp_path / "demo.log"
    process, log = _start_demo(demo_var_dir, port, log_path)
    try:
        # when the server answers (the login page, or the API schema)
        ok = {200, 302}
        _wait_for(
            lambda: _status(port, "/dang-nhap/") in ok or _status(port, "/api/v1/schema/") in ok,
            180,
            process,
            log_path,
        )
        _wait_for(
            lambda: "Nhấn Ctrl+C" in log_path.read_text(errors="replace"), 30, process, log_path
        )
        children = _child_pids(log_path)
        output = log_path.read_text(errors="replace")
        # then it printed the URL, the demo logins and its children: web, worker, deadline scan,
        # the sweep of packets to other systems
        assert f"http://127.0.0.1:{port}/" in output
        assert "vanthu.stttt" in output
        assert DEMO_PASSWORD in output
        assert "Đã nạp dữ liệu mẫu" in output
        assert sorted(children) == [
            "Gửi liên thông",
            "Máy chủ web (gunicorn)",
            "Quét hạn xử lý",
            "Tiến trình nền",
        ]
        assert not any(_gone(pid) for pid in children.values())
        # when it is told to stop
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0
        # then every child is gone and the port is closed
        assert all(_gone(pid) for pid in children.values())
        assert _status(port, "/") is None
    finally:
        if process.poll() is None:
            process.kill()
        log.close()


def test_demo_stops_the_server_when_the_worker_dies(demo_var_dir, tmp_path):
    # given a running demo (the data directory of the previous test, or a fresh one)
    port = _free_port()
    log_path = tmp_path / "demo.log"
    process, log = _start_demo(demo_var_dir, port, log_path)
    try:
        _wait_for(
            lambda: "Nhấn Ctrl+C" in log_path.read_text(errors="replace"), 180, process, log_path
        )
        children = _child_pids(log_path)
        worker = next(pid for name, pid in children.items() if "nền" in name)
        # when the worker dies
        os.kill(worker, signal.SIGKILL)
        # then the demo stops the web server too and exits with an error
        assert process.wait(timeout=40) != 0
        assert all(_gone(pid) for pid in children.values())
        assert "đã dừng bất ngờ" in log_path.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
