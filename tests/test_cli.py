"""The conv/pool/act commands through click's CliRunner: exit codes, output
forms, the JSON contract and one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from cnncalc.cli import main

IMAGE = "20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; 66 120 116 154 114 62; 74 216 174 252 172 112; 70 210 170 250 170 110"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_conv_prints_the_course_result():
    result = run("conv", IMAGE, "1 1 1; 1 0 1; 1 1 1")
    assert result.exit_code == 0
    for value in ("225", "566", "1488", "1224"):
        assert value in result.output


def test_conv_json_contract():
    result = run("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", "--flip", "--json", "--explain")
    data = json.loads(result.output)
    assert data["output"] == [[45, 110], [40, 40]]
    assert data["shape"] == [2, 2]
    assert len(data["steps"]) == 4
    first = data["steps"][0]
    assert first["cell"] == [0, 0] and first["value"] == 45
    assert first["terms"] == [[1, 0], ["1/2", 80], ["1/4", 20], [0, 40]]
    assert data["flipped_kernel"] == [[1, "1/2"], ["1/4", 0]]


def test_conv_json_keeps_fractions_and_symbols_as_exact_strings():
    data = json.loads(run("conv", "113 122 130; 115 112 110; 105 106 105", "[[1/9,1/9,1/9],[1/9,1/9,1/9],[1/9,1/9,1/9]]", "--json").output)
    assert data["output"] == [["1018/9"]]
    data = json.loads(run("conv", "[[a, b], [c, d]]", "[[1, 2]]", "--json").output)
    assert data["output"] == [["a + 2*b"], ["c + 2*d"]]


def test_explain_shows_products_and_sum():
    result = run("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", "--flip", "--cell", "1,1")
    assert "1 × 0 + 0.5 × 80 + 0.25 × 20 + 0 × 40 = 45" in result.output
    assert "Flipped kernel" in result.output
    assert "[80]" in result.output  # the window, bracketed


def test_padding_explanation_shows_padded_input():
    result = run("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25 0; 0.25 0.5 1; 0 0 0.25", "--padding", "1",
                 "--markdown", "--explain")
    assert result.exit_code == 0
    assert "Padded input" in result.output and "| 90 | 80 | 40 |" in result.output


def test_pool_forms():
    x = "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20"
    data = json.loads(run("pool", x, "--op", "avg", "--json", "--explain").output)
    assert data["output"] == [[10, 15], ["45/4", "45/2"]]
    assert data["steps"][2]["text"] == "(5 + 15 + 15 + 10) / 4 = 11.25"
    assert "13.75" not in run("pool", x, "--op", "avg").output
    latex = run("pool", x, "--latex").output
    assert "\\begin{bmatrix}" in latex and "15 & 30" in latex


def test_negative_first_value_is_not_an_option():
    data = json.loads(run("conv", "1 2 3 4 5", "-1 0 1", "--json").output)
    assert data["output"] == [2, 2, 2]


def test_conv_as_matrix():
    data = json.loads(run("conv", "1 2 3 4 5", "-1 0 1", "--as-matrix", "--json").output)
    assert data["matrix"][0] == [-1, 0, 1, 0, 0] and data["matrix_agrees"] is True


def test_files(tmp_path):
    txt = tmp_path / "image.txt"
    txt.write_text("1 2 3\n4 5 6\n7 8 9\n")
    npy = tmp_path / "kernel.npy"
    np.save(npy, np.array([[1, 0], [0, -1]]))
    js = tmp_path / "k.json"
    js.write_text('[[1, "1/2"], [0, 0]]')
    assert json.loads(run("conv", str(txt), str(npy), "--json").output)["output"] == [[-4, -4], [-4, -4]]
    assert json.loads(run("conv", str(txt), str(js), "--json").output)["output"] == [[2, "7/2"], ["13/2", 8]]


@pytest.mark.parametrize("args, words", [
    (("conv", "1 2; 3", "1"), "ragged"),
    (("conv", "1 2; 3 4", "1 1 1; 1 1 1; 1 1 1"), "larger than"),
    (("conv", "1 2; 3 4", "1", "--stride", "0"), "at least 1"),
    (("conv", "1 2; 3 4", "1", "--bias", "1 2"), "one bias per filter"),
    (("conv", "1 x$; 3 4", "1"), "'$'"),
    (("conv", "missing.txt", "1"), "does not exist"),
    (("pool", "1 2; 3 4", "--window", "3"), "larger than"),
    (("pool", "1 2 3; 4 5 6; 7 8 9", "--window", "2", "--padding", "2"), "half the window"),
    (("conv", "1 2; 3 4", "1", "--padding", "sideways"), "padding"),
    (("act", "relu", "[[1, 2]"), "never closed"),
])
def test_bad_input_gets_one_line(args, words, tmp_path):
    result = run(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert words in lines[0]
    assert "Traceback" not in result.output


def test_unreadable_binary_file(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    result = run("conv", str(path), "1")
    assert result.exit_code == 2 and "not text" in result.output


def test_commands_never_import_torch():
    code = (
        "import sys; import cnncalc; from cnncalc.cli import main\n"
        "from click.testing import CliRunner\n"
        "r = CliRunner().invoke(main, ['conv', '1 2; 3 4', '1 0; 0 1', '--explain'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['pool', '1 2; 3 4', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_command_has_help_with_an_example():
    import click

    commands = main.list_commands(click.Context(main))
    assert {"conv", "pool", "act", "dense", "flatten", "shape", "check", "solve", "generate"} <= set(commands)
    for command in commands:
        text = run(command, "--help").output
        assert "Example" in text, command


def test_pipe_conv_into_pool():
    conv_json = CliRunner().invoke(main, ["conv", IMAGE, "1 1 1; 1 0 1; 1 1 1", "--json"]).output
    result = CliRunner().invoke(main, ["pool", "-", "--json"], input=conv_json)
    assert json.loads(result.output)["output"] == [[566, 552], [1488, 1320]]


@pytest.mark.parametrize("args, message", [
    (["pool", "1 2; 3 4", "--windw", "2"], "No such option '--windw' (did you mean '--window'?)"),
    (["shape", "alexnet", "--jsn"], "No such option '--jsn' (did you mean '--json'?)"),
    (["shape", "227x227x3 -> relu", "--jsn"], "No such option '--jsn' (did you mean '--json'?)"),
    (["conf", "1 2", "1"], "No such command 'conf' (did you mean 'conv'?)"),
    (["grade", "exercises/alexnet.yaml", "x.yaml", "--sumary"], "(did you mean '--summary'?)"),
])
def test_typos_in_options_and_commands_are_named(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_negative_numbers_stay_values():
    result = CliRunner().invoke(main, ["conv", "-1 0; 0 -1", "-1", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["output"] == [[1, 0], [0, 1]]
    result = CliRunner().invoke(main, ["act", "leaky-relu", "-3 2", "--slope", "-0.5", "--json"])
    assert json.loads(result.output)["output"] == ["3/2", 2]


def test_act_digits_shows_the_exact_forms_and_their_decimals():
    # softmax(1 2 3) = e^i / (e + e^2 + e^3): 0.0900306, 0.244728, 0.665241 to 6 digits (math.exp, written here)
    result = run("act", "softmax", "1 2 3", "--digits", "6")
    assert result.exit_code == 0, result.output
    assert "exp(2)/(1 + e + exp(2))" in result.output
    assert "0.0900306" in result.output and "0.244728" in result.output and "0.665241" in result.output
    assert result.output.index("exp(2)/(1 + e + exp(2))") < result.output.index("0.665241")
    # values that are their own decimals are not printed twice
    relu = run("act", "relu", "-3 2.5", "--digits", "3").output
    assert relu.count("2.5") == 1


def test_a_defect_is_one_line_and_exit_3_not_a_traceback(monkeypatch):
    import cnncalc.cli.conv as command

    def broken(*args, **kwargs):
        raise TypeError("simulated defect")

    monkeypatch.setattr(command, "conv", broken)
    result = CliRunner().invoke(main, ["conv", "1 2; 3 4", "1"])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert result.output.startswith("error: cnncalc met an internal error (TypeError: simulated defect)")
    assert len(result.output.strip().splitlines()) == 1


def test_matrix_files_as_editors_and_spreadsheets_write_them(tmp_path):
    """A byte-order mark (Windows editors), one line typed as on the command line ('1 2; 3 4'), and a
    spreadsheet's header row, which is refused rather than carried along as symbols a and b."""
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf1 2\r\n3 4\r\n")
    (tmp_path / "typed.txt").write_text("1 2; 3 4\n")
    for name in ("bom.txt", "typed.txt"):
        result = run("pool", str(tmp_path / name), "--window", "1", "--json")
        assert result.exit_code == 0 and json.loads(result.output)["output"] == [[1, 2], [3, 4]], result.output
    (tmp_path / "header.csv").write_text("a,b\n1,2\n3,4\n")
    result = run("pool", str(tmp_path / "header.csv"), "--window", "1", "--json")
    assert result.exit_code == 2 and "is a header, not values" in result.output


