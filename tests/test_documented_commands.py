"""Every command the README shows (each line of a ```bash block that runs cnncalc, and the
`cnncalc ...` commands of its tables) and every example of every command's --help runs as
written: in a fresh folder holding the files they name, each exits 0 (or 1 where the docs say
so) with no traceback.

MNIST: `cnncalc data mnist` needs the real files (../shared/data/mnist or $CNNCALC_TEST_MNIST;
skipped when absent).  Training commands run with `--limit 200 --epochs 1 --no-check` added, on a
small hand-made folder, and are marked slow; one that asks for CUDA is skipped without a GPU."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import COMMANDS, main

from .helpers import REAL, write_fake_mnist

# ~140 commands run as written (15 s): the README's test command runs them, the quick loop leaves them out;
# one worker runs them all, as they share the module's folder (pytest-xdist --dist loadgroup)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_documented_commands")]

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Commands whose documented exit status is not 0, and why.
EXIT_CODES: dict[str, int] = {}

QUICK_TRAINING = ["--limit", "200", "--epochs", "1", "--no-check"]


def _readme_commands() -> list[str]:
    """The cnncalc commands of the README's bash blocks (after a `pip ... &&` too) and of its tables."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if "cnncalc " in line and not line.lstrip().startswith(("pip ", "python ")):
                found.append(line.strip())
            elif " && cnncalc " in line:
                found.append(line.split(" && ", 1)[1].strip())
    for line in README.splitlines():
        if line.startswith("|"):
            found += re.findall(r"`(cnncalc [^`]*)`", line)
    return found


def _help_examples() -> list[str]:
    """The lines under "Examples:" of `cnncalc --help` and of every command's --help."""
    runner = CliRunner()
    found = []
    for name in [None, *sorted(COMMANDS)]:
        text = runner.invoke(main, ([name] if name else []) + ["--help"], terminal_width=200).output
        match = re.search(r"Examples:\n(.*?)(?:\n\n|\Z)", text, re.S)
        assert match, f"cnncalc {name or ''} --help has no examples"
        found += [line.strip() for line in match.group(1).splitlines() if line.strip()]
    return found


README_COMMANDS = _readme_commands()
HELP_EXAMPLES = _help_examples()


def _pipeline(line: str) -> list[tuple[dict, list[str]]]:
    """`A=1 cnncalc x ... | cnncalc y -  # note` -> [(env, args), ...], one per command of the pipe."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    commands, words = [], []
    for token in [*lexer, "|"]:
        if token != "|":
            words.append(token)
            continue
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        assert words and words[0] == "cnncalc", f"not a cnncalc command: {line}"
        commands.append((env, words[1:]))
        words = []
    return commands


def _is_training(line: str) -> bool:
    return any(args[:1] == ["train"] for _, args in _pipeline(line))


def _needs_real_mnist(line: str) -> bool:
    return any(args[:2] == ["data", "mnist"] for _, args in _pipeline(line))


def _params(lines: list[str], training: bool) -> list:
    out = []
    for line in dict.fromkeys(lines):  # each command once
        if _is_training(line) != training:
            continue
        marks = [pytest.mark.slow] if training else []
        out.append(pytest.param(line, marks=marks, id=line[:70]))
    return out


ANSWERS = {
    "ada": {"width": 55, "units": "290,400", "parameters": "96 * (11*11*3 + 1)", "conv1-output": "55x55x96"},
    "bob": {"width": 54, "units": "55*55*96", "parameters": 34848, "pool1-parameters": "none"},
}


def _answer_file(path: Path, student: str, answers: dict, exercise: str = "alexnet") -> None:
    lines = [f"exercise: {exercise}", f"student: {student}", "answers:"]
    lines += [f"  {key}: {value!r}" if isinstance(value, str) else f"  {key}: {value}" for key, value in answers.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with what the commands name: image.txt, net.yaml (the README's YAML example),
    exercises/, examples/, answers/, submissions/, ada.yaml; ../shared/data/mnist and ~/data/mnist lead to the
    real MNIST where there is one; fake/ is a small hand-made MNIST for the training commands."""
    base = tmp_path_factory.mktemp("documented")
    work = base / "work"
    work.mkdir()
    shutil.copytree(ROOT / "exercises", work / "exercises")
    shutil.copytree(ROOT / "examples", work / "examples")  # the roster and example answers the exports name
    image = ("113 122 130 128 126 125 121 121 115 127\n115 112 110 111 114 119 122 117 120 117\n"
             "105 106 105 106 108 111 113 117 118 114\n94 98 101 103 105 108 110 114 114 111\n")
    (work / "image.txt").write_text(image, encoding="utf-8")
    (work / "net.yaml").write_text(re.search(r"```yaml\n(.*?)```", README, re.S).group(1), encoding="utf-8")
    for name in ("answers", "submissions"):
        (work / name).mkdir()
        for student, answers in ANSWERS.items():
            _answer_file(work / name / f"{student}.yaml", student, answers)
    _answer_file(work / "submissions" / "cy-vgg16.yaml", "cy", {"input-memory": "150K"}, "vgg16")
    _answer_file(work / "ada.yaml", "ada", ANSWERS["ada"])
    home = base / "home"
    (home / "data").mkdir(parents=True)
    (base / "shared" / "data").mkdir(parents=True)
    (home / ".cache" / "cnncalc").mkdir(parents=True)
    if (REAL / "train-images-idx3-ubyte.gz").is_file():  # ~/data/mnist, ../shared/data/mnist, the default folder
        for link in (home / "data" / "mnist", base / "shared" / "data" / "mnist", home / ".cache" / "cnncalc" / "mnist"):
            link.symlink_to(REAL.resolve(), target_is_directory=True)
    write_fake_mnist(base / "fake", n_train=200, n_test=100)
    return work


