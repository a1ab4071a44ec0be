"""Benchmark: in-process ``flask2quart parity`` against the two frameworks' own test clients.

    python benchmarks/bench_parity.py [--rounds N] [--pairs N] [--quick] [--profile]

Target (from the issue): in-process parity of 2,000 request pairs against the linkbox example
(``examples/parity/apps.py``), with normalisation, diff and classification, is **no slower** than
simply sending the same 2,000 requests through ``flask_app.test_client()`` and, back to back,
Quart's ``quart_app.test_client()`` (inside ``async with quart_app.test_app()``, so the lifespan
runs), reading both bodies and comparing nothing: engine pairs/s / baseline pairs/s >= 1.0.

Workload: the cases ``flask2quart.parity.auto.generate_cases(flask_app)`` makes for linkbox (a
fixed list when that module is missing or fails), minus ``/api/quote`` (its view opens a socket to
an upstream that is not there and logs a warning: that measures ``requests``/``httpx``, not the
engine), interleaved with logged-in multi-step cases (``POST /auth/login``, then the HTML pages,
the JSON API, ``/export.csv``...), cycled until exactly ``--pairs`` steps (the last case cut short
if needed). Nothing creates rows, so every run sees the same database. Each case has its own
cookies: the engine keeps one cookie jar per case and side, the baseline one pair of test clients
per case.

Contenders, each one in a **fresh subprocess** per round (imports and caches favour nobody), the
order shuffled every round:

* ``baseline``: the test clients, as above;
* ``engine``: ``ParityRunner.in_process(flask_app, quart_app, ParityOptions())``, default options
  (noise calibration on), ``await runner.run(cases)``;
* ``engine-nocal``: the same with ``calibrate=False``, for reference; what calibration finds to be
  noise on linkbox (``header:x-request-id``, a ``uuid4`` set on every answer, and the timestamp
  ``body:$.generated_at`` of ``/api/links``) is ignored by rules instead, as a user would.

Only the loop over the pairs is timed (wall clock and ``time.process_time``): app import, database
seeding, case generation, lifespan start-up and one untimed warm-up pass of the distinct cases
through the contender's own path (a throwaway runner, or throwaway test clients) are not. Every
worker prints a digest of its request sequence and the script checks they are all the same. The
ratios are computed per round and their medians reported (the machine is shared and noisy).

Exit code 1 when the engine's parity report does not pass (the first differences are printed: a
benchmark of a failing comparison means nothing) or when nothing could be measured; otherwise 0,
whatever the ratio (it is a report, not a test). ``--profile`` also runs the engine once more under
cProfile and prints the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TARGET_RATIO = 1.0  # engine pairs/s / baseline pairs/s: at least
DEFAULT_ROUNDS = 5
DEFAULT_PAIRS = 2000
QUICK_ROUNDS = 2
QUICK_PAIRS = 150
DEFAULT_TIMEOUT = 600.0
MARKER = "BENCH_PARITY_RESULT "
#: one logged-in (multi-step) case after every this many generated cases
AUTO_PER_MULTI = 8
#: generated cases left out of the workload (see the module docstring)
EXCLUDED_PATHS = ("/api/quote",)
#: what calibration learns is noise on linkbox, ignored by rules in the calibrate=False variant
NOCAL_IGNORE = ("header:x-request-id", "body:$.generated_at")

CONTENDERS = {
    "baseline": "(a) test clients back to back",
    "engine": "(b) parity engine, default options",
    "engine-nocal": "(c) parity engine, calibrate=False",
}


# --- the workload (runs in the workers) -----------------------------------------------------------


def _login(password: str = "test") -> Any:
    from flask2quart.parity.model import ParityRequest

    return ParityRequest.build("POST", "/auth/login", form={"username": "test", "password": password})


def _multi_step_cases() -> list[Any]:
    """Logged-in traffic: log in, then act (nothing here creates, changes or deletes rows)."""
    from flask2quart.parity.model import Case
    from flask2quart.parity.model import ParityRequest as R

    get = R.build
    return [
        Case(
            "logged in, browse",
            [_login(), get("GET", "/"), get("GET", "/", query={"q": "python"}), get("GET", "/1/edit"),
             get("GET", "/3/edit"), get("GET", "/create"), get("GET", "/uploads"), get("GET", "/export.csv")],
        ),
        Case(
            "logged in, the JSON API",
            [_login(), get("GET", "/api/links"), get("GET", "/api/links", query={"tag": "FLASK"}),
             get("GET", "/api/links", query={"limit": "zero"}), get("GET", "/api/links/1"),
             get("GET", "/api/links/3"), get("GET", "/api/links/999999")],
        ),
        Case(
            "logged in, HEAD and OPTIONS",
            [_login(), get("HEAD", "/"), get("HEAD", "/api/links/1"), get("OPTIONS", "/api/links"),
             get("GET", "/ping"), get("GET", "/1/edit")],
        ),
        Case(
            "log in, then log out",
            [_login(), get("GET", "/"), get("GET", "/auth/logout"), get("GET", "/"), get("GET", "/create")],
        ),
        Case("wrong password", [_login("wrong")]),
        Case("theme cookie", [get("GET", "/theme/dark"), get("GET", "/auth/login"), get("GET", "/")]),
    ]


def _fixed_cases() -> list[Any]:
    """Used when ``parity.auto`` is missing or fails: every linkbox route, safe methods."""
    from flask2quart.parity.model import Case, ParityRequest

    paths = [
        "/", "/?q=python", "/?tag=flask", "/1/edit", "/999999/edit", "/api/links", "/api/links?limit=abc",
        "/api/links?limit=2", "/api/links/1", "/api/links/999999", "/auth/login", "/auth/login?next=/",
        "/auth/logout", "/auth/register", "/create", "/export.csv", "/ping", "/static/style.css",
        "/theme/sample", "/uploads", "/uploads/sample", "/uploads/sample/download", "/nothing-here",
    ]
    cases = []
    for method in ("GET", "HEAD", "OPTIONS"):
        for path in paths:
            request = ParityRequest.build(method, path)
            cases.append(Case(f"{method} {request.target}", [request]))
    return cases


def _generated_cases(flask_app: Any) -> tuple[list[Any], str]:
    try:
        from flask2quart.parity.auto import generate_cases

        cases, _notes = generate_cases(flask_app)
        if not cases:
            raise ValueError("no cases generated")
        source = f"parity.auto.generate_cases: {len(cases)} cases"
    except Exception as error:  # being written elsewhere: the benchmark must still run
        cases = _fixed_cases()
        source = f"fixed list of {len(cases)} cases (parity.auto unusable: {type(error).__name__}: {error})"
    kept = [case for case in cases if not any(step.path in EXCLUDED_PATHS for step in case.steps)]
    if len(kept) != len(cases):
        source += f", {len(cases) - len(kept)} left out ({', '.join(EXCLUDED_PATHS)})"
    return kept, source


def build_workload(flask_app: Any, pairs: int) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """(cases for the timed run, the distinct cases for the warm-up, a description)."""
    from flask2quart.parity.model import Case

    generated, source = _generated_cases(flask_app)
    multi = _multi_step_cases()
    cycle: list[Any] = []
    for index, case in enumerate(generated):
        cycle.append(case)
        if (index + 1) % AUTO_PER_MULTI == 0:
            cycle.append(multi[(index // AUTO_PER_MULTI) % len(multi)])
    missing = [case for case in multi if all(case is not seen for seen in cycle)]
    cycle.extend(missing)  # every logged-in case at least once per cycle
    cases: list[Any] = []
    total = 0
    while total < pairs:
        for case in cycle:
            if total >= pairs:
                break
            steps = list(case.steps[: pairs - total])
            cases.append(Case(f"{case.name} #{len(cases)}", steps, source="bench"))
            total += len(steps)
    digest = hashlib.sha256()
    for case in cases:
        digest.update(b"\x00case")
        for step in case.steps:
            digest.update(repr((step.method, step.path, step.query_string, step.headers, step.body)).encode())
    multi_names = {case.name for case in multi}
    logged = sum(len(case.steps) for case in cases if case.name.rsplit(" #", 1)[0] in multi_names)
    info = {
        "source": source,
        "cases": len(cases),
        "steps": total,
        "multi_step_steps": logged,
        "cycle": len(cycle),
        "safe_steps": sum(step.safe for case in cases for step in case.steps),
        "digest": digest.hexdigest()[:16],
    }
    distinct = [Case(f"warm-up {case.name}", list(case.steps), source="bench") for case in cycle]
    return cases, distinct, info


# --- the contenders (run in the workers) ----------------------------------------------------------


async def _baseline(flask_app: Any, quart_app: Any, cases: list[Any]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    async with quart_app.test_app():
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        for case in cases:
            flask_client = flask_app.test_client()  # cookies kept per client, as the engine per case
            quart_client = quart_app.test_client()
            for step in case.steps:
                headers = list(step.headers)
                data = step.body or None
                flask_response = flask_client.open(step.target, method=step.method, headers=headers, data=data)
                flask_response.get_data()
                flask_response.close()
                quart_response = await quart_client.open(step.target, method=step.method, headers=headers, data=data)
                await quart_response.get_data()
                statuses[f"{flask_response.status_code // 100}xx"] += 1
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "statuses": dict(sorted(statuses.items()))}


def _engine_options(kind: str) -> Any:
    from flask2quart.parity.engine import ParityOptions
    from flask2quart.parity.rules import Rules

    if kind == "engine":
        return ParityOptions()
    return ParityOptions(calibrate=False, rules=Rules.build(ignore=list(NOCAL_IGNORE)))


async def _engine(flask_app: Any, quart_app: Any, cases: list[Any], kind: str, profile: bool) -> dict[str, Any]:
    from flask2quart.parity.engine import ParityRunner
    from flask2quart.parity.model import Category, Verdict

    runner = ParityRunner.in_process(flask_app, quart_app, _engine_options(kind))
    await runner.start()
    profiler = None
    try:
        gc.collect()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        report = await runner.run(cases)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
    finally:
        await runner.close()
    statuses: Counter[str] = Counter()
    repeated = 0
    for case in report.cases:
        for step in case.steps:
            if step.flask is not None:
                statuses[f"{step.flask.status // 100}xx"] += 1
            repeated += step.flask_again is not None
    failing = []
    for case in report.cases:
        if case.verdict in (Verdict.DIFFERENT, Verdict.ERROR) and len(failing) < 5:
            real = [
                f"{d.field}: flask {d.flask!r:.80} / quart {d.quart!r:.80}"
                for step in case.steps
                for d in step.differences
                if d.category is Category.REAL
            ]
            failing.append({"case": case.case.name, "error": case.error, "real": real[:6]})
    result: dict[str, Any] = {
        "wall": wall,
        "cpu": cpu,
        "statuses": dict(sorted(statuses.items())),
        "passed": report.passed,
        "verdicts": {verdict.value: report.count(verdict) for verdict in Verdict if report.count(verdict)},
        "asked_twice": repeated,
        "noise": report.noise,
        "failing": failing,
    }
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        out.write("\n--- flask2quart/parity functions only, by cumulative time ---\n")
        stats.print_stats(r"flask2quart/parity", 40)
        out.write("\n--- by own time (tottime) ---\n")
        stats.sort_stats("tottime").print_stats(30)
        result["profile"] = out.getvalue()
    return result


async def _warm_up(kind: str, flask_app: Any, quart_app: Any, distinct: list[Any]) -> None:
    """One untimed pass of the distinct cases through the contender's own path (throwaway
    clients or a throwaway runner), so that templates, lazy imports and caches are warm."""
    if kind == "baseline":
        await _baseline(flask_app, quart_app, distinct)
        return
    from flask2quart.parity.engine import ParityRunner

    runner = ParityRunner.in_process(flask_app, quart_app, _engine_options(kind))
    async with runner:
        await runner.run(distinct)


def worker(kind: str, pairs: int, profile: bool) -> int:
    """One contender in this (fresh) process; prints one JSON result line."""
    import logging

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("LINKBOX_PARITY_PREFIX", "f2q_bench_parity")
    from examples.parity.apps import flask_app, quart_app

    instance = Path(flask_app.config["DATABASE"]).parent.parent  # the temporary folder of both apps
    try:
        logging.getLogger().setLevel(logging.ERROR)
        cases, distinct, info = build_workload(flask_app, pairs)

        async def main() -> dict[str, Any]:
            await _warm_up(kind, flask_app, quart_app, distinct)
            if kind == "baseline":
                return await _baseline(flask_app, quart_app, cases)
            return await _engine(flask_app, quart_app, cases, kind, profile)

        result = asyncio.run(main())
        result.update(info)
        result["kind"] = kind
        profile_text = result.pop("profile", None)
        print(MARKER + json.dumps(result), flush=True)
        if profile_text:
            print(profile_text)
    finally:
        if instance.name.startswith(os.environ["LINKBOX_PARITY_PREFIX"]):
            shutil.rmtree(instance, ignore_errors=True)
    return 0


# --- the driver -----------------------------------------------------------------------------------


def _run_worker(kind: str, pairs: int, timeout: float, profile: bool = False) -> tuple[dict[str, Any] | None, str]:
    """(result, problem or printed profile) of one contender in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # the same set/dict orders in every worker
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--pairs", str(pairs)]
    if profile:
        argv.append("--profile")
    try:
        proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    out = proc.stdout.decode("utf-8", "replace")
    for index, line in enumerate(out.splitlines()):
        if line.startswith(MARKER):
            rest = "\n".join(out.splitlines()[index + 1 :])
            return json.loads(line[len(MARKER) :]), rest
    tail = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no output)"])[-8:]
    return None, f"exit code {proc.returncode}: " + "\n      ".join(tail)


