import os
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flask2quart.migrate.launch.shell import (
    EnvValue,
    assignment,
    is_assignment,
    lex,
    set_assignments,
    shell_quote,
)


# control characters left out: a backslash before a newline continues the line
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_a_quoted_value_is_read_back_as_one_literal_word(value: str) -> None:
    [[_, word]] = lex(f"cmd {shell_quote(value)}")
    assert (word.value, word.literal) == (value, True)
    for outer in ("'", '"'):  # inside ``sh -c '...'`` / ``sh -c "..."``: two shells read it
        [[_, _, script]] = lex(f"sh -c {outer}cmd {shell_quote(value, outer)}{outer}")
        [[_, word]] = lex(script.value)
        assert (word.value, word.literal) == (value, True)


@pytest.mark.parametrize("value", ["it's", "a b", "$PORT", 'say "hi"', "back\\slash `x`", "'$A' \"$B\""])
@pytest.mark.parametrize("outer", ["", "'", '"'])
def test_a_real_shell_hands_the_inner_one_exactly_the_value(value: str, outer: str) -> None:
    script = f"printf %s {shell_quote(value, outer)}"
    command = f"sh -c {outer}{script}{outer}" if outer else script
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORT": "8000", "A": "a", "B": "b"}
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, check=True)
    assert result.stdout == value


def test_assignments_are_written_names_not_quoted_words() -> None:
    [words] = lex("""A=1 B="x y" 'C=2' D=$PORT cmd""")
    assert [is_assignment(word) for word in words] == [True, True, False, True, False]
    assert assignment(words[1]) == ("B", EnvValue('"x y"', "x y", True))
    assert assignment(words[3]) == ("D", EnvValue("$PORT", "$PORT", False))
    env: dict[str, EnvValue] = {"A": EnvValue("0", "0", True)}
    set_assignments(words, env)
    assert sorted(env) == ["A", "B", "D"] and env["A"].value == "1"
