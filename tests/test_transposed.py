"""Transposed convolution against torch's conv_transpose1d/2d (float64, integer
operands: exact), the scatter steps by hand, and the course's example."""

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError, ShapeError
from cnncalc.transposed import conv_transpose


def test_the_issue_example():
    r = conv_transpose("1 2; 3 4", "1 1; 1 1", stride=2)
    assert r.output.tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]


def test_scatter_by_hand():
    """1D: [1, 2] with kernel [1, 1, 1], stride 1: 1*[1 1 1] at 0 plus 2*[1 1 1] at 1."""
    r = conv_transpose("1 2", "1 1 1")
    assert r.output.tolist() == [1, 3, 3, 2]
    blocks = list(r.contributions())
    assert [(b.index, b.value, b.origin, b.block.tolist()) for b in blocks] == [
        ((0,), 1, (0,), [[1, 1, 1]]), ((1,), 2, (1,), [[2, 2, 2]])]
    terms = r.terms((1,))
    assert sorted((t.x, t.w) for t in terms) == [(1, 1), (2, 1)]


def test_contributions_add_up_to_the_output():
    r = conv_transpose("1 2 0; -1 3 5", "1 -2; 3 1/2", stride=(2, 1), padding=(1, 0), output_padding=(1, 0))
    total = np.zeros(r.canonical.shape, dtype=object)
    total[...] = 0
    for c in r.contributions():
        for k in np.ndindex(*c.block.shape[1:]):
            pos = tuple(o + kk * d for o, kk, d in zip(c.origin, k, r.dilation))
            if all(0 <= p < size for p, size in zip(pos, r.canonical.shape[2:])):
                for j, f in enumerate(c.filters):
                    total[(c.batch, f) + pos] += c.block[(j,) + k]
    assert total.tolist() == r.canonical.values().tolist()


def test_symbols_and_fractions():
    assert [str(v) for v in conv_transpose("a b", "1 1").output.tolist()] == ["a", "a + b", "b"]
    assert conv_transpose("1/2 2", "1/3 1", bias="1/5").output.tolist() == [
        Fraction(1, 6) + Fraction(1, 5), Fraction(1, 2) + Fraction(2, 3) + Fraction(1, 5), 2 + Fraction(1, 5)]


def test_bad_options_are_one_line():
    with pytest.raises(ShapeError, match="output padding 2 must be smaller"):
        conv_transpose("1 2", "1 1", stride=2, output_padding=2)
    with pytest.raises(ShapeError, match="gives"):
        conv_transpose("1", "1", padding=1)


@st.composite
def configs(draw):
    dims = draw(st.sampled_from([1, 2]))
    groups = draw(st.integers(1, 2))
    c_in = groups * draw(st.integers(1, 2))
    f_per_group = draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    sizes = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    output_padding = tuple(draw(st.integers(0, 2)) for _ in range(dims))
    seed = draw(st.integers(0, 2**31))
    bias = draw(st.booleans())
    return dict(dims=dims, groups=groups, c_in=c_in, f_per_group=f_per_group, batch=batch, sizes=sizes,
                kernel=kernel, stride=stride, dilation=dilation, padding=padding, output_padding=output_padding,
                seed=seed, bias=bias)


@given(configs())
def test_against_torch(cfg):
    rng = np.random.default_rng(cfg["seed"])
    x = rng.integers(-9, 10, (cfg["batch"], cfg["c_in"], *cfg["sizes"]))
    w = rng.integers(-9, 10, (cfg["c_in"], cfg["f_per_group"], *cfg["kernel"]))
    b = rng.integers(-9, 10, cfg["f_per_group"] * cfg["groups"]) if cfg["bias"] else None
    fn = F.conv_transpose1d if cfg["dims"] == 1 else F.conv_transpose2d
    options = dict(stride=cfg["stride"], padding=cfg["padding"], output_padding=cfg["output_padding"],
                   groups=cfg["groups"], dilation=cfg["dilation"])
    try:
        expected = fn(torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64),
                      None if b is None else torch.tensor(b, dtype=torch.float64), **options)
    except RuntimeError:
        expected = None
    try:
        ours = conv_transpose(x.tolist(), w.tolist(), bias=None if b is None else b.tolist(), dims=cfg["dims"],
                              **options)
    except CnnCalcError:
        ours = None
    assert (expected is None) == (ours is None), (cfg, expected, ours)
    if ours is not None:
        assert ours.output.tolist() == expected.numpy().astype(np.int64).tolist()


