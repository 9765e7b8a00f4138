"""Translation equivariance against torch: conv2d of the shifted image, and max pooling."""

import numpy as np
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.equivariance import shift_check


def _shift(a: np.ndarray, dy: int, dx: int) -> np.ndarray:
    out = np.zeros_like(a)
    h, w = a.shape
    for i in range(h):
        for j in range(w):
            if 0 <= i + dy < h and 0 <= j + dx < w:
                out[i + dy, j + dx] = a[i, j]
    return out


@given(st.integers(0, 2**31), st.integers(3, 7), st.integers(3, 7), st.integers(1, 3), st.integers(-2, 2),
       st.integers(-2, 2))
def test_against_torch(seed, h, w, k, dy, dx):
    rng = np.random.default_rng(seed)
    image = rng.integers(-9, 10, (h, w))
    kernel = rng.integers(-3, 4, (k, k))
    if k > min(h, w):
        return
    report = shift_check(image.tolist(), kernel.tolist(), (dy, dx), pool_window=2 if h - k + 1 >= 2 and w - k + 1 >= 2 else None)

    def torch_conv(a):
        return F.conv2d(torch.tensor(a, dtype=torch.float64)[None, None],
                        torch.tensor(kernel, dtype=torch.float64)[None, None])[0, 0].numpy().astype(np.int64)

    a, b = torch_conv(image), torch_conv(_shift(image, dy, dx))
    assert report.conv.tolist() == a.tolist() and report.shifted_conv.tolist() == b.tolist()
    shifted_a = _shift(a, dy, dx)
    assert report.differing == tuple(tuple(map(int, c)) for c in np.argwhere(b != shifted_a))
    # equivariance: away from the band the shift filled with zeros, the two always agree
    for i, j in report.differing:
        assert (dy > 0 and i < dy) or (dy < 0 and i >= a.shape[0] + dy) or (dx > 0 and j < dx) or \
               (dx < 0 and j >= a.shape[1] + dx)
    if report.pooled is not None:
        pa = F.max_pool2d(torch.tensor(a, dtype=torch.float64)[None, None], 2)[0, 0].numpy()
        pb = F.max_pool2d(torch.tensor(b, dtype=torch.float64)[None, None], 2)[0, 0].numpy()
        assert report.pooled_unchanged == int((pa == pb).sum())


def test_cli():
    out = CliRunner().invoke(main, ["equivariance", "0 0 0 0 0; 0 1 2 0 0; 0 0 3 0 0; 0 0 0 0 0", "1 1; 1 1",
                                    "--shift", "0,1", "--pool", "2"])
    assert out.exit_code == 0 and "on 12 of 12 cells" in out.output
    bad = CliRunner().invoke(main, ["equivariance", "1 2; 3 4", "1", "--shift", "1"])
    assert bad.exit_code == 2 and bad.output.startswith("error:")


def test_exercise_questions():
    from cnncalc.exercises.exercise import load_exercise

    refs = {q.id: r.value for q, r in zip(*(lambda e: (e.questions, e.references()))(
        load_exercise("exercises/mnist-models.yaml")))}
    assert refs["shift_equivariance"] == 24 and refs["shift_pooling"] == 6
    assert refs["matched_three"] == 21_713  # 27-13-6, as cnncalc train mlp-matched
    l3 = {q.id: r.value for q, r in zip(*(lambda e: (e.questions, e.references()))(
        load_exercise("exercises/lecture003-convolutional-layers.yaml")))}
    # the course's answers: size 3, stride 2, dilation 1, padding no / yes
    assert (l3["first-size"], l3["first-stride"], l3["first-dilation"], l3["first-padding"]) == (3, 2, 1, 0)
    assert (l3["second-size"], l3["second-padding"]) == (3, 1)
    assert l3["fc_weights"] == (972 * 1920 * 3) ** 2 == 31_345_665_638_400
