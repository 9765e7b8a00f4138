"""Hostile and extreme input on every command (issue 10).

Every case runs the real command line (click's ``main``) in a child process
with a 4 GB address-space limit, one case after another, each in its own
working folder.  A watchdog in the parent kills the child when one case runs
past ``HANG_SECONDS`` and records that case as a hang (a hang guard, not a
timing assertion); the remaining cases go on in a fresh child.

For each case the test asserts: the exit code (2 for a usage error, 1 where
something was graded but invalid, 0 where the input is fine and the answer
exact), no traceback (no exception escaped the command), a one-line
``error: ...`` message naming what was wrong, words that must (or must not)
appear, and that no file changed outside the outputs the command was told
to write: the case's whole folder is listed before and after.

The limits these cases run into are written down in docs/limits.md.
"""

from __future__ import annotations

import json
import os
import queue
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

# the module's fixtures are costly: one worker runs all of its tests (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_hostile")

REPO = Path(__file__).resolve().parents[1]
HANG_SECONDS = 90  # far above any case's time on a loaded 2-core machine
MEMORY_LIMIT = 4 << 30

# --------------------------------------------------------------------------- the cases


@dataclass
class Case:
    id: str
    args: list
    codes: tuple = (2,)
    words: tuple = ()  # must appear in the output (stdout + stderr)
    absent: tuple = ()  # must not appear
    files: dict = field(default_factory=dict)  # relative path -> str | bytes | "fifo" | ("link", target)
    stdin: object = None  # text, or a function returning it
    outputs: tuple = ()  # relative paths (under the working folder) the command may create
    check: object = None  # a function (stdout, stderr) -> None with more assertions


BIG = "9" * 5000  # past Python's 4,300-digit limit for int <-> str


def exercise(given: str, compute: str, extra: str = "", id_: str = "hostile") -> str:
    """A one-question exercise: the given block (YAML lines) and the compute mapping."""
    return (f"id: {json.dumps(id_)}\ntitle: hostile\ngiven:\n{given}\nquestions:\n  - id: q\n    prompt: p\n"
            f"    compute: {compute}\n{extra}")


GRADED = """id: graded
title: answers
given:
  net: "227x227x3 -> conv 96 11x11 stride 4"
questions:
  - id: units
    prompt: units of CONV1
    compute: {network: {of: net, layer: conv1, value: units}}
  - id: shape
    prompt: output of CONV1
    compute: {network: {of: net, layer: conv1, value: output}}
  - id: size
    prompt: output size of an H x H input, 3x3 kernel
    compute: {output_size: {n: H, kernel: 3}}
"""


def answers(question: str, value: str, quoted: bool = True) -> str:
    shown = json.dumps(value) if quoted else value
    return f"exercise: graded\nstudent: s\nanswers:\n  {question}: {shown}\n"


def npy_header(shape: tuple, descr: str = "<i8") -> bytes:
    """A .npy header claiming ``shape``, with no data after it."""
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    text += " " * (118 - len(text)) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode()


