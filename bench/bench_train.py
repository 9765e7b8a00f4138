"""Speed of one training epoch of the course's CNN, three ways, timed in one run.

* ours: ``cnncalc.torch.train.fit`` -- the images on the device as one
  normalised tensor, batches as index slices of a seeded permutation;
* pure compute: the same number of optimisation steps (forward, NLLLoss,
  backward, Adam step) on one pre-built batch, no data handling at all;
* DataLoader: the course's usual code -- a Dataset that converts and
  normalises each image on access (ToTensor + Normalize, one item at a time),
  a ``torch.utils.data.DataLoader`` with shuffle and the default collate.

Same model, initial weights, optimizer and batch size on each side; the three
are interleaved and each takes the best of ``--repeats``.  Targets: ours at
most 1.15x the pure compute; the DataLoader slower than ours.

Run: python bench/bench_train.py --data-dir ../shared/data/mnist --limit 10000
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from cnncalc.stacks.zoo import get
from cnncalc.torch.build import build_module
from cnncalc.torch.data import MEAN, STD, load
from cnncalc.torch.train import fit, pick_device

HERE = Path(__file__).resolve().parent


class PerSampleMNIST(torch.utils.data.Dataset):
    """What torchvision's MNIST with ToTensor() + Normalize() does per item."""

    def __init__(self, images_uint8, labels):
        self.images, self.labels = images_uint8, labels  # CPU tensors, as torchvision keeps them

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = self.images[i].float().div(255).unsqueeze(0)  # ToTensor: HxW uint8 -> 1xHxW float in [0, 1]
        x = (x - MEAN) / STD                              # Normalize((0.1307,), (0.3081,))
        return x, int(self.labels[i])


def fresh(device):
    torch.manual_seed(0)
    spec = get("mnist-cnn")
    model = build_module(spec.input, spec.layers).to(device)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_ours(train, device, batch_size):
    model, opt = fresh(device)
    sync(device)
    start = time.perf_counter()
    fit(model, opt, train, 1, batch_size, "nll", seed=0)
    sync(device)
    return time.perf_counter() - start


def adam_step(model, opt, x, y) -> None:
    """One optimisation step: the same work on every side of the comparison."""
    opt.zero_grad(set_to_none=True)
    F.nll_loss(model(x), y).backward()
    opt.step()


def time_compute(train, device, batch_size, steps):
    model, opt = fresh(device)
    x, y = train.images[:batch_size].clone(), train.labels[:batch_size].clone()
    sync(device)
    start = time.perf_counter()
    for _ in range(steps):
        adam_step(model, opt, x, y)
    sync(device)
    return time.perf_counter() - start


def time_dataloader(images_uint8, labels, device, batch_size, workers):
    model, opt = fresh(device)
    loader = torch.utils.data.DataLoader(PerSampleMNIST(images_uint8, labels), batch_size=batch_size, shuffle=True,
                                         num_workers=workers, generator=torch.Generator().manual_seed(0))
    model.train()
    sync(device)
    start = time.perf_counter()
    for x, y in loader:
        adam_step(model, opt, x.to(device), y.to(device))
    sync(device)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("CNNCALC_DATA") or str(HERE.parent.parent / "shared" / "data" / "mnist"))
    parser.add_argument("--limit", type=int, default=10000, help="training images per epoch (default 10,000)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader workers (the course's default: 0)")
    args = parser.parse_args()

    device = pick_device(args.device)
    train, _ = load(args.data_dir, device, args.limit)
    images_uint8 = torch.round((train.images.squeeze(1) * STD + MEAN) * 255).to(torch.uint8).cpu()
    labels = train.labels.cpu()
    steps = -(-len(train) // args.batch_size)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    print(f"device: {device} ({name}); torch {torch.__version__}")
    print(f"one epoch of the course CNN: {len(train):,} images, batch {args.batch_size}, {steps} Adam steps; "
          f"best of {args.repeats}")

    # warm-up: first calls allocate and pick kernels
    time_compute(train, device, args.batch_size, 5)
    best = {"ours": float("inf"), "compute": float("inf"), "dataloader": float("inf")}
    for _ in range(args.repeats):
        best["compute"] = min(best["compute"], time_compute(train, device, args.batch_size, steps))
        best["ours"] = min(best["ours"], time_ours(train, device, args.batch_size))
        best["dataloader"] = min(best["dataloader"], time_dataloader(images_uint8, labels, device, args.batch_size,
                                                                     args.workers))
    for key, label in (("compute", "pure compute (one pre-built batch)"), ("ours", "ours (data on device)"),
                       ("dataloader", f"DataLoader, per-sample transform, {args.workers} workers")):
        print(f"  {label:<48} {best[key]:8.2f} s  {best[key] / steps * 1e3:7.2f} ms/step")
    overhead = best["ours"] / best["compute"]
    speedup = best["dataloader"] / best["ours"]
    print(f"ours / pure compute      = {overhead:.3f}x  (target <= 1.15x: {'ok' if overhead <= 1.15 else 'ABOVE TARGET'})")
    print(f"DataLoader / ours        = {speedup:.3f}x  (target > 1: {'ok' if speedup > 1 else 'NOT FASTER'})")


if __name__ == "__main__":
    main()
