"""The horizontal random shift (torchvision's RandomAffine(0, translate=(0.1, 0)))
against hand-computed images, and its draw rule."""

import pytest

torch = pytest.importorskip("torch")
import numpy as np  # noqa: E402

from cnncalc.torch.data import FILL, DeviceData, draw_shifts, normalise, shift_images  # noqa: E402


def test_shift_matches_a_hand_shifted_image():
    image = np.zeros((28, 28), dtype=np.uint8)
    image[10:18, 5] = 255      # a vertical stroke in column 5
    image[4, 26:28] = 200      # two pixels at the right edge
    x = normalise(torch.from_numpy(image)[None])
    right = np.zeros_like(image)           # shifted by +2 (to the right): column 5 -> 7, the edge pixels leave
    right[10:18, 7] = 255
    left = np.zeros_like(image)            # shifted by -3: column 5 -> 2, the edge pixels -> 23, 24
    left[10:18, 2] = 255
    left[4, 23:25] = 200
    got = shift_images(torch.cat([x, x, x]), torch.tensor([2, -3, 0]))
    want = normalise(torch.from_numpy(np.stack([right, left, image])))
    assert torch.equal(got, want)


def test_cells_shifted_in_are_black_after_normalisation():
    x = torch.full((1, 1, 28, 28), 2.0)
    out = shift_images(x, torch.tensor([3]))
    assert torch.all(out[..., :3] == FILL) and torch.all(out[..., 3:] == 2.0)
    assert FILL == pytest.approx(-0.1307 / 0.3081)


def test_draw_rule_is_torchvisions():
    """tx = int(round(uniform(-2.8, 2.8))): -3..3, the two ends with probability 0.3/5.6 each."""
    shifts = draw_shifts(200_000, torch.Generator().manual_seed(0))
    counts = torch.bincount(shifts + 3, minlength=7).double() / len(shifts)
    assert shifts.min() == -3 and shifts.max() == 3
    want = torch.tensor([0.3, 1, 1, 1, 1, 1, 0.3], dtype=torch.float64) / 5.6
    assert torch.allclose(counts, want, atol=0.005)


def test_shifts_are_reproducible_with_a_seed():
    a = draw_shifts(100, torch.Generator().manual_seed(7))
    b = draw_shifts(100, torch.Generator().manual_seed(7))
    c = draw_shifts(100, torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)
    data = DeviceData(torch.randn(50, 1, 28, 28), torch.zeros(50, dtype=torch.long), "v")
    assert torch.equal(data.shifted(3).images, data.shifted(3).images)