def test_nan_and_inf_are_not_symbols():
    result = run("conv", "nan 2; inf 4", "1 1", "--json")
    assert result.exit_code == 2 and "'nan' is not a number" in result.output


def test_a_zero_kernel_responds_to_nothing_and_probabilities_sum_to_one():
    result = run("kernel", "0 0; 0 0")
    assert "responds most to: none (every probe gives 0)" in result.output
    result = run("loss", "ce", "0.2 0.3 0.6", "--target", "2", "--probabilities")
    assert result.exit_code == 2 and "sum to 11/10, not 1" in result.output
    result = run("loss", "ce", "0.09 0.24 0.67", "--target", "2", "--probabilities")  # rounded: about 1
    assert result.exit_code == 0


def test_standard_input_is_read_once_and_a_single_value_is_named():
    result = CliRunner().invoke(main, ["conv", "-", "-"], input="1 2; 3 4\n")
    assert result.exit_code == 2 and "both read standard input" in result.output
    result = CliRunner().invoke(main, ["conv", "-", "1 1"], input="1 2; 3 4\n")
    assert result.exit_code == 0, result.output


def test_digits_gives_conv_and_pool_json_their_decimals_beside_the_exact_output():
    data = json.loads(run("conv", "1 2; 3 4", "1/3", "--digits", "3", "--json").output)
    assert data["output"] == [["1/3", "2/3"], [1, "4/3"]] and data["decimal"] == [["0.333", "0.667"], ["1", "1.33"]]
    data = json.loads(run("pool", "1 2; 3 4", "--window", "2", "--op", "avg", "--digits", "3", "--json").output)
    assert data["output"] == [["5/2"]] and data["decimal"] == [["2.5"]]
    assert "decimal" not in json.loads(run("pool", "1 2; 3 4", "--window", "2", "--json").output)


