"""``client.videos``: each operation a few declarative lines over the transport core, sync and async twins.

The operations themselves (method, path, retry class, parser) are data in
``_video_models``; the polling loop of ``wait`` is ``_waiting.wait_steps``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from heygen_studio_api.types import UNSET, Unset

from heygen_studio._errors import HeyGenError, RequestValidationError, Violation
from heygen_studio._transport import APIResponse, Operation, TimeoutArg, Transport
from heygen_studio._validation import prepare_body as prepare_json
from heygen_studio._video_models import CREATE, DELETE, GENERATE, GET, LIST, CreatedVideo, Page, Video, list_params
from heygen_studio._waiting import Poll, check_wait, wait_steps

if TYPE_CHECKING:
    from heygen_studio_api.models import CreateVideoRequest
    from heygen_studio_api.params import CreateVideoParams

    from heygen_studio._client import AsyncHeyGen, HeyGen

T = TypeVar("T")
R = TypeVar("R")


def prepare_body(
    transport: Transport, request: Any, fields: Mapping[str, Any], *, operation: str
) -> tuple[bytes, str | None]:
    """The exact bytes to send for a request body, validated, and its ``callback_id``.

    What validation rejects is never sent: the bytes are the JSON of the very
    payload validation checked, and a payload JSON cannot encode is a
    ``RequestValidationError`` too (``_validation.prepare_body``). This is the one
    place a request body is validated for every operation.
    """
    try:
        content, payload = prepare_json(request, fields, operation=operation, strict=transport.strict)
    except RecursionError:
        raise RequestValidationError([Violation("", "is nested too deeply or contains itself", "depth")]) from None
    callback_id = payload.get("callback_id")
    return content, callback_id if isinstance(callback_id, str) else None


def _with_retries(result: APIResponse[CreatedVideo[R]]) -> APIResponse[CreatedVideo[R]]:
    if result.retries_taken:
        return attrs.evolve(result, parsed=attrs.evolve(result.parsed, retries_taken=result.retries_taken))
    return result


class Videos:
    """``client.videos``: create videos (v2 Studio and v3), get, list, delete and wait for them."""

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
        content, callback_id = prepare_body(self._client, request, fields, operation=GENERATE.name)
        return _with_retries(self._send(GENERATE, content=content, timeout=timeout, callback_id=callback_id))

    def create(
        self, request: Any = None, /, *, timeout: TimeoutArg | Unset = UNSET, **fields: Any
    ) -> CreatedVideo[dict[str, Any]]:
        """Create a video (``POST /v3/videos``): any arm (``avatar``, ``image``, ``cinematic_avatar``, ``studio``).

        Args:
            request: The request as a model or a dict in wire form.
            timeout: This call's timeout, overriding the client's.
            **fields: Instead of ``request``: its fields (``type="studio"``, ``scenes=[...]``).

        Returns:
            The video's id and initial ``status`` (e.g. ``"waiting"``). A create is never retried
            once it may have been received, as with :meth:`generate`.

        Raises:
            RequestValidationError: The request is not valid; nothing was sent.
            APIStatusError, APIConnectionError, OutcomeUnknownError, APIResponseValidationError:
                As for :meth:`generate`.
        """
        content, callback_id = prepare_body(self._client, request, fields, operation=CREATE.name)
        return _with_retries(self._send(CREATE, content=content, timeout=timeout, callback_id=callback_id)).parsed

    def get(self, video_id: str, *, timeout: TimeoutArg | Unset = UNSET) -> Video:
        """The video's current state (``GET /v3/videos/{video_id}``); retried like every read.

        Raises:
            RequestValidationError: ``video_id`` is not a short printable token; nothing was sent.
            NotFoundError: HeyGen knows no such video.
        """
        return self._send(GET, path_params={"video_id": video_id}, timeout=timeout).parsed

    def delete(self, video_id: str, *, timeout: TimeoutArg | Unset = UNSET) -> None:
        """Delete the video (``DELETE /v3/videos/{video_id}``); retried like every idempotent call.

        Raises:
            NotFoundError: HeyGen knows no such video; after a retry (``retries_taken`` in the
                log) this can mean an earlier attempt deleted it and its answer was lost.
        """
        self._send(DELETE, path_params={"video_id": video_id}, timeout=timeout)

    def list(
        self, *, limit: int | None = None, folder_id: str | None = None, title: str | None = None
    ) -> Iterator[Video]:
        """Every video (``GET /v3/videos``), newest first, fetched page by page as you iterate.

        Args:
            limit: Videos per page, 1 to 100 (HeyGen's default is 10).
            folder_id: Only the videos in this folder.
            title: Only the videos with this title.
        """
        params = list_params(limit, folder_id, title)
        return self._pages(params)

    def _pages(self, params: dict[str, str]) -> Iterator[Video]:
        token: str | None = None
        while True:
            page: Page = self._send(LIST, params={**params, "token": token} if token else params).parsed
            yield from page.videos
            if page.next_token is None or page.next_token == token:
                return
            token = page.next_token

    def wait(self, video_id: str, *, timeout: float = 600.0, poll_interval: float | None = None) -> Video:
        """Poll the video until it completes, and return it.

        Args:
            video_id: The video's id.
            timeout: Seconds to wait in all; no sleep runs past it.
            poll_interval: Fixed seconds between polls; by default they grow from 2 s to 30 s.

        Returns:
            The completed ``Video`` (with ``video_url``).

        Raises:
            VideoFailedError: The video ended ``failed`` (``failure_code``, ``failure_message``).
            WaitTimeoutError: ``timeout`` passed first (also a ``TimeoutError``).
            HeyGenError: Polling failed in a way waiting cannot mend (401, 404, ...).
        """
        seconds, interval = check_wait(timeout, poll_interval)
        steps = wait_steps(video_id, timeout=seconds, poll_interval=interval, clock=self._client._clock)
        outcome: Video | HeyGenError | None = None
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                result: Video = done.value
                return result
            outcome = None
            if isinstance(step, Poll):
                try:
                    outcome = self._send(GET, path_params={"video_id": video_id}, deadline=step.budget).parsed
                except RequestValidationError:
                    raise
                except HeyGenError as error:
                    outcome = error
            else:
                self._client._sleep(step)

    def _send(self, operation: Operation[T], **arguments: Any) -> APIResponse[T]:
        client = self._client
        return client._run(client.call(client._http.build_request, operation, **arguments))


class AsyncVideos:
    """``client.videos`` of an :class:`AsyncHeyGen`: the same operations, awaited; ``list`` iterates asynchronously."""

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
        content, callback_id = prepare_body(self._client, request, fields, operation=GENERATE.name)
        return _with_retries(await self._send(GENERATE, content=content, timeout=timeout, callback_id=callback_id))

    async def create(
        self, request: Any = None, /, *, timeout: TimeoutArg | Unset = UNSET, **fields: Any
    ) -> CreatedVideo[dict[str, Any]]:
        """Create a video on v3; see :meth:`Videos.create`."""
        content, callback_id = prepare_body(self._client, request, fields, operation=CREATE.name)
        sent = await self._send(CREATE, content=content, timeout=timeout, callback_id=callback_id)
        return _with_retries(sent).parsed

    async def get(self, video_id: str, *, timeout: TimeoutArg | Unset = UNSET) -> Video:
        """The video's current state; see :meth:`Videos.get`."""
        return (await self._send(GET, path_params={"video_id": video_id}, timeout=timeout)).parsed

    async def delete(self, video_id: str, *, timeout: TimeoutArg | Unset = UNSET) -> None:
        """Delete the video; see :meth:`Videos.delete`."""
        await self._send(DELETE, path_params={"video_id": video_id}, timeout=timeout)

    def list(
        self, *, limit: int | None = None, folder_id: str | None = None, title: str | None = None
    ) -> AsyncIterator[Video]:
        """Every video, page by page as you iterate (``async for``); see :meth:`Videos.list`."""
        params = list_params(limit, folder_id, title)
        return self._pages(params)

    async def _pages(self, params: dict[str, str]) -> AsyncIterator[Video]:
        token: str | None = None
        while True:
            page: Page = (await self._send(LIST, params={**params, "token": token} if token else params)).parsed
            for video in page.videos:
                yield video
            if page.next_token is None or page.next_token == token:
                return
            token = page.next_token

    async def wait(self, video_id: str, *, timeout: float = 600.0, poll_interval: float | None = None) -> Video:
        """Poll the video until it completes; see :meth:`Videos.wait`."""
        seconds, interval = check_wait(timeout, poll_interval)
        steps = wait_steps(video_id, timeout=seconds, poll_interval=interval, clock=self._client._clock)
        outcome: Video | HeyGenError | None = None
        while True:
            try:
                step = steps.send(outcome)
            except StopIteration as done:
                result: Video = done.value
                return result
            outcome = None
            if isinstance(step, Poll):
                try:
                    sent = await self._send(GET, path_params={"video_id": video_id}, deadline=step.budget)
                    outcome = sent.parsed
                except RequestValidationError:
                    raise
                except HeyGenError as error:
                    outcome = error
            else:
                await self._client._sleep(step)

    async def _send(self, operation: Operation[T], **arguments: Any) -> APIResponse[T]:
        client = self._client
        return await client._run(client.call(client._http.build_request, operation, **arguments))
