"""Built-in networks against torch modules written here, independently of the
zoo's inline text: same parameter totals, same per-layer output shapes.

Shapes are read with a forward pass on torch's meta device (no memory, no
arithmetic), so even VGG19 and ResNet-152 cost little.
"""

import warnings

import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

from cnncalc.stacks.layers import Context  # noqa: E402
from cnncalc.stacks.summary import summarize  # noqa: E402
from cnncalc.stacks.zoo import NETWORKS, get  # noqa: E402

# --------------------------------------------------------------------------- torch builders


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2), nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(16, 120, 5), nn.Tanh(), nn.Flatten(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, 10),
    )


def alexnet_course():
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 1000),
    )


def alexnet_paper():
    """Krizhevsky et al. 2012 with its two GPUs as groups of 2 (the published 60,965,224 parameters)."""
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.LocalResponseNorm(5), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.LocalResponseNorm(5), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 1000),
    )


def alexnet_torchvision():
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.AdaptiveAvgPool2d((6, 6)),
        nn.Flatten(), nn.Dropout(), nn.Linear(256 * 36, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096),
        nn.ReLU(), nn.Linear(4096, 1000),
    )


def zfnet():
    return nn.Sequential(
        nn.Conv2d(3, 96, 7, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1), nn.LocalResponseNorm(5),
        nn.Conv2d(96, 256, 5, stride=2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1), nn.LocalResponseNorm(5),
        nn.Conv2d(256, 512, 3, padding=1), nn.ReLU(), nn.Conv2d(512, 1024, 3, padding=1), nn.ReLU(),
        nn.Conv2d(1024, 512, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(512 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
        nn.Linear(4096, 1000),
    )


def vgg(cfg, lrn=False):
    layers, c = [], 3
    for i, v in enumerate(cfg):
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        elif isinstance(v, str):  # "1:256": a 1x1 conv (configuration C)
            n = int(v[2:])
            layers += [nn.Conv2d(c, n, 1), nn.ReLU()]
            c = n
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            if i == 0 and lrn:
                layers.append(nn.LocalResponseNorm(5))
            c = v
    layers += [nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096),
               nn.ReLU(), nn.Dropout(), nn.Linear(4096, 1000)]
    return nn.Sequential(*layers)


A = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
B = [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]
C = [64, 64, "M", 128, 128, "M", 256, 256, "1:256", "M", 512, 512, "1:512", "M", 512, 512, "1:512", "M"]
D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
E = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        self.down = None
        if stride != 1 or cin != width:
            self.down = nn.Sequential(nn.Conv2d(cin, width, 1, stride, bias=False), nn.BatchNorm2d(width))

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + (self.down(x) if self.down is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride):
        super().__init__()
        out = width * 4
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


def resnet(block, counts):
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for stage, count in enumerate(counts):
        width = 64 * 2**stage
        for i in range(count):
            layers.append(block(cin, width, 2 if stage and i == 0 else 1))
            cin = width * block.expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 1000)]
    return nn.Sequential(*layers)


def basic_conv(cin, cout, **kw):
    return nn.Sequential(nn.Conv2d(cin, cout, bias=False, **kw), nn.BatchNorm2d(cout, eps=0.001), nn.ReLU())


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool):
        super().__init__()
        self.b1 = basic_conv(cin, c1, kernel_size=1)
        self.b2 = nn.Sequential(basic_conv(cin, c3r, kernel_size=1), basic_conv(c3r, c3, kernel_size=3, padding=1))
        self.b3 = nn.Sequential(basic_conv(cin, c5r, kernel_size=1), basic_conv(c5r, c5, kernel_size=3, padding=1))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), basic_conv(cin, pool, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def googlenet():
    return nn.Sequential(
        basic_conv(3, 64, kernel_size=7, stride=2, padding=3), nn.MaxPool2d(3, 2, ceil_mode=True),
        basic_conv(64, 64, kernel_size=1), basic_conv(64, 192, kernel_size=3, padding=1),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(192, 64, 96, 128, 16, 32, 32), Inception(256, 128, 128, 192, 32, 96, 64),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(480, 192, 96, 208, 16, 48, 64), Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64), Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128), nn.MaxPool2d(2, 2, ceil_mode=True),
        Inception(832, 256, 160, 320, 32, 128, 128), Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1024, 1000),
    )


class InceptionPaper(nn.Module):
    """Szegedy et al.'s module: a real 5x5 branch, biases, ReLU, no batch norm."""

    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(cin, c1, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(cin, c3r, 1), nn.ReLU(), nn.Conv2d(c3r, c3, 3, padding=1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(cin, c5r, 1), nn.ReLU(), nn.Conv2d(c5r, c5, 5, padding=2), nn.ReLU())
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), nn.Conv2d(cin, pool, 1), nn.ReLU())

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class NaiveInception(nn.Module):
    """Inception (3a) without the 1x1 reductions: the pooled input passes through whole."""

    def __init__(self):
        super().__init__()
        self.b1 = nn.Sequential(nn.Conv2d(192, 64, 1), nn.ReLU())
        self.b2 = nn.Sequential(nn.Conv2d(192, 128, 3, padding=1), nn.ReLU())
        self.b3 = nn.Sequential(nn.Conv2d(192, 32, 5, padding=2), nn.ReLU())
        self.b4 = nn.MaxPool2d(3, 1, 1)

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


