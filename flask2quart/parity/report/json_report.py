"""The parity report as JSON, for CI artefacts and other tools.

:func:`report_to_json` returns plain dicts and lists (``json.dumps`` takes them as they are):

* ``summary``: ``passed``, ``total``, ``counts`` (one entry per verdict), ``elapsed``, ``mode``,
  ``flask_label``, ``quart_label``, ``real_config_differences``;
* ``normalisations``: what was normalised before comparing, in words;
* ``notes``: what the run left out and why (unsafe methods under ``--auto``...);
* ``noise``: endpoint -> the fields that varied between two answers of the Flask app;
* ``config``: the config differences (``key``, ``flask``, ``quart``, ``category``, ``reason``);
* ``cases``: per case ``name``, ``source``, ``endpoint``, ``verdict``, ``error`` and ``steps``;
  a step has its ``request`` (``method``, ``target``, ``headers``, ``body_size``), the ``flask``
  and ``quart`` responses (``status``, ``headers``, ``body``, ``error``) and its
  ``differences`` (``field``, ``category``, ``reason``, ``flask``, ``quart``).

Headers are lists of ``[name, value]`` pairs (order and repeats kept). A body is
``{"encoding": "utf-8", "text": ...}`` when it is UTF-8 text, else
``{"encoding": "base64", "base64": ...}``, with ``size`` (bytes, before truncation) and
``truncated`` (bodies are cut at 64 KiB). Secrets are redacted (see :mod:`.redact`).
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask2quart.parity.model import (
    CaseResult,
    Category,
    ParityReport,
    RecordedResponse,
    StepResult,
)
from flask2quart.parity.report.common import (
    BODY_LIMIT,
    VERDICT_ORDER,
    body_base64,
    decode_body,
    json_safe,
)
from flask2quart.parity.report.redact import redacted_report

#: bump when the shape changes in a way readers must know about
SCHEMA = "flask2quart-parity/1"

__all__ = ["SCHEMA", "json_safe", "report_to_json", "write_json"]


def _body_json(body: bytes) -> dict[str, Any]:
    decoded = decode_body(body, BODY_LIMIT)
    result: dict[str, Any] = {"size": decoded.size, "truncated": decoded.truncated}
    if decoded.text is not None:
        result.update(encoding="utf-8", text=decoded.text)
    else:
        result.update(encoding="base64", base64=body_base64(body, BODY_LIMIT))
    return result


def _headers_json(headers: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[name, value] for name, value in headers]


def _response_json(response: RecordedResponse | None) -> dict[str, Any] | None:
    if response is None:
        return None
    return {
        "status": response.status,
        "headers": _headers_json(response.headers),
        "body": _body_json(response.body),
        "error": response.error,
    }


def _step_json(step: StepResult) -> dict[str, Any]:
    request = step.request
    differences = step.differences
    return {
        "verdict": step.verdict.value,
        "skipped": step.skipped,
        "request": {
            "method": request.method,
            "target": request.target,
            "headers": _headers_json(request.headers),
            "body_size": len(request.body),
        },
        "flask": _response_json(step.flask),
        "quart": _response_json(step.quart),
        "differences": [
            {
                "field": difference.field,
                "category": difference.category.value,
                "reason": difference.reason,
                "flask": json_safe(difference.flask),
                "quart": json_safe(difference.quart),
            }
            for difference in differences
        ],
    }


def _case_json(result: CaseResult) -> dict[str, Any]:
    return {
        "name": result.case.name,
        "source": result.case.source,
        "endpoint": result.case.endpoint,
        "verdict": result.verdict.value,
        "error": result.error,
        "steps": [_step_json(step) for step in result.steps],
    }


def report_to_json(report: ParityReport) -> dict[str, Any]:
    """The whole report as JSON-serialisable dicts and lists, secrets redacted."""
    report = redacted_report(report)  # every value below is drawn from the redacted copy
    config = report.config
    return {
        "schema": SCHEMA,
        "summary": {
            "passed": report.passed,
            "total": len(report.cases),
            "counts": {verdict.value: report.count(verdict) for verdict in VERDICT_ORDER},
            "real_config_differences": sum(1 for item in config if item.category is Category.REAL),
            "elapsed": round(report.elapsed, 3),
            "mode": report.mode,
            "flask_label": report.flask_label,
            "quart_label": report.quart_label,
        },
        "normalisations": list(report.normalisations),
        "notes": list(report.notes),
        "noise": {endpoint: list(fields) for endpoint, fields in report.noise.items()},
        "config": [
            {
                "key": item.key,
                "flask": json_safe(item.flask),
                "quart": json_safe(item.quart),
                "category": item.category.value,
                "reason": item.reason,
            }
            for item in config
        ],
        "cases": [_case_json(result) for result in report.cases],
    }


def write_json(report: ParityReport, path: str | os.PathLike[str]) -> None:
    """Write :func:`report_to_json` to ``path`` (UTF-8, indented, trailing newline)."""
    text = json.dumps(report_to_json(report), indent=2, ensure_ascii=False)
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(text + "\n")
