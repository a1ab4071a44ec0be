"""Prove that a Quart port answers like the Flask original: the same requests to both apps,
answers normalised and compared field by field, noise learned from the Flask app itself, known
framework differences reported on their own.

In Python::

    from flask2quart.parity import Case, ParityRequest, ParityRunner

    async with ParityRunner.in_process(flask_app, quart_app) as runner:
        report = await runner.run([Case("home", [ParityRequest.build("GET", "/")])])
    assert report.passed

From tests, the pytest plugin's ``parity`` fixture and :func:`assert_parity`; from the command
line, ``flask2quart parity``. See ``docs/parity.md``.
"""

from .cases import CaseFile, CaseFileError, load_cases
from .client import ParityClient, ParitySession, assert_parity
from .engine import ParityOptions, ParityRunner
from .explain import ParityMismatch
from .model import (
    Case,
    CaseResult,
    Category,
    Difference,
    ParityReport,
    ParityRequest,
    RecordedResponse,
    StepResult,
    Verdict,
)
from .rules import Rules

__all__ = [
    "Case",
    "CaseFile",
    "CaseFileError",
    "CaseResult",
    "Category",
    "Difference",
    "ParityClient",
    "ParityMismatch",
    "ParityOptions",
    "ParityReport",
    "ParityRequest",
    "ParityRunner",
    "ParitySession",
    "RecordedResponse",
    "Rules",
    "StepResult",
    "Verdict",
    "assert_parity",
    "load_cases",
]
