"""The HTTP/1.1 protocol ``flask2quart serve`` runs (``flask2quart.shim.protocol``), driven in-process
next to Hypercorn's own: what goes out on the socket, write by write."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypercorn.app_wrappers import ASGIWrapper
from hypercorn.asyncio.task_group import TaskGroup
from hypercorn.asyncio.worker_context import WorkerContext
from hypercorn.config import Config
from hypercorn.events import Closed, RawData, Updated
from hypercorn.protocol.h11 import H11Protocol

from flask2quart.shim.protocol import ServeH11Protocol


async def small_json(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b'{"message":"hello, world"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def late_body(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"", "more_body": True})
    await asyncio.sleep(0.2)  # e.g. server-sent events: the head must not wait for this
    await send({"type": "http.response.body", "body": b"later"})


async def writes(
    protocol_class: type[H11Protocol], app: Any, request: bytes, wait: float = 0.05, early: list[bytes] | None = None
) -> list[bytes]:
    """The socket writes of ``protocol_class`` serving one request with ``app`` (``early``: those
    made within ``wait`` seconds)."""
    written: list[bytes] = []

    async def send(event: Any) -> None:
        if isinstance(event, RawData):
            written.append(event.data)
        elif not isinstance(event, (Closed, Updated)):
            raise AssertionError(event)

    async with TaskGroup(asyncio.get_running_loop()) as task_group:
        protocol = protocol_class(
            ASGIWrapper(app), Config(), WorkerContext(None), task_group, {}, False,  # type: ignore[arg-type]
            ("127.0.0.1", 5000), ("127.0.0.1", 8000), send,
        )
        await protocol.handle(RawData(request))
        await asyncio.sleep(wait)
        if early is not None:
            early.extend(written)
        await protocol.handle(Closed())
    return written


GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


async def test_an_ordinary_response_is_one_write() -> None:
    theirs = await writes(H11Protocol, small_json, GET)
    ours = await writes(ServeH11Protocol, small_json, GET)
    assert len(theirs) >= 2  # Hypercorn: the head, then the body (then an empty end)
    assert len(ours) == 1 and ours[0].startswith(b"HTTP/1.1 200 ") and ours[0].endswith(b'"hello, world"}')
    # the same bytes, but for the Date header, which may have ticked a second between the two runs
    assert _without_date(b"".join(theirs)) == _without_date(ours[0])


def _without_date(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")[1:]
    return b"\r\n".join(line for line in lines if not line.lower().startswith(b"date:")) + b"\r\n\r\n" + body


async def test_a_head_without_its_body_yet_is_not_held_back() -> None:
    early: list[bytes] = []
    ours = await writes(ServeH11Protocol, late_body, GET, wait=0.1, early=early)
    assert len(early) == 1 and early[0].startswith(b"HTTP/1.1 200 ") and early[0].endswith(b"\r\n\r\n")
    assert b"".join(ours[1:]) == b"5\r\nlater\r\n0\r\n\r\n"  # then the body, chunked


@pytest.mark.parametrize(("protocol_class", "invited"), [(H11Protocol, True), (ServeH11Protocol, False)])
async def test_100_continue_waits_for_the_app_to_ask(protocol_class: type[H11Protocol], invited: bool) -> None:
    async def refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await asyncio.sleep(0.01)
        await send({"type": "http.response.start", "status": 413, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
    out = b"".join(await writes(protocol_class, refuse, request))
    assert out.startswith(b"HTTP/1.1 100 ") is invited
    assert b"HTTP/1.1 413 " in out


async def test_a_head_whose_app_fails_before_the_body_still_goes_out() -> None:
    async def fails(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        raise RuntimeError("deliberate")

    theirs = b"".join(await writes(H11Protocol, fails, GET))
    ours = b"".join(await writes(ServeH11Protocol, fails, GET))
    assert ours.startswith(b"HTTP/1.1 200 ")  # then the connection is cut, as under Hypercorn
    assert theirs.split(b"\r\n", 1)[1] == ours.split(b"\r\n", 1)[1]
