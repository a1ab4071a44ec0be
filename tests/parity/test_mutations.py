"""The acceptance check for parity: copies of the ported example, each with one deliberate
behaviour change, are caught and the change is named; a copy whose only change is in fields
that vary anyway (a timestamp, a request id) passes.

Every run uses what a user runs: ``--auto`` cases plus ``examples/parity/cases.yaml``.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from pathlib import Path

import pytest

from examples.parity.apps import EXAMPLES, load_pair
from flask2quart.parity import Category, ParityOptions, ParityReport, ParityRunner, load_cases
from flask2quart.parity.auto import generate_cases

PORTED = EXAMPLES / "quart_ported" / "linkbox"
LEGACY = EXAMPLES / "flask_legacy" / "linkbox"
CASES = EXAMPLES / "parity" / "cases.yaml"
_names = itertools.count()


def mutated_copy(tmp_path: Path, edits: list[tuple[str, str, str]]) -> Path:
    """A copy of the ported package with each (file, old, new) applied; ``old`` must occur once."""
    target = tmp_path / "linkbox"
    shutil.copytree(PORTED, target, ignore=shutil.ignore_patterns("__pycache__"))
    for file_name, old, new in edits:
        path = target / file_name
        source = path.read_text(encoding="utf-8")
        assert source.count(old) == 1, f"{old!r} must occur exactly once in {file_name}"
        path.write_text(source.replace(old, new), encoding="utf-8")
    return target


def parity_report(quart_folder: Path) -> ParityReport:
    flask_app, quart_app = load_pair(LEGACY, quart_folder, prefix=f"linkbox_mutant{next(_names)}")
    cases, _ = generate_cases(flask_app)
    case_file = load_cases(str(CASES))
    cases += case_file.cases
    # the case file's rules too, as `flask2quart parity --cases` applies them
    options = ParityOptions(rules=case_file.rules)

    async def run() -> ParityReport:
        async with ParityRunner.in_process(flask_app, quart_app, options) as runner:
            return await runner.run(cases)

    return asyncio.run(run())


def real_fields(report: ParityReport) -> dict[str, set[str]]:
    """case name -> the fields with real differences"""
    found: dict[str, set[str]] = {}
    for case in report.cases:
        fields = {d.field for d in case.differences if d.category is Category.REAL}
        if fields:
            found[case.case.name] = fields
    return found


def test_the_unchanged_port_passes(tmp_path: Path) -> None:
    report = parity_report(mutated_copy(tmp_path, []))
    assert report.passed, real_fields(report)
    assert len(report.cases) > 30
    assert not any(case.error for case in report.cases)


MUTATIONS = {
    "status code": (
        [("api.py", 'jsonify(link_to_dict(link)), 201, {"Location"', 'jsonify(link_to_dict(link)), 200, {"Location"')],
        {"status"},
        "create, change and delete a link through the API",
    ),
    "JSON value": (
        [("api.py", "count=len(links),", "count=len(links) + 1,")],
        {"body:$.count"},
        "logged in, the JSON API",
    ),
    "header": (
        [("links.py", "attachment; filename=links.csv", "attachment; filename=export.csv")],
        {"header:content-disposition"},
        "logged in, browse",
    ),
    "cookie attribute": (
        [("links.py", 'samesite="Lax"', 'samesite="Strict"')],
        {"cookie:theme;SameSite"},
        "theme cookie",
    ),
    "redirect target": (
        [("links.py", 'response = redirect(url_for("index"))', 'response = redirect(url_for("links.create"))')],
        {"header:location"},
        "theme cookie",
    ),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_a_behaviour_change_is_caught_and_named(tmp_path: Path, mutation: str) -> None:
    edits, expected, case_name = MUTATIONS[mutation]
    report = parity_report(mutated_copy(tmp_path, edits))
    assert not report.passed
    found = real_fields(report)
    assert case_name in found, found
    assert expected <= found[case_name]
    # precise: besides the named field, at most the redirect page's body line that quotes the target
    everything = set().union(*found.values())
    extra = {name for name in everything - expected if not name.startswith("body:line")}
    assert not extra, found


def test_changes_only_in_noisy_fields_pass(tmp_path: Path) -> None:
    quart_folder = mutated_copy(
        tmp_path,
        [
            # the port's clock is 90 s ahead and its request ids look different: both vary anyway
            ("api.py", "generated_at = datetime.now(timezone.utc).isoformat()",
             "generated_at = (datetime.now(timezone.utc) + timedelta(seconds=90)).isoformat()"),
            ("api.py", "from datetime import datetime, timezone", "from datetime import datetime, timedelta, timezone"),
            ("__init__.py", "uuid.uuid4().hex", "uuid.uuid4().hex.upper()"),
        ],
    )
    report = parity_report(quart_folder)
    assert report.passed, real_fields(report)
    noise = {name for fields in report.noise.values() for name in fields}
    assert {"body:$.generated_at", "header:x-request-id"} <= noise
    noisy = {d.field for case in report.cases for d in case.differences if d.category is Category.NOISE}
    assert {"body:$.generated_at", "header:x-request-id"} <= noisy


def test_rows_created_across_a_second_boundary_pass(tmp_path: Path) -> None:
    # SQLite's CURRENT_TIMESTAMP has one-second resolution: when a second boundary falls between
    # the Flask and the Quart request that create the same link, `created` is one second apart.
    # This used to fail the run now and then; here the port's clock is always one second ahead.
    quart_folder = mutated_copy(
        tmp_path,
        [
            ("api.py", '"created": link["created"].isoformat()',
             '"created": (link["created"] + timedelta(seconds=1)).isoformat()'),
            ("api.py", "from datetime import datetime, timezone", "from datetime import datetime, timedelta, timezone"),
        ],
    )
    report = parity_report(quart_folder)
    assert report.passed, real_fields(report)
    creating = next(case for case in report.cases if case.case.name == "create, change and delete a link through the API")
    assert not creating.differences or all(d.category is not Category.REAL for d in creating.differences)


def test_the_timestamp_comparator_still_catches_a_wrong_timestamp(tmp_path: Path) -> None:
    quart_folder = mutated_copy(
        tmp_path, [("api.py", '"created": link["created"].isoformat()', '"created": link["created"].replace(year=1999).isoformat()')]
    )
    report = parity_report(quart_folder)
    assert not report.passed
    everything = set().union(*real_fields(report).values())
    assert "body:$.created" in everything
    assert all(name.endswith(".created") for name in everything), everything
