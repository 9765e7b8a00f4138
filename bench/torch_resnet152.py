"""The reference for bench_shape.py: what a torchinfo-style tool does to read
ResNet-152's shapes -- build the torch model and run one input through it,
recording each module's output shape with hooks.  Written here (no
torchvision), with torchvision's structure."""

import sys
import time

T0 = time.perf_counter()
import torch  # noqa: E402
from torch import nn  # noqa: E402


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        out = 4 * width
        self.conv1, self.bn1 = nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width)
        self.conv3, self.bn3 = nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out)
        self.relu = nn.ReLU()
        self.down = None
        if stride != 1 or cin != out:
            self.down = nn.Sequential(nn.Conv2d(cin, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + (self.down(x) if self.down is not None else x))


def resnet152():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, count in enumerate((3, 8, 36, 3)):
        width = 64 * 2**stage
        for i in range(count):
            layers.append(Bottleneck(cin, width, 2 if stage and i == 0 else 1))
            cin = 4 * width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 1000)]
    return nn.Sequential(*layers)


def shapes():
    t = time.perf_counter()
    model = resnet152().eval()
    rows = []
    for module in model.modules():
        if not list(module.children()):
            module.register_forward_hook(lambda m, i, o: rows.append((type(m).__name__, tuple(o.shape))))
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    params = sum(p.numel() for p in model.parameters())
    return rows, params, time.perf_counter() - t


if __name__ == "__main__":
    rows, params, seconds = shapes()
    print(f"{len(rows)} rows, {params} params, build+forward {seconds:.3f} s, whole {time.perf_counter() - T0:.3f} s",
          file=sys.stderr)
