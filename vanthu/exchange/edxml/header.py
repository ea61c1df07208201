"""MessageHeader and TraceHeaderList of a packet as dataclasses (standards.md §1.2, §1.3, §1.5)."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .errors import EdxmlError, ErrorCode, Recovery, RecoveryCode
from .model import (
    Attachment,
    Business,
    BusinessDocType,
    BusinessDocumentInfo,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    TraceHeader,
)
from .nodes import INTEGER, Context, Node, fail, text_of
from .xmlsafe import element_path

__all__ = ["DOCUMENT_HEADER", "STATUS_HEADER", "document_packet", "status_packet"]

_ORGANIZATION = {
    "OrganId",
    "OrganizationInCharge",
    "OrganName",
    "OrganAdd",
    "Email",
    "Telephone",
    "Fax",
    "Website",
}
DOCUMENT_HEADER = {
    "From",
    "To",
    "Code",
    "PromulgationInfo",
    "DocumentType",
    "Subject",
    "Content",
    "SignerInfo",
    "DueDate",
    "ToPlaces",
    "OtherInfo",
    "ResponseFor",
    "SteeringType",
    "DocumentId",
    "ApplicationType",
}
STATUS_HEADER = {
    "From",
    "To",
    "ResponseFor",
    "StaffInfo",
    "StatusCode",
    "Description",
    "Timestamp",
}
_STAFF = {"Department", "Staff", "Mobile", "Email"}
_RESPONSE_FOR = {"OrganId", "Code", "PromulgationDate", "DocumentId"}


def _organization(ctx: Context, element: etree._Element) -> Organization:
    node = ctx.node(element, _ORGANIZATION)
    return Organization(
        organ_id=node.text("OrganId", required=True),
        organ_name=node.text("OrganName"),
        organization_in_charge=node.text("OrganizationInCharge"),
        address=node.text("OrganAdd"),
        email=node.text("Email"),
        telephone=node.text("Telephone"),
        fax=node.text("Fax"),
        website=node.text("Website"),
    )


def _staff(ctx: Context, element: etree._Element | None) -> StaffInfo | None:
    if element is None:
        return None
    node = ctx.node(element, _STAFF)
    return StaffInfo(
        department=node.text("Department"),
        staff=node.text("Staff"),
        mobile=node.text("Mobile"),
        email=node.text("Email"),
    )


def _response_for(ctx: Context, element: etree._Element) -> ResponseFor:
    node = ctx.node(element, _RESPONSE_FOR)
    return ResponseFor(
        organ_id=node.text("OrganId"),
        code=node.text("Code"),
        promulgation_date=node.date("PromulgationDate"),
        document_id=node.text("DocumentId"),
    )


def _status_code(ctx: Context, element: etree._Element) -> StatusCode:
    value = text_of(element, ctx.limits)
    normalised = value.zfill(2) if INTEGER.fullmatch(value) and len(value) <= 2 else value
    if normalised == "14":
        # standards.md §1.5: the VPCP .NET sample writes 14 into its "acceptance (15)" file.
        normalised = StatusCode.TAKE_BACK_ACCEPTED.value
    if normalised not in {code.value for code in StatusCode}:
        raise fail(ErrorCode.UNKNOWN_STATUS_CODE, element, value)
    if normalised != value:
        ctx.recoveries.append(
            Recovery(
                RecoveryCode.STATUS_CODE_NORMALISED,
                detail=value + " → " + normalised,
                location=element_path(element),
            )
        )
    return StatusCode(normalised)


def status_packet(ctx: Context, message: Node) -> StatusPacket:
    """Return the status packet of ``message`` (a MessageHeader with a StatusCode)."""
    sender = message.one("From", required=True)
    response = message.one("ResponseFor", required=True)
    code = message.one("StatusCode", required=True)
    assert sender is not None
    assert response is not None
    assert code is not None
    response_for = _response_for(ctx, response)
    if response_for.is_empty:
        raise EdxmlError(
            ErrorCode.MISSING_ELEMENT, location=element_path(response), line=response.sourceline
        )
    timestamp = message.timestamp("Timestamp", required=True)
    assert timestamp is not None
    return StatusPacket(
        sender=_organization(ctx, sender),
        recipients=tuple(_organization(ctx, item) for item in message.many("To")),
        response_for=response_for,
        status_code=_status_code(ctx, code),
        timestamp=timestamp,
        description=message.text("Description"),
        staff=_staff(ctx, message.one("StaffInfo")),
    )


def _other_info(ctx: Context, element: etree._Element | None) -> OtherInfo:
    if element is None:
        return OtherInfo()
    known = {
        "Priority",
        "SphereOfPromulgation",
        "TyperNotation",
        "PromulgationAmount",
        "PageAmount",
        "Direction",
        "Appendixes",
    }
    node = ctx.node(element, known)
    appendixes = node.one("Appendixes")
    return OtherInfo(
        priority=node.integer("Priority"),
        sphere_of_promulgation=node.text("SphereOfPromulgation"),
        typer_notation=node.text("TyperNotation"),
        promulgation_amount=node.integer("PromulgationAmount"),
        page_amount=node.integer("PageAmount"),
        direction=node.boolean("Direction"),
        appendixes=()
        if appendixes is None
        else ctx.node(appendixes, {"Appendix"}).texts("Appendix"),
    )


def _business(ctx: Context, element: etree._Element) -> Business:
    known = {
        "BussinessDocType",
        "BussinessDocReason",
        "DocumentId",
        "Paper",
        "StaffInfo",
        "BussinessDocumentInfo",
        "ReplacementInfoList",
    }
    node = ctx.node(element, known)
    kind = node.one("BussinessDocType", required=True)
    assert kind is not None
    value = text_of(kind, ctx.limits)
    if not INTEGER.fullmatch(value) or int(value) not in BusinessDocType._value2member_map_:
        raise fail(ErrorCode.UNKNOWN_BUSINESS_DOC_TYPE, kind, value)
    info = node.one("BussinessDocumentInfo")
    document_info = None
    if info is not None:
        info_node = ctx.node(info, {"DocumentInfo", "DocumentReceiver", "ReceiverList"})
        receivers: list[Receiver] = []
        receiver_list = info_node.one("ReceiverList")
        if receiver_list is not None:
            for receiver in ctx.node(receiver_list, {"Receiver"}).many("Receiver"):
                receiver_node = ctx.node(receiver, {"OrganId", "ReceiverType"})
                receivers.append(
                    Receiver(
                        organ_id=receiver_node.text("OrganId", required=True),
                        receiver_type=receiver_node.integer("ReceiverType"),
                    )
                )
        document_info = BusinessDocumentInfo(
            document_info=info_node.integer("DocumentInfo"),
            document_receiver=info_node.integer("DocumentReceiver"),
            receivers=tuple(receivers),
        )
    replacements: list[ReplacementInfo] = []
    replacement_list = node.one("ReplacementInfoList")
    if replacement_list is not None:
        for item in ctx.node(replacement_list, {"ReplacementInfo"}).many("ReplacementInfo"):
            item_node = ctx.node(item, {"DocumentId", "OrganIdList"})
            organ_list = item_node.one("OrganIdList")
            replacements.append(
                ReplacementInfo(
                    document_id=item_node.text("DocumentId", required=True),
                    organ_ids=()
                    if organ_list is None
                    else ctx.node(organ_list, {"OrganId"}).texts("OrganId"),
                )
            )
    return Business(
        doc_type=BusinessDocType(int(value)),
        reason=node.text("BussinessDocReason"),
        document_id=node.text("DocumentId"),
        paper=node.integer("Paper"),
        staff=_staff(ctx, node.one("StaffInfo")),
        document_info=document_info,
        replacements=tuple(replacements),
    )


def _traces(
    ctx: Context, element: etree._Element | None
) -> tuple[tuple[TraceHeader, ...], Business | None]:
    if element is None:
        return (), None
    node = ctx.node(element, {"TraceHeader", "Bussiness"})
    traces = []
    for trace in node.many("TraceHeader"):
        trace_node = ctx.node(trace, {"OrganId", "Timestamp"})
        traces.append(
            TraceHeader(
                organ_id=trace_node.text("OrganId", required=True),
                timestamp=trace_node.timestamp("Timestamp"),
            )
        )
    business = node.one("Bussiness")
    return tuple(traces), None if business is None else _business(ctx, business)


def document_packet(
    ctx: Context,
    message: Node,
    traces: etree._Element | None,
    attachments: Callable[[], tuple[Attachment, ...]],
) -> DocumentPacket:
    """Return the document packet of ``message``, its trace list and ``attachments()``."""
    sender = message.one("From", required=True)
    code = message.one("Code", required=True)
    promulgation = message.one("PromulgationInfo", required=True)
    assert sender is not None
    assert code is not None
    assert promulgation is not None
    recipients = message.many("To")
    if not recipients:
        message.one("To", required=True)
    code_node = ctx.node(code, {"CodeNumber", "CodeNotation"})
    promulgation_node = ctx.node(promulgation, {"Place", "PromulgationDate"})
    document_type = message.one("DocumentType")
    type_node = (
        None
        if document_type is None
        else ctx.node(document_type, {"Type", "TypeDetail", "TypeName"})
    )
    signer = message.one("SignerInfo")
    signer_node = (
        None if signer is None else ctx.node(signer, {"Competence", "Position", "FullName"})
    )
    to_places = message.one("ToPlaces")
    trace_list, business = _traces(ctx, traces)
    packet = DocumentPacket(
        sender=_organization(ctx, sender),
        recipients=tuple(_organization(ctx, recipient) for recipient in recipients),
        code=Code(
            number=code_node.text("CodeNumber", required=True),
            notation=code_node.text("CodeNotation"),
        ),
        promulgation=PromulgationInfo(
            place=promulgation_node.text("Place"),
            date=promulgation_node.date("PromulgationDate", required=True),
        ),
        subject=message.text("Subject", required=True),
        document_type=DocumentType()
        if type_node is None
        else DocumentType(
            type=type_node.integer("Type"),
            type_detail=type_node.integer("TypeDetail"),
            type_name=type_node.text("TypeName"),
        ),
        content=message.text("Content"),
        signer=SignerInfo()
        if signer_node is None
        else SignerInfo(
            competence=signer_node.text("Competence"),
            position=signer_node.text("Position"),
            full_name=signer_node.text("FullName"),
        ),
        due_date=message.date("DueDate"),
        to_places=() if to_places is None else ctx.node(to_places, {"Place"}).texts("Place"),
        other_info=_other_info(ctx, message.one("OtherInfo")),
        # An all-empty ResponseFor (as in the SDK sample) answers nothing.
        response_for=tuple(
            response
            for response in (_response_for(ctx, item) for item in message.many("ResponseFor"))
            if not response.is_empty
        ),
        steering_type=message.integer("SteeringType"),
        document_id=message.text("DocumentId"),
        application_type=message.text("ApplicationType"),
        traces=trace_list,
        business=business,
        attachments=attachments(),
    )
    return packet
