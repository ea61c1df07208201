"""Signature pages: the leader signs, the clerk sees the checks, admins register keys."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed, VanthuError
from vanthu.organizations import selectors as org_selectors
from vanthu.organizations.choices import Role
from vanthu.organizations.permissions import can_manage_agency
from vanthu.organizations.views.staff.common import actor_of, render_error, staff_view
from vanthu.registry import selectors
from vanthu.registry.models import DocumentFile
from vanthu.signatures import keys, outgoing
from vanthu.signatures.forms import KeyForm, SignedUploadForm, SignForm
from vanthu.signatures.models import FileSignatureCheck
from vanthu.signatures.trust import local_pki
from vanthu.signatures.tsa import timestamp_reply
from vanthu.signatures.validation import PdfReport

MAX_TSA_REQUEST = 16 * 1024


def _one_line(exc: VanthuError) -> str:
    details = [message for field_errors in exc.fields.values() for message in field_errors]
    return " ".join([exc.message, *details[:1]])


@staff_view
@require_POST
def outgoing_sign(request: HttpRequest, document_id: int) -> HttpResponse:
    """The leader signs the draft's text with the key on their token."""
    form = SignForm(request.POST)
    pin = form.data.get("pin", "") if form.is_valid() else ""
    try:
        outgoing.outgoing_document_sign(
            actor=actor_of(request), document_id=document_id, pin=str(pin)
        )
    except (ValidationFailed, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, _one_line(exc))
    else:
        messages.success(request, "Đã ký số văn bản. Văn thư có thể phát hành.")
    return redirect("registry:outgoing_detail", document_id=document_id)


@staff_view
@require_POST
def outgoing_signed_upload(request: HttpRequest, document_id: int) -> HttpResponse:
    """Take a text signed outside Vanthu, once its signatures verify."""
    form = SignedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Hãy chọn tệp PDF đã ký số.")
        return redirect("registry:outgoing_detail", document_id=document_id)
    upload = form.cleaned_data["signed_file"]
    try:
        outgoing.outgoing_document_signed_upload(
            actor=actor_of(request),
            document_id=document_id,
            name=upload.name or "van-ban-da-ky.pdf",
            data=upload.read(),
        )
    except (ValidationFailed, InvalidTransition, PermissionDenied) as exc:
        messages.error(request, _one_line(exc))
    else:
        messages.success(request, "Đã nhận bản đã ký số; chữ ký hợp lệ.")
    return redirect("registry:outgoing_detail", document_id=document_id)


@staff_view
@require_GET
def file_checks(request: HttpRequest, file_id: int) -> HttpResponse:
    """Every check of one file's signatures, newest first: the evidence kept with it."""
    actor = actor_of(request)
    stored: DocumentFile = selectors.document_file_get(actor=actor, file_id=file_id)
    checks = [
        {"check": check, "report": PdfReport.from_dict(check.report)}
        for check in FileSignatureCheck.objects.filter(file=stored).order_by("-checked_at", "-id")
    ]
    return render(request, "signatures/file_checks.html", {"stored": stored, "checks": checks})


@staff_view
@require_http_methods(["GET", "POST"])
def signing_keys(request: HttpRequest) -> HttpResponse:
    """The agency's signing keys; its administrators register and retire them."""
    actor = actor_of(request)
    agency_id = actor.agency_id
    if agency_id is None:
        return render_error(request, 404)
    manage = can_manage_agency(actor, agency_id)
    people = [
        (p.pk, p.full_name)
        for p in org_selectors.person_list(actor=actor, agency_id=agency_id, role=Role.LEADER)
    ] + [
        (p.pk, p.full_name)
        for p in org_selectors.person_list(actor=actor, agency_id=agency_id, role=Role.UNIT_HEAD)
    ]
    form = KeyForm(request.POST or None, request.FILES or None, people=people)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(keys.DENIED)
        if form.is_valid():
            data = form.cleaned_data
            image = data["image"].read() if data["image"] else None
            try:
                keys.signing_key_register(
                    actor=actor,
                    data=keys.KeyData(
                        token_label=data["token_label"],
                        key_label=data["key_label"],
                        pin=data["pin"],
                        pin_env=data["pin_env"],
                        module_path=data["module_path"],
                        person_id=data["person"],
                        image=image,
                    ),
                )
            except ValidationFailed as exc:
                for field, errors in exc.fields.items():
                    target = "person" if field == "person_id" else field
                    form.add_error(target if target in form.fields else None, errors)
            else:
                messages.success(request, "Đã khai báo khóa ký số.")
                return redirect("signatures:keys")
    return render(
        request,
        "signatures/keys.html",
        {"keys": keys.signing_key_list(actor=actor), "form": form, "manage": manage},
    )


@staff_view
@require_POST
def signing_key_retire(request: HttpRequest, key_id: int) -> HttpResponse:
    """Stop using a key (a lost token, a leader who left)."""
    keys.signing_key_retire(actor=actor_of(request), key_id=key_id)
    messages.success(request, "Đã ngừng sử dụng khóa ký số.")
    return redirect("signatures:keys")


@csrf_exempt
@require_POST
def timestamp_authority(request: HttpRequest) -> HttpResponse:
    """The demo's RFC 3161 timestamp authority (only with a test CA configured)."""
    pki = local_pki() if settings.TEST_PKI_DIR else None
    if pki is None:
        return HttpResponse(status=404)
    if request.content_type != "application/timestamp-query":
        return HttpResponse(status=415)
    body = request.body[: MAX_TSA_REQUEST + 1]
    reply = timestamp_reply(
        body, tsa_cert=pki.tsa_cert, tsa_key=pki.tsa_key, chain=(pki.root_cert,)
    )
    return HttpResponse(reply, content_type="application/timestamp-reply")
