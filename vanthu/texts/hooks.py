"""How the texts app attaches to the registers' hooks (vanthu.registry.signals)."""

from __future__ import annotations


def connect() -> None:
    """Connect the receivers of the registers' hooks and register the document panels."""
    from vanthu.registry.detail_panels import detail_panel_register
    from vanthu.registry.signals import document_file_stored
    from vanthu.texts.panels import incoming_panel, outgoing_panel
    from vanthu.texts.services import on_document_file_stored

    document_file_stored.connect(on_document_file_stored, dispatch_uid="texts.extract")
    # After the signatures (10) and the exchange (50): the content comes last.
    detail_panel_register("incoming", "texts", incoming_panel, order=80)
    detail_panel_register("outgoing", "texts", outgoing_panel, order=80)
