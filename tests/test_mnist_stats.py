"""MNIST's pixels counted: are they binary (lecture 001)?"""

import numpy as np
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.mnist import load_split, pixel_stats
from tests.helpers import REAL, needs_real, write_fake_mnist


def test_pixel_stats_against_numpy(tmp_path):
    write_fake_mnist(tmp_path, n_train=20, n_test=10)
    images = load_split("train", tmp_path, check=False).images
    s = pixel_stats(images)
    assert s.zero == int(np.count_nonzero(images == 0)) and s.full == int(np.count_nonzero(images == 255))
    assert s.zero + s.full + s.grey == images.size and s.distinct == len(np.unique(images))


@needs_real
def test_real_mnist_is_not_binary():
    out = CliRunner().invoke(main, ["data", "mnist", str(REAL), "--stats"])
    assert out.exit_code == 0, out.output
    assert "not binary: 10,134,258 of 54,880,000 pixels (18.47%) are grey" in out.output
    images = load_split("test", REAL).images
    assert len(np.unique(images)) == 256  # every grey level occurs