def npy(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def alias_bomb() -> str:
    """A matrix YAML whose aliases would expand to 10^10 values under yaml.safe_load."""
    lines = ["- &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"- &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def json_of(stdout: str) -> dict:
    return json.loads(stdout)


def output_is(expected):
    def check(stdout, stderr):
        assert json_of(stdout)["output"] == expected

    return check


def computed_is(expected: str):
    def check(stdout, stderr):
        assert json_of(stdout)["rows"][0]["computed"] == expected

    return check


def symbolic_conv_json() -> str:
    """`cnncalc conv` of a symbolic 30x30 image with a symbolic 3x3 kernel, --json (the pipe's input)."""
    from cnncalc import render
    from cnncalc.conv import conv

    image = [[f"x{i}_{j}" for j in range(30)] for i in range(30)]
    return json.dumps(render.conv_json(conv(image, "a b c; d e f; g h i")))


def no_numpy_warning(stdout, stderr):
    assert "Warning" not in stderr and stderr.strip() == ""
    assert json_of(stdout)["output"][0] == "exp(999998)/(1 + e + exp(999998))"


def short_error(stdout, stderr):
    """One line of at most 300 characters: a deep place is named by its ends and its depth, not every level."""
    assert len(stderr.strip().splitlines()) == 1 and len(stderr.strip()) <= 300, stderr


def invalid_answer(stdout, stderr):
    rows = json_of(stdout)
    assert "invalid" in json.dumps(rows)


NESTED_RESIDUAL = "8x8x4 -> " + "residual(" * 310 + "relu" + ")" * 310
NESTED_CONCAT = "8x8x4 -> " + "concat(" * 310 + "relu" + ")" * 310
CEIL_BLOCKS = "N x N x 3 -> " + " -> ".join(["conv 3 3x3 -> maxpool 2 ceil"] * 8)
DOUBLING_BLOCKS = "N x N x 3 -> " + " -> ".join(["maxpool 3 stride 3 pad 1 ceil"] * 12)
SYMBOLS_12 = "; ".join(" ".join(f"x{i}_{j}" for j in range(12)) for i in range(12))

CASES = [
    # ---- silent wrong answers: exact at every magnitude (values checked against Python ints)
    Case("pool-avg-3e18", ["pool", "3e18 3e18; 3e18 3e18", "--op", "avg", "--json"], (0,),
         check=output_is([[3 * 10**18]])),
    Case("pool-sum-2^63", ["pool", "0 0 0; 0 0 0; 0 1 9223372036854775807", "--op", "sum", "--window", "2",
                           "--stride", "1", "--padding", "1", "--json"], (0,),
         check=output_is([[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 2**63, 2**63 - 1], [0, 1, 2**63, 2**63 - 1]])),
    Case("conv-npy-min-int64", ["conv", "min.npy", "1 1", "--json"], (0,), files={"min.npy": npy(
        np.array([[-2**63, -2**63]], dtype=np.int64))}, check=output_is([[-2**64]])),
    Case("pool-npy-min-int64", ["pool", "min.npy", "--window", "1,2", "--op", "sum", "--json"], (0,),
         files={"min.npy": npy(np.array([[-2**63, -2**63]], dtype=np.int64))}, check=output_is([[-2**64]])),
    Case("dense-npy-min-int64", ["dense", "v.npy", "[[-1, 0]]", "--json"], (0,),
         files={"v.npy": npy(np.array([-2**63, 0], dtype=np.int64))}, check=output_is([2**63])),
    Case("pool-sum-2^62-third", ["pool", "4611686018427387903 1/3", "--op", "sum", "--window", "2", "--json"], (0,),
         check=output_is([f"{3 * 4611686018427387903 + 1}/3"])),
    Case("pool-avg-2^62-third", ["pool", "4611686018427387903 4611686018427387903; 1/3 1/3", "--op", "avg", "--json"],
         (0,), check=output_is([[str((2 * 4611686018427387903 + Fraction(2, 3)) / 4)]])),

    # ---- numbers past 4,300 digits (or huge exponents) anywhere: a one-line error
    Case("conv-1e-5000", ["conv", "1e-5000", "1"], words=("1,000 digits",)),
    Case("conv-1e999999", ["conv", "1e999999", "1"], words=("1,000 digits",)),
    Case("act-slope-1e999999", ["act", "leaky-relu", "1 -1", "--slope", "1e999999"], words=("1,000 digits",)),
    Case("shape-5000-digit-size", ["shape", f"{BIG}x3"], words=("5,000 digits",)),
    Case("shape-size-past-limit", ["shape", "10x10x3 -> conv 3 3x3 pad 100000000000000000000000"],
         words=("at most", "limits")),
    Case("json-5000-digit-int", ["conv", "big.json", "1"], files={"big.json": f"[[{BIG}]]"}, words=("characters",)),
    Case("yaml-5000-digit-int", ["conv", "big.yaml", "1"], files={"big.yaml": f"- [{BIG}]\n"}, words=("characters",)),
    Case("txt-5000-digit-int", ["conv", "big.txt", "1"], files={"big.txt": f"{BIG}\n"}, words=("characters",)),
    Case("bias-5000-digits", ["conv", "1 2; 3 4", "1", "--bias", BIG], words=("characters",)),
    Case("set-5000-digits", ["shape", "N x N x 3 -> conv 3 3x3", "--set", f"N={BIG}"], words=("5,000 digits",)),
    Case("cell-5000-digits", ["conv", "1 2; 3 4", "1", "--cell", f"1,{BIG}"], words=("cell",)),
    Case("stride-5000-digits", ["conv", "1 2; 3 4", "1", "--stride", BIG]),
    Case("grammar-rate-1e999999", ["shape", "10x10x3 -> dropout 1e999999"], words=("rate",)),

    # ---- files that lie, nest or explode
    Case("json-5000-deep", ["conv", "deep.json", "1"], files={"deep.json": "[" * 5000 + "1" + "]" * 5000},
         words=("input file 'deep.json' is nested too deeply",), absent=("is is",)),
    Case("json-900-deep", ["conv", "deep.json", "1"], files={"deep.json": "[" * 900 + "1" + "]" * 900},
         words=("input file 'deep.json': the array is nested more than 8 levels deep",)),
    Case("json-invalid", ["conv", "bad.json", "1"], files={"bad.json": "[[1, 2],\n [3 4]]"},
         words=("input file 'bad.json' is not valid JSON (line 2:",), absent=("is is",)),
    Case("npy-long-double", ["conv", "l.npy", "1"], (2,) if np.dtype(np.longdouble).itemsize > 8 else (0,),
         files={"l.npy": npy(np.array([1.5], dtype=np.longdouble))}),
    Case("npy-complex", ["conv", "c.npy", "1"], files={"c.npy": npy(np.array([1 + 2j]))}, words=("complex",)),
    Case("npy-header-claims-10^10", ["conv", "claim.npy", "1"], files={"claim.npy": npy_header((100000, 100000))},
         words=("10,000,000,000 values", "limit")),
    Case("npy-10000x10000", ["conv", "big.npy", "1"], files={"big.npy": npy_header((10000, 10000), "<f8")},
         words=("limit",)),
    Case("npy-truncated", ["conv", "t.npy", "1"], files={"t.npy": npy_header((3, 3))}, words=("truncated",)),
    Case("npy-object-pickle", ["conv", "o.npy", "1"], files={"o.npy": npy_header((2,), "|O")}, words=("object",)),
    Case("yaml-alias-bomb", ["conv", "bomb.yaml", "1"], files={"bomb.yaml": alias_bomb()}, words=("alias",)),
    Case("yaml-tag", ["conv", "tag.yaml", "1"], files={"tag.yaml": "!!python/object/apply:os.system ['echo hi']\n"},
         words=("tag",), absent=("not valid YAML",)),
    Case("matrix-folder", ["conv", "dir.txt", "1"], files={"dir.txt/x": "1"}, words=("is a folder",),
         absent=("does not exist",)),
    Case("matrix-missing", ["conv", "missing.txt", "1"], words=("does not exist",)),
    Case("stdin-too-long", ["pool", "-"], stdin="1 " * 2_600_000, words=("longer than",)),

    # ---- sizes that would allocate gigabytes, or loop over a window
    Case("conv-padding-20000", ["conv", "1 2; 3 4", "1", "--padding", "20000"], words=("40002x40002", "limit")),
    Case("pool-window-40000", ["pool", "1 2; 3 4", "--window", "40000", "--padding", "20000"], words=("limit",)),
    Case("conv-padding-1e21", ["conv", "1 2; 3 4", "1", "--padding", "1e21"], words=("--padding",)),
    Case("pool-window-10^21-ceil", ["pool", "1 2 3; 4 5 6; 7 8 9", "--window", "1" + "0" * 21, "--ceil"],
         words=("limit",)),
    Case("pool-window-1e21", ["pool", "1 2 3; 4 5 6; 7 8 9", "--window", "1e21"], words=("--window",)),
    Case("explain-every-cell", ["conv", "big.npy", "1 1 1; 1 1 1; 1 1 1", "--explain"],
         files={"big.npy": npy(np.ones((400, 400), dtype=np.int64))}, words=("--cell",)),

    # ---- symbolic growth and hangs
    Case("softmax-1000000", ["act", "softmax", "1000000 2 3", "--json", "--digits", "5"], (0,), check=no_numpy_warning),
    Case("max-pool-symbols-12x12", ["pool", SYMBOLS_12, "--window", "3", "--stride", "1", "--json"], (0,)),
    Case("symbolic-conv-piped-to-pool", ["pool", "-", "--json"], (0,), stdin=symbolic_conv_json),
    Case("softmax-row-2000", ["act", "softmax", " ".join(["1"] * 2000)], words=("limit", "shorter rows")),
    Case("layer-name-formula", ["shape", "10x10x3 -> relu name =HYPERLINK(x)", "--csv"], words=("not a plain name",)),
    Case("data-folder-is-a-file", ["data", "mnist", "afile", "--timeout", "0.01"], files={"afile": "x"},
         words=("is a file",)),
    Case("symbols-30000", ["act", "relu", "s.txt"], files={"s.txt": " ".join(f"a{i}" for i in range(30000))},
         words=("symbolic values", "limit")),
    Case("sigmoid-40000-values", ["act", "sigmoid", "big.npy"], files={"big.npy": npy(np.ones((200, 200), np.int64))},
         words=("sympy", "limit")),
    Case("ceil-mode-8-blocks", ["shape", CEIL_BLOCKS], (0,), words=("N",)),
    Case("ceil-mode-doubling", ["shape", DOUBLING_BLOCKS], words=("operations", "--set")),
    Case("avgpool-40-digits-ceil", ["shape", "5x5x3 -> avgpool " + "1" * 40 + " ceil"], words=("limit",)),
    Case("avgpool-huge-window-ceil", ["shape", "5x5x3 -> avgpool 999999999999 ceil"], (0,)),
    Case("adaptive-pool-10^12", ["shape", "5x5x3 -> adaptiveavgpool 1000000000000"], (0,)),
    Case("solve-large-bounds", ["shape", "--solve", "7 -> 3", "--max-kernel", "100000", "--max-stride", "1000"],
         words=("limit",)),
    Case("solve-negative-bound", ["shape", "--solve", "7 -> 3", "--max-kernel", "-5"], words=("at least 1",)),
    Case("residual-310-deep", ["shape", NESTED_RESIDUAL], check=short_error, words=(
         "error: layer 1 (residual part 1) ... 32 levels deep ... layer 1: ", "nested 310 deep, more than 32",
         "flatten")),
    Case("concat-310-deep", ["shape", NESTED_CONCAT], check=short_error, words=(
         "error: layer 1 (concat part 1) ... 32 levels deep ... layer 1: ", "nested 310 deep, more than 32")),
    Case("typo-30-deep", ["shape", "8x8x4 -> " + "concat(relu | " * 30 + "maxpool 2 strid 1" + ")" * 30],
         check=short_error, words=("layer 1 (concat part 2) ... 30 levels deep ... layer 1 ('maxpool 2 strid 1'): ",
                                   "did you mean 'stride'")),
    Case("batchnorm-eps-negative", ["shape", "10x10x3 -> batchnorm eps=-1"], words=("eps",)),
    Case("lrn-0", ["shape", "10x10x3 -> lrn 0"], words=("lrn size",)),
    Case("layer-name-escape", ["shape", "10x10x3 -> relu name \x1b[2Jboom"], words=("not a plain name",),
         absent=("\x1b",)),

    # ---- exercises: options, bounds, files (check: a question that cannot be computed is an 'ungradable'
    # row, exit 1, and the other questions are still checked)
    Case("cell-at-letters", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  I: "1 2; 3 4"',
         "{cell: {of: I, at: [a, b]}}")}, words=("index 'a'",)),
    Case("cell-at-number", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  I: "1 2; 3 4"',
         "{cell: {of: I, at: 5}}")}, words=("one index per axis",)),
    Case("stride-letters", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  I: "1 2; 3 4"',
         '{conv: {input: I, kernel: "1", stride: [a, b]}}')}, words=("stride 'a'",)),
    Case("round-digits-negative", ["check", "ex.yaml", "--json"], (0,), files={"ex.yaml": exercise(
         '  I: "123456 -250000"', "{round: {of: I, digits: -5}}")},
         check=computed_is("100000 -300000")),
    Case("round-digits-abc", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  I: "1 2"',
         "{round: {of: I, digits: abc}}")}, words=("digits 'abc'",)),
    Case("round-digits-1e9", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  I: "1 2"',
         "{round: {of: I, digits: 1000000000}}")}, words=("from -50 to 50",)),
    Case("significant-1e9", ["check", "ex.yaml"], files={"ex.yaml": exercise('  I: "1 2"', '{expr: "1"}',
         "    expected: 1\n    tolerance: {significant: 1000000000}\n")}, words=("from 1 to 50",)),
    Case("match-mlp-1e12", ["check", "ex.yaml", "--json"], (0,), files={"ex.yaml": exercise(
         "  N: 1", "{match_mlp: {inputs: 784, outputs: 10, target: 1e12}}")}),
    Case("match-mlp-symbol", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise(
         "  N: 1", "{match_mlp: {inputs: H, outputs: 10, target: 1000}}")}, words=("not a whole number",)),
    Case("expr-given-outgrows", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise('  N: "10^900"', '{expr: "N^64"}')},
         words=("1,000 digits",)),
    Case("expr-formula-outgrows", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise(
         '  N: "(H + 1)^64"', '{expr: "N^64"}')}, words=("limits of a formula",)),
    Case("points-negative", ["check", "ex.yaml"], files={"ex.yaml": exercise("  N: 1", "{expr: N}").replace(
         "    prompt: p\n", "    prompt: p\n    points: -5\n")}, words=("negative",)),
    Case("exercise-fifo", ["check", "pipe.yaml"], files={"pipe.yaml": "fifo"}, words=("FIFO",)),
    Case("exercise-folder-of-nothing", ["check", "empty"], files={"empty/readme": "x"}, words=("no .yaml",)),

    # ---- outside the named output: ids, givens and outputs stay where they are named
    Case("generate-id-escapes", ["generate", "ex.yaml", "--seed", "1", "--out", "variants"],
         files={"ex.yaml": exercise("  N: 5", "{expr: N}", "variants:\n  N: {range: [1, 3]}\n", "../../escaped")},
         words=("not a plain name",)),
    Case("generate-id-absolute", ["generate", "ex.yaml", "--seed", "1", "--out", "variants"],
         files={"ex.yaml": exercise("  N: 5", "{expr: N}", "variants:\n  N: {range: [1, 3]}\n", "/tmp/escaped")},
         words=("not a plain name",)),
    Case("generate-fine", ["generate", "ex.yaml", "--seed", "1", "--out", "variants"], (0,),
         files={"ex.yaml": exercise("  N: 5", "{expr: N}", "variants:\n  N: {range: [1, 3]}\n")},
         outputs=("variants",)),
    Case("generate-seed-huge", ["generate", "ex.yaml", "--seed", "1" + "0" * 30], files={"ex.yaml": exercise(
         "  N: 5", "{expr: N}", "variants:\n  N: {range: [1, 3]}\n")}),
    Case("given-etc-passwd", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise("  I: /etc/passwd",
         '{conv: {input: I, kernel: "1"}}')}, absent=("root:",)),
    Case("given-proc-environ", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise("  I: /proc/self/environ",
         '{conv: {input: I, kernel: "1"}}')}, absent=("PATH=", "HOME=")),
    Case("given-absolute-file", ["check", "ex.yaml"], files={"ex.yaml": exercise(
         "  I: /etc/hosts.txt", '{conv: {input: I, kernel: "1"}}')}, words=("inside its own folder",)),
    Case("given-parent-folder", ["check", "ex/ex.yaml"], files={"secret.txt": "1 2\n3 4\n", "ex/ex.yaml": exercise(
         "  I: ../secret.txt", '{conv: {input: I, kernel: "1"}}')}, words=("inside its own folder",)),
    Case("given-stdin", ["check", "ex.yaml"], (1,), stdin="1 2\n3 4\n", files={"ex.yaml": exercise(
         '  I: "-"', '{conv: {input: I, kernel: "1"}}')}),
    Case("operand-literal-path", ["check", "ex.yaml"], (1,), files={"ex.yaml": exercise(
         "  N: 1", '{conv: {input: /etc/hosts.npy, kernel: "1"}}')}, words=("inside its own folder",)),
    Case("given-link-outside", ["check", "ex/ex.yaml"], files={"secret.txt": "1 2\n3 4\n",
         "ex/link.txt": ("link", "../secret.txt"), "ex/ex.yaml": exercise(
         "  I: link.txt", '{conv: {input: I, kernel: "1"}}')}, words=("outside the exercise",)),
    Case("given-fifo-inside", ["check", "ex.yaml"], files={"pipe.txt": "fifo", "ex.yaml": exercise(
         "  I: pipe.txt", '{conv: {input: I, kernel: "1"}}')}, words=("FIFO",)),
    Case("given-file-inside", ["check", "ex/ex.yaml", "--json"], (0,), files={"ex/data/I.txt": "1 2\n3 4\n",
         "ex/ex.yaml": exercise("  I: data/I.txt", '{conv: {input: I, kernel: "2"}}')},
         check=computed_is("2 4; 6 8")),
    Case("solve-out-missing-folder", ["solve", "ex.yaml", "--out", "missing/x.md"],
         files={"ex.yaml": exercise("  N: 5", "{expr: N}")}, words=("does not exist",)),
    # an existing folder as --out: the solution goes into it (NAME.md, figures beside it)
    Case("solve-out-onto-folder", ["solve", "ex.yaml", "--out", "taken"], (0,),
         files={"ex.yaml": exercise("  N: 5", "{expr: N}"), "taken/x": "x"}, words=("wrote",),
         outputs=("taken/ex.md",)),
    Case("solve-folder-out-onto-file", ["solve", "exs", "--out", "file.md"],
         files={"exs/ex.yaml": exercise("  N: 5", "{expr: N}"), "file.md": "x"}, words=("is a file",)),

    # ---- one answer value must not stop a class: each is one invalid answer
    *[Case(f"grade-{name}", ["grade", "graded.yaml", "a.yaml", "--json"], (0, 1),
           files={"graded.yaml": GRADED, "a.yaml": answers(question, value, quoted)}, check=invalid_answer)
      for name, question, value, quoted in (
          ("1e999999", "units", "1e999999", True), ("1e4301", "units", "1e4301", True),
          ("5000-digit-yaml-int", "units", BIG, False), ("shape-1e999999", "shape", "1e999999x55x96", True),
          ("chain-of-powers", "units", "1/" + "/".join(["7^300"] * 20), True),
          ("formula-degree-1000", "size", "(H+1)^1000 - (H+1)^999", True),
          ("formula-terms", "size", "(a+b+c+d+e+f)^30", True),
          ("shape-20000-spaces", "shape", "1" + " " * 19000 + "x", True))],
    Case("grade-fifo-answer", ["grade", "graded.yaml", "pipe.yaml", "ok.yaml", "--json"], (1,),
         files={"graded.yaml": GRADED, "pipe.yaml": "fifo", "ok.yaml": answers("units", "290400")},
         words=("FIFO", '"correct"')),

    # ---- torch commands check their input first
    Case("train-seed-1e23", ["train", "cnn", "--seed", "1e23"], words=("--seed",)),
    Case("train-seed-huge", ["train", "cnn", "--seed", "1" + "0" * 23], words=("--seed",)),
    Case("train-missing-data", ["train", "cnn", "--data-dir", "nothere"], words=("not found",)),
    Case("verify-seed-negative", ["verify", "--seed", "-1", "mnist-cnn"], words=("--seed",)),
    Case("verify-dense-10^8", ["verify", "784 -> dense 100000000"], words=("100,000,000",)),
    Case("verify-symbolic-padding", ["verify", "10x10x3 -> pad foo"], words=("--set foo",)),

    # ---- output safety: what a file or a user typed cannot drive the terminal
    Case("escape-in-error", ["conv", "\x1b[2J\x1b]8 1", "1"], words=("\\x1b[2J",), absent=("\x1b",)),
    Case("escape-in-file-name", ["conv", "\x1b[2Jmissing.txt", "1"], words=("\\x1b[2J",), absent=("\x1b",)),
    Case("markup-in-exercise", ["check", "ex.yaml"], (0,), files={"ex.yaml": exercise(
         "  N: 5", '{expr: N}', '    expected: 4\n    erratum: "[/] [bold red]x \\e[31m"\n', "markup")},
         words=("[/]", "[bold red]x"), absent=("\x1b",)),
]

