"""Training and evaluation loops over :class:`~.data.DeviceData`.

One optimisation step per index slice; losses are summed on the device and
read once per epoch (no host synchronisation per step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .data import DeviceData, batches, draw_shifts, shift_images

POINTS_PER_EPOCH = 10  # points of the training-loss curve per epoch


@dataclass
class History:
    train_loss: list = field(default_factory=list)  # mean training loss per epoch
    val_loss: list = field(default_factory=list)    # validation loss after each epoch
    val_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)     # wall time of each epoch's training steps
    # finer training curve: [epoch position (e.g. 2.1 = a tenth into epoch 3), mean loss of the steps since the last point]
    curve: list = field(default_factory=list)


def pick_device(name: str = "auto") -> torch.device:
    from ..errors import InputError

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda: torch sees no CUDA GPU (torch "
                         f"{torch.__version__}); use --device cpu or auto, or install a CUDA build of torch")
    return torch.device(name)


def eval_batch_size(device: torch.device) -> int:
    return 10000 if device.type == "cuda" else 2000


def loss_of(outputs: torch.Tensor, labels: torch.Tensor, kind: str) -> torch.Tensor:
    """'nll': outputs are log-probabilities (NLLLoss); 'ce': logits (CrossEntropyLoss)."""
    return F.nll_loss(outputs, labels) if kind == "nll" else F.cross_entropy(outputs, labels)


@torch.no_grad()
def evaluate(model: nn.Module, data: DeviceData, loss_kind: str, batch_size: int | None = None) -> tuple[float, float]:
    """(accuracy, mean loss) of ``model`` in eval mode."""
    was_training = model.training
    model.eval()
    batch_size = batch_size or eval_batch_size(data.images.device)
    correct = torch.zeros((), dtype=torch.long, device=data.images.device)
    total_loss = torch.zeros((), dtype=torch.float64, device=data.images.device)
    for i in range(0, len(data), batch_size):
        x, y = data.images[i:i + batch_size], data.labels[i:i + batch_size]
        out = model(x)
        correct += (out.argmax(1) == y).sum()
        total_loss += loss_of(out, y, loss_kind).double() * len(y)
    model.train(was_training)
    return correct.item() / len(data), total_loss.item() / len(data)


def fit(model: nn.Module, optimizer: torch.optim.Optimizer, data: DeviceData, epochs: int, batch_size: int,
        loss_kind: str, seed: int, validation: DeviceData | None = None, shift_train: bool = False,
        on_step: Callable[[int, int, int], None] | None = None,
        on_epoch: Callable[[int, History], None] | None = None) -> History:
    """Train ``model`` for ``epochs`` over ``data`` with ``optimizer``.

    ``on_step(epoch, step, steps)`` and ``on_epoch(epoch, history)`` report progress.
    """
    device = data.images.device
    generator = torch.Generator(device="cpu").manual_seed(seed)
    history = History()
    for epoch in range(epochs):
        model.train()
        started = time.perf_counter()
        slices = batches(len(data), batch_size, generator, device)
        total = torch.zeros((), device=device)
        every = max(1, -(-len(slices) // POINTS_PER_EPOCH))
        chunk, chunk_n, points = torch.zeros((), device=device), 0, []
        for step, index in enumerate(slices):
            x, y = data.images[index], data.labels[index]
            if shift_train:
                x = shift_images(x, draw_shifts(len(index), generator, device=device))
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(model(x), y, loss_kind)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
            chunk += loss.detach() * len(index)
            chunk_n += len(index)
            if (step + 1) % every == 0 or step + 1 == len(slices):
                points.append((epoch + (step + 1) / len(slices), chunk.clone(), chunk_n))  # read at epoch end
                chunk.zero_()
                chunk_n = 0
            if on_step:
                on_step(epoch, step + 1, len(slices))
        history.train_loss.append(total.item() / len(data))
        history.curve += [[round(x, 4), c.item() / n] for x, c, n in points]
        if device.type == "cuda":
            torch.cuda.synchronize()
        history.seconds.append(time.perf_counter() - started)
        if validation is not None:
            acc, val_loss = evaluate(model, validation, loss_kind)
            history.val_acc.append(acc)
            history.val_loss.append(val_loss)
        if on_epoch:
            on_epoch(epoch, history)
    return history
