"""The listening sockets of ``flask2quart serve``, bound once in the parent process.

Each worker gets its own ``SO_REUSEPORT`` socket (the kernel then spreads connections across the
workers), but ``SO_REUSEPORT`` also lets any other process of the same user join the port, a second
``flask2quart serve`` included, and the two would split the traffic silently. So before binding the
workers' sockets, the address is probed with a socket *without* ``SO_REUSEPORT``: the probe fails
when anything is bound there, with or without the option. A per-port lock (an abstract Unix socket,
Linux only) makes "probe, then bind" one step for two servers started at the same moment. Once the
workers' sockets are bound, a later probe fails on them.

A server that does not probe (any program setting ``SO_REUSEPORT``) can still bind the port: the
kernel lets a process of the same user join the group. On Linux the workers' sockets listen here, in
order, and the group gets a classic BPF program that picks one of *these* sockets at random for each
new connection, so a socket that joins later is never chosen: it receives no connection and the
traffic is not split.

Every failure is a :class:`BindError` with a one-line message for the user.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import stat
import struct
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

LOCK_WAIT = 2.0  # seconds to wait for another server that is binding the same port right now
BACKLOG = 100  # Hypercorn's default; its workers listen again with their configured backlog
SO_ATTACH_REUSEPORT_CBPF = getattr(socket, "SO_ATTACH_REUSEPORT_CBPF", 51)  # Linux, <linux/socket.h>


class BindError(Exception):
    """The address cannot be served: the message is one line for the user."""


@dataclass(frozen=True)
class Address:
    text: str  # as the user wrote it
    family: int
    sockaddr: tuple[object, ...] | str | int  # (host, port[, flow, scope]), a path, or a file descriptor
    kind: str  # "tcp", "unix" or "fd"

    @property
    def port(self) -> int:
        assert self.kind == "tcp" and isinstance(self.sockaddr, tuple)
        port = self.sockaddr[1]
        assert isinstance(port, int)
        return port


def parse_bind(text: str) -> Address:
    """``HOST:PORT``, ``[IPV6]:PORT``, ``unix:PATH`` or ``fd://N``."""
    if text.startswith("unix:"):
        if not text[5:]:
            raise BindError(f"--bind {text!r}: no path after 'unix:'")
        return Address(text, socket.AF_UNIX, text[5:], "unix")
    if text.startswith("fd://"):
        if not text[5:].isdigit():
            raise BindError(f"--bind {text!r}: expected fd://N with N a file descriptor number")
        return Address(text, socket.AF_INET, int(text[5:]), "fd")
    host, sep, port_text = text.rpartition(":")
    if not sep:
        raise BindError(f"--bind {text!r}: expected HOST:PORT (e.g. 127.0.0.1:8000), unix:PATH or fd://N")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise BindError(f"--bind {text!r}: write an IPv6 address in brackets, e.g. [::1]:8000")
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise BindError(f"--bind {text!r}: the port must be a number from 1 to 65535")
    # As Hypercorn: IPv6 for an address in brackets, IPv4 otherwise (``localhost`` is 127.0.0.1);
    # an empty host (``:8000``) is every interface.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        infos = socket.getaddrinfo(
            host or None, int(port_text), family, socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise BindError(f"--bind {text!r}: cannot resolve host {host!r} ({reason})") from None
    return Address(text, family, tuple(infos[0][4]), "tcp")


def _describe(address: Address, error: OSError) -> str:
    code = error.errno
    if code == errno.EADDRINUSE:
        return f"cannot listen on {address.text}: the address is already in use (another server is listening there)"
    if code in (errno.EACCES, errno.EPERM):
        hint = ""
        if address.kind == "tcp" and address.port < 1024:
            hint = " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
        return f"cannot listen on {address.text}: permission denied{hint}"
    if code == errno.EADDRNOTAVAIL:
        return f"cannot listen on {address.text}: not an address of this machine"
    return f"cannot listen on {address.text}: {error.strerror or error}"


def _tcp_socket(address: Address, *, reuse_port: bool) -> socket.socket:
    sock = socket.socket(address.family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart over TIME_WAIT leftovers
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address.sockaddr)
    except OSError as error:
        sock.close()
        raise BindError(_describe(address, error)) from None
    return sock


