"""factory_boy factories of registry records, with lifecycle traits, shared by every test.

`IncomingDocumentFactory(registered=True)`, `(in_progress=True)`, `(done=True)`, `(overdue=True)`,
`(paper_received=True)`, `(revoked=True)`; `OutgoingDocumentFactory(issued=True)`,
`(sent=True)`, `(revoked=True)`. Numbered documents made by a factory move the register's counter
past their number, so a later `number_take` never collides with them.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from vanthu.organizations.tests.factories import AgencyFactory, PersonFactory
from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    IncomingStatus,
    IntakeChannel,
    OutgoingStatus,
    Purpose,
    RegisterKind,
    Urgency,
)
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    ExchangePolicyRule,
    Field,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    PaperDispatchTask,
    Register,
    RegisterCounter,
)


def pdf_bytes(pages: int = 1) -> bytes:
    """Return a small valid PDF with `pages` blank A4 pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(
    color: tuple[int, int, int] = (255, 255, 255), size: tuple[int, int] = (60, 80)
) -> bytes:
    """Return a small valid PNG image of one colour (a scanned page in tests)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def _bump_counter(register_id: int | None, year: int | None, number: int | None) -> None:
    if register_id is None or year is None or number is None:
        return
    counter, _ = RegisterCounter.objects.get_or_create(register_id=register_id, year=year)
    if counter.last_number < number:
        RegisterCounter.objects.filter(pk=counter.pk).update(last_number=number)


def document_type(code: str) -> DocumentType:
    """Return a seeded document type (migration 0002) by its code, e.g. "cong-van"."""
    return DocumentType.objects.get(code=code)


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    """A seeded type by default (Công văn); pass another `code` for another seeded type."""

    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = "cong-van"
    name = factory.LazyAttribute(lambda o: o.code)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    code = factory.Sequence(lambda n: f"LV{n}")


class RegisterFactory(factory.django.DjangoModelFactory):
    """The agency's default incoming register; `kind=RegisterKind.OUTGOING` for the outgoing one."""

    class Meta:
        model = Register
        django_get_or_create = ("agency", "kind", "name")

    agency = factory.SubFactory(AgencyFactory)
    kind = RegisterKind.INCOMING
    name = factory.LazyAttribute(
        lambda o: "Sổ văn bản đến" if o.kind == RegisterKind.INCOMING else "Sổ văn bản đi"
    )


