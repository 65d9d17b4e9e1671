"""``client.videos``: the video operations, each a few declarative lines over the transport core."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
from heygen_studio_api.models import CreateVideoRequest, CreateVideoResponse
from heygen_studio_api.params import CreateVideoParams
from heygen_studio_api.types import UNSET, Unset

from heygen_studio._errors import RequestValidationError, Violation
from heygen_studio._payload import encode_json
from heygen_studio._reading import Received
from heygen_studio._responses import UNKNOWN_VIDEO, parse_created, request_id_of
from heygen_studio._transport import APIResponse, Operation, TimeoutArg, Transport
from heygen_studio._validation import prepare_request

if TYPE_CHECKING:
    from heygen_studio._client import AsyncHeyGen, HeyGen


@attrs.frozen
class CreatedVideo:
    """A video HeyGen accepted for rendering.

    Attributes:
        video_id: HeyGen's id for the video; poll its status or wait for the callback.
        request_id: The request id from the response headers, when present.
        retries_taken: Retries this call needed (0 when the first attempt succeeded).
        response: The whole parsed body, unknown fields included.
    """

    video_id: str
    request_id: str | None
    retries_taken: int
    response: CreateVideoResponse = attrs.field(repr=False)


def _created_v2(received: Received) -> CreatedVideo:
    parsed = parse_created(received.status_code, headers=received.headers, content=received.content)
    return CreatedVideo(
        video_id=parsed.data.video_id, request_id=request_id_of(received.headers), retries_taken=0, response=parsed
    )


GENERATE = Operation("POST /v2/video/generate", "create", _created_v2, lost=UNKNOWN_VIDEO)


def prepare_body(
    transport: Transport, request: Any, fields: Mapping[str, Any], *, operation: str
) -> tuple[bytes, str | None]:
    """The exact bytes to send for a request body, validated, and its ``callback_id``.

    What ``validate_request`` rejects is never sent: the bytes are the JSON of the
    very payload validation checked, and a payload JSON cannot encode is a
    ``RequestValidationError`` too.
    """
    try:
        payload = prepare_request(request, fields, strict=transport.strict)
    except RecursionError:
        message = "is nested too deeply or contains itself"
        raise RequestValidationError([Violation("", message, "depth")]) from None
    callback_id = payload.get("callback_id")
    return encode_json(payload), callback_id if isinstance(callback_id, str) else None


def _with_retries(result: APIResponse[CreatedVideo]) -> APIResponse[CreatedVideo]:
    if result.retries_taken:
        return attrs.evolve(result, parsed=attrs.evolve(result.parsed, retries_taken=result.retries_taken))
    return result


class Videos:
    """``client.videos``: create videos."""

    def __init__(self, client: HeyGen) -> None:
        self._client = client

    def generate(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> CreatedVideo:
        """Create a video (``POST /v2/video/generate``): validate, send, return its id.

        Args:
            request: A ``CreateVideoRequest``, or a dict in wire form (``CreateVideoParams``).
            timeout: This call's timeout, overriding the client's.
            **fields: Instead of ``request``: its fields (``video_inputs=[...]``, ``dimension=...``),
                with models or dicts inside.

        Returns:
            The created video's id, with the request id and the retries it took.

        Raises:
            RequestValidationError: The request breaks the API's rules; nothing was sent.
            APIStatusError: HeyGen answered with an error (a subclass per status).
            APIConnectionError: HeyGen could not be reached (after the allowed retries).
            OutcomeUnknownError: No answer came after sending (or not within the deadline);
                the video may exist.
            APIResponseValidationError: HeyGen answered 2xx with an unreadable or oversized body.
        """
        return self.generate_detailed(request, timeout=timeout, **fields).parsed

    def generate_detailed(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> APIResponse[CreatedVideo]:
        """Like :meth:`generate`, and also return the status, headers and raw body."""
        client = self._client
        content, callback_id = prepare_body(client, request, fields, operation=GENERATE.name)
        steps = client.call(
            client._http.build_request, GENERATE, content=content, timeout=timeout, callback_id=callback_id
        )
        return _with_retries(client._run(steps))


class AsyncVideos:
    """``client.videos`` of an :class:`AsyncHeyGen`."""

    def __init__(self, client: AsyncHeyGen) -> None:
        self._client = client

    async def generate(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> CreatedVideo:
        """Create a video; see :meth:`Videos.generate`."""
        return (await self.generate_detailed(request, timeout=timeout, **fields)).parsed

    async def generate_detailed(
        self,
        request: CreateVideoRequest | CreateVideoParams | None = None,
        /,
        *,
        timeout: TimeoutArg | Unset = UNSET,
        **fields: Any,
    ) -> APIResponse[CreatedVideo]:
        """Like :meth:`generate`, and also return the status, headers and raw body."""
        client = self._client
        content, callback_id = prepare_body(client, request, fields, operation=GENERATE.name)
        steps = client.call(
            client._http.build_request, GENERATE, content=content, timeout=timeout, callback_id=callback_id
        )
        return _with_retries(await client._run(steps))