@pytest.mark.parametrize("args", [["conv", "1 2; 3 4", "1", "--json", "--markdown"],
                                  ["shape", "alexnet", "--json", "--csv"],
                                  ["kernel", "1 0; 0 -1", "--markdown", "--json"]])
def test_two_output_forms_are_refused(args):
    """The form flags share one value: the last given won silently."""
    result = run(*args)
    assert result.exit_code == 2 and "choose 2 output forms; give one" in result.output


def test_options_that_do_not_apply_are_named():
    result = run("conv", "1 2; 3 4", "1", "--output-padding", "1")
    assert result.exit_code == 2 and "--output-padding belongs to a transposed convolution" in result.output
    result = run("pool", "1 2; 3 4", "--global", "--window", "2", "--stride", "2")
    assert result.exit_code == 2 and "--window, --stride do not apply" in result.output
    assert run("pool", "1 2; 3 4", "--global", "--op", "avg").exit_code == 0


def test_settings_given_twice_or_for_nothing_are_refused():
    result = run("loss", "ce", "1 2 3", "--target", "2", "--logits", "--probabilities")
    assert result.exit_code == 2 and "--logits and --probabilities choose 2 values of one setting" in result.output
    result = run("shape", "N x N x 3 -> conv 10 5x5", "--set", "M=5")
    assert result.exit_code == 2 and "the stack has no symbol M (its symbols: N)" in result.output
    result = run("shape", "N x N x 3 -> conv 10 5x5", "--set", "N=5", "--set", "N=6")
    assert result.exit_code == 2 and "gives N twice" in result.output
