"""Fixtures shared by every test: the cast of personas, fast hashing, component checks.

Personas (style.md): clerk, unit head, leader, specialist, archivist, agency administrator of
agency A; a system administrator; and an outsider, a clerk of agency B.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from vanthu.core.actor import Actor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The signature fixtures (test CA, SoftHSM2 tokens, pdfsig trust) serve every test directory:
# one SoftHSM2 configuration per session, since the PKCS#11 module reads it once.
pytest_plugins = ["vanthu.signatures.tests.fixtures"]  # Playwright's sync API runs a loop


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the
    main thread for the rest of the session, and pyHanko's sync calls need none running."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def require_component(available: bool, reason: str) -> None:
    """Skip a test that needs a system component, or fail under CI, where it must be present."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required component missing under CI: {reason}")
    pytest.skip(reason)


def only_on_vendor(vendor: str, why: str) -> None:
    """Skip a test meaningful on one database only (an allowed skip under CI, see .ci/)."""
    from django.db import connection

    if connection.vendor != vendor:
        pytest.skip(f"db-vendor: {why}")


@pytest.fixture(scope="session")
def _files_location(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("files"))


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, _files_location):
    """Store uploaded and generated files in a temporary folder, never in the checkout's var/."""
    location = _files_location
    settings.MEDIA_ROOT = location
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location},
        },
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash passwords quickly in tests; tests of Argon2 itself override this."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    """The fixed cast of personas, with their agencies and units."""

    agency_a: object
    agency_b: object
    office_a: object
    unit_a: object
    unit_b: object
    clerk: object
    unit_head: object
    leader: object
    specialist: object
    archivist: object
    agency_admin: object
    system_admin: object
    outsider: object
    outsider_admin: object

    def actor(self, person) -> Actor:
        """Return the actor of one persona."""
        from vanthu.organizations.actors import actor_for_person

        return actor_for_person(person, ip_address="127.0.0.1")


@pytest.fixture
def cast(db) -> Cast:
    """Create the personas: staff of agency A, a system administrator, outsiders of agency B."""
    from vanthu.organizations.choices import AgencyKind, Role
    from vanthu.organizations.tests.factories import AgencyFactory, PersonFactory, UnitFactory

    province = AgencyFactory(
        identifier="000.00.00.H34",
        name="Ủy ban nhân dân tỉnh Khánh Hòa",
        short_name="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
    )
    agency_a = AgencyFactory(
        identifier="000.00.12.H34",
        parent=province,
        name="Sở Thông tin và Truyền thông",
        short_name="STTTT",
    )
    agency_b = AgencyFactory(
        identifier="000.00.13.H34", parent=province, name="Sở Tài chính", short_name="STC"
    )
    office_a = UnitFactory(agency=agency_a, name="Văn phòng Sở", short_name="VP")
    unit_a = UnitFactory(agency=agency_a, name="Phòng Bưu chính, Viễn thông", short_name="BCVT")
    unit_b = UnitFactory(agency=agency_b, name="Văn phòng Sở", short_name="VP")
    system_admin = PersonFactory(username="quantri", full_name="Quản Trị Hệ Thống", agency=None)
    from vanthu.organizations.models import RoleGrant

    RoleGrant.objects.create(person=system_admin, agency=province, role=Role.SYSTEM_ADMIN)
    return Cast(
        agency_a=agency_a,
        agency_b=agency_b,
        office_a=office_a,
        unit_a=unit_a,
        unit_b=unit_b,
        clerk=PersonFactory(
            username="vanthu.a",
            full_name="Trần Thị Văn Thư",
            agency=agency_a,
            roles=[Role.CLERK],
            roles__unit=office_a,
        ),
        unit_head=PersonFactory(
            username="truongphong.a",
            full_name="Lê Văn Trưởng",
            agency=agency_a,
            roles=[Role.UNIT_HEAD],
            roles__unit=unit_a,
        ),
        leader=PersonFactory(
            username="giamdoc.a", full_name="Phạm Minh Giám", agency=agency_a, roles=[Role.LEADER]
        ),
        specialist=PersonFactory(
            username="chuyenvien.a",
            full_name="Võ Thị Chuyên",
            agency=agency_a,
            roles=[Role.SPECIALIST],
            roles__unit=unit_a,
        ),
        archivist=PersonFactory(
            username="luutru.a",
            full_name="Đặng Văn Lưu",
            agency=agency_a,
            roles=[Role.ARCHIVIST],
            roles__unit=office_a,
        ),
        agency_admin=PersonFactory(
            username="quantri.a",
            full_name="Huỳnh Quản Trị",
            agency=agency_a,
            roles=[Role.AGENCY_ADMIN],
        ),
        system_admin=system_admin,
        outsider=PersonFactory(
            username="vanthu.b",
            full_name="Ngô Văn Ngoài",
            agency=agency_b,
            roles=[Role.CLERK],
            roles__unit=unit_b,
        ),
        outsider_admin=PersonFactory(
            username="quantri.b",
            full_name="Bùi Quản Trị B",
            agency=agency_b,
            roles=[Role.AGENCY_ADMIN],
        ),
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """On PostgreSQL, commit without waiting for the disk (the test database is thrown away)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            options = database.setdefault("OPTIONS", {})
            options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()
