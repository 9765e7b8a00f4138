"""Float arrays (.npy files, numpy data) are read exactly as the binary
fractions the machine holds, m * 2^e, never through a decimal string."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cnncalc.conv import conv
from cnncalc.errors import InputError
from cnncalc.readers import read_matrix
from cnncalc.values import Exact


@given(hnp.arrays(st.sampled_from([np.float16, np.float32, np.float64]), hnp.array_shapes(max_dims=3, max_side=5),
                  elements={"allow_nan": False, "allow_infinity": False}))
def test_every_float_is_its_exact_binary_fraction(array):
    values = Exact.from_binary_floats(array).values()
    # Fraction(float) is Python's own exact conversion of a double
    assert [Fraction(v) for v in values.flat] == [Fraction(float(v)) for v in array.astype(np.float64).flat]


def test_a_stored_tenth_is_not_the_typed_tenth(tmp_path):
    path = tmp_path / "tenth.npy"
    np.save(path, np.array([[0.1, 0.25]]))
    assert read_matrix(str(path)).tolist() == [[Fraction(0.1), Fraction(1, 4)]]
    assert Fraction(0.1) != Fraction(1, 10)
    assert read_matrix("0.1 0.25").tolist() == [Fraction(1, 10), Fraction(1, 4)]


def test_extreme_floats_and_mixed_magnitudes_stay_exact():
    array = np.array([5e-324, -2.0**-1074, 1.7976931348623157e308, 0.0, -0.0, 1.5])
    assert [Fraction(v) for v in Exact.from_binary_floats(array).values()] == [Fraction(float(v)) for v in array]


def test_a_non_finite_float_is_a_one_line_error(tmp_path):
    path = tmp_path / "nan.npy"
    np.save(path, np.array([1.0, np.nan]))
    with pytest.raises(InputError, match="not a finite number"):
        read_matrix(str(path))


def test_convolution_of_a_normalised_float32_batch_is_exact(tmp_path):
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (2, 1, 6, 6)).astype(np.float32)
    batch = (pixels / np.float32(255) - np.float32(0.1307)) / np.float32(0.3081)
    kernel = rng.integers(-3, 4, (2, 1, 3, 3))
    np.save(tmp_path / "batch.npy", batch)
    result = conv(str(tmp_path / "batch.npy"), kernel)
    # reference: plain Fractions of the stored floats, summed by hand
    x = [[[[Fraction(float(v)) for v in row] for row in ch] for ch in image] for image in batch]
    for n in range(2):
        for f in range(2):
            for i in range(4):
                for j in range(4):
                    want = sum(x[n][0][i + a][j + b] * int(kernel[f, 0, a, b]) for a in range(3) for b in range(3))
                    assert result.output[n, f, i, j] == want
