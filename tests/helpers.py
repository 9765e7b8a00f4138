"""Independent references for the tests: torch float64 and plain Fractions."""

from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F


def t64(values) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=np.float64))


def torch_conv2d(x, w, **kw) -> list:
    """x (H,W) and w (kh,kw) as nested lists of ints -> torch float64 result as ints."""
    x4 = t64(x)[None, None]
    w4 = t64(w)[None, None]
    return F.conv2d(x4, w4, **kw)[0, 0].numpy()


def as_fractions(nested) -> np.ndarray:
    arr = np.array(nested, dtype=object)
    return np.frompyfunc(Fraction, 1, 1)(arr)