def _median(values: list[float | None]) -> float | None:
    clean = [v for v in values if v is not None]
    return statistics.median(clean) if clean else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def _rate(result: dict[str, Any] | None) -> float | None:
    return result["steps"] / result["wall"] if result and result["wall"] > 0 else None


def _cpu_ms(result: dict[str, Any] | None) -> float | None:
    return 1000 * result["cpu"] / result["steps"] if result and result["steps"] else None


def _ratio(num: float | None, den: float | None) -> float | None:
    return num / den if num is not None and den else None


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("flask2quart", "flask", "werkzeug", "quart", "hypothesis"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (missing)")
    return (
        f"python {platform.python_version()} ({sys.executable}), {', '.join(parts)}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )


def _print_failure(result: dict[str, Any]) -> None:
    print(f"\n*** ERROR: the engine's parity report did not pass (verdicts {result['verdicts']}): ***")
    for failing in result["failing"]:
        print(f"  {failing['case']}" + (f": error {failing['error']}" if failing["error"] else ""))
        for line in failing["real"]:
            print(f"      {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="in-process parity engine vs. the two test clients")
    parser.add_argument("--rounds", type=int, help=f"rounds (default {DEFAULT_ROUNDS}, --quick {QUICK_ROUNDS})")
    parser.add_argument("--pairs", type=int, help=f"request pairs per run (default {DEFAULT_PAIRS}, --quick {QUICK_PAIRS})")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer rounds and pairs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffled order (default 1)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per worker run")
    parser.add_argument("--profile", action="store_true", help="then profile one engine run with cProfile")
    parser.add_argument("--worker", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pairs = max(1, args.pairs or (QUICK_PAIRS if args.quick else DEFAULT_PAIRS))
    rounds = max(1, args.rounds or (QUICK_ROUNDS if args.quick else DEFAULT_ROUNDS))
    if args.worker:
        return worker(args.worker, pairs, args.profile)

    print(_versions())
    print(
        f"{pairs} request pairs per run, {rounds} rounds, each contender in a fresh subprocess per round, "
        f"order shuffled (seed {args.seed}); timed: the loop over the pairs only"
    )
    results: dict[str, list[dict[str, Any] | None]] = {kind: [] for kind in CONTENDERS}
    problems: list[str] = []
    rng = random.Random(args.seed)
    for index in range(rounds):
        order = list(CONTENDERS)
        rng.shuffle(order)
        for kind in order:
            result, problem = _run_worker(kind, pairs, args.timeout)
            if result is None:
                problems.append(f"round {index + 1}, {kind}: {problem}")
            results[kind].append(result)
        if index == 0:
            first = next((r for kind in CONTENDERS for r in results[kind][-1:] if r), None)
            if first is not None:
                print(
                    f"workload: {first['steps']} steps in {first['cases']} cases (cycle of {first['cycle']} "
                    f"distinct cases), {first['multi_step_steps']} of them in logged-in multi-step cases, "
                    f"{first['safe_steps']} safe; {first['source']}; digest {first['digest']}"
                )
        shown = ", ".join(f"{kind} {_fmt(_rate(results[kind][-1]), ',.0f')}" for kind in order)
        print(f"round {index + 1}/{rounds} (pairs/s, in run order): {shown}", flush=True)

    digests = {r["digest"] for runs in results.values() for r in runs if r}
    if len(digests) > 1:
        problems.append(f"the workers did not send the same requests (digests {sorted(digests)})")

    print()
    print(f"{'contender':<40} {'pairs/s':>8} {'min-max':>13} {'CPU ms/pair':>11} {'wall s':>7}  answers (Flask)")
    print("-" * 104)
    for kind, label in CONTENDERS.items():
        runs = results[kind]
        rates = [v for v in map(_rate, runs) if v is not None]
        span = f"{min(rates):,.0f}-{max(rates):,.0f}" if rates else "n/a"
        last = next((r for r in reversed(runs) if r), None)
        statuses = " ".join(f"{k} {v}" for k, v in last["statuses"].items()) if last else ""
        walls = [r["wall"] for r in runs if r]
        print(
            f"{label:<40} {_fmt(_median(rates), ',.0f'):>8} {span:>13} "
            f"{_fmt(_median([_cpu_ms(r) for r in runs]), '.3f'):>11} {_fmt(_median(walls), '.2f'):>7}  {statuses}"
        )
    print("(medians over the rounds; CPU = time.process_time of the worker during the timed loop)")

    engine_runs = [r for r in results["engine"] if r]
    for kind in ("engine", "engine-nocal"):
        last = next((r for r in reversed(results[kind]) if r), None)
        if last is not None:
            passed = all(r["passed"] for r in results[kind] if r)
            print(
                f"{kind} report: passed={passed}, verdicts {last['verdicts']}, Flask asked twice for "
                f"{last['asked_twice']} steps, noise learned: {last['noise'] or '-'}"
            )

    def per_round(num: str, den: str, measure: Any) -> list[float | None]:
        return [_ratio(measure(a), measure(b)) for a, b in zip(results[num], results[den], strict=True)]

    ratios = [
        ("engine / baseline (pairs/s)", per_round("engine", "baseline", _rate), TARGET_RATIO),
        ("engine calibrate=False / baseline (pairs/s)", per_round("engine-nocal", "baseline", _rate), None),
        ("baseline CPU/pair / engine CPU/pair", per_round("baseline", "engine", _cpu_ms), None),
    ]
    print()
    width = max(9, 6 * rounds)
    print(f"{'ratio (median of per-round ratios)':<44} {'median':>7}  {'per round':<{width}} {'target':>7}  result")
    print("-" * (70 + width))
    measured = False
    for label, values, target in ratios:
        med = _median(values)
        shown = " ".join(f"{v:>5.2f}" if v is not None else "    -" for v in values)
        verdict = ""
        if target is not None:
            verdict = "n/a" if med is None else ("PASS" if med >= target else "FAIL")
            measured = med is not None
        target_text = "" if target is None else f">= {target:g}"
        print(f"{label:<44} {_fmt(med):>7}  {shown:<{width}} {target_text:>7}  {verdict}")
    print("(higher is better for the engine; the target applies to the median of the first line)")

    for problem in problems:
        print(f"warning: {problem}")
    failed = next((r for r in engine_runs if not r["passed"]), None)
    if failed is not None:
        _print_failure(failed)
        return 1
    if not measured or len(digests) > 1:
        print("\n*** ERROR: nothing comparable was measured ***")
        return 1

    if args.profile:
        print("\n=== cProfile of one engine run (default options), the timed loop only ===")
        result, text = _run_worker("engine", pairs, args.timeout, profile=True)
        print(text if result is not None else f"profile run failed: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
