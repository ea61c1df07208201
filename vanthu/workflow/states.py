"""The state machines of handling and drafting, as transition tables (issue 5 item 4).

A service asks `transition(table, state, action)` for the next state; an action the table does
not allow from that state raises InvalidTransition with a Vietnamese message, before anything
is changed. The tables are the single source: tests walk every allowed and forbidden pair.
"""

from __future__ import annotations

from collections.abc import Mapping

from vanthu.core.errors import InvalidTransition
from vanthu.workflow.choices import AssignmentState, DraftState, SubmissionState

Table = Mapping[tuple[str, str], str]

SUBMISSION: Table = {
    (SubmissionState.AWAITING, "direct"): SubmissionState.DIRECTED,
    (SubmissionState.AWAITING, "withdraw"): SubmissionState.WITHDRAWN,
}

A = AssignmentState
ASSIGNMENT: Table = {
    (A.NEW, "accept"): A.IN_PROGRESS,
    (A.NEW, "return"): A.RETURNED,
    (A.NEW, "delegate"): A.DELEGATED,
    (A.NEW, "close"): A.CLOSED,  # a for-information item, read
    (A.NEW, "cancel"): A.CANCELLED,  # reassigned or withdrawn by the assigner
    (A.IN_PROGRESS, "progress"): A.IN_PROGRESS,
    (A.IN_PROGRESS, "delegate"): A.DELEGATED,
    (A.IN_PROGRESS, "return"): A.RETURNED,
    (A.IN_PROGRESS, "complete"): A.DONE,
    (A.IN_PROGRESS, "cancel"): A.CANCELLED,
    (A.DELEGATED, "complete"): A.DONE,  # when the one it was passed to completes
    (A.DELEGATED, "cancel"): A.CANCELLED,
    (A.RETURNED, "cancel"): A.CANCELLED,  # the assigner gives it to someone else
}

D = DraftState
DRAFT: Table = {
    (D.DRAFTING, "submit"): D.IN_REVIEW,
    (D.IN_REVIEW, "approve_step"): D.IN_REVIEW,  # to the next reviewer
    (D.IN_REVIEW, "approve"): D.APPROVED,  # the last reviewer approves
    (D.IN_REVIEW, "return"): D.DRAFTING,
    (D.APPROVED, "return"): D.DRAFTING,  # the clerk finds a problem before issuing
    (D.APPROVED, "issue"): D.ISSUED,
}

ACTION_LABELS: dict[str, str] = {
    "direct": "cho ý kiến chỉ đạo",
    "withdraw": "rút lại",
    "accept": "tiếp nhận",
    "return": "trả lại",
    "delegate": "giao tiếp",
    "close": "đánh dấu đã xem",
    "cancel": "hủy giao",
    "progress": "cập nhật tiến độ",
    "complete": "hoàn thành",
    "submit": "trình duyệt",
    "approve_step": "duyệt",
    "approve": "duyệt",
    "issue": "phát hành",
}


def allowed(table: Table, state: str) -> list[str]:
    """Return the actions the table allows from `state`."""
    return [action for (source, action) in table if source == state]


def transition(table: Table, state: str, action: str, *, labels: Mapping[str, str]) -> str:
    """Return the state after `action`, or refuse it with a Vietnamese InvalidTransition."""
    target = table.get((state, action))
    if target is None:
        what = ACTION_LABELS.get(action, action)
        where = labels.get(state, state)
        raise InvalidTransition(f"Không thể {what} khi văn bản đang ở trạng thái “{where}”.")
    return target
