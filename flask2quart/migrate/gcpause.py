"""No cyclic garbage collection while one module is parsed, scanned or rewritten.

LibCST allocates a node per token and a transformer rebuilds every node; :mod:`ast` allocates a node
per expression: hundreds of thousands of objects per module, all alive until the module is done,
which the collector would traverse again and again (about a sixth of a rewrite's time). Reference
counting still frees what is dropped; what is left in cycles is collected as usual once the module is
done, so memory stays bounded by one module's work.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    if not gc.isenabled():  # nested, or the caller turned it off: leave it as it is
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