# --------------------------------------------------------------------------- the child that runs them

DRIVER = r"""
import json, os, resource, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, (__MEMORY__, __MEMORY__))
from click.testing import CliRunner
from cnncalc.cli import main
for line in sys.stdin:
    case = json.loads(line)
    os.chdir(case["cwd"])
    print(json.dumps({"start": case["id"]}), flush=True)
    result = CliRunner().invoke(main, case["args"], input=case["stdin"])
    error = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        error = "".join(traceback.format_exception(*result.exc_info))[-2000:]
    print(json.dumps({"id": case["id"], "code": result.exit_code, "stdout": result.stdout,
                      "stderr": result.stderr, "exception": error}), flush=True)
"""


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.lstat().st_size if not p.is_dir() else -1)
            for p in sorted(folder.rglob("*"))}


def _prepare(case: Case, root: Path) -> Path:
    folder = root / case.id
    work = folder / "work"
    work.mkdir(parents=True)
    for name, content in case.files.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if content == "fifo":
            if not hasattr(os, "mkfifo"):
                pytest.skip("no FIFOs on this system")
            os.mkfifo(target)
        elif isinstance(content, tuple):
            target.symlink_to(content[1])
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return work


def _run(batch: list[dict], outcomes: dict) -> list[dict]:
    """Run cases in one child; returns the cases not run when a case hung."""
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", DRIVER.replace("__MEMORY__", str(MEMORY_LIMIT))],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout] + [lines.put(None)],
                     daemon=True).start()
    errors: list = []
    threading.Thread(target=lambda: errors.append(child.stderr.read()), daemon=True).start()

    def feed():
        try:
            for case in batch:
                child.stdin.write(json.dumps(case) + "\n")
            child.stdin.close()
        except BrokenPipeError:  # the child died; the loop below says on which case
            pass

    threading.Thread(target=feed, daemon=True).start()
    started = None
    done = 0
    while True:
        try:
            line = lines.get(timeout=HANG_SECONDS)
        except queue.Empty:
            child.kill()
            outcomes[started] = {"hang": True}
            return batch[done + 1:]
        if line is None:
            break
        record = json.loads(line)
        if "start" in record:
            started = record["start"]
        else:
            outcomes[record["id"]] = record
            done += 1
    child.wait()
    if done < len(batch):  # the child died (memory limit, crash) on the case it had started
        if started is None:
            raise RuntimeError(f"the test driver did not start: {''.join(errors)[-2000:]}")
        outcomes[started] = {"died": child.returncode}
        return batch[done + 1:]
    return []


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    batch, results, before = [], {}, {}
    for case in CASES:
        work = _prepare(case, root)
        before[case.id] = _snapshot(work.parent)
        stdin = case.stdin() if callable(case.stdin) else case.stdin
        batch.append({"id": case.id, "args": case.args, "cwd": str(work), "stdin": stdin})
    root_before = sorted(p.name for p in root.iterdir())
    while batch:
        batch = _run(batch, results)
    for case in CASES:
        results.setdefault(case.id, {})["changed"] = _changes(before[case.id], _snapshot(root / case.id), case)
    results["<root>"] = (root_before, sorted(p.name for p in root.iterdir()))
    return results


