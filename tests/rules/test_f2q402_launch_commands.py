import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from flask2quart.cli import main
from flask2quart.findings import Finding, Severity
from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes
from flask2quart.migrate.rules.f2q402_launch_commands import lex
from tests.helpers import FLASK_APP, run_rewrite

FACTORY_APP = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def _port(files: dict[str, str], source: str = FLASK_APP) -> tuple[dict[str, str], list[Finding]]:
    """Rewrite a project (app.py plus ``files``); its files and the F2Q402 findings."""
    _, findings, texts = run_rewrite(source, files=files)
    return texts, [f for f in findings if f.code == "F2Q402"]


def _severities(findings: list[Finding]) -> list[Severity]:
    return [f.severity for f in findings]


# --- gunicorn -------------------------------------------------------------------------------------


def test_procfile_gunicorn_gets_the_port_and_workers_gunicorn_read_from_the_platform() -> None:
    texts, findings = _port({"Procfile": "web: gunicorn app:app\nworker: python worker.py\n"})
    assert texts["Procfile"] == (
        "web: hypercorn app:app --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-1}\nworker: "
        "python worker.py\n"
    )
    assert _severities(findings) == [Severity.INFO] * 3


def test_shared_options_keep_their_spelling_and_the_others_are_dropped_and_said() -> None:
    texts, findings = _port(
        {
            "Procfile": "web: gunicorn -w 3 --bind=0.0.0.0:$PORT -k gthread --threads 8 --timeout 0 "
            "--access-logfile - --error-logfile=- --log-level info --graceful-timeout 20 "
            "--keep-alive 5 "
            "--max-requests 1000 --root-path /api --reload app:app\n"
        }
    )
    assert texts["Procfile"] == (
        "web: hypercorn -w 3 --bind=0.0.0.0:$PORT --access-logfile - --error-logfile=- "
        "--log-level info "
        "--graceful-timeout 20 --keep-alive 5 --max-requests 1000 --root-path /api --reload "
        "app:app\n"
    )
    assert (
        _severities(findings) == [Severity.INFO] * 4
    )  # translated; -k gthread, --threads, --timeout 0


@pytest.mark.parametrize(
    ("option", "why"),
    [
        ("-k gevent", "monkey-patching"),
        ("--timeout 30", "worker timeout"),
        ("--preload", "once per worker"),
        ("--forwarded-allow-ips=*", "ProxyFixMiddleware"),
        ("--max-requests-jitter 50", "jitter"),
    ],
)
def test_dropping_what_changes_behaviour_is_a_warning(option: str, why: str) -> None:
    texts, findings = _port({"Procfile": f"web: gunicorn -w 4 -b 0.0.0.0:$PORT {option} app:app\n"})
    assert texts["Procfile"] == "web: hypercorn -w 4 -b 0.0.0.0:$PORT app:app\n"
    warnings = [f for f in findings if f.severity == Severity.WARNING]
    assert len(warnings) == 1 and why in warnings[0].message


def test_preload_with_one_worker_changes_nothing() -> None:
    _, findings = _port({"Procfile": "web: gunicorn -w 1 -b 0.0.0.0:$PORT --preload app:app\n"})
    assert _severities(findings) == [Severity.INFO, Severity.INFO]


def test_app_argument_forms() -> None:
    texts, _ = _port(
        {
            "run.sh": "gunicorn -b :5000 wsgi\ngunicorn -b :5000 'app:create_app()'\n"
            "gunicorn -b :5000 \"app:create_app('prod')\"\ngunicorn -b tcp://0.0.0.0:80 app:app\n",
            "wsgi.py": "from app import create_app\n\napplication = create_app()\n",
        },
        source=FACTORY_APP,
    )
    # gunicorn's default object is `application`; Hypercorn evaluates a factory call itself
    assert texts["run.sh"] == (
        "hypercorn -b :5000 wsgi:application\nhypercorn -b :5000 'app:create_app()'\n"
        "hypercorn -b :5000 \"app:create_app('prod')\"\nhypercorn -b 0.0.0.0:80 app:app\n"
    )


