"""F2Q201: await test-client requests and read responses with the awaited accessors.

``client.get(...)`` (and ``post``, ``put``, ``open``...) is a coroutine in Quart's test client, and
a test response's body is only available through ``await response.get_data()``. ``rv.data``,
``rv.json`` and ``rv.text`` become ``await rv.get_data()``, ``await rv.get_json()`` and
``await rv.get_data(as_text=True)``; ``rv.get_json()`` is awaited. A test that awaits becomes
``async def`` (F2Q103), and so does every helper that calls the client (porting notes T4, T9).

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/testing.html
"""

from __future__ import annotations

from .f2q104_await_quart_api import AwaitQuartApi


class AwaitTestClient(AwaitQuartApi):
    code = "F2Q201"
    name = "await-test-client"
    test_side = True
