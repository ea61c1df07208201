"""How the signatures app attaches to the registers' hooks (vanthu.registry.signals)."""

from __future__ import annotations

from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile


def on_document_file_stored(sender: object, *, file: DocumentFile, **kwargs: object) -> None:
    """Check every PDF that enters; revisions Vanthu signs are checked by the signing service."""
    from vanthu.signatures.checks import PDF, check_file_signatures

    if file.previous_id is not None:
        return
    if file.content_type != PDF:
        DocumentFile.objects.filter(pk=file.pk).update(signature_status=SignatureStatus.UNSIGNED)
        file.signature_status = SignatureStatus.UNSIGNED
        return
    # Enqueued in the transaction that stored the file: it runs only if the file is kept.
    check_file_signatures.enqueue(file.pk)


def connect() -> None:
    """Connect the receivers of the registers' hooks."""
    from vanthu.organizations.signals import demo_data_loaded
    from vanthu.registry.detail_panels import detail_panel_register
    from vanthu.registry.signals import document_file_stored, outgoing_issuing
    from vanthu.signatures.demo import on_demo_data_loaded
    from vanthu.signatures.outgoing import on_outgoing_issuing
    from vanthu.signatures.panels import incoming_panel, outgoing_panel

    document_file_stored.connect(on_document_file_stored, dispatch_uid="signatures.check")
    outgoing_issuing.connect(on_outgoing_issuing, dispatch_uid="signatures.agency_sign")
    demo_data_loaded.connect(on_demo_data_loaded, dispatch_uid="signatures.demo")
    detail_panel_register("incoming", "signatures", incoming_panel, order=10)
    detail_panel_register("outgoing", "signatures", outgoing_panel, order=10)
