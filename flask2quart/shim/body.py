"""Request bodies for the WSGI side, read on the event loop with bounded memory.

Each body is read completely before the app runs (a slow upload holds no worker thread). To keep
many concurrent uploads from filling memory, one :class:`BodyBudget` per adapter caps the bytes of
request bodies held in memory by all requests together: a body that does not fit goes on in an
anonymous temporary file (``tempfile.TemporaryFile``, in ``TMPDIR``), which the app reads as its
``wsgi.input`` like any file.
"""

from __future__ import annotations

import io
import tempfile
import threading
from typing import IO


class BodyBudget:
    """Bytes of request bodies one adapter holds in memory; ``limit`` None: no cap."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()  # one adapter may serve several event loops

    def take(self, size: int) -> bool:
        if self.limit is None:
            return True
        with self._lock:
            if self.used + size > self.limit:
                return False
            self.used += size
            return True

    def give(self, size: int) -> None:
        if self.limit is not None and size:
            with self._lock:
                self.used -= size


class BodyBuffer:
    """One request body while it arrives: in memory as long as the budget allows, then in a file."""

    __slots__ = ("_budget", "_file", "_memory", "reserved", "size")

    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self._memory: io.BytesIO | None = None
        self._file: IO[bytes] | None = None
        self.reserved = 0  # bytes taken from the budget
        self.size = 0

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self._file is None:
            if self._budget.take(len(chunk)):
                self.reserved += len(chunk)
                if self._memory is None:
                    self._memory = io.BytesIO()
                self._memory.write(chunk)
                return
            self._file = tempfile.TemporaryFile()  # noqa: SIM115  (wsgi.input; closed when collected)
            if self._memory is not None:
                self._file.write(self._memory.getbuffer())
                self._memory = None
                self.release()
        self._file.write(chunk)

    def input(self) -> IO[bytes]:
        """The body as ``wsgi.input``, positioned at its start."""
        stream: IO[bytes] = self._file or self._memory or io.BytesIO()
        stream.seek(0)
        return stream

    def release(self) -> None:
        """Give the memory back to the budget (the request is over, or the body moved to a file)."""
        self._budget.give(self.reserved)
        self.reserved = 0
