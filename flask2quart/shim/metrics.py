"""Per-side counters and latency: what share of the traffic the Quart side already serves."""

from __future__ import annotations

import ipaddress
import json
import os
import time
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))

#: Upper bounds (seconds) of the latency histogram buckets, Prometheus-style.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, float("inf"))


@dataclass
class SideStats:
    requests: int = 0
    errors: int = 0  # responses with status >= 500
    seconds: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))

    def observe(self, status: int, elapsed: float) -> None:
        self.requests += 1
        self.seconds += elapsed
        if status >= 500:
            self.errors += 1
        self.buckets[bisect_left(BUCKETS, elapsed)] += 1


class Metrics:
    """In-process counters of one worker. Cheap enough to run on every request."""

    def __init__(self) -> None:
        self.sides = {"quart": SideStats(), "flask": SideStats()}
        self.started = time.time()

    def observe(self, side: str, status: int, elapsed: float) -> None:
        self.sides[side].observe(status, elapsed)

    def snapshot(self) -> dict[str, Any]:
        total = sum(s.requests for s in self.sides.values())
        return {
            "pid": os.getpid(),  # counters are per worker process
            "uptime_seconds": round(time.time() - self.started, 3),
            "requests": total,
            "quart_share": round(self.sides["quart"].requests / total, 4) if total else None,
            "sides": {
                name: {
                    "requests": stats.requests,
                    "errors": stats.errors,
                    "mean_ms": round(1000 * stats.seconds / stats.requests, 3) if stats.requests else None,
                }
                for name, stats in self.sides.items()
            },
        }

    def to_json(self) -> bytes:
        return json.dumps(self.snapshot(), indent=2).encode() + b"\n"

    def to_prometheus(self) -> bytes:
        lines = [
            "# HELP flask2quart_requests_total Requests served, by side.",
            "# TYPE flask2quart_requests_total counter",
        ]
        for name, stats in self.sides.items():
            lines.append(f'flask2quart_requests_total{{side="{name}"}} {stats.requests}')
        lines += ["# TYPE flask2quart_errors_total counter"]
        for name, stats in self.sides.items():
            lines.append(f'flask2quart_errors_total{{side="{name}"}} {stats.errors}')
        lines += ["# TYPE flask2quart_request_seconds histogram"]
        for name, stats in self.sides.items():
            cumulative = 0
            for bound, count in zip(BUCKETS, stats.buckets, strict=True):
                cumulative += count
                label = "+Inf" if bound == float("inf") else repr(bound)
                lines.append(f'flask2quart_request_seconds_bucket{{side="{name}",le="{label}"}} {cumulative}')
            lines.append(f'flask2quart_request_seconds_sum{{side="{name}"}} {stats.seconds:.6f}')
            lines.append(f'flask2quart_request_seconds_count{{side="{name}"}} {stats.requests}')
        return ("\n".join(lines) + "\n").encode()


def parse_networks(texts: Iterable[str]) -> tuple[Network, ...]:
    """``10.0.0.0/8``, ``192.0.2.7`` or ``::1``; ValueError with the bad entry otherwise."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{text!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None
    return tuple(networks)


def client_allowed(client: Any, networks: tuple[Network, ...]) -> bool:
    """Whether the ASGI ``client`` (host, port) is in ``networks``: the TCP peer, never a header."""
    if not client:
        return False  # a Unix socket or a server that does not say: not known to be local
    try:
        address = ipaddress.ip_address(str(client[0]).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)