def _changes(before: dict, after: dict, case: Case) -> list:
    allowed = tuple(f"work/{o}" for o in case.outputs)
    changed = [p for p in set(before) | set(after) if before.get(p) != after.get(p)]
    return sorted(p for p in changed if not any(p == a or p.startswith(a + "/") for a in allowed))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, outcomes):
    outcome = outcomes[case.id]
    assert not outcome.get("hang"), f"{case.id}: no answer within {HANG_SECONDS} s (a hang)"
    assert "died" not in outcome, f"{case.id}: the process died ({outcome.get('died')}): memory or a crash"
    assert outcome["exception"] is None, f"{case.id}: traceback\n{outcome['exception']}"
    stdout, stderr = outcome["stdout"], outcome["stderr"]
    text = stdout + stderr
    assert "Traceback" not in text
    assert outcome["code"] in case.codes, f"{case.id}: exit {outcome['code']}\n{text[-2000:]}"
    if outcome["code"] == 2:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
        assert last.startswith(("error: ", "Error: ")), f"{case.id}: {stderr[-1000:]}"
        if last.startswith("error: "):  # our own errors are one line; click's usage errors add a usage line
            assert len(stderr.strip().splitlines()) == 1, stderr
    for word in case.words:
        assert word in text, f"{case.id}: {word!r} not in\n{text[-2000:]}"
    for word in case.absent:
        assert word not in text, f"{case.id}: {word!r} in the output"
    if case.check is not None:
        case.check(stdout, stderr)
    assert outcome["changed"] == [], f"{case.id}: files changed outside the named output: {outcome['changed']}"