def googlenet_paper():
    return nn.Sequential(
        nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), nn.LocalResponseNorm(5),
        nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.LocalResponseNorm(5),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        InceptionPaper(192, 64, 96, 128, 16, 32, 32), InceptionPaper(256, 128, 128, 192, 32, 96, 64),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        InceptionPaper(480, 192, 96, 208, 16, 48, 64), InceptionPaper(512, 160, 112, 224, 24, 64, 64),
        InceptionPaper(512, 128, 128, 256, 24, 64, 64), InceptionPaper(512, 112, 144, 288, 32, 64, 64),
        InceptionPaper(528, 256, 160, 320, 32, 128, 128), nn.MaxPool2d(3, 2, ceil_mode=True),
        InceptionPaper(832, 256, 160, 320, 32, 128, 128), InceptionPaper(832, 384, 192, 384, 48, 128, 128),
        nn.AvgPool2d(7, 1), nn.Flatten(), nn.Dropout(0.4), nn.Linear(1024, 1000),
    )


def mnist_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.ReLU(), nn.Conv2d(10, 20, 5), nn.Dropout2d(), nn.MaxPool2d(2),
        nn.ReLU(), nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Linear(50, 10), nn.LogSoftmax(dim=1),
    )


def mnist_mlp():
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
        nn.Linear(64, 10), nn.LogSoftmax(dim=1),
    )


def keras_task():
    return nn.Sequential(
        nn.Conv2d(1, 64, 3, stride=2), nn.ReLU(), nn.Conv2d(64, 32, 2, padding="same"), nn.ReLU(),
        nn.MaxPool2d(2, stride=1), nn.Dropout(0.35), nn.Flatten(), nn.Linear(12 * 12 * 32, 256), nn.Tanh(),
        nn.Dropout(0.5), nn.Linear(256, 10), nn.Softmax(dim=1),
    )


BUILDERS = {
    "lenet5": (lenet5, (1, 32, 32), 61_706),
    "alexnet": (alexnet_course, (3, 227, 227), 62_378_344),
    "alexnet-paper": (alexnet_paper, (3, 227, 227), 60_965_224),
    "alexnet-torchvision": (alexnet_torchvision, (3, 224, 224), 61_100_840),
    "zfnet": (zfnet, (3, 224, 224), None),
    "vgg11": (lambda: vgg(A), (3, 224, 224), 132_863_336),
    "vgg11-lrn": (lambda: vgg(A, lrn=True), (3, 224, 224), 132_863_336),
    "vgg13": (lambda: vgg(B), (3, 224, 224), 133_047_848),
    "vgg16-c": (lambda: vgg(C), (3, 224, 224), None),
    "vgg16": (lambda: vgg(D), (3, 224, 224), 138_357_544),
    "vgg19": (lambda: vgg(E), (3, 224, 224), 143_667_240),
    "googlenet": (googlenet, (3, 224, 224), 6_624_904),
    "googlenet-paper": (googlenet_paper, (3, 224, 224), None),
    "inception3a": (lambda: InceptionPaper(192, 64, 96, 128, 16, 32, 32), (192, 28, 28), None),
    "inception3a-naive": (lambda: NaiveInception(), (192, 28, 28), None),
    "resnet18": (lambda: resnet(BasicBlock, (2, 2, 2, 2)), (3, 224, 224), 11_689_512),
    "resnet34": (lambda: resnet(BasicBlock, (3, 4, 6, 3)), (3, 224, 224), 21_797_672),
    "resnet50": (lambda: resnet(Bottleneck, (3, 4, 6, 3)), (3, 224, 224), 25_557_032),
    "resnet101": (lambda: resnet(Bottleneck, (3, 4, 23, 3)), (3, 224, 224), 44_549_160),
    "resnet152": (lambda: resnet(Bottleneck, (3, 8, 36, 3)), (3, 224, 224), 60_192_808),
    "mnist-cnn": (mnist_cnn, (1, 28, 28), 21_840),
    "mnist-mlp": (mnist_mlp, (1, 28, 28), 242_762),
    "keras-task": (keras_task, (1, 28, 28), 1_191_338),
}

SHAPED = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.Linear, nn.BatchNorm2d, nn.Flatten)
OUR_TYPES = ("conv2d", "maxpool2d", "avgpool2d", "adaptiveavgpool2d", "dense", "batchnorm", "flatten")


def torch_shapes(module, chw):
    """Output shapes (hwc order) of the shape-changing modules, in execution order."""
    with torch.device("meta"):
        model = module()
    shapes = []

    def hook(mod, inp, out):
        dims = tuple(out.shape[1:])
        shapes.append(dims if len(dims) == 1 else (*dims[1:], dims[0]))

    for mod in model.modules():
        if isinstance(mod, SHAPED):
            mod.register_forward_hook(hook)
    model.eval()
    with warnings.catch_warnings():  # torch's note on 'same' with an even kernel
        warnings.simplefilter("ignore", UserWarning)
        model(torch.empty(1, *chw, device="meta"))
    trainable = sum(p.numel() for p in model.parameters())
    buffers = sum(b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    return shapes, trainable, buffers


def test_every_builtin_network_has_a_torch_twin():
    assert set(BUILDERS) == set(NETWORKS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builtin_network_matches_torch(name):
    builder, chw, published = BUILDERS[name]
    shapes, trainable, buffers = torch_shapes(builder, chw)
    spec = get(name)
    summary = summarize(spec.input, spec.layers, Context(convention=spec.convention))
    ours = [r.output.dims() for r in summary.rows if r.type in OUR_TYPES]
    assert ours == shapes
    assert summary.trainable_params == trainable
    assert summary.non_trainable_params == buffers
    if published is not None:
        assert trainable == published
