"""MNIST on a device: loaded once, normalised once, batched by index slices.

No DataLoader and no per-sample Python: the images live on the device as one
float tensor (N, 1, 28, 28) already normalised with (0.1307, 0.3081); an
epoch is a seeded permutation of the indices cut into slices; the horizontal
random shift of the course's hint is drawn and applied per batch on the
device.

The shift is torchvision's ``RandomAffine(0, translate=(0.1, 0))`` on a 28x28
image: ``max_dx = 0.1 * 28 = 2.8``, ``tx = int(round(uniform(-2.8, 2.8)))``
(so -3..3, the ends half as likely), and the output pixel (y, x) is the input
pixel (y, x - tx): a positive shift moves the digit right.  Pixels shifted in
are 0 before normalisation, i.e. -0.1307/0.3081 after it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import torch

from .. import mnist

MEAN, STD = mnist.MEAN, mnist.STD
# a black pixel after normalisation, computed as normalise() computes it (float32)
FILL = ((torch.zeros((), dtype=torch.float32) / 255.0 - MEAN) / STD).item()


def normalise(images_uint8: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float (N, 1, 28, 28): (x/255 - 0.1307) / 0.3081."""
    return ((images_uint8.float() / 255.0 - MEAN) / STD).unsqueeze(1)


def draw_shifts(n: int, generator: torch.Generator, width: int = 28, fraction: float = 0.1,
                device: torch.device | str | None = None) -> torch.Tensor:
    """One integer horizontal shift per image, torchvision's rule (see the module's docstring)."""
    max_dx = fraction * width
    u = torch.rand(n, generator=generator, device=generator.device) * (2 * max_dx) - max_dx
    return torch.round(u).to(torch.long).to(device if device is not None else generator.device)


def shift_images(x: torch.Tensor, shifts: torch.Tensor, fill: float = FILL) -> torch.Tensor:
    """Move each image of ``x`` (N, C, H, W) right by ``shifts[i]`` columns (left if negative).

    >>> x = torch.arange(4.0).reshape(1, 1, 1, 4)
    >>> shift_images(x, torch.tensor([1]), fill=-1.0).tolist()
    [[[[-1.0, 0.0, 1.0, 2.0]]]]
    >>> shift_images(x, torch.tensor([-2]), fill=-1.0).tolist()
    [[[[2.0, 3.0, -1.0, -1.0]]]]
    """
    n, c, h, w = x.shape
    source = torch.arange(w, device=x.device)[None, :] - shifts.to(x.device)[:, None]  # (N, W)
    inside = (source >= 0) & (source < w)
    index = source.clamp(0, w - 1)[:, None, None, :].expand(n, c, h, w)
    return torch.where(inside[:, None, None, :], x.gather(3, index), torch.full((), fill, dtype=x.dtype, device=x.device))


@dataclass
class DeviceData:
    """Normalised images (N, 1, 28, 28) and labels (N,) on one device."""

    images: torch.Tensor
    labels: torch.Tensor
    name: str

    def __len__(self) -> int:
        return len(self.labels)

    def shifted(self, seed: int) -> DeviceData:
        """A copy with every image shifted once (a fixed shifted validation set)."""
        generator = torch.Generator(device="cpu").manual_seed(seed)
        shifts = draw_shifts(len(self), generator, device=self.images.device)
        return DeviceData(shift_images(self.images, shifts), self.labels, f"{self.name} (shifted)")

    def flat_numpy(self) -> np.ndarray:
        return self.images.reshape(len(self), -1).cpu().numpy()


def to_device(images: np.ndarray, labels: np.ndarray, device: torch.device | str, name: str) -> DeviceData:
    x = torch.from_numpy(np.array(images, dtype=np.uint8)).to(device)  # uint8 travels: 4x less than float
    return DeviceData(normalise(x), torch.from_numpy(np.array(labels, dtype=np.int64)).to(device), name)


def load(data_dir: str | os.PathLike | None = None, device: torch.device | str = "cpu", limit: int | None = None,
         check: bool = True) -> tuple[DeviceData, DeviceData]:
    """The training set (its first ``limit`` images) and the test set, on ``device``."""
    train = mnist.load_split("train", data_dir, check)
    test = mnist.load_split("test", data_dir, check)
    n = len(train.labels) if limit is None else min(limit, len(train.labels))
    return (to_device(train.images[:n], train.labels[:n], device, "train"),
            to_device(test.images, test.labels, device, "validation"))


def batches(n: int, batch_size: int, generator: torch.Generator,
            device: torch.device | str) -> list[torch.Tensor]:
    """Index tensors of one epoch: a seeded permutation cut into slices (the last may be short)."""
    order = torch.randperm(n, generator=generator, device=generator.device).to(device)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]