def test_cli_transposed():
    runner = CliRunner()
    out = runner.invoke(main, ["conv", "1 2; 3 4", "1 1; 1 1", "--transposed", "--stride", "2", "--json"])
    assert out.exit_code == 0, out.output
    import json

    data = json.loads(out.output)
    assert data["output"] == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    explained = runner.invoke(main, ["conv", "1 2; 3 4", "1 1; 1 1", "--transposed", "--stride", "2", "--explain"])
    assert "input (1, 2) = 2 scatters" in explained.output
    cell = runner.invoke(main, ["conv", "1 2", "1 1 1", "--transposed", "--cell", "2"])
    assert "1 × 1 + 2 × 1 = 3" in cell.output
    bad = runner.invoke(main, ["conv", "1 2", "1 1", "--transposed", "--flip"])
    assert bad.exit_code == 2 and bad.output.startswith("error:")


layer = st.one_of(
    st.tuples(st.just("conv"), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1)),
    st.tuples(st.just("convtranspose"), st.integers(1, 4), st.integers(1, 3), st.integers(0, 1)),
)


@given(st.lists(layer, min_size=1, max_size=3))
def test_receptive_fields_against_torch_gradients(layers):
    """The field of a unit is where its gradient on the input is non-zero (all weights 1):
    the summary's size is the largest over the units, in whole input pixels."""
    from cnncalc.errors import ShapeError as StackShapeError
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.summary import summarize

    length = 96  # long enough that interior units see their whole field
    text = f"{length}x1 -> " + " -> ".join(f"{kind} 1 {k} stride {s} pad {p}" for kind, k, s, p in layers)
    try:
        stack = load_stack(text)
        summary = summarize(stack.input, stack.layers)
    except StackShapeError:
        return
    modules = []
    for kind, k, s, p in layers:
        cls = torch.nn.Conv1d if kind == "conv" else torch.nn.ConvTranspose1d
        m = cls(1, 1, k, stride=s, padding=p, bias=False).double()
        torch.nn.init.ones_(m.weight)
        modules.append(m)
    net = torch.nn.Sequential(*modules)
    with torch.no_grad():  # linear: column i of the Jacobian is the output for the unit impulse at i
        jacobian = net(torch.eye(length, dtype=torch.float64)[:, None, :])[:, 0, :].T
    spans = []
    for row in jacobian:
        support = torch.nonzero(row).flatten().tolist()
        if support:
            spans.append(support[-1] - support[0] + 1)
    assert summary.rows[-1].rf[0][0] == max(spans, default=0), text  # 0: the strides skip every input


def test_uncentred_branches_report_their_combined_extent():
    """Branch 1 sees input pixels -1..1 (pad 1), branch 2 pixels -2..0 (valid conv, then two
    zeros before): together -2..1, four pixels (the maximum of the two sizes would say 3)."""
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.summary import summarize

    stack = load_stack("16x16x1 -> concat(conv 1 3x3 pad 1 | conv 1 3x3 -> zeropad 2,0,2,0)")
    rows = {r.name: r for r in summarize(stack.input, stack.layers).rows}
    assert rows["concat1"].rf[0][:3] == (4, 1, -2)


def test_transposed_receptive_field_is_whole_pixels():
    """3x3, stride 2: output 0 sees input 0 only, output 2 sees inputs 0 and 1: at most 2 pixels."""
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.render import rf_json
    from cnncalc.stacks.summary import summarize

    stack = load_stack("8x8x1 -> convtranspose 1 3x3 stride 2")
    row = summarize(stack.input, stack.layers).rows[0]
    assert rf_json(row.rf) == {"size": 2, "jump": "1/2", "start": -1}
