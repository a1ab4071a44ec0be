"""All-or-nothing writes: stage every output, commit a journal, switch, drop the journal.

A port is many files that only work together (a view made async and the callers that now await
it), so an interrupted or failed run must leave the original tree or the complete port, never a
mix. Every output is first written beside its target (same folder, so the switch is a rename on
one file system) while a journal in state ``staging`` lists what was staged; a write error or an
interrupt then removes the staged files and the tree is as it was. Once everything is staged the
journal is committed, the renames follow, and the journal goes last. A run killed before the
commit is rolled back by the next run, one killed after it is completed by the next run
(:func:`recover`). Ctrl-C or SIGTERM during the renames is held until they are done.

``FLASK2QUART_FAULT=POINT[:INDEX]:ACTION`` injects a fault for tests (see :func:`fault`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .discover import JOURNAL_NAME

__all__ = [
    "Interrupted", "Output", "WriteError", "commit_in_place", "commit_tree", "fault", "find_journals",
    "out_journal", "recover", "terminate_as_interrupt",
]

FAULT_ENV = "FLASK2QUART_FAULT"


@dataclass(frozen=True)
class Output:
    """One file of the result: new bytes, a copy of a file, a symlink, or (none of them) a removal."""

    target: Path
    data: bytes | None = None
    copy_from: Path | None = None
    link: str | None = None
    #: ``None``: the target's own mode, or the umask's default for a new file
    mode: int | None = None

    @property
    def removes(self) -> bool:
        return self.data is None and self.copy_from is None and self.link is None


class WriteError(Exception):
    """An output could not be written; nothing was changed (unless ``switching``)."""

    def __init__(self, path: Path, reason: str, *, switching: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.switching = switching


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM; ``written`` says whether the port was already complete."""

    def __init__(self, signum: int = signal.SIGINT, *, written: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.written = written


class JournalError(Exception):
    """A journal that cannot be read or acted on: a one-line error, never a guess."""


# --- in place ------------------------------------------------------------------------------------


def commit_in_place(outputs: list[Output], journal: Path) -> None:
    """Replace each target by its output (through symlinks: a link stays a link), all or nothing."""
    token = uuid.uuid4().hex[:12]
    moves: list[tuple[Path, Path]] = []
    staged: list[tuple[Output, Path, Path]] = []
    removals: list[Path] = []
    for output in outputs:
        target = _through_links(output.target)
        if output.removes:
            removals.append(target)
            continue
        temp = target.parent / f".{target.name}.{token}.f2q-tmp"
        staged.append((output, target, temp))
        moves.append((temp, target))
    state = _State(journal, staged=[temp for _, _, temp in staged], moves=moves, removals=removals)
    _stage_all(state, [(output, temp, target) for output, target, temp in staged], check_target=True)
    _switch(state)


def _through_links(path: Path) -> Path:
    """An in-place write goes to the file a symlink points to, so the link stays a link."""
    return path.resolve() if path.is_symlink() else path


# --- a whole tree (--out) --------------------------------------------------------------------------


def out_journal(out: Path) -> Path:
    return out.parent / f".{out.name}{JOURNAL_NAME}"


def commit_tree(outputs: list[Output], out: Path) -> None:
    """Write ``outputs`` (targets under ``out``) as one step: built in a sibling folder, then
    renamed into place (or, when ``out`` already has files, moved in file by file)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(out) and not out.is_dir():
            raise OSError(errno.ENOTDIR, "not a folder", str(out))
    except OSError as error:
        raise WriteError(out, error.strerror or str(error)) from None
    token = uuid.uuid4().hex[:12]
    staging = out.parent / f".{out.name}.{token}.f2q-staging"
    fresh = not out.exists() or (out.is_dir() and not out.is_symlink() and not any(out.iterdir()))
    items = [(output, staging / output.target.relative_to(out), output.target) for output in outputs if not output.removes]
    if fresh:
        moves = [(staging, out)]
        cleanup: list[Path] = []
    else:
        moves = [(temp, target) for _, temp, target in items]
        cleanup = [staging]
    state = _State(out_journal(out), staged=[staging], moves=moves, removals=[], cleanup=cleanup)
    _stage_all(state, items, check_target=not fresh, make_root=staging)
    _switch(state)


# --- the two phases ----------------------------------------------------------------------------


@dataclass
class _State:
    journal: Path
    #: removed on a rollback (files or folders)
    staged: list[Path]
    #: (staged, target) renames of the switch
    moves: list[tuple[Path, Path]]
    removals: list[Path]
    #: folders removed after the switch
    cleanup: list[Path] | None = None

    def to_json(self, state: str) -> dict[str, object]:
        return {
            "version": 1,
            "state": state,
            "staged": [str(p) for p in self.staged],
            "moves": [[str(a), str(b)] for a, b in self.moves],
            "removals": [str(p) for p in self.removals],
            "cleanup": [str(p) for p in self.cleanup or []],
        }


def _stage_all(
    state: _State, items: list[tuple[Output, Path, Path]], *, check_target: bool, make_root: Path | None = None
) -> None:
    """Write every staged file; on any failure or interrupt remove them all and raise."""
    current: Path | None = state.journal  # what a failure names: the journal, then each output
    try:
        _write_journal(state.journal, state.to_json("staging"))
        if make_root is not None:
            make_root.mkdir()
        for index, (output, temp, target) in enumerate(items):
            current = output.target
            fault("stage", index, target)
            if check_target:
                _check_writable(target)
            _stage(output, temp, target)
        current = state.journal
        fault("commit")
        _write_journal(state.journal, state.to_json("committed"))
    except BaseException as error:
        _rollback(state.to_json("staging"))
        state.journal.unlink(missing_ok=True)
        if isinstance(error, Interrupted):
            raise
        if isinstance(error, KeyboardInterrupt):
            raise Interrupted(signal.SIGINT) from None
        if isinstance(error, OSError):
            where = current or Path(error.filename or state.journal)
            raise WriteError(where, error.strerror or str(error)) from None
        raise


def _check_writable(target: Path) -> None:
    """A read-only file is not replaced behind its owner's back (a rename would allow it)."""
    if target.is_dir() and not target.is_symlink():
        raise OSError(errno.EISDIR, "a folder is in the way", str(target))
    if target.exists() and not target.is_symlink() and not os.access(target, os.W_OK):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    parent = target.parent
    while not os.path.lexists(parent):
        parent = parent.parent
    if not parent.is_dir():
        raise OSError(errno.ENOTDIR, f"{parent} is not a folder", str(target))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(parent))


