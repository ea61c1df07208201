"""The reader under fuzzing: whatever the bytes, only ``EdxmlError`` comes out.

A few hundred deterministic examples run in CI; ``bench/fuzz_edxml.py`` runs 100,000 and more
with the same strategies (results in bench/RESULTS.md).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from vanthu.exchange.edxml import EdxmlError, ErrorCode, ParsedPacket, read_packet

from .fuzzing import reader_inputs

FUZZ_SETTINGS = settings(
    max_examples=500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@FUZZ_SETTINGS
@given(raw=reader_inputs())
def test_reader_raises_only_edxml_errors(raw):
    # Given any bytes (mutated packets, mutated zips and base64, random bytes)
    for mode in ("refuse", "report"):
        # When they are read, then they are read or refused with a known code, nothing else
        outcome: ParsedPacket | EdxmlError
        try:
            outcome = read_packet(raw, unreadable_attachments=mode)
        except EdxmlError as exc:
            outcome = exc
        if isinstance(outcome, EdxmlError):
            assert outcome.code in ErrorCode
            assert outcome.message
        else:
            assert isinstance(outcome, ParsedPacket)