def _run(line: str, work: Path, monkeypatch) -> None:
    home = work.parent / "home"
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CNNCALC_DATA", raising=False)
    stdin = None
    for env, args in _pipeline(line):
        if args[:1] == ["train"]:
            import torch

            if "cuda" in args and not torch.cuda.is_available():
                pytest.skip("asks for --device cuda; torch sees no GPU here")
            fake = str(work.parent / "fake")
            env = {**env, **({"CNNCALC_DATA": fake} if env or "--data-dir" not in args else {})}
            args = [fake if a.startswith("~/data/mnist") else a for a in args] + QUICK_TRAINING
        args = [os.path.expanduser(a) if a.startswith("~") else a for a in args]
        env = {key: os.path.expanduser(value) for key, value in env.items()}
        result = CliRunner().invoke(main, args, input=stdin, env=env)
        expected = EXIT_CODES.get(line, 0)
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code == expected, f"{line}\nexit {result.exit_code}\n{result.output[-2000:]}"
        stdin = result.stdout


def _skip_without_mnist(line: str) -> None:
    if _needs_real_mnist(line) and not (REAL / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"needs the real MNIST files in {REAL} (or $CNNCALC_TEST_MNIST)")


def test_the_readme_and_the_help_have_commands():
    assert len(README_COMMANDS) >= 50 and len(HELP_EXAMPLES) >= 60
    placeholders = [line for line in README_COMMANDS + HELP_EXAMPLES
                    if any(re.fullmatch(r"[A-Z]{3,}", word) for _, args in _pipeline(line) for word in args)]
    assert not placeholders, f"placeholders (IMAGE, KERNEL, DIR) where a command needs values: {placeholders}"


@pytest.mark.parametrize("line", _params(README_COMMANDS, training=False))
def test_readme_command_runs(line, folder, monkeypatch):
    _skip_without_mnist(line)
    _run(line, folder, monkeypatch)


@pytest.mark.parametrize("line", _params(HELP_EXAMPLES, training=False))
def test_help_example_runs(line, folder, monkeypatch):
    _skip_without_mnist(line)
    _run(line, folder, monkeypatch)


@pytest.mark.parametrize("line", _params(README_COMMANDS + HELP_EXAMPLES, training=True))
def test_training_command_runs_on_a_small_folder(line, folder, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("sklearn")
    _run(line, folder, monkeypatch)
