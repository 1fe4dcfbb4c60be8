"""Bot API error values, worded exactly like the real server answers them.

Handlers raise :class:`ApiError`; the HTTP layer turns it into the Telegram error envelope
``{"ok": false, "error_code": N, "description": "..."}`` with the same HTTP status, which is
what python-telegram-bot maps onto ``BadRequest``/``Forbidden``/``RetryAfter``/``NetworkError``.
"""

from __future__ import annotations

from typing import Any

HTTP_PHRASES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """A Bot API failure: HTTP status, full description and optional ``parameters``."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class EntityParseError(Exception):
    """Raised by the HTML/Markdown parsers; the text is the part after "can't parse entities: "."""


def bad_request(reason: str) -> ApiError:
    """400 with the ``Bad Request: `` prefix Telegram always uses."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """403 with the ``Forbidden: `` prefix."""
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 carrying ``parameters.retry_after`` (PTB raises ``RetryAfter`` from it)."""
    retry_after = max(1, int(retry_after))
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def generic_error(status: int, description: str | None = None) -> ApiError:
    """Any status; 429 gets its retry_after parameter, others the standard phrase."""
    if status == 429:
        return too_many_requests(1)
    return ApiError(status, description or HTTP_PHRASES.get(status, f"Error {status}"))


def not_found() -> ApiError:
    """404 for unknown methods (and unknown file paths)."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """401 for a token that does not belong to this emulator's bot."""
    return ApiError(401, "Unauthorized")


QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
