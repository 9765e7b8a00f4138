"""cnncalc grades a hand-written class as a strict TA did (tests/ta_class, see tests/ta_agreement.py):
every question the same, but for the disagreements the project keeps on purpose (each with its reason)."""

from tests.ta_agreement import KNOWN, compare_class


def test_the_grader_agrees_with_the_ta_on_every_question_but_the_known_ones():
    total, agreed, disagreements = compare_class()
    unexpected = [d for d in disagreements if (d.file, d.question) not in KNOWN]
    # every graded answer is compared (vgg16's three GoogLeNet questions, moved to googlenet.yaml, included)
    assert total >= 1995 and not unexpected, "\n".join(
        f"{d.file} {d.question}: TA {d.expected}, cnncalc {d.got} | {d.feedback[:160]}" for d in unexpected)
    assert agreed / total >= 0.99
    # the list of kept disagreements is honest: each still disagrees
    assert not set(KNOWN) - {(d.file, d.question) for d in disagreements}


def test_a_grade_compared_nowhere_counts_as_a_disagreement(monkeypatch):
    import tests.ta_agreement as agreement

    grades = agreement.expected_grades()
    grades["vgg16/s01-ada.yaml"]["questions"]["googlenet"] = "correct"  # the question moved to googlenet.yaml
    grades["vgg16/s99-gone.yaml"] = {"file": "graded", "questions": {"conv1-output": "correct"}}
    monkeypatch.setattr(agreement, "expected_grades", lambda: grades)
    total, agreed, disagreements = agreement.compare_class()
    lost = {(d.file, d.question, d.got) for d in disagreements if (d.file, d.question) not in KNOWN}
    assert lost == {("vgg16/s01-ada.yaml", "googlenet", "no such question"),
                    ("vgg16/s99-gone.yaml", "(file)", "no such file")}
