"""``cnncalc shape`` through click's CliRunner: exit codes, JSON keys, one-line errors."""

import json
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from cnncalc.cli import main


def invoke(*args):
    return CliRunner().invoke(main, ["shape", *args])


def ok(*args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def out(*args):
    """stdout only (warnings go to stderr)."""
    return ok(*args).stdout


def fails(*args):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


# --------------------------------------------------------------------------- JSON contract

LAYER_KEYS = {"name", "type", "output", "units", "weights", "biases", "params", "trainable", "macs", "memory",
              "receptive_field"}
TOTAL_KEYS = {"input", "output", "layers", "total_params", "total_weights", "total_biases", "trainable_params",
              "non_trainable_params", "total_units", "total_macs"}


def test_json_contract_alexnet_conv1():
    data = json.loads(out("227x227x3 -> conv 96 11x11 stride 4 pad 0", "--json"))
    assert TOTAL_KEYS <= set(data)
    (layer,) = data["layers"]
    assert LAYER_KEYS <= set(layer)
    assert data["input"] == {"height": 227, "width": 227, "channels": 3}
    assert layer["output"] == {"height": 55, "width": 55, "channels": 96}
    assert layer["units"] == 55 * 55 * 96
    assert (layer["weights"], layer["biases"], layer["params"]) == (11 * 11 * 3 * 96, 96, 34_944)
    assert layer["receptive_field"] == {"size": 11, "jump": 4, "start": 0}
    assert layer["memory"]["bytes"] == 55 * 55 * 96 * 4
    assert data["total_macs"] == 55 * 55 * 96 * 11 * 11 * 3


def test_json_flat_shape_and_totals_resnet18():
    data = json.loads(out("resnet18", "--json"))
    assert data["output"] == {"features": 1000}
    assert data["trainable_params"] == 11_689_512  # torchvision's count
    assert data["total_params"] == data["trainable_params"]  # torch convention: buffers apart
    assert data["non_trainable_params"] > 0
    keras = json.loads(out("resnet18", "--json", "--convention", "keras"))
    assert keras["total_params"] == keras["trainable_params"] + keras["non_trainable_params"]
    assert all(isinstance(layer["params"], int) for layer in data["layers"])


def test_json_symbolic_values_are_formula_strings():
    data = json.loads(out("N x N x 3 -> conv 10 5x5 pad 2 -> maxpool 2", "--json"))
    assert data["layers"][0]["output"] == {"height": "N", "width": "N", "channels": 10}
    assert data["output"]["height"] == "floor(N/2)"
    assert data["total_params"] == 760


def test_set_substitutes_symbols():
    data = json.loads(out("N x N x 3 -> conv 10 5x5 pad 2 -> maxpool 2", "--set", "N=32", "--json"))
    assert data["output"] == {"height": 16, "width": 16, "channels": 10}


def test_dtype_changes_bytes():
    data = json.loads(out("4x4x2 -> conv 2 1x1 -> relu", "--json", "--dtype", "float16"))
    # the input and the conv's output are stored; relu works in place
    assert data["total_memory"] == {"values": 32 + 32, "bytes": (32 + 32) * 2, "includes_input": True}


def test_no_bias_vgg16_weights_only():
    data = json.loads(out("vgg16", "--no-bias", "--json"))
    assert data["total_params"] == 138_344_128 and data["total_biases"] == 0


# --------------------------------------------------------------------------- other outputs


def test_table_explain_markdown_csv():
    table = ok("alexnet").output
    assert "55x55x96" in table and "34,944" in table and "62,378,344" in table
    explain = ok("alexnet", "--explain").output
    assert "(227 - 11 + 2*0)/4 + 1 = 55" in explain
    assert "96 x (11 x 11 x 3 + 1) = 34,944" in explain
    assert "55 x 55 x 96 = 290,400" in explain
    markdown = ok("vgg16", "--no-bias", "--markdown").output
    assert "| 224x224x64 | 3,211,264 (3.2M) | 64 x (3 x 3 x 3) = 1,728 |" in markdown
    csv_text = ok("lenet5", "--csv").output
    assert csv_text.splitlines()[0].startswith("name,type,layer,output,units")
    assert len(csv_text.splitlines()) == 1 + 12


def test_layout_chw():
    out = ok("3x227x227 -> conv 96 11x11 stride 4", "--layout", "chw").output
    assert "96x55x55" in out


def test_list_names_every_network_with_its_total():
    out = ok("--list").output
    for name, total in (("lenet5", "61,706"), ("alexnet", "62,378,344"), ("vgg19", "143,667,240"),
                        ("googlenet", "6,624,904"), ("resnet152", "60,192,808"), ("keras-task", "1,191,338")):
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert total in line


def test_warning_and_strict():
    result = invoke("7x7x1 -> conv 1 3x3 stride 3")
    assert result.exit_code == 0
    assert "(7 - 3 + 2*0)/3 + 1 = 2.33" in result.output
    assert "does not fit" in fails("7x7x1 -> conv 1 3x3 stride 3", "--strict")


def test_solve_lists_windows_and_keep_size_padding():
    out = ok("--solve", "7 -> 3").output
    assert any(line.split()[:5] == ["3", "2", "1", "0", "exact"] for line in out.splitlines())
    assert "F=3: 1, F=5: 2, F=7: 3" in out
    assert "P = d*(F - 1)/2" in ok("--solve", "N -> N").output


def test_help_has_examples_and_mac_convention():
    out = ok("--help").output
    assert "Examples:" in out and "cnncalc shape alexnet" in out
    assert "one multiply-accumulate per weight use per output value" in out


# --------------------------------------------------------------------------- YAML


def write(tmp_path, text, name="net.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def test_yaml_example_of_the_issue(tmp_path):
    path = write(tmp_path, """\
        name: alexnet-start
        input: [227, 227, 3]        # height, width, channels
        layers:
          - conv: {filters: 96, kernel: 11, stride: 4, padding: 0}
          - relu
          - maxpool: {kernel: 3, stride: 2}
          - flatten
          - dense: {units: 4096}
          - dropout: {rate: 0.5}
        """)
    data = json.loads(out(path, "--json"))
    assert data["name"] == "alexnet-start"
    assert [layer["output"] for layer in data["layers"]][2] == {"height": 27, "width": 27, "channels": 96}
    assert data["total_params"] == 34_944 + 4096 * (27 * 27 * 96 + 1)


def test_yaml_blocks_and_symbols(tmp_path):
    path = write(tmp_path, """\
        input: [N, N, 64]
        layers:
          - residual:
              body:
                - conv: {filters: 64, kernel: 3, padding: 1, bias: false}
                - bn
                - relu
                - conv: "64 3x3 pad 1 nobias"
                - bn
          - relu
          - concat:
              - [conv: {filters: 16, kernel: 1}]
              - [maxpool: {kernel: 3, stride: 1, padding: 1}, conv: 8 1x1]
        """)
    data = json.loads(out(path, "--json"))
    assert data["output"] == {"height": "N", "width": "N", "channels": 16 + 8}
    assert data["trainable_params"] == 2 * (64 * 9 * 64) + 2 * 128 + (16 * 64 + 16) + (8 * 64 + 8)


def test_yaml_unknown_key_names_file_path_and_line(tmp_path):
    path = write(tmp_path, """\
        input: [32, 32, 3]
        layers:
          - relu
          - conv: {filters: 8, kernal: 3}
        """)
    line = fails(path)
    assert path in line and "line 4" in line and "layers[1].conv" in line and "did you mean 'kernel'" in line


def test_yaml_is_never_evaluated(tmp_path):
    path = write(tmp_path, """\
        input: !!python/object/apply:os.system ["echo hacked"]
        layers: [relu]
        """)
    line = fails(path)
    assert "not allowed" in line and "line 1" in line


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("spec, words", [
    ("32x32x3 -> conv 10 5x5 strde 2", ["layer 1", "unknown key 'strde'", "did you mean 'stride'"]),
    ("32x32x3 -> frobnicate 3", ["unknown layer 'frobnicate'"]),
    ("-32x32x3 -> conv 10 5x5", ["input size -32", "at least 1"]),
    ("32x32x3 -> conv -10 5x5", ["layer conv1", "filters -10", "at least 1"]),
    ("32x32x3 -> conv 10 3x3 -> conv 10 50x50", ["layer conv2", "kernel 50 is larger", "use a kernel of at most 30"]),
    ("56x56x64 -> residual(conv 128 3x3 stride 2 pad 1)", ["layer res1", "28x28x128", "56x56x64", "projection shortcut"]),
    ("8x8x3 -> concat(conv 4 3x3 | conv 4 1x1)", ["layer concat1", "branch 2"]),
    ("8x8x3 -> dense 10", ["layer fc1", "add flatten"]),
    ("8x8x3 -> conv 4 3x3 stride 2 same", ["layer conv1", "--convention keras"]),
    ("resnt18", ["did you mean 'resnet18'"]),
])
def test_bad_input_is_one_line_naming_layer_and_fix(spec, words):
    line = fails(spec)
    for word in words:
        assert word in line


def test_cli_never_imports_torch_or_sympy_for_numbers():
    code = (
        "import sys; from click.testing import CliRunner; from cnncalc.cli import main;"
        "r = CliRunner().invoke(main, ['shape', 'resnet152', '--json']); assert r.exit_code == 0, r.output;"
        "import cnncalc; print('torch' in sys.modules, 'sympy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_readme_yaml_example_runs(tmp_path):
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parent.parent / "README.md"
    section = readme.read_text().split("## Layer stacks", 1)[1]
    yaml_text = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "readme.yaml"
    path.write_text(yaml_text)
    data = json.loads(out(str(path), "--json"))
    assert data["name"] == "alexnet-start" and data["output"] == {"features": 4096}
    concat = next(layer for layer in data["layers"] if layer["type"] == "concat")
    assert concat["output"] == {"height": 27, "width": 27, "channels": 64 + 32}


def test_markdown_memory_writes_the_short_form_only_where_it_is_shorter():
    table = out("8x8x3", "--markdown")
    assert "| input | input | 8x8x3 | 192 | 0 | 1 / 1 |" in table and "192 (192)" not in table
    assert "| 224x224x3 | 150,528 (150K) |" in out("vgg16", "--markdown")
    assert "192 (192)" not in out("8x8x3 -> relu")