@contextmanager
def _port_lock(port: int) -> Iterator[None]:
    """Held while one ``flask2quart serve`` probes and binds ``port`` (Linux: abstract socket)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    deadline = time.monotonic() + LOCK_WAIT
    try:
        while True:
            try:
                lock.bind(f"\0flask2quart-serve-port-{port}")
                break
            except OSError as error:
                if error.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    break  # no lock: the probe below still refuses a taken port
                time.sleep(0.02)
        yield
    finally:
        lock.close()


def _bind_tcp(address: Address, count: int) -> list[socket.socket]:
    """``count`` sockets on ``address``: one per worker with ``SO_REUSEPORT``, or one shared."""
    with _port_lock(address.port):
        probe = _tcp_socket(address, reuse_port=False)  # fails if anything is bound there
        if count == 1:
            return [probe]
        probe.close()
        sockets: list[socket.socket] = []
        try:
            for _ in range(count):
                sockets.append(_tcp_socket(address, reuse_port=True))
        except BindError:
            for sock in sockets:
                sock.close()
            raise
        _close_group(sockets)
        return sockets


def _random_member_program(count: int) -> tuple[bytes, ctypes.Array[ctypes.c_char]]:
    """A ``struct sock_fprog`` returning ``random() % count`` and the buffer it points into (keep it
    alive until the ``setsockopt`` call returns)."""
    random_load = (-0x1000 + 56) & 0xFFFFFFFF  # SKF_AD_OFF + SKF_AD_RANDOM
    instructions = [
        (0x20, 0, 0, random_load),  # BPF_LD | BPF_W | BPF_ABS: A = a random 32-bit number
        (0x94, 0, 0, count),  # BPF_ALU | BPF_MOD | BPF_K: A %= count
        (0x16, 0, 0, 0),  # BPF_RET | BPF_A: the index of the socket in the group
    ]
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *op) for op in instructions))
    return struct.pack("HL", len(instructions), ctypes.addressof(code)), code


def _close_group(sockets: list[socket.socket]) -> None:
    """Make the group of ``sockets`` pick only among them (see the module docstring).

    Best effort: where the platform lacks reuseport BPF the kernel's own hash spreads connections
    over every member, as before."""
    if not sys.platform.startswith("linux") or len(sockets) < 2:
        return
    try:
        for sock in sockets:  # the group's index of each socket is its order of listening
            sock.listen(BACKLOG)
        program, code = _random_member_program(len(sockets))
        sockets[0].setsockopt(socket.SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, program)
        del code
    except OSError:
        pass


def _bind_unix(address: Address) -> socket.socket:
    path = address.sockaddr
    assert isinstance(path, str)
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as other:
                other.settimeout(1.0)
                if other.connect_ex(path) == 0:
                    raise BindError(f"cannot listen on {address.text}: a server is listening on that socket")
            os.remove(path)  # a stale socket file
    except FileNotFoundError:
        pass
    except PermissionError as error:
        raise BindError(_describe(address, error)) from None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
    except OSError as error:
        sock.close()
        raise BindError(_describe(address, error)) from None
    return sock


def _adopt_fd(address: Address) -> socket.socket:
    fd = address.sockaddr
    assert isinstance(fd, int)
    try:
        sock = socket.socket(fileno=fd)
    except OSError as error:
        raise BindError(f"cannot listen on {address.text}: {error.strerror or error}") from None
    if sock.type != socket.SOCK_STREAM:
        raise BindError(f"cannot listen on {address.text}: not a stream socket")
    return sock


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def bind_all(binds: list[str], workers: int) -> list[list[socket.socket]]:
    """The sockets of each worker, bound in this process, non-blocking and inheritable.

    TCP addresses get one ``SO_REUSEPORT`` socket per worker when there are several workers (and
    the platform has the option); Unix sockets and inherited descriptors are shared by all workers.
    """
    addresses = [parse_bind(text) for text in binds]
    per_worker: list[list[socket.socket]] = [[] for _ in range(workers)]
    opened: list[socket.socket] = []
    try:
        for address in addresses:
            if address.kind == "tcp":
                own = workers > 1 and reuse_port_available()
                sockets = _bind_tcp(address, workers if own else 1)
                opened.extend(sockets)
                for index in range(workers):
                    per_worker[index].append(sockets[index] if own else sockets[0])
            else:
                sock = _bind_unix(address) if address.kind == "unix" else _adopt_fd(address)
                opened.append(sock)
                for worker_sockets in per_worker:
                    worker_sockets.append(sock)
    except BaseException:
        for sock in opened:
            sock.close()
        raise
    for sock in opened:
        sock.setblocking(False)
        sock.set_inheritable(True)
    return per_worker
