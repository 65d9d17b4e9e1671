"""Every error heygen_studio raises, under one base class.

HeyGenError
├── ConfigurationError (also ValueError): the client cannot be built (no API key, refused base URL)
├── RequestValidationError (also ValueError): the payload breaks the spec; nothing was sent
├── MigrationError (also ValueError): a v2 scene that v3 cannot express (``heygen_studio.migrate``)
├── APIStatusError: HeyGen answered with an error status (or a redirect, which is never followed)
│   ├── BadRequestError            400
│   ├── AuthenticationError        401
│   ├── PermissionDeniedError      403
│   ├── NotFoundError              404
│   ├── ConflictError              409
│   ├── UnprocessableEntityError   422
│   ├── RateLimitError             429
│   └── InternalServerError        5xx
├── APIConnectionError: the request surely never reached HeyGen
├── OutcomeUnknownError: the request may have reached HeyGen, and no answer came (or not in time)
├── APIResponseValidationError: a 2xx whose body is not what the spec says (or is too large to read)
├── VideoFailedError: ``videos.wait`` saw the video end ``failed``
└── WaitTimeoutError (also TimeoutError): ``videos.wait`` ran out of time before the video ended

HeyGenWarning (UserWarning): a problem reported instead of raised (``strict=False``)

``heygen_studio._responses.make_status_error`` is the one place an HTTP status becomes an error class.

Every error is plain data: it pickles and deep-copies with its type, message and
attributes (``HeyGenError.__reduce__``), so it crosses process boundaries
(``ProcessPoolExecutor``, multiprocessing queues) as itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class HeyGenWarning(UserWarning):
    """A rule broken in a way HeyGen tolerates, reported when validation is not strict."""


@dataclass(frozen=True)
class Violation:
    """One broken rule in a request payload.

    Attributes:
        path: Where, dotted in HeyGen's own style, e.g. ``video_inputs.0.voice.audio_url``.
        message: What is wrong, naming the rule and the offending value.
        rule: A stable identifier of the rule, e.g. ``required``, ``maximum``, ``exactly-one-of``.
    """

    path: str
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.message}"


def _rebuild(cls: type[HeyGenError], args: tuple[Any, ...]) -> HeyGenError:
    # Built without calling __init__ (whose keyword-only arguments are not in ``args``);
    # the attributes come back from the state dict pickle stores beside.
    error = cls.__new__(cls)
    error.args = args
    return error


class HeyGenError(Exception):
    """Base class of every heygen_studio error."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args), dict(self.__dict__))


class ConfigurationError(HeyGenError, ValueError):
    """The client cannot be built as asked: no API key, or a base URL it refuses."""


class RequestValidationError(HeyGenError, ValueError):
    """The request breaks the API's rules; it was not sent.

    Attributes:
        violations: Every broken rule, across all scenes.
    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        count = len(self.violations)
        lines = "\n".join(f"  {violation}" for violation in self.violations)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the request, nothing was sent:\n{lines}")


class MigrationError(HeyGenError, ValueError):
    """A v2 scene that a v3 studio request cannot express at all; nothing was migrated.

    Attributes:
        scene: The index of the scene in ``video_inputs``.
        reason: Why v3 cannot express it, quoting the v3 spec.
    """

    def __init__(self, scene: int, reason: str) -> None:
        self.scene = scene
        self.reason = reason
        super().__init__(
            f"video_inputs.{scene}: v3 cannot express this scene: {reason} "
            "(allow_drop=True migrates the nearest faithful scene and records what it dropped)"
        )

    def __reduce__(self) -> tuple[type[MigrationError], tuple[int, str]]:
        return type(self), (self.scene, self.reason)


class APIStatusError(HeyGenError):
    """HeyGen answered with an error status.

    Attributes:
        status_code: The HTTP status.
        code: HeyGen's error code (e.g. ``invalid_parameter``), when the body has one.
        message: HeyGen's explanation, or a summary of the body.
        body: The decoded JSON body, or the text when it is not JSON.
        request_id: The request id from the response headers, when present.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.message = message
        self.body = body
        self.request_id = request_id
        prefix = f"{status_code} {code}" if code else str(status_code)
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{prefix}: {message}{suffix}")


class BadRequestError(APIStatusError):
    """400: HeyGen rejected the request."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not do this."""


class NotFoundError(APIStatusError):
    """404: a referenced resource does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests.

    Attributes:
        retry_after: Seconds HeyGen asked to wait, when it said so validly.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class InternalServerError(APIStatusError):
    """5xx: HeyGen failed. The video may or may not have been created."""


class APIConnectionError(HeyGenError):
    """The request surely never reached HeyGen (connection refused, DNS, connect or pool timeout)."""


class OutcomeUnknownError(HeyGenError):
    """The request may have reached HeyGen and no answer came back.

    A video may have been created (and billed). Retrying blindly can create a
    second one: set ``callback_id`` on the request and look for it in your
    webhook events or video list before trying again.
    """

    def __init__(self, what: str, *, callback_id: str | None = None, creates: bool = True) -> None:
        self.callback_id = callback_id
        if not creates:
            # A read or a delete: nothing can be duplicated, but nothing is known either.
            super().__init__(f"{what} after the request was sent")
            return
        if callback_id:
            check = f"look for callback_id {callback_id!r} in your webhook events or video list"
        else:
            check = "next time set callback_id on the request so you can look for it in your webhook events"
        super().__init__(
            f"{what} after the request was sent: HeyGen may have created (and billed) the video. "
            f"It was not retried, because a retry could create a second one; before trying again, {check}."
        )


class APIResponseValidationError(HeyGenError):
    """HeyGen answered 2xx with a body that is not what the spec says (broken JSON, no video_id).

    The video was probably created: the body says so in a way this client could not read.

    Attributes:
        status_code: The HTTP status.
        body: The decoded JSON body, or the text when it is not JSON.
        request_id: The request id from the response headers, when present.
    """

    def __init__(self, message: str, *, status_code: int, body: Any, request_id: str | None = None) -> None:
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{status_code}: {message}{suffix}")


class VideoFailedError(HeyGenError):
    """The video ended ``failed`` while ``videos.wait`` watched it.

    Attributes:
        video_id: The video's id.
        failure_code: HeyGen's failure code, when it gave one.
        failure_message: HeyGen's explanation, when it gave one.
    """

    def __init__(self, video_id: str, *, failure_code: str | None, failure_message: str | None) -> None:
        self.video_id = video_id
        self.failure_code = failure_code
        self.failure_message = failure_message
        detail = ": ".join(part for part in (failure_code, failure_message) if part) or "no reason given"
        super().__init__(f"video {video_id} failed ({detail})")


class WaitTimeoutError(HeyGenError, TimeoutError):
    """``videos.wait`` gave up: the video had not ended when its timeout passed.

    The video may still complete; call ``wait`` again or ``get`` it later.

    Attributes:
        video_id: The video's id.
        status: Its last status seen (``None`` when no poll answered).
        timeout: The timeout that passed, in seconds.
    """

    def __init__(self, video_id: str, *, status: str | None, timeout: float) -> None:
        self.video_id = video_id
        self.status = status
        self.timeout = timeout
        super().__init__(f"video {video_id} was still {status or 'unknown'} after {timeout:g}s; it may yet complete")
