"""The differential oracle (``benchmarks/oracle.py``): generated Flask apps, rewritten, run on Quart.

The generator is deterministic and every feature variant builds code that compiles; a sample of
15 apps (every variant of the vocabulary) passes on Flask and, after the rewrite, every ported failure has a finding in a function of
its traceback (no silent failure outside the classes the oracle lists as known, each with the
rule that owns it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import oracle  # benchmarks/ is not a package
finally:
    sys.path.remove(str(ROOT / "benchmarks"))

#: Fixed seeds of the CI sample: together they use every variant of every feature (92 instances).
SAMPLE = (5, 6, 29, 30, 35, 75, 115, 141, 176, 187, 194, 226, 229, 391, 627)


def test_generation_is_deterministic_and_compiles() -> None:
    first, again = oracle.generate(7), oracle.generate(7)
    assert first == again
    assert first != oracle.generate(8)
    assert "app0007/views.py" in first and "tests_app0007/test_views.py" in first
    for rel, text in first.items():
        compile(text, rel, "exec")


@pytest.mark.parametrize("feature", sorted(oracle.FEATURES))
def test_every_variant_builds(feature: str) -> None:
    function, variants = oracle.FEATURES[feature]
    for variant in variants:
        builder = oracle.Builder(1, oracle.random.Random(f"{feature}:{variant}"))
        function(builder, variant)
        assert builder.tests and all(t.key == f"{feature}.{variant}" for t in builder.tests)
        files = oracle.render(builder)  # compiles every file
        bodies = [files[f"app0001/{level}.py"].split(oracle.HEADER, 1)[1] for level in oracle.LEVELS]
        assert any(("def " in body or "class " in body) for body in bodies)


def test_a_reduced_app_keeps_the_instances_as_they_were() -> None:
    seed = 13
    whole = oracle.generate(seed)
    picks = oracle.picks(seed)
    for i in range(len(picks)):
        alone = oracle.generate(seed, {i})
        for rel in ("app0013/views.py", "app0013/models.py", "app0013/helpers.py"):
            for block in alone[rel].split("\n\n\n")[1:]:
                assert block.strip() in whole[rel]


def test_test_names_carry_class_and_style() -> None:
    assert oracle.test_class("tests_app0001/test_views.py::test_generator_yield_from__fixture_3") == ("generator.yield_from", "fixture")
    nodeid = "tests_app0001/test_case.py::App0001Tests::test_view_input_args__unittest_support_data_0"
    assert oracle.test_class(nodeid) == ("view_input.args", "unittest_support_data")
    assert oracle.silent_class(nodeid) == oracle.SEND_DATA


def test_the_sample_has_no_silent_failure(tmp_path: Path) -> None:
    files: dict[str, str] = {}
    for seed in SAMPLE:
        files.update(oracle.generate(seed))
    covered = {".".join(pick) for seed in SAMPLE for pick in oracle.picks(seed)}
    assert covered == {f"{feature}.{variant}" for feature, (_, variants) in oracle.FEATURES.items() for variant in variants}
    result = oracle.run_files(files, tmp_path)
    assert result["tests"] > 50
    assert result["flask_failed"] == []
    unknown = sorted({oracle.silent_class(n) for n in result["silent"]} - set(oracle.KNOWN_SILENT))
    assert unknown == [], [n for n in result["silent"] if oracle.silent_class(n) in unknown]
