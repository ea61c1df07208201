"""Hooks of the registers that the apps built on them attach to (signatures, exchange, search).

Receivers run inside the sender's transaction: a receiver that raises undoes the change.
"""

from django.dispatch import Signal

# Sent for every file stored with a document (intake, drafting, a signed revision), with
# `file: DocumentFile`. The signatures app checks PDFs; search will index the text.
document_file_stored = Signal()

# Sent when an outgoing document is about to be issued, before its number is taken, with
# `document: OutgoingDocument` and `actor`. A receiver refuses the issue by raising (the
# workflow app refuses a draft not yet approved), so nothing is signed or numbered in vain.
outgoing_issue_checking = Signal()

# Sent while an outgoing document is issued, after its number and notation are set and before
# it is saved, with `document: OutgoingDocument` and `actor`. The signatures app refuses the
# issue without the signer's signature and applies the agency's (QĐ 22 Điều 3.3, 6.2.a).
outgoing_issuing = Signal()

# Sent when the clerk sends an issued document (its sending time recorded, inside the
# transaction), with `document` and `actor`. The exchange app writes its deliveries (the outbox)
# here, so they commit or roll back with the sending, and hosted recipients receive it at once.
outgoing_sent = Signal()

# Sent after an issued outgoing document is revoked (inside the transaction), with `document`,
# `actor` and `reason`. The exchange app asks each recipient to take it back.
outgoing_revoked = Signal()
