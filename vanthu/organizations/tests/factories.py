"""factory_boy factories of organisation records, shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory

from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.signals import agencies_created

DEFAULT_PASSWORD = "Mat-khau-2026!"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    identifier = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.{chr(65 + n // 100 % 25)}34")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    short_name = factory.Sequence(lambda n: f"STN{n}")
    kind = AgencyKind.DEPARTMENT
    email = factory.Sequence(lambda n: f"so{n}@khanhhoa.gov.vn")

    @classmethod
    def _create(cls, model_class: type[Agency], *args: Any, **kwargs: Any) -> Agency:
        # As agency_create does: the apps built on organisations seed their defaults.
        agency = super()._create(model_class, *args, **kwargs)
        agencies_created.send(sender=Agency, agency_ids=[agency.pk], actor=None)
        return agency


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Phòng Nghiệp vụ {n}")
    short_name = factory.Sequence(lambda n: f"NV{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Chức vụ {n}")
    rank = 100


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@khanhhoa.gov.vn")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """`PersonFactory(roles=["clerk"], unit=...)` grants roles in the person's agency."""
        if create:
            self.save()
        if not create or not extracted:
            return
        unit = kwargs.get("unit")
        for role in extracted:
            RoleGrant.objects.create(person=self, agency=self.agency, role=role, unit=unit)


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    person = factory.SubFactory(PersonFactory)
    agency = factory.SelfAttribute("person.agency")
    role = Role.SPECIALIST