def test_no_file_appears_beside_the_cases(outcomes):
    before, after = outcomes["<root>"]
    assert before == after


# --------------------------------------------------------------------------- beyond one command line


def _python(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter on this checkout (what it imports and its peak memory are its own)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def test_train_and_verify_check_their_input_before_importing_torch(tmp_path):
    code = (
        "import sys; from click.testing import CliRunner; from cnncalc.cli import main\n"
        f"a = CliRunner().invoke(main, ['train', 'cnn', '--data-dir', {str(tmp_path / 'none')!r}])\n"
        "b = CliRunner().invoke(main, ['verify', '10x10x3 -> bogus'])\n"
        "print(a.exit_code, b.exit_code, 'torch' in sys.modules)"
    )
    out = _python(code)
    assert out.stdout.split() == ["2", "2", "False"], out.stderr


def test_a_gzip_bomb_posing_as_mnist_is_refused_without_inflating(tmp_path):
    """A 0.4 MB gzip file that inflates to 400 MB: the reader stops at MNIST's real size (47 MB)."""
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(bytes([0, 0, 8, 3]) + struct.pack(">3I", 60000, 28, 28))]
    zeros = bytes(10**7)
    parts += [compressor.compress(zeros) for _ in range(40)]
    parts.append(compressor.flush())
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(b"".join(parts))
    if not Path("/proc/self/status").exists():
        pytest.skip("the peak memory is read from /proc (Linux)")
    # VmHWM: this process's peak resident memory (ru_maxrss would include the forking pytest's)
    code = (
        "from pathlib import Path\n"
        "from cnncalc import mnist\n"
        f"rows = mnist.status(Path({str(tmp_path)!r}))\n"
        "print(rows[0][2])\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = _python(code)
    message, peak_kb = out.stdout.strip().splitlines()
    assert "more than 47,040,016 bytes" in message
    assert int(peak_kb) < 300_000  # kilobytes: far below the 400 MB the file inflates to