def test_the_rest_of_a_script_is_kept_byte_for_byte() -> None:
    script = (
        "#!/bin/sh\n"
        "set -e  # stop on errors\n"
        'echo "gunicorn starting"; flask db upgrade\n'
        'if [ -n "$DEBUG" ]; then\n'
        "  exec env PYTHONUNBUFFERED=1 poetry run python -m gunicorn --workers=2 -b 0.0.0.0:8000 "
        "app:app  # web\n"
        "fi\n"
        "exec gunicorn -b :8000 --access-logfile - app:app >> /var/log/app.log 2>&1 &\n"
        "cat <<EOF\ngunicorn -b x app:app\nEOF\n"
    )
    texts, findings = _port({"boot.sh": script})
    assert texts["boot.sh"] == script.replace(
        "python -m gunicorn --workers=2", "python -m hypercorn --workers=2"
    ).replace("exec gunicorn -b :8000", "exec hypercorn -b :8000")
    assert [(f.line, f.severity) for f in findings if f.severity != Severity.INFO] == [
        (3, Severity.WARNING)
    ]


def test_scripts_under_bin_need_a_shell_shebang() -> None:
    texts, _ = _port(
        {
            "bin/web": "#!/usr/bin/env bash\nexec gunicorn -b 0.0.0.0:8000 app:app\n",
            "bin/notes": "gunicorn -b 0.0.0.0:8000 app:app\n",
            "scripts/run.py": "import os\n\nos.system('gunicorn app:app')\n",
        }
    )
    assert texts["bin/web"] == "#!/usr/bin/env bash\nexec hypercorn -b 0.0.0.0:8000 app:app\n"
    assert texts["bin/notes"] == "gunicorn -b 0.0.0.0:8000 app:app\n"
    assert texts["scripts/run.py"] == "import os\n\nos.system('gunicorn app:app')\n"


def test_a_variable_the_script_exports_is_the_bind_gunicorn_read() -> None:
    texts, _ = _port({"start.sh": "export PORT=9000\ngunicorn app:app\n"})
    assert texts["start.sh"] == "export PORT=9000\nhypercorn app:app --bind 0.0.0.0:$PORT\n"


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("gunicorn -c gunicorn.conf.py app:app", "gunicorn.conf.py"),
        ("gunicorn --chdir src app:app", "--chdir"),
        ("gunicorn --pythonpath src app:app", "--pythonpath"),
        ("gunicorn -D app:app", "detaches"),
        ("gunicorn --frobnicate app:app", "not understood"),
        ("gunicorn -b 0.0.0.0:8000", "without an app"),
        ("GUNICORN_CMD_ARGS='--workers 3' gunicorn app:app", "GUNICORN_CMD_ARGS"),
        ("gunicorn -u www-data app:app", "decimal"),
        ("gunicorn $APP_MODULE", "run time"),
    ],
)
def test_what_cannot_be_translated_is_left_and_is_an_error(command: str, why: str) -> None:
    procfile = f"web: {command}\n"
    texts, findings = _port({"Procfile": procfile, "requirements.txt": "flask\ngunicorn\n"})
    assert texts["Procfile"] == procfile
    assert [(f.severity, why in f.message) for f in findings] == [(Severity.ERROR, True)]
    assert texts["requirements.txt"].endswith("gunicorn\n")  # still started by gunicorn


def test_a_gunicorn_conf_py_in_the_project_is_read_by_gunicorn_so_nothing_is_translated() -> None:
    procfile = "web: gunicorn app:app\n"
    texts, findings = _port({"Procfile": procfile, "gunicorn.conf.py": "workers = 3\n"})
    assert texts["Procfile"] == procfile
    assert _severities(findings) == [Severity.ERROR]


def test_gunicorn_serving_another_framework_is_not_ours() -> None:
    django_wsgi = "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
    texts, findings = _port(
        {
            "Procfile": "web: gunicorn -w 2 -b 0.0.0.0:$PORT app:app\nadmin: gunicorn -c django.conf.py site_wsgi\n",
            "site_wsgi.py": django_wsgi,
            "requirements.txt": "flask\ngunicorn\n",
        }
    )
    assert (
        texts["Procfile"]
        == "web: hypercorn -w 2 -b 0.0.0.0:$PORT app:app\nadmin: gunicorn -c django.conf.py site_wsgi\n"
    )
    assert len(findings) == 1  # the translation; nothing about the Django service's config file
    assert texts["requirements.txt"] == "quart>=0.22,!=0.23.0\ngunicorn\nhypercorn>=0.17\n"


