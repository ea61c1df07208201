"""Exchange of documents between agencies (ADR 0018), and edXML packets (ADR 0017).

``vanthu.exchange.edxml`` is a pure package (no Django, no other Vanthu package): it turns the
bytes of an edXML packet into frozen dataclasses and back, and signs and verifies the header.
"""