class IncomingDocumentFactory(factory.django.DjangoModelFactory):
    """An incoming document entered in its agency's incoming register."""

    class Meta:
        model = IncomingDocument
        skip_postgeneration_save = True

    class Params:
        registered = factory.Trait(status=IncomingStatus.REGISTERED)
        in_progress = factory.Trait(status=IncomingStatus.IN_PROGRESS)
        done = factory.Trait(status=IncomingStatus.DONE)
        revoked = factory.Trait(status=IncomingStatus.REVOKED)
        overdue = factory.Trait(
            status=IncomingStatus.IN_PROGRESS,
            due_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3)),
        )
        paper_received = factory.Trait(
            paper_received_at=factory.LazyFunction(timezone.now),
            paper_received_by=factory.SelfAttribute("registered_by"),
        )

    agency = factory.SubFactory(AgencyFactory)
    register = factory.SubFactory(RegisterFactory, agency=factory.SelfAttribute("..agency"))
    year = factory.LazyAttribute(lambda o: timezone.localtime(o.received_at).year)
    arrival_number = factory.Sequence(lambda n: n + 1)
    entered_at = factory.LazyFunction(timezone.now)
    received_at = factory.SelfAttribute("entered_at")
    channel = IntakeChannel.ELECTRONIC
    sender_agency = None
    sender_name = factory.Sequence(lambda n: f"Sở Nơi Gửi {n}")
    number = factory.Sequence(lambda n: str(n + 1))
    notation = "UBND-VP"
    document_date = factory.LazyFunction(timezone.localdate)
    document_type = factory.LazyFunction(lambda: document_type("cong-van"))
    field = None
    summary = factory.Sequence(lambda n: f"V/v triển khai nhiệm vụ chuyển đổi số, đợt {n}")
    signer_name = "Nguyễn Văn Ký"
    signer_position = "Phó Giám đốc"
    urgency = Urgency.NORMAL
    status = IncomingStatus.REGISTERED
    registered_by = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))

    @factory.post_generation
    def counter(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            _bump_counter(self.register_id, self.year, self.arrival_number)


class OutgoingDocumentFactory(factory.django.DjangoModelFactory):
    """An outgoing document; a draft unless `issued=True` / `sent=True` / `revoked=True`."""

    class Meta:
        model = OutgoingDocument
        skip_postgeneration_save = True

    class Params:
        issued = factory.Trait(
            status=OutgoingStatus.ISSUED,
            register=factory.SubFactory(
                RegisterFactory,
                agency=factory.SelfAttribute("..agency"),
                kind=RegisterKind.OUTGOING,
            ),
            year=factory.LazyAttribute(lambda o: o.document_date.year),
            number=factory.Sequence(lambda n: n + 1),
            notation=factory.LazyAttribute(lambda o: f"{o.agency.short_name}-VP"),
            document_date=factory.LazyFunction(timezone.localdate),
            issued_by=factory.SelfAttribute("created_by"),
            exchange_mode=ExchangeMode.ELECTRONIC_ONLY,
        )
        sent = factory.Trait(issued=True, sent_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(issued=True, status=OutgoingStatus.REVOKED)

    agency = factory.SubFactory(AgencyFactory)
    document_type = factory.LazyFunction(lambda: document_type("cong-van"))
    purpose = Purpose.BETWEEN_AGENCIES
    urgency = Urgency.NORMAL
    summary = factory.Sequence(lambda n: f"V/v báo cáo tình hình thực hiện kế hoạch, đợt {n}")
    signer_name = "Phạm Minh Giám"
    signer_position = "Giám đốc"
    status = OutgoingStatus.DRAFT
    created_by = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))

    @factory.post_generation
    def counter(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            _bump_counter(self.register_id, self.year, self.number)


class OutgoingRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingRecipient

    document = factory.SubFactory(OutgoingDocumentFactory)
    agency = None
    place = factory.Sequence(lambda n: f"Nơi nhận {n}")
    position = factory.Sequence(lambda n: n)


class PaperDispatchTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperDispatchTask

    class Params:
        done = factory.Trait(
            done_at=factory.LazyFunction(timezone.now),
            done_by=factory.SelfAttribute("document.created_by"),
        )
        overdue = factory.Trait(
            due_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=4))
        )

    document = factory.SubFactory(
        OutgoingDocumentFactory, sent=True, exchange_mode=ExchangeMode.ELECTRONIC_AND_PAPER
    )
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=4))


class ExchangePolicyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExchangePolicyRule

    agency = factory.SubFactory(AgencyFactory)
    mode = ExchangeMode.ELECTRONIC_ONLY
    legal_basis = "QĐ 22/2017 Điều 4.1.b"
    priority = 100


class DocumentFileFactory(factory.django.DjangoModelFactory):
    """A stored file of an incoming document (pass `outgoing=...` and `incoming=None` instead)."""

    class Meta:
        model = DocumentFile
        exclude = ("data",)

    data = factory.LazyFunction(lambda: pdf_bytes(1))
    incoming = factory.SubFactory(IncomingDocumentFactory)
    outgoing = None
    agency = factory.LazyAttribute(lambda o: (o.incoming or o.outgoing).agency)
    role = FileRole.ORIGINAL
    original_name = factory.Sequence(lambda n: f"van-ban-{n}.pdf")
    file = factory.LazyAttribute(lambda o: ContentFile(o.data, name=o.original_name))
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.data))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    page_count = 1
    uploaded_by = factory.LazyAttribute(
        lambda o: o.incoming.registered_by if o.incoming else o.outgoing.created_by
    )


__all__ = [
    "DocumentFileFactory",
    "DocumentTypeFactory",
    "ExchangePolicyRuleFactory",
    "FieldFactory",
    "IncomingDocumentFactory",
    "OutgoingDocumentFactory",
    "OutgoingRecipientFactory",
    "PaperDispatchTaskFactory",
    "RegisterFactory",
    "document_type",
    "pdf_bytes",
    "png_bytes",
]