def test_no_flask_in_the_project_means_no_launch_edits() -> None:
    procfile = "web: gunicorn app:app\n"
    _, findings, texts = run_rewrite("print('hello')\n", files={"Procfile": procfile})
    assert texts["Procfile"] == procfile and findings == []


# --- flask run ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("flask run", "hypercorn app:app --bind 127.0.0.1:5000"),
        (
            "flask --app app run --host 0.0.0.0 --port $PORT",
            "hypercorn app:app --bind 0.0.0.0:$PORT",
        ),
        (
            "FLASK_APP=app flask run -h 0.0.0.0 -p 8000",
            "FLASK_APP=app hypercorn app:app --bind 0.0.0.0:8000",
        ),
        (
            "python3 -m flask --app app.py run --port=8080",
            "python3 -m hypercorn app:app --bind 127.0.0.1:8080",
        ),
        ("flask --app app --debug run", "hypercorn app:app --bind 127.0.0.1:5000 --reload"),
        (
            "flask --app app run --reload --with-threads",
            "hypercorn app:app --bind 127.0.0.1:5000 --reload",
        ),
        ("flask run --host=:: --port 5001", "hypercorn app:app --bind '[::]:5001'"),
        (
            "flask run --cert cert.pem --key key.pem",
            "hypercorn app:app --bind 127.0.0.1:5000 --certfile cert.pem --keyfile key.pem",
        ),
        ('flask run --port "$PORT"', 'hypercorn app:app --bind 127.0.0.1:"$PORT"'),
    ],
)
def test_flask_run_becomes_hypercorn_bound_where_flask_bound(command: str, expected: str) -> None:
    texts, findings = _port({"Procfile": f"web: {command}  # dev\n"})
    assert texts["Procfile"] == f"web: {expected}  # dev\n"
    assert findings[0].severity == Severity.INFO


def test_flask_run_debug_is_said() -> None:
    _, findings = _port({"Procfile": "web: flask run --debug\n"})
    assert [f.severity for f in findings] == [Severity.INFO, Severity.WARNING]
    assert "debug" in findings[1].message


def test_the_app_is_found_as_flask_finds_it() -> None:
    texts, _ = _port(
        {
            "Procfile": "a: flask --app factory run\nb: flask --app factory:create_app run\n"
            "c: flask --app src/pkg/web.py run\nd: flask --app one run\n",
            "factory.py": FACTORY_APP,
            "src/pkg/__init__.py": "",
            "src/pkg/web.py": "from flask import Flask\n\napplication = Flask(__name__)\n",
            "one.py": "from flask import Flask\n\nmy_app = Flask(__name__)\n",
        }
    )
    assert texts["Procfile"] == (
        "a: hypercorn 'factory:create_app()' --bind 127.0.0.1:5000\n"
        "b: hypercorn 'factory:create_app()' --bind 127.0.0.1:5000\n"
        "c: hypercorn src/pkg.web:application --bind 127.0.0.1:5000\n"
        "d: hypercorn one:my_app --bind 127.0.0.1:5000\n"
    )


def test_flaskenv_and_env_give_the_app_and_the_bind() -> None:
    texts, findings = _port(
        {
            "Procfile": "web: flask run\n",
            ".flaskenv": "FLASK_APP=factory\nFLASK_RUN_PORT=8000\nFLASK_DEBUG=1\n",
            ".env": "FLASK_RUN_PORT=9000\nSECRET_KEY=s3cret\n",
            "factory.py": FACTORY_APP,
        }
    )
    # .env wins over .flaskenv (Flask's load_dotenv); FLASK_DEBUG turned the reloader on
    assert (
        texts["Procfile"]
        == "web: hypercorn 'factory:create_app()' --bind 127.0.0.1:9000 --reload\n"
    )
    assert any("SECRET_KEY" in f.message and f.severity == Severity.WARNING for f in findings)


