"""Agencies, their units and positions, the people who work there and the roles they hold."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vanthu.core.models import TimeStampedModel
from vanthu.organizations.choices import AgencyKind, Role


class Agency(TimeStampedModel):
    """A state body with its own QCVN 102 identifier; hosted here or a partner elsewhere."""

    identifier = models.CharField("mã định danh", max_length=13, unique=True)
    qd20_code = models.CharField("mã định danh điện tử (QĐ 20)", max_length=35, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("tên cơ quan", max_length=200)
    short_name = models.CharField("tên viết tắt", max_length=30)
    kind = models.CharField("loại", max_length=30, choices=AgencyKind.choices)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    website = models.URLField("trang thông tin", blank=True)
    is_hosted = models.BooleanField(
        "sử dụng hệ thống này",
        default=True,
        help_text="Cơ quan có dữ liệu trên hệ thống này; nếu không, chỉ là đối tác liên thông.",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    # Office sessions as [["07:00", "11:30"], ["13:30", "17:00"]]; empty = the province default.
    office_sessions = models.JSONField("giờ hành chính", default=list, blank=True)

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.name


class AgencyOwnedModel(TimeStampedModel):
    """Abstract base of every domain record: it belongs to exactly one agency."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT)

    class Meta:
        abstract = True


class Unit(AgencyOwnedModel):
    """A unit inside an agency (phòng, ban, văn phòng), possibly under another unit."""

    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField("tên đơn vị", max_length=200)
    short_name = models.CharField(
        "ký hiệu", max_length=20, blank=True, help_text="Dùng trong ký hiệu văn bản, ví dụ VP."
    )
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "short_name"],
                condition=~Q(short_name=""),
                name="unit_short_name_unique_in_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Position(AgencyOwnedModel):
    """A post in an agency (Giám đốc, Phó Chánh Văn phòng, Chuyên viên), ordered by rank."""

    name = models.CharField("chức vụ", max_length=100)
    rank = models.PositiveSmallIntegerField("thứ bậc", default=100)

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["agency_id", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="position_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    """Create people; used by Django's own commands (createsuperuser)."""

    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> Person:
        person: Person = self.model(username=username, **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> Person:
        extra.setdefault("full_name", username)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff of an agency, a system administrator."""

    username = models.CharField("tên đăng nhập", max_length=150, unique=True)
    full_name = models.CharField("họ và tên", max_length=150)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=50, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="Cơ quan chính; trống với quản trị hệ thống.",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)
    is_staff = models.BooleanField("vào trang quản trị Django", default=False)
    date_joined = models.DateTimeField("ngày tạo", default=timezone.now)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"
        ordering = ["full_name"]
        indexes = [models.Index(fields=["agency", "full_name"], name="person_agency_name_idx")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else self.username


class RoleGrant(TimeStampedModel):
    """A role a person holds in an agency, in one unit or agency-wide, with a position."""

    person = models.ForeignKey(
        Person, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="grants"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="grants"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    role = models.CharField("vai trò", max_length=30, choices=Role.choices)
    position = models.ForeignKey(
        Position,
        verbose_name="chức vụ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        ordering = ["person_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "agency", "role"],
                condition=Q(unit__isnull=True),
                name="grant_unique_agency_wide",
            ),
            models.UniqueConstraint(
                fields=["person", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="grant_unique_in_unit",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="grant_agency_role_idx")]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else self.agency.short_name
        return f"{self.get_role_display()} — {where}"
