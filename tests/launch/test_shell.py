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
    for avoid in ("", "'", '"'):
        quoted = shell_quote(value, avoid)
        if avoid and "'" not in value and '"' not in value:
            assert avoid not in quoted  # it can go inside a script quoted with ``avoid``
        [[_, word]] = lex(f"cmd {quoted}")
        assert (word.value, word.literal) == (value, True)


def test_assignments_are_written_names_not_quoted_words() -> None:
    [words] = lex("""A=1 B="x y" 'C=2' D=$PORT cmd""")
    assert [is_assignment(word) for word in words] == [True, True, False, True, False]
    assert assignment(words[1]) == ("B", EnvValue('"x y"', "x y", True))
    assert assignment(words[3]) == ("D", EnvValue("$PORT", "$PORT", False))
    env: dict[str, EnvValue] = {"A": EnvValue("0", "0", True)}
    set_assignments(words, env)
    assert sorted(env) == ["A", "B", "D"] and env["A"].value == "1"
