"""MAC conventions: published totals (torchvision's GFLOPS column, torchinfo's 487,600 for
the course CNN) and each tool itself on networks built from the same stacks."""

import warnings

import pytest

from cnncalc.errors import InputError
from cnncalc.stacks import load_stack
from cnncalc.stacks.layers import Context
from cnncalc.stacks.macs import CONVENTIONS, check_convention, total
from cnncalc.stacks.summary import summarize
from cnncalc.stacks.zoo import get

# torchvision's model table ("GFLOPS", the weights' meta "_ops"), for its classification networks in the zoo
TORCHVISION_GFLOPS = {
    "alexnet-torchvision": "0.714", "vgg11": "7.609", "vgg13": "11.308", "vgg16": "15.47", "vgg19": "19.632",
    "googlenet": "1.498", "resnet18": "1.814", "resnet34": "3.664", "resnet50": "4.089", "resnet101": "7.801",
    "resnet152": "11.514",
}


def summary_of(name_or_text):
    spec = get(name_or_text) if "->" not in name_or_text else load_stack(name_or_text)
    return spec, summarize(spec.input, spec.layers, Context(convention=spec.convention or "torch"))


@pytest.mark.parametrize("name", sorted(TORCHVISION_GFLOPS))
def test_torchvision_gflops(name):
    published = TORCHVISION_GFLOPS[name]
    decimals = len(published.split(".")[1])
    macs = total(summary_of(name)[1], "torchvision")
    assert f"{macs / 1e9:.{decimals}f}" == published


def test_torchinfo_course_cnn():
    assert total(summary_of("mnist-cnn")[1], "torchinfo") == 487_600  # torchinfo: "Total mult-adds: 487,600"


def test_cnncalc_convention_is_the_summary_total():
    _, s = summary_of("resnet18")
    assert total(s, "cnncalc") == s.total_macs


def test_unknown_convention():
    with pytest.raises(InputError, match="did you mean 'thop'"):
        check_convention("thopp")


NETWORKS = [
    "mnist-cnn", "keras-task", "lenet5", "inception3a",
    "8x8x3 -> conv 4 3x3 pad 1 -> bn -> relu -> maxpool 2 -> conv 6 3x3 nobias -> avgpool 2 -> flatten -> dense 5 -> softmax",
    "8x8x4 -> residual(conv 4 3x3 pad 1 -> bn -> relu) -> adaptiveavgpool 1 -> flatten -> dense 3",
    "8x8x4 -> concat(conv 2 1x1 | maxpool 3 stride 1 pad 1) -> globalavgpool -> dense 2",
    "9x9x4 -> convtranspose 2 3x3 stride 2 -> relu6 -> adaptiveavgpool 3 -> globalmaxpool -> dense 2 nobias",
    "16x5 -> conv 4 3 stride 2 -> bn -> leakyrelu -> maxpool 2 -> flatten -> dense 3 -> tanh",
]


def tool_counts(spec):
    torch = pytest.importorskip("torch")
    from cnncalc.torch.build import build_module, input_tensor_shape

    module = build_module(spec.input, spec.layers, Context(convention=spec.convention or "torch")).eval()
    shape = input_tensor_shape(spec.input)
    x = torch.zeros(shape)
    counts = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torchinfo = pytest.importorskip("torchinfo")
        counts["torchinfo"] = torchinfo.summary(module, input_size=shape, verbose=0).total_mult_adds
        thop = pytest.importorskip("thop")
        counts["thop"] = thop.profile(module, inputs=(x,), verbose=False)[0]
        ptflops = pytest.importorskip("ptflops")
        counts["ptflops"] = ptflops.get_model_complexity_info(
            module, tuple(shape[1:]), as_strings=False, print_per_layer_stat=False, verbose=False,
            backend="pytorch", backend_specific_config={"count_functional": False})[0]
        fvcore_nn = pytest.importorskip("fvcore.nn")
        analysis = fvcore_nn.FlopCountAnalysis(module, x)
        analysis.unsupported_ops_warnings(False)
        analysis.uncalled_modules_warnings(False)
        counts["fvcore"] = analysis.total()
    return counts


@pytest.mark.parametrize("text", NETWORKS)
def test_each_convention_matches_its_tool(text):
    spec, summary = summary_of(text)
    for tool, theirs in tool_counts(spec).items():
        assert total(summary, tool) == theirs, (tool, text)


def test_cli_prints_the_convention_and_flops():
    from click.testing import CliRunner

    from cnncalc.cli import main

    out = CliRunner().invoke(main, ["shape", "mnist-cnn", "--macs-convention", "torchinfo"])
    assert out.exit_code == 0, out.output
    assert "Total (torchinfo): 487,600 multiply-accumulates; FLOPs = 2 x MACs = 975,200" in out.output
    assert "torchinfo counts:" in out.output
    import json

    data = json.loads(CliRunner().invoke(main, ["shape", "resnet50", "--macs-convention", "fvcore", "--json"]).output
                      .splitlines()[0])
    assert data["macs_convention"]["convention"] == "fvcore" and set(CONVENTIONS) >= {"fvcore"}


@pytest.mark.parametrize("convention", ["torch", "keras"])
def test_rows_params_add_up_to_the_total(convention):
    """A batch-norm row's params follow the same rule as the total (torch: trainable; keras: all)."""
    import json

    from cnncalc.stacks.render import summary_json

    spec = get("resnet18")
    data = summary_json(summarize(spec.input, spec.layers, Context(convention=convention)))
    assert sum(row["params"] for row in data["layers"]) == data["total_params"]
    bn = next(row for row in data["layers"] if row["type"] == "batchnorm")
    assert bn["params"] == (128 if convention == "torch" else 256)  # 64 channels: 2C trainable, 2C running
    assert json.dumps(data)
