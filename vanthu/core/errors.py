"""Error types raised by services and shown to users (Vietnamese) or API clients (structured)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class ErrorCode(StrEnum):
    """Stable machine-readable error codes; values are a public API and are never renamed."""

    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID = "invalid"
    CONFLICT = "conflict"
    INVALID_TRANSITION = "invalid_transition"
    AMBIGUOUS_ENCODING = "ambiguous_encoding"
    DUPLICATE = "duplicate"


class VanthuError(Exception):
    """Base of every error a service raises on purpose; carries a Vietnamese message."""

    code: ErrorCode = ErrorCode.INVALID
    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        fields: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}

    def as_dict(self) -> dict[str, object]:
        """Return the structured form used by the API."""
        body: dict[str, object] = {"code": str(self.code), "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class NotFound(VanthuError):
    """The object does not exist or the actor may not see it (never say which)."""

    code = ErrorCode.NOT_FOUND
    status = 404


class PermissionDenied(VanthuError):
    """The actor may see the object but not do this to it."""

    code = ErrorCode.PERMISSION_DENIED
    status = 403


class ValidationFailed(VanthuError):
    """Input is invalid; `fields` names each bad field."""

    code = ErrorCode.INVALID
    status = 400


class Conflict(VanthuError):
    """The change collides with stored data (duplicate, stale state)."""

    code = ErrorCode.CONFLICT
    status = 409


class InvalidTransition(VanthuError):
    """A state change that the transition table does not allow."""

    code = ErrorCode.INVALID_TRANSITION
    status = 409