def _stage(output: Output, temp: Path, target: Path) -> None:
    temp.parent.mkdir(parents=True, exist_ok=True)
    if output.link is not None:
        os.symlink(output.link, temp)
        return
    if output.copy_from is not None:
        shutil.copy2(output.copy_from, temp, follow_symlinks=False)
        if output.mode is not None:
            os.chmod(temp, output.mode)
        return
    assert output.data is not None
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(output.data)
        handle.flush()
        os.fsync(handle.fileno())  # the rename must never expose a file the disk does not hold
    mode = output.mode
    if mode is None:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    os.chmod(temp, mode)


def _switch(state: _State) -> None:
    """The renames, with Ctrl-C/SIGTERM held until they are done; then the journal goes."""
    with _held_signals() as held:
        try:
            _roll_forward(state.to_json("committed"))
        except OSError as error:
            # The journal stays: the next run completes what this one could not.
            raise WriteError(
                Path(error.filename or state.journal), f"{error.strerror or error}; the next run completes the switch",
                switching=True,
            ) from None
        fault("finish")
        state.journal.unlink(missing_ok=True)
        _fsync_dir(state.journal.parent)
    if held:
        raise Interrupted(held[0], written=True)


def _roll_forward(journal: dict[str, object]) -> None:
    folders: set[Path] = set()
    for index, (source, target) in enumerate(_pairs(journal.get("moves"))):
        fault("switch", index, target)
        if os.path.lexists(source):  # already moved by an earlier attempt otherwise
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            folders.add(target.parent)
    for path in _paths(journal.get("removals")):
        path.unlink(missing_ok=True)
        folders.add(path.parent)
    for path in _paths(journal.get("cleanup")):
        shutil.rmtree(path, ignore_errors=True)
    for folder in folders:
        _fsync_dir(folder)


