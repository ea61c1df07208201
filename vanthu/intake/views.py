"""Pages of the intake: upload a file, follow its reading, register it with the suggestions.

The registration page is the registry's own form and template (`registry/incoming_form.html`),
prefilled from the suggestion, each suggested field marked with its confidence; the file is the
one already uploaded, so the clerk does not choose it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.errors import InvalidTransition, NotFound, ValidationFailed
from vanthu.intake import selectors, services
from vanthu.intake.forms import IntakeUploadForm, mark_suggested, prefilled_initial
from vanthu.intake.models import IntakeItem, IntakeState
from vanthu.registry.forms import IncomingForm
from vanthu.registry.models import IncomingDocument
from vanthu.registry.views.common import (
    acting_agency,
    actor_of,
    document_type_choices,
    download_response,
    field_choices,
    render_error,
    require_register,
    staff_view,
)
from vanthu.registry.views.incoming import (
    _directory_agency,
    _incoming_data,
    register_submitted,
    sender_chosen,
)

TAB = "nhap-tep"


def _item_of(request: HttpRequest, item_id: int) -> IntakeItem:
    """Return the item if it belongs to the acting agency and the actor is its clerk."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    item = selectors.intake_item_get(actor=actor, item_id=item_id)
    if item.agency_id != agency.pk:
        raise NotFound(selectors.NOT_FOUND)
    return item


@staff_view
@require_http_methods(["GET", "POST"])
def intake_upload(request: HttpRequest) -> HttpResponse:
    """Upload a received or scanned file; its text is read in the background."""
    actor = actor_of(request)
    agency = acting_agency(request)
    require_register(actor, agency.pk)
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["upload"]
        try:
            item = services.intake_item_create(
                actor=actor,
                agency_id=agency.pk,
                name=upload.name or "tep",
                data=upload.read(),
                is_scan=form.is_scan(),
            )
        except ValidationFailed as exc:
            form.add_error("upload", exc.message)
        else:
            return redirect("intake:item", item_id=item.pk)
    items = selectors.intake_item_list(actor=actor, agency_id=agency.pk)[:50]
    return render(
        request,
        "intake/upload.html",
        {"agency": agency, "form": form, "items": items, "tab": TAB},
    )


@staff_view
@require_GET
def intake_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """Show the reading's progress (polled by htmx); once ready, go on to the form."""
    item = _item_of(request, item_id)
    register_url = reverse("intake:register", kwargs={"item_id": item.pk})
    htmx = getattr(request, "htmx", None)
    if htmx and item.state == IntakeState.READY:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = register_url
        return response
    context = {
        "item": item,
        "tab": TAB,
        "register_url": register_url,
        "polling": item.state in (IntakeState.PENDING, IntakeState.RUNNING),
    }
    if htmx:
        return render(request, "intake/_progress.html", context)
    return render(request, "intake/item.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def intake_register(request: HttpRequest, item_id: int) -> HttpResponse:
    """Register the item: the incoming form prefilled with the suggestions, the file attached."""
    item = _item_of(request, item_id)
    actor = actor_of(request)
    if item.state == IntakeState.REGISTERED and item.incoming_document_id:
        return redirect("registry:incoming_detail", document_id=item.incoming_document_id)
    if item.state in (IntakeState.PENDING, IntakeState.RUNNING):
        return redirect("intake:item", item_id=item.pk)
    initial, marks = prefilled_initial(item.suggestion or {})
    post = request.POST if request.method == "POST" else None
    form = IncomingForm(
        post,
        None,
        initial=initial,
        document_types=document_type_choices(),
        fields=field_choices(actor),
        scan=item.is_scan,
    )
    form.fields["uploads"].required = False
    mark_suggested(form, marks)
    duplicates: list[IncomingDocument] = []
    sender = sender_chosen(actor, form)
    if post is not None and form.is_valid():
        answer, duplicates = register_submitted(
            request,
            form,
            lambda: services.intake_item_register(
                actor=actor,
                item_id=item.pk,
                data=_incoming_data(form, sender),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            ),
        )
        if answer is not None:
            return answer
    sender_id = form.data.get("sender_agency") if post is not None else initial.get("sender_agency")
    if sender is None and sender_id and str(sender_id).isdigit():
        sender = _directory_agency(actor, int(sender_id))
    return render(
        request,
        "registry/incoming_form.html",
        {
            "agency": acting_agency(request),
            "form": form,
            "tab": TAB,
            "duplicates": duplicates,
            "sender": sender,
            "intake": item,
            "suggested": marks,
            "form_action": reverse("intake:register", kwargs={"item_id": item.pk}),
        },
    )


@staff_view
@require_POST
def intake_discard(request: HttpRequest, item_id: int) -> HttpResponse:
    """Delete an item that will not be registered."""
    item = _item_of(request, item_id)
    try:
        services.intake_item_discard(actor=actor_of(request), item_id=item.pk)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã xóa tệp “{item.original_name}”.")
    return redirect("intake:upload")


@login_required
@require_GET
@xframe_options_sameorigin
def intake_file(request: HttpRequest, item_id: int) -> HttpResponseBase:
    """Serve the uploaded file inline, for the clerk to read beside the form."""
    try:
        item = selectors.intake_item_get(actor=actor_of(request), item_id=item_id)
    except NotFound:
        return render_error(request, 404)
    return download_response(
        item.file.open("rb"),
        filename=item.original_name,
        content_type=item.content_type,
        as_attachment=request.GET.get("tai") == "1",
    )
