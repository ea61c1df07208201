"""Stored choice values of organisations: lowercase snake_case, never renamed."""

from django.db import models


class Role(models.TextChoices):
    """What a person may do in an agency (a person may hold several, in several units)."""

    CLERK = "clerk", "Văn thư"
    LEADER = "leader", "Lãnh đạo"
    UNIT_HEAD = "unit_head", "Trưởng đơn vị"
    SPECIALIST = "specialist", "Chuyên viên"
    ARCHIVIST = "archivist", "Lưu trữ"
    AGENCY_ADMIN = "agency_admin", "Quản trị cơ quan"
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"


class AgencyKind(models.TextChoices):
    """The kind of state body, for directories and oversight reports."""

    PROVINCIAL_COMMITTEE = "provincial_committee", "UBND tỉnh"
    PROVINCIAL_OFFICE = "provincial_office", "Văn phòng UBND tỉnh"
    DEPARTMENT = "department", "Sở, ban, ngành"
    DISTRICT_COMMITTEE = "district_committee", "UBND cấp huyện"
    COMMUNE_COMMITTEE = "commune_committee", "UBND xã, phường, thị trấn"
    PUBLIC_SERVICE_UNIT = "public_service_unit", "Đơn vị sự nghiệp"
    PARTY_BODY = "party_body", "Cơ quan Đảng"
    PEOPLES_COUNCIL = "peoples_council", "Hội đồng nhân dân"
    CENTRAL = "central", "Cơ quan trung ương"
    OTHER = "other", "Khác"