def test_an_unknown_app_leaves_the_line() -> None:
    procfile = "web: flask run\n"
    texts, findings = _port(
        {"Procfile": procfile}, source=FLASK_APP.replace("app =", "api =") + "x = 1\n"
    )
    # app.py exists (Flask's default) and holds exactly one Flask instance: found
    assert texts["Procfile"] == "web: hypercorn app:api --bind 127.0.0.1:5000\n"
    _, findings, texts = run_rewrite(FLASK_APP, path="service.py", files={"Procfile": procfile})
    assert texts["Procfile"] == procfile
    assert [f.severity for f in findings if f.code == "F2Q402"] == [Severity.ERROR]


def test_flask_run_options_that_cannot_be_translated() -> None:
    procfile = "a: flask run --cert adhoc\nb: flask --app $APP run\nc: flask run --frob\n"
    texts, findings = _port({"Procfile": procfile})
    assert texts["Procfile"] == procfile
    assert _severities(findings) == [Severity.ERROR] * 3


# --- Dockerfile -----------------------------------------------------------------------------------


def test_dockerfile_shell_and_exec_forms() -> None:
    dockerfile = (
        "FROM python:3.12-slim AS base\n"
        "ENV PORT=8080\n"
        "RUN pip install -r requirements.txt\n"
        "FROM base\n"
        "# start the app\n"
        "CMD exec gunicorn \\\n"
        "    # the workers\n"
        "    --workers 2 \\\n"
        "    --threads 4 \\\n"
        "    app:app\n"
    )
    texts, findings = _port(
        {
            "Dockerfile": dockerfile,
            "Dockerfile.dev": 'FROM x\nCMD ["flask", "run", "--host=0.0.0.0"]\n',
        }
    )
    # ENV PORT is inherited from the base stage: gunicorn bound 0.0.0.0:$PORT
    assert texts["Dockerfile"] == dockerfile.replace("exec gunicorn", "exec hypercorn").replace(
        "    --threads 4 \\\n    app:app\n", "    app:app --bind 0.0.0.0:$PORT\n"
    )
    assert (
        texts["Dockerfile.dev"]
        == 'FROM x\nCMD ["hypercorn", "app:app", "--bind", "0.0.0.0:5000"]\n'
    )
    assert all(f.line in (6, 2) for f in findings)


def test_dockerfile_exec_form_with_a_shell_script_and_a_literal_port() -> None:
    dockerfile = (
        'FROM x\nENV PORT 8000\nENTRYPOINT ["/bin/sh", "-c", "flask db upgrade && exec gunicorn app:app"]\n'
        'CMD ["python", "-m", "gunicorn", "app:app"]\n'
    )
    texts, findings = _port({"deploy/web.Dockerfile": dockerfile})
    assert texts["deploy/web.Dockerfile"] == (
        "FROM x\nENV PORT 8000\n"
        'ENTRYPOINT ["/bin/sh", "-c", "flask db upgrade && exec hypercorn app:app --bind 0.0.0.0:$PORT"]\n'
        'CMD ["python", "-m", "hypercorn", "app:app", "--bind", "0.0.0.0:8000"]\n'
    )
    assert any(f.severity == Severity.WARNING and "flask db" in f.message for f in findings)


def test_every_env_of_the_final_stage_applies_to_cmd_but_not_a_builders() -> None:
    dockerfile = (
        "FROM python AS build\nENV PORT=1\nRUN gunicorn --check-config app:app\n"
        "FROM python\nCMD gunicorn app:app\nENV PORT=8080\n"
    )
    texts, _ = _port({"Dockerfile": dockerfile})
    assert texts["Dockerfile"] == dockerfile.replace(
        "CMD gunicorn app:app", "CMD hypercorn app:app --bind 0.0.0.0:$PORT"
    )
    texts, _ = _port(
        {"Dockerfile": "FROM python AS build\nENV PORT=1\nFROM python\nCMD gunicorn app:app\n"}
    )
    assert texts["Dockerfile"].endswith("CMD hypercorn app:app\n")


