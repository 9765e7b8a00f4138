"""Losses against torch's float64 losses on drawn inputs, and the lecture's formulas by hand."""

import json
import math
from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import InputError, ShapeError
from cnncalc.loss import loss


def value(result) -> float:
    total = result.total
    return float(total) if isinstance(total, (int, Fraction)) else float(total.evalf(30))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_the_issue_example_by_hand():
    r = loss("cross-entropy", "1 2 3", target="2")
    assert r.text == "log(e + e^2 + e^3) - 3"
    assert close(value(r), math.log(math.e + math.e ** 2 + math.e ** 3) - 3)
    assert r.approx(10) == "0.4076059644"
    assert r.examples[0].prediction == 2 and r.examples[0].correct


def test_one_hot_equals_class_index_and_lecture_formula():
    """L_CE = (1/n) sum_i sum_k -y_k log(lambda_k): a one-hot row gives the class index's loss."""
    by_index = loss("cross-entropy", "1 2 3; 0 1 0", target="2 0")
    by_one_hot = loss("cross-entropy", "1 2 3; 0 1 0", target="0 0 1; 1 0 0")
    assert close(value(by_index), value(by_one_hot))
    # by hand: -log(softmax) per row, averaged
    rows = [[1, 2, 3], [0, 1, 0]]
    hand = sum(-math.log(math.exp(r[t]) / sum(math.exp(v) for v in r)) for r, t in zip(rows, (2, 0))) / 2
    assert close(value(by_index), hand)
    assert loss("cross-entropy", "1 2 3", target="3", one_based=True).examples[0].target == (2,)


def test_rational_losses_are_exact():
    assert loss("mse", "1 2 3", target="1 1 1").total == Fraction(5, 3)
    assert loss("nll", "-1/2 -3/2; -2 -1/4", target="0 1").total == Fraction(3, 8)
    assert loss("mse", "1 2; 3 4", target="0 0; 0 0", reduction="sum").total == 30


logit = st.fractions(min_value=-6, max_value=6, max_denominator=4)


@st.composite
def classification(draw):
    n = draw(st.integers(1, 3))
    k = draw(st.integers(2, 4))
    rows = [[draw(logit) for _ in range(k)] for _ in range(n)]
    targets = [draw(st.integers(0, k - 1)) for _ in range(n)]
    return rows, targets


def _text(rows) -> str:
    return "; ".join(" ".join(str(v) for v in row) for row in rows)


def _t(rows):
    return torch.tensor([[float(v) for v in row] for row in rows], dtype=torch.float64)


@given(classification(), st.sampled_from(["mean", "sum"]))
def test_cross_entropy_against_torch(data, reduction):
    rows, targets = data
    r = loss("cross-entropy", _text(rows), target=" ".join(map(str, targets)), reduction=reduction)
    expected = F.cross_entropy(_t(rows), torch.tensor(targets), reduction=reduction).item()
    assert close(value(r), expected)
    for ex, row in zip(r.examples, rows):
        assert ex.prediction == int(torch.argmax(_t([row])))


@given(classification())
def test_cross_entropy_with_distribution_targets_against_torch(data):
    rows, targets = data
    k = len(rows[0])
    dist = [[Fraction(1, k + 1) + (Fraction(1, k + 1) if j == t else 0) for j in range(k)] for t in targets]
    r = loss("cross-entropy", _text(rows), target=_text(dist))
    assert close(value(r), F.cross_entropy(_t(rows), _t(dist)).item())


@given(classification())
def test_nll_and_probabilities_against_torch(data):
    rows, targets = data
    r = loss("nll", _text(rows), target=" ".join(map(str, targets)))
    assert close(value(r), F.nll_loss(_t(rows), torch.tensor(targets)).item())
    probabilities = [[Fraction(1 + abs(v.numerator), 1) for v in row] for row in rows]
    probabilities = [[v / sum(row) for v in row] for row in probabilities]
    r = loss("cross-entropy", _text(probabilities), target=" ".join(map(str, targets)), inputs="probabilities")
    assert close(value(r), F.nll_loss(torch.log(_t(probabilities)), torch.tensor(targets)).item())


@given(st.lists(st.tuples(st.fractions(min_value=Fraction(1, 20), max_value=Fraction(19, 20), max_denominator=20),
                          st.integers(0, 1)), min_size=1, max_size=5))
def test_bce_against_torch(pairs):
    p, y = [a for a, _ in pairs], [b for _, b in pairs]
    r = loss("bce", " ".join(map(str, p)), target=" ".join(map(str, y)))
    expected = F.binary_cross_entropy(_t([p])[0], _t([y])[0]).item()
    assert close(value(r), expected)
    z = [Fraction(4) * (v - Fraction(1, 2)) for v in p]
    r = loss("bce", " ".join(map(str, z)), target=" ".join(map(str, y)), inputs="logits")
    assert close(value(r), F.binary_cross_entropy_with_logits(_t([z])[0], _t([y])[0]).item())


@given(st.lists(st.tuples(logit, logit), min_size=1, max_size=6))
def test_mse_against_torch(pairs):
    x, y = [a for a, _ in pairs], [b for _, b in pairs]
    r = loss("mse", " ".join(map(str, x)), target=" ".join(map(str, y)))
    assert isinstance(r.total, (int, Fraction))
    assert close(float(r.total), F.mse_loss(_t([x]), _t([y])).item())


def test_bad_input_is_one_line():
    with pytest.raises(InputError, match="target class 5"):
        loss("cross-entropy", "1 2 3", target="5")
    with pytest.raises(ShapeError, match="one class index per example"):
        loss("cross-entropy", "1 2 3; 4 5 6", target="1 2 0")
    with pytest.raises(InputError, match="infinite"):
        loss("bce", "1", target="0")
    with pytest.raises(InputError, match="did you mean"):
        loss("cross-entropi", "1 2", target="0")
    with pytest.raises(InputError, match="log-softmax"):
        loss("nll", "1 2", target="0", inputs="logits")


def test_cli_prints_the_exact_form_and_json_approx():
    runner = CliRunner()
    out = runner.invoke(main, ["loss", "cross-entropy", "1 2 3", "--target", "2"])
    assert out.exit_code == 0 and "loss: log(e + e^2 + e^3) - 3 = 0.4076059644..." in out.output
    data = json.loads(runner.invoke(main, ["loss", "cross-entropy", "1 2 3", "--target", "2", "--json",
                                           "--digits", "6"]).output)
    assert data["exact"] == "log(e + e^2 + e^3) - 3" and data["approx"] == "0.407606"
    bad = runner.invoke(main, ["loss", "mse", "1 2", "--target", "1"])
    assert bad.exit_code == 2 and bad.output.startswith("error:")


def test_lecture003_classification_exercise():
    from cnncalc.exercises.exercise import load_exercise

    ex = load_exercise("exercises/lecture003-classification.yaml")
    refs = {q.id: r.value for q, r in zip(ex.questions, ex.references())}
    assert refs["input-units"] == 2 and refs["output-units"] == 3  # bandits 0/1; rewards 0, +1, +100
    assert close(float(refs["cross-entropy"].evalf(30)), F.cross_entropy(_t([[1, 2, 3]]), torch.tensor([2])).item())
    assert refs["prediction"] == 2
    expected = F.cross_entropy(_t([[1, 2, 3], [2, 0, 0]]), torch.tensor([2, 0])).item()
    assert close(float(refs["batch-loss"].evalf(30)), expected)
