from flask2quart.migrate.launch.invocation import (
    program_start,
    python_module,
    script_index,
    script_word,
)
from flask2quart.migrate.launch.shell import lex


def _start(line: str, shell: bool = True) -> tuple[str, list[str]]:
    [words] = lex(line)
    position, env = program_start(words, shell=shell)
    return words[position].value, sorted(env)


def test_the_program_is_found_past_assignments_and_wrappers() -> None:
    assert _start("PORT=80 exec gunicorn app:app") == ("gunicorn", ["PORT"])
    assert _start("env A=1 B=2 nohup poetry run gunicorn app:app") == ("gunicorn", ["A", "B"])
    assert _start("tini -- gosu app /venv/bin/gunicorn app:app") == ("/venv/bin/gunicorn", [])
    assert _start("if gunicorn app:app") == ("gunicorn", [])
    # without a shell (exec form) `A=1` and `if` are programs, not assignments or keywords
    assert _start("A=1 gunicorn", shell=False) == ("A=1", [])
    assert _start("if gunicorn", shell=False) == ("if", [])


def test_python_dash_m_skips_interpreter_options() -> None:
    [words] = lex("-u -W ignore -X dev -m gunicorn app:app")
    assert python_module(words) == 6
    [words] = lex("-c 'import gunicorn'")
    assert python_module(words) is None


def test_the_script_of_sh_dash_c() -> None:
    [words] = lex("""exec sh -ec 'gunicorn app:app' > log""")
    script = script_word(words)
    assert script is not None and script.value == "gunicorn app:app"
    [words] = lex("""sh -c "cd $DIR\\ x && gunicorn app:app" """)
    assert script_word(words) is None  # a backslash inside double quotes: not edited
    assert script_index(["/bin/bash", "-lc", "gunicorn app:app"]) == 2
    assert script_index(["bash", "run.sh"]) is None