def test_dockerfile_without_port_keeps_gunicorns_default_and_warns() -> None:
    texts, findings = _port({"Dockerfile": 'FROM x\nCMD ["gunicorn", "app:app"]\n'})
    assert texts["Dockerfile"] == 'FROM x\nCMD ["hypercorn", "app:app"]\n'
    assert _severities(findings) == [Severity.INFO, Severity.WARNING]


def test_dockerfile_heredoc_and_other_instructions_are_not_touched() -> None:
    dockerfile = 'FROM x\nRUN <<EOF\ngunicorn app:app\nEOF\nLABEL note="gunicorn app:app"\n'
    texts, findings = _port({"Dockerfile": dockerfile})
    assert texts["Dockerfile"] == dockerfile and findings == []


# --- compose --------------------------------------------------------------------------------------

COMPOSE = """\
services:
  web:
    build: .
    command: gunicorn -w 2 -b 0.0.0.0:8000 app:app  # production
    environment:
      - SECRET_KEY=x
  dev:
    build: .
    environment:
      FLASK_DEBUG: "1"
      FLASK_RUN_PORT: 5001
    command:
      - flask
      - run
      - --host
      - 0.0.0.0
  flow:
    image: app
    command: ["python", "-m", "gunicorn", "--preload", "-b", "0.0.0.0:8000", "app:app"]
  folded:
    image: app
    command: >
      sh -c "flask db upgrade &&
             gunicorn -b 0.0.0.0:8000 app:app"
  db:
    image: postgres
"""


def test_compose_commands_in_every_form() -> None:
    texts, findings = _port({"docker-compose.yml": COMPOSE})
    after = texts["docker-compose.yml"]
    assert after.startswith(COMPOSE.split("  web:")[0])
    data = yaml.safe_load(after)
    services = data["services"]
    assert services["web"]["command"] == "hypercorn -w 2 -b 0.0.0.0:8000 app:app"
    assert "# production" in after
    assert services["dev"]["command"] == [
        "hypercorn",
        "app:app",
        "--bind",
        "0.0.0.0:5001",
        "--reload",
    ]
    assert services["flow"]["command"] == [
        "python",
        "-m",
        "hypercorn",
        "-b",
        "0.0.0.0:8000",
        "app:app",
    ]
    assert services["folded"]["command"].split() == [
        "sh",
        "-c",
        '"flask',
        "db",
        "upgrade",
        "&&",
        "hypercorn",
        "-b",
        "0.0.0.0:8000",
        'app:app"',
    ]
    original = yaml.safe_load(COMPOSE)
    for name in ("web", "dev", "flow", "folded"):
        del services[name]["command"], original["services"][name]["command"]
    assert data == original
    assert {f.line for f in findings} == {4, 13, 19, 22}


def test_an_unparseable_compose_file_is_reported_and_left() -> None:
    compose = "services:\n  web:\n    command: gunicorn app:app\n  bad: [unclosed\n"
    texts, findings = _port({"compose.yaml": compose})
    assert texts["compose.yaml"] == compose
    assert _severities(findings) == [Severity.ERROR]
    assert "parse" in findings[0].message


def test_compose_port_from_the_environment_is_used_literally() -> None:
    compose = "services:\n  web:\n    environment:\n      PORT: '9000'\n    command: ['gunicorn', 'app:app']\n"
    texts, _ = _port({"compose.yaml": compose})
    assert yaml.safe_load(texts["compose.yaml"])["services"]["web"]["command"] == [
        "hypercorn",
        "app:app",
        "--bind",
        "0.0.0.0:9000",
    ]


# --- the rewrite's modes --------------------------------------------------------------------------


def _project(root: Path) -> None:
    (root / "app.py").write_text(FLASK_APP)
    (root / "Procfile").write_text("web: gunicorn -w 2 app:app  # heroku\n")


