"""Built-in networks, written in the inline grammar (data, not code).

Each entry names its input, the description and, where it matters, the
convention it was published with.  Totals are not stored here: they are
computed by the engine, and tests compare them with torch modules.

>>> sorted(NETWORKS)[:3]
['alexnet', 'alexnet-paper', 'alexnet-torchvision']
>>> get("lenet5").input.text()
'32x32x1'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SpecError, did_you_mean
from .grammar import StackSpec, parse_inline
from .layers import Convention


@dataclass(frozen=True)
class ZooEntry:
    text: str
    description: str
    convention: Convention = "torch"


def _vgg(config: str, lrn: bool = False) -> str:
    """VGG configurations of Simonyan & Zisserman's Table 1 (course lecture 004).
    ``config``: numbers are 3x3 convs (pad 1), '1:n' a 1x1 conv, 'M' a 2x2 max pool."""
    parts = ["224x224x3"]
    first = True
    for item in config.split():
        if item == "M":
            parts.append("maxpool 2 stride 2")
        elif item.startswith("1:"):
            parts += [f"conv {item[2:]} 1x1", "relu"]
        else:
            parts += [f"conv {item} 3x3 pad 1", "relu"]
            if first and lrn:
                parts.append("lrn")
        first = False
    parts += ["flatten", "dense 4096", "relu", "dropout 0.5", "dense 4096", "relu", "dropout 0.5", "dense 1000"]
    return " -> ".join(parts)


_BN = "bn"


def _basic(width: int, stride: int, project: bool) -> str:
    body = f"conv {width} 3x3 stride {stride} pad 1 nobias -> {_BN} -> relu -> conv {width} 3x3 pad 1 nobias -> {_BN}"
    short = f" | conv {width} 1x1 stride {stride} nobias -> {_BN}" if project else ""
    return f"residual({body}{short}) -> relu"


def _bottleneck(width: int, stride: int, project: bool) -> str:
    out = 4 * width
    body = (f"conv {width} 1x1 nobias -> {_BN} -> relu -> conv {width} 3x3 stride {stride} pad 1 nobias -> {_BN} -> relu"
            f" -> conv {out} 1x1 nobias -> {_BN}")
    short = f" | conv {out} 1x1 stride {stride} nobias -> {_BN}" if project else ""
    return f"residual({body}{short}) -> relu"


def _resnet(blocks: tuple, bottleneck: bool) -> str:
    """torchvision's ResNet (v1.5: the stride sits on the 3x3 conv)."""
    parts = ["224x224x3", "conv 64 7x7 stride 2 pad 3 nobias", _BN, "relu", "maxpool 3 stride 2 pad 1"]
    channels = 64
    for stage, count in enumerate(blocks):
        width = 64 * 2**stage
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            out = 4 * width if bottleneck else width
            project = stride != 1 or channels != out
            parts.append((_bottleneck if bottleneck else _basic)(width, stride, project))
            channels = out
    parts += ["adaptiveavgpool 1", "flatten", "dense 1000"]
    return " -> ".join(parts)


def _basic_conv(filters: int, kernel: str, extra: str = "") -> str:
    """torchvision's BasicConv2d: conv without bias, batch norm (eps 0.001), relu."""
    return f"conv {filters} {kernel}{extra} nobias -> {_BN} -> relu"


