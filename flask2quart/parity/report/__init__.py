"""The three renderings of a :class:`~flask2quart.parity.model.ParityReport`.

* :func:`print_report`: the terminal summary (``rich``), what a developer reads first;
* :func:`report_to_json` / :func:`write_json`: the machine-readable report for CI and tools;
* :func:`render_html` / :func:`write_html`: one self-contained page showing both answers side by
  side with the differences highlighted.

All three redact secrets the same way (:mod:`.redact`). :func:`write_report` picks JSON or HTML
from the file name.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask2quart.parity.model import ParityReport
from flask2quart.parity.report.html import render_html, write_html
from flask2quart.parity.report.json_report import report_to_json, write_json
from flask2quart.parity.report.terminal import print_report

__all__ = [
    "print_report",
    "render_html",
    "report_to_json",
    "write_html",
    "write_json",
    "write_report",
]

_HTML_SUFFIXES = (".html", ".htm")


def write_report(report: ParityReport, path: str | os.PathLike[str]) -> None:
    """Write ``report`` as JSON (``.json``) or HTML (``.html``/``.htm``), chosen by ``path``'s suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        write_json(report, path)
    elif suffix in _HTML_SUFFIXES:
        write_html(report, path)
    else:
        raise ValueError(
            f"cannot tell the report format of {os.fspath(path)!r}: "
            "give a file name ending in .json or .html (or .htm)"
        )