def test_diff_shows_the_procfile_change_and_writes_nothing(tmp_path: Path) -> None:
    _project(tmp_path)
    result = rewrite([tmp_path], RewriteOptions(mode=Mode.DIFF, enabled=select_codes()))
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -w 2 app:app  # heroku\n"
    procfile = os.path.relpath(tmp_path / "Procfile")
    assert (
        f"--- {procfile}\n+++ {procfile}\n@@ -1 +1 @@\n-web: gunicorn -w 2 app:app  # heroku\n"
        "+web: hypercorn -w 2 app:app --bind 0.0.0.0:$PORT  # heroku\n"
    ) in result.diff


def test_check_exits_1_and_a_second_run_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app.py").write_text(
        "from quart import Quart\n\napp = Quart(__name__)\n"
    )  # already ported
    (tmp_path / "Procfile").write_text("web: gunicorn -w 2 app:app\n")
    assert main(["rewrite", "--check", "--quiet", str(tmp_path)]) == 1
    assert (tmp_path / "Procfile").read_text() == "web: gunicorn -w 2 app:app\n"
    assert main(["rewrite", "--quiet", str(tmp_path)]) == 0
    assert (
        tmp_path / "Procfile"
    ).read_text() == "web: hypercorn -w 2 app:app --bind 0.0.0.0:$PORT\n"
    assert main(["rewrite", "--check", "--quiet", str(tmp_path)]) == 0
    capsys.readouterr()


def test_out_writes_the_new_tree_and_leaves_the_project(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _project(project)
    out = tmp_path / "out"
    rewrite([project], RewriteOptions(mode=Mode.WRITE, out=out, enabled=select_codes()))
    assert (project / "Procfile").read_text() == "web: gunicorn -w 2 app:app  # heroku\n"
    assert (
        out / "Procfile"
    ).read_text() == "web: hypercorn -w 2 app:app --bind 0.0.0.0:$PORT  # heroku\n"


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FLASK_APP)
    (tmp_path / "Procfile").write_bytes(b"web: gunicorn -w 2 app:app\r\nworker: python w.py\r\n")
    (tmp_path / "Dockerfile").write_bytes(
        b"FROM x\r\nCMD gunicorn \\\r\n    --threads 2 \\\r\n    app:app\r\n"
    )
    rewrite([tmp_path], RewriteOptions(mode=Mode.WRITE, enabled=select_codes()))
    assert (
        tmp_path / "Procfile"
    ).read_bytes() == b"web: hypercorn -w 2 app:app --bind 0.0.0.0:$PORT\r\nworker: python w.py\r\n"
    assert (
        tmp_path / "Dockerfile"
    ).read_bytes() == b"FROM x\r\nCMD hypercorn \\\r\n    app:app\r\n"


def test_not_selected_means_untouched() -> None:
    _, findings, texts = run_rewrite(
        FLASK_APP, files={"Procfile": "web: gunicorn app:app\n"}, select=("F2Q1", "F2Q401")
    )
    assert texts["Procfile"] == "web: gunicorn app:app\n"
    assert not [f for f in findings if f.code == "F2Q402"]