def _rollback(journal: dict[str, object]) -> None:
    for path in _paths(journal.get("staged")):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


# --- the journal -------------------------------------------------------------------------------


def _write_journal(path: Path, content: dict[str, object]) -> None:
    """Atomically: a reader sees the old journal or the new one, never half of one."""
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    _fsync_dir(path.parent)


def find_journals(anchor: Path) -> list[Path]:
    """Journals of an interrupted in-place run at ``anchor`` or above it."""
    found = []
    for folder in [anchor, *anchor.parents]:
        for name in (JOURNAL_NAME, JOURNAL_NAME + ".tmp"):
            if (folder / name).exists():
                found.append(folder / name)
    return found


def recover(journal: Path) -> str:
    """Finish what an interrupted run left: roll back before its commit, complete after it.
    Returns what was done, as a sentence."""
    if journal.name.endswith(".tmp"):  # killed while writing a journal: it never took effect
        journal.unlink(missing_ok=True)
        return f"removed {journal}, left by an interrupted run"
    try:
        content = json.loads(journal.read_text(encoding="utf-8"))
        state = content["state"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise JournalError(f"{journal}: unreadable journal of an interrupted run ({error}); remove it to go on") from None
    try:
        if state == "committed":
            with _held_signals() as held:
                _roll_forward(content)
                journal.unlink(missing_ok=True)
            if held:
                raise Interrupted(held[0], written=True)
            return f"completed the rewrite an interrupted run had started ({journal})"
        _rollback(content)
        journal.unlink(missing_ok=True)
        return f"rolled back the rewrite an interrupted run had started ({journal})"
    except OSError as error:
        raise JournalError(f"{journal}: cannot finish the interrupted run: {error.strerror or error}") from None


def _pairs(value: object) -> Iterator[tuple[Path, Path]]:
    for item in value if isinstance(value, list) else []:
        yield Path(item[0]), Path(item[1])


def _paths(value: object) -> Iterable[Path]:
    return [Path(item) for item in value] if isinstance(value, list) else []


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- signals -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _held_signals() -> Iterator[list[int]]:
    """Record Ctrl-C and SIGTERM instead of acting on them (the caller re-raises after)."""
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held
        return

    def record(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield held
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` like Ctrl-C, so staged files are cleaned up."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- fault injection (tests) ---------------------------------------------------------------------


def fault(point: str, index: int | None = None, target: Path | None = None) -> None:
    """``FLASK2QUART_FAULT=stage:2:kill`` kills the run before it stages its third output.

    Points: ``analysis`` (the worker pool is up, nothing written yet), ``stage:I`` (before staging output I), ``commit`` (all staged, journal not yet
    committed), ``switch:I`` (before rename I), ``finish`` (renamed, journal not yet removed).
    Actions: ``kill`` (SIGKILL), ``int`` (SIGINT to this process), ``intgroup`` (SIGINT to the
    process group, as a terminal's Ctrl-C), ``term`` (SIGTERM), ``enospc``/``eacces`` (the write
    fails with that error).
    """
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    where, _, action = spec.rpartition(":")
    if where != (point if index is None else f"{point}:{index}"):
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action == "int":
        os.kill(os.getpid(), signal.SIGINT)
    elif action == "intgroup":
        os.killpg(os.getpgrp(), signal.SIGINT)
    elif action == "term":
        os.kill(os.getpid(), signal.SIGTERM)
    elif action in ("enospc", "eacces"):
        code = errno.ENOSPC if action == "enospc" else errno.EACCES
        raise OSError(code, os.strerror(code), str(target or ""))