def _inception(c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> str:
    # torchvision uses a 3x3 conv in the "5x5" branch (kept for its weights)
    return (
        f"concat({_basic_conv(c1, '1x1')} | {_basic_conv(c3r, '1x1')} -> {_basic_conv(c3, '3x3', ' pad 1')}"
        f" | {_basic_conv(c5r, '1x1')} -> {_basic_conv(c5, '3x3', ' pad 1')}"
        f" | maxpool 3 stride 1 pad 1 ceil -> {_basic_conv(pool, '1x1')})"
    )


def _googlenet() -> str:
    parts = [
        "224x224x3", _basic_conv(64, "7x7", " stride 2 pad 3"), "maxpool 3 stride 2 ceil",
        _basic_conv(64, "1x1"), _basic_conv(192, "3x3", " pad 1"), "maxpool 3 stride 2 ceil",
        _inception(64, 96, 128, 16, 32, 32), _inception(128, 128, 192, 32, 96, 64), "maxpool 3 stride 2 ceil",
        _inception(192, 96, 208, 16, 48, 64), _inception(160, 112, 224, 24, 64, 64),
        _inception(128, 128, 256, 24, 64, 64), _inception(112, 144, 288, 32, 64, 64),
        _inception(256, 160, 320, 32, 128, 128), "maxpool 2 stride 2 ceil",
        _inception(256, 160, 320, 32, 128, 128), _inception(384, 192, 384, 48, 128, 128),
        "adaptiveavgpool 1", "flatten", "dropout 0.2", "dense 1000",
    ]
    return " -> ".join(parts)


def _inception_paper(c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> str:
    """An inception module as Szegedy et al. built it: a real 5x5 branch, biases, ReLU, no batch norm."""
    return (
        f"concat(conv {c1} 1x1 -> relu | conv {c3r} 1x1 -> relu -> conv {c3} 3x3 pad 1 -> relu"
        f" | conv {c5r} 1x1 -> relu -> conv {c5} 5x5 pad 2 -> relu"
        f" | maxpool 3 stride 1 pad 1 -> conv {pool} 1x1 -> relu)"
    )


def _googlenet_paper() -> str:
    """Szegedy et al. 2014, Table 1 (Caffe's pooling rounds up; the auxiliary heads are dropped at inference)."""
    parts = [
        "224x224x3", "conv 64 7x7 stride 2 pad 3 -> relu", "maxpool 3 stride 2 ceil", "lrn",
        "conv 64 1x1 -> relu", "conv 192 3x3 pad 1 -> relu", "lrn", "maxpool 3 stride 2 ceil",
        _inception_paper(64, 96, 128, 16, 32, 32), _inception_paper(128, 128, 192, 32, 96, 64),
        "maxpool 3 stride 2 ceil",
        _inception_paper(192, 96, 208, 16, 48, 64), _inception_paper(160, 112, 224, 24, 64, 64),
        _inception_paper(128, 128, 256, 24, 64, 64), _inception_paper(112, 144, 288, 32, 64, 64),
        _inception_paper(256, 160, 320, 32, 128, 128), "maxpool 3 stride 2 ceil",
        _inception_paper(256, 160, 320, 32, 128, 128), _inception_paper(384, 192, 384, 48, 128, 128),
        "avgpool 7 stride 1", "flatten", "dropout 0.4", "dense 1000 name fc",
    ]
    return " -> ".join(parts)


ALEXNET_PAPER = (
    # Krizhevsky et al. 2012: two GPUs; CONV2, CONV4 and CONV5 see only their own GPU's half (groups 2)
    "227x227x3 -> conv 96 11x11 stride 4 name conv1 -> relu -> lrn name norm1 -> maxpool 3 stride 2 name pool1"
    " -> conv 256 5x5 pad 2 groups 2 name conv2 -> relu -> lrn name norm2 -> maxpool 3 stride 2 name pool2"
    " -> conv 384 3x3 pad 1 name conv3 -> relu -> conv 384 3x3 pad 1 groups 2 name conv4 -> relu"
    " -> conv 256 3x3 pad 1 groups 2 name conv5 -> relu -> maxpool 3 stride 2 name pool3"
    " -> flatten -> dense 4096 name fc6 -> relu -> dropout 0.5 -> dense 4096 name fc7 -> relu -> dropout 0.5"
    " -> dense 1000 name fc8"
)

ALEXNET = (
    "227x227x3 -> conv 96 11x11 stride 4 pad 0 name conv1 -> relu -> maxpool 3 stride 2 name pool1 -> lrn name norm1"
    " -> conv 256 5x5 pad 2 name conv2 -> relu -> maxpool 3 stride 2 name pool2 -> lrn name norm2"
    " -> conv 384 3x3 pad 1 name conv3 -> relu -> conv 384 3x3 pad 1 name conv4 -> relu"
    " -> conv 256 3x3 pad 1 name conv5 -> relu -> maxpool 3 stride 2 name pool3"
    " -> flatten -> dense 4096 name fc6 -> relu -> dropout 0.5 -> dense 4096 name fc7 -> relu -> dropout 0.5"
    " -> dense 1000 name fc8"
)

NETWORKS = {
    "lenet5": ZooEntry(
        "32x32x1 -> conv 6 5x5 -> tanh -> avgpool 2 -> conv 16 5x5 -> tanh -> avgpool 2 -> conv 120 5x5 -> tanh"
        " -> flatten -> dense 84 -> tanh -> dense 10",
        "LeNet-5 (LeCun 1998): 5x5 convs 6-16-120, 2x2 pooling, 84-10; every C3 map sees all 6 S2 maps and the "
        "output is dense (the paper's 60,000 parameters count C3's partial connection table and a fixed RBF output)",
    ),
    "alexnet": ZooEntry(ALEXNET, "AlexNet as in the course (227x227x3, 96/256/384/384/256, 4096-4096-1000, no groups)"),
    "alexnet-paper": ZooEntry(ALEXNET_PAPER, "AlexNet as the paper built it: two GPUs, CONV2/4/5 in 2 groups; a 227x227 input (the "
                          "paper's text says 224, which an 11x11 window at stride 4 does not fit)"),
    "alexnet-torchvision": ZooEntry(
        "224x224x3 -> conv 64 11x11 stride 4 pad 2 -> relu -> maxpool 3 stride 2 -> conv 192 5x5 pad 2 -> relu"
        " -> maxpool 3 stride 2 -> conv 384 3x3 pad 1 -> relu -> conv 256 3x3 pad 1 -> relu -> conv 256 3x3 pad 1"
        " -> relu -> maxpool 3 stride 2 -> adaptiveavgpool 6 -> flatten -> dropout 0.5 -> dense 4096 -> relu"
        " -> dropout 0.5 -> dense 4096 -> relu -> dense 1000",
        "torchvision's AlexNet (224 input, 64/192/384/256/256)",
    ),
    "zfnet": ZooEntry(
        "224x224x3 -> conv 96 7x7 stride 2 pad 1 name conv1 -> relu -> maxpool 3 stride 2 pad 1 name pool1 -> lrn"
        " -> conv 256 5x5 stride 2 name conv2 -> relu -> maxpool 3 stride 2 pad 1 name pool2 -> lrn"
        " -> conv 512 3x3 pad 1 name conv3 -> relu -> conv 1024 3x3 pad 1 name conv4 -> relu"
        " -> conv 512 3x3 pad 1 name conv5 -> relu -> maxpool 3 stride 2 name pool3"
        " -> flatten -> dense 4096 name fc6 -> relu -> dropout 0.5 -> dense 4096 name fc7 -> relu -> dropout 0.5"
        " -> dense 1000 name fc8",
        "ZFNet: AlexNet with CONV1 7x7 stride 2 and CONV3-5 of 512/1024/512 (course); maps 110-55-26-13-6 as in the paper",
    ),
    "vgg11": ZooEntry(_vgg("64 M 128 M 256 256 M 512 512 M 512 512 M"), "VGG configuration A (11 weight layers)"),
    "vgg11-lrn": ZooEntry(_vgg("64 M 128 M 256 256 M 512 512 M 512 512 M", lrn=True), "VGG configuration A-LRN"),
    "vgg13": ZooEntry(_vgg("64 64 M 128 128 M 256 256 M 512 512 M 512 512 M"), "VGG configuration B (13 weight layers)"),
    "vgg16-c": ZooEntry(
        _vgg("64 64 M 128 128 M 256 256 1:256 M 512 512 1:512 M 512 512 1:512 M"),
        "VGG configuration C (16 weight layers, three 1x1 convs)",
    ),
    "vgg16": ZooEntry(
        _vgg("64 64 M 128 128 M 256 256 256 M 512 512 512 M 512 512 512 M"),
        "VGG configuration D, the course's VGG16 table",
    ),
    "vgg19": ZooEntry(
        _vgg("64 64 M 128 128 M 256 256 256 256 M 512 512 512 512 M 512 512 512 512 M"),
        "VGG configuration E (19 weight layers)",
    ),
    "googlenet": ZooEntry(_googlenet(), "GoogLeNet as torchvision builds it (batch norm, no auxiliary heads)"),
    "googlenet-paper": ZooEntry(_googlenet_paper(), "GoogLeNet as the paper built it: 5x5 branches, biases, LRN, no batch norm "
                                                  "(every weight and bias counted; the paper's Table 1 rounds its counts)"),
    "inception3a": ZooEntry(
        "28x28x192 -> " + _inception_paper(64, 96, 128, 16, 32, 32),
        "GoogLeNet's inception (3a) on 28x28x192, with its 1x1 reductions",
    ),
    "inception3a-naive": ZooEntry(
        "28x28x192 -> concat(conv 64 1x1 -> relu | conv 128 3x3 pad 1 -> relu | conv 32 5x5 pad 2 -> relu"
        " | maxpool 3 stride 1 pad 1)",
        "the same module without 1x1 reductions (the paper's naive version, Figure 2a)",
    ),
    "resnet18": ZooEntry(_resnet((2, 2, 2, 2), False), "torchvision ResNet-18"),
    "resnet34": ZooEntry(_resnet((3, 4, 6, 3), False), "torchvision ResNet-34"),
    "resnet50": ZooEntry(_resnet((3, 4, 6, 3), True), "torchvision ResNet-50 (bottleneck, v1.5: the stride in the 3x3 conv, so the "
                                                       "receptive field is 427, where v1's, often cited, is 483)"),
    "resnet101": ZooEntry(_resnet((3, 4, 23, 3), True), "torchvision ResNet-101"),
    "resnet152": ZooEntry(_resnet((3, 8, 36, 3), True), "torchvision ResNet-152"),
    "mnist-cnn": ZooEntry(
        "28x28x1 -> conv 10 5x5 -> maxpool 2 -> relu -> conv 20 5x5 -> dropout 0.5 -> maxpool 2 -> relu -> flatten"
        " -> dense 50 -> relu -> dense 10 -> logsoftmax",
        "the CNN of exercise sheet 000, Q3",
    ),
    "mnist-mlp": ZooEntry(
        "28x28x1 -> flatten -> dense 256 -> relu -> dense 128 -> relu -> dense 64 -> relu -> dense 10 -> logsoftmax",
        "the 256-128-64 feed-forward network of exercise sheet 000, Q3",
    ),
    "keras-task": ZooEntry(
        "28x28x1 -> conv 64 3x3 stride 2 valid -> relu -> conv 32 2x2 stride 1 same -> relu -> maxpool 2 stride 1"
        " -> dropout 0.35 -> flatten -> dense 256 -> tanh -> dropout 0.5 -> dense 10 -> softmax",
        "the programming task of lecture 004 (Keras, 'same' padding)",
        "keras",
    ),
}


def get(name: str) -> StackSpec:
    """The built-in network ``name`` as a :class:`StackSpec`."""
    key = name.lower()
    if key not in NETWORKS:
        raise SpecError(f"'{name}' is not a built-in network{did_you_mean(key, NETWORKS)}; see cnncalc shape --list")
    entry = NETWORKS[key]
    spec = parse_inline(entry.text)
    return StackSpec(spec.input, spec.layers, key, entry.convention)


def catalogue() -> list[tuple]:
    """(name, input, trainable params, non-trainable, description) of every built-in network."""
    from .layers import Context
    from .summary import summarize

    rows = []
    for name, entry in NETWORKS.items():
        spec = get(name)
        summary = summarize(spec.input, spec.layers, Context(convention=entry.convention))
        rows.append((name, spec.input, summary.trainable_params, summary.non_trainable_params, entry.description))
    return rows
