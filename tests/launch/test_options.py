from flask2quart.migrate.launch.command import Where
from flask2quart.migrate.launch.options import split_option, take_value
from flask2quart.migrate.launch.shell import EnvValue, lex

KNOWN = ("--bind", "--backlog", "--workers", "-b", "-w")


def test_long_short_and_attached_options() -> None:
    assert split_option("--bind=0.0.0.0:80", KNOWN) == ("--bind", "0.0.0.0:80")
    assert split_option("--bind", KNOWN) == ("--bind", None)
    assert split_option("--bind=", KNOWN) == ("--bind", "")
    assert split_option("-b127.0.0.1", KNOWN) == ("-b", "127.0.0.1")
    assert split_option("-w", KNOWN) == ("-w", None)
    assert split_option("--threads", KNOWN) == (None, None)


def test_argparse_takes_an_unambiguous_prefix_of_a_long_option() -> None:
    assert split_option("--wor=3", KNOWN, abbreviations=True) == ("--workers", "3")
    assert split_option("--b", KNOWN, abbreviations=True) == (None, None)  # --bind or --backlog
    assert split_option("--wor=3", KNOWN) == (None, None)  # click: exact names only


def test_a_value_keeps_its_quotes_and_variables_as_written() -> None:
    where = Where("script", quoting=True, expands=True)
    [words] = lex('gunicorn --bind="$HOST:80" -w "$N" app:app')
    args = list(enumerate(words))[1:]
    assert take_value(args, 0, "--bind", "$HOST:80", where) == (
        EnvValue('"$HOST:80"', "$HOST:80", False),
        [1],
    )
    assert take_value(args, 1, "-w", None, where) == (EnvValue('"$N"', "$N", False), [2, 3])
    assert take_value(args, 3, "-w", None, where) is None  # nothing after the last word
