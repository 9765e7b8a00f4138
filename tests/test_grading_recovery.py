"""Reading an answer file answer by answer (cnncalc/grading/recovery.py), on drawn files: it never
raises but a project error, and where the file is YAML it reads what the YAML reader reads."""

from hypothesis import given
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.grading.recovery import recover
from cnncalc.yamlio import load_yaml

IDS = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
VALUES = st.one_of(st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True),
                   st.from_regex(r"[0-9]{1,3}x[0-9]{1,3}x[0-9]{1,3}", fullmatch=True),
                   st.from_regex(r"[a-z]{1,8}( [a-z]{1,8}){0,3}", fullmatch=True))


@given(st.dictionaries(IDS, VALUES, min_size=1, max_size=8))
def test_a_yaml_answer_file_reads_the_same_answer_by_answer(answers):
    text = "exercise: ex\nstudent: s\nanswers:\n" + "".join(f"  {k}: {v}\n" for k, v in answers.items())
    whole = load_yaml(text, "a.yaml", tags="mark", typed=True).data
    data, notes = recover(text, "a.yaml")
    assert data == whole and notes == []


@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}'\"#!&*|> \t\n0123456789,;")), max_size=200))
def test_any_text_is_read_or_refused_with_a_project_error(text):
    try:
        result = recover(text, "a.yaml")
    except CnnCalcError:
        return
    assert result is None or isinstance(result[0], dict)