# --- what Hypercorn makes of the translations -----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "gunicorn -w 3 -b 0.0.0.0:8000 --access-logfile - --error-logfile err.log "
            "--graceful-timeout 20 "
            "--keep-alive 7 --max-requests 100 --root-path /api --log-config-json log.json "
            "--reload app:app",
            {
                "bind": ["0.0.0.0:8000"],
                "workers": 3,
                "accesslog": "-",
                "errorlog": "err.log",
                "graceful_timeout": 20,
                "keep_alive_timeout": 7,
                "max_requests": 100,
                "root_path": "/api",
                "logconfig": "json:log.json",
                "use_reloader": True,
                "application_path": "app:app",
            },
        ),
        (
            "gunicorn -b '[::1]' -b tcp://127.0.0.1:9000 wsgi",
            {"bind": ["[::1]:8000", "127.0.0.1:9000"], "application_path": "wsgi:application"},
        ),
        (
            "flask --app app run",
            {"bind": ["127.0.0.1:5000"], "use_reloader": False, "application_path": "app:app"},
        ),
        (
            "flask --app app --debug run -h 0.0.0.0 -p 8001 --cert c.pem --key k.pem",
            {
                "bind": ["0.0.0.0:8001"],
                "use_reloader": True,
                "certfile": "c.pem",
                "keyfile": "k.pem",
            },
        ),
    ],
)
def test_hypercorn_parses_the_translation_to_the_same_settings(
    command: str, expected: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    import hypercorn.__main__ as hypercorn_main

    texts, _ = _port({"run.sh": command + "\n"})
    argv = shlex.split(texts["run.sh"])
    assert argv[0] == "hypercorn"
    seen = []
    monkeypatch.setattr(hypercorn_main, "run", lambda config: seen.append(config) or 0)
    assert hypercorn_main.main(argv[1:]) == 0
    config = seen[0]
    assert {key: getattr(config, key) for key in expected} == expected


# --- the shell lexer ------------------------------------------------------------------------------


def test_lexer_words_quotes_operators_and_redirections() -> None:
    text = "A=1 exec gunicorn -b \"0.0.0.0:$PORT\" 'app:create_app()' > log 2>&1 && echo ok # done\nnext"
    commands = lex(text)
    assert [[w.value for w in c if not w.redirect] for c in commands] == [
        ["A=1", "exec", "gunicorn", "-b", "0.0.0.0:$PORT", "app:create_app()"],
        ["echo", "ok"],
        ["next"],
    ]
    first = commands[0]
    assert [w.literal for w in first if not w.redirect] == [True, True, True, True, False, True]
    assert [w.raw for w in first if w.redirect] == [">", "log", "2>&", "1"]
    assert all(text[w.start : w.end] == w.raw for c in commands for w in c)


# --- end to end: the rewritten Procfile starts the rewritten app ----------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [
        "gunicorn -w 1 --threads 4 --timeout 0 -b 127.0.0.1:$PORT app:app",
        "flask --app app run --port $PORT",
    ],
)
def test_the_rewritten_procfile_command_serves_the_rewritten_app(
    tmp_path: Path, command: str
) -> None:
    app = FLASK_APP + '\n\n@app.route("/")\ndef index():\n    return "hello from quart"\n'
    (tmp_path / "app.py").write_text(app)
    (tmp_path / "Procfile").write_text(f"web: {command}\n")
    result = rewrite([tmp_path], RewriteOptions(mode=Mode.WRITE, enabled=select_codes()))
    assert not result.failed
    web = (tmp_path / "Procfile").read_text().split(":", 1)[1].strip()
    assert web.startswith(("hypercorn ", "python -m hypercorn "))
    port = _free_port()
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PORT": str(port),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
    }
    # as a Procfile runner does: a shell runs the line (exec: the server is the process we stop)
    server = subprocess.Popen(
        ["/bin/sh", "-c", f"exec {web}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.1)
        assert body == "hello from quart", (
            server.stdout.read().decode() if server.poll() is not None else body
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()


# --- console scripts ------------------------------------------------------------------------------

TOOL = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "index"


def main():
    print(app.name)
"""


def test_console_scripts_whose_function_became_async_are_reported_on_their_line() -> None:
    # a view is async whatever names it: a script running it would only make a coroutine
    pyproject = (
        '[project]\nname = "tool"\nversion = "1"\n\n[project.scripts]\n'
        'tool-main = "app:main"\ntool = "app:index"\n'
    )
    setup_cfg = "[metadata]\nname = tool\n\n[options.entry_points]\nconsole_scripts =\n    tool-index = app:index\n"
    _, findings = _port({"pyproject.toml": pyproject, "setup.cfg": setup_cfg}, source=TOOL)
    located = sorted((Path(f.path).name, f.line, f.severity) for f in findings)
    assert located == [("pyproject.toml", 7, Severity.ERROR), ("setup.cfg", 6, Severity.ERROR)]
    assert all("`app:index`, which became async" in f.message and "asyncio.run(main())" in f.message for f in findings)


def test_console_scripts_of_sync_functions_are_left_alone() -> None:
    pyproject = '[project]\nname = "tool"\nversion = "1"\n\n[project.scripts]\ntool = "app:main"\n'
    _, findings = _port({"pyproject.toml": pyproject}, source=TOOL)
    assert findings == []
