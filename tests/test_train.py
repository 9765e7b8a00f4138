"""The training tasks: quick runs on a small real subset (skipped without the
shared MNIST copy), the CLI on hand-made data folders, and the one-line
errors (no torch, no data, no GPU)."""

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
if importlib.util.find_spec("sklearn") is None:  # found, not imported: 2 s at every collection otherwise
    pytest.skip("scikit-learn is not installed (the test extra has it)", allow_module_level=True)
from click.testing import CliRunner  # noqa: E402

from cnncalc.cli import main  # noqa: E402
from cnncalc.errors import ShapeError  # noqa: E402
from cnncalc.stacks.matching import mlp_parameters  # noqa: E402
from cnncalc.torch import data as mnist_data  # noqa: E402
from cnncalc.torch import tasks  # noqa: E402
from cnncalc.torch.train import evaluate  # noqa: E402

from .helpers import REAL, needs_real, write_fake_mnist  # noqa: E402

# a few minutes on 2 cores: the quick loop (-m "not slow") leaves them out
pytestmark = pytest.mark.slow

CHANCE = 0.1


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Training shares the machine with the rest of the suite: one torch thread, restored after."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="module")
def subset():
    return mnist_data.load(REAL, "cpu", limit=3000)


@pytest.fixture(scope="module")
def runner(subset):
    """logreg, mlp, cnn, mlp-matched on the first 3,000 training images, 2 epochs of batch 16,
    evaluated on the first 2,000 validation images."""
    run = tasks.Runner(tasks.Settings(epochs=2, batch_size=16, limit=3000, val_limit=2000), loaded=subset)
    for task in ("logreg", "mlp", "cnn", "mlp-matched", "shift"):
        run.run(task)
    return run


@needs_real
def test_logreg_quick(runner):
    r = runner.results["logreg"]
    assert r.engine_params == r.torch_params == 7850  # 10 x (784 + 1), by the engine and by scikit-learn
    assert r.val_acc > 0.8 and r.train_acc > r.val_acc - 0.05
    assert runner.models["logreg"].coef_.shape == (10, 784)


@needs_real
@pytest.mark.parametrize("name, params, floor", [("mlp", 242_762, 0.7), ("cnn", 21_840, 0.8), ("mlp-matched", None, 0.5)])
def test_networks_learn_well_above_chance(runner, name, params, floor):
    r = runner.results[name]
    assert r.engine_params == r.torch_params
    if params:
        assert r.engine_params == params
    assert r.val_acc > floor > 3 * CHANCE
    assert len(r.history["train_loss"]) == 2 and r.history["train_loss"][1] < r.history["train_loss"][0]
    # the recorded accuracy is what an independent pass over the validation set gives
    model = runner.models[name]
    model.eval()
    with torch.no_grad():
        predictions = model(runner.val.images).argmax(1)
    assert (predictions == runner.val.labels).double().mean().item() == pytest.approx(r.val_acc)


@needs_real
def test_mlp_matched_is_nearest_the_cnn_count(runner):
    r = runner.results["mlp-matched"]
    cnn = runner.results["cnn"].engine_params
    assert r.extra["cnn_params"] == cnn == 21_840
    assert r.engine_params == mlp_parameters(784, tuple(r.extra["hidden"]), 10)
    # no MLP with one hidden layer comes closer (brute force, independent of the matcher)
    best_one_layer = min(abs(mlp_parameters(784, (h,), 10) - cnn) for h in range(1, 100))
    assert abs(r.engine_params - cnn) <= best_one_layer


@needs_real
def test_shift_table_uses_a_fixed_shifted_validation_set(runner):
    rows = {row["model"]: row for row in runner.tables["shift"]}
    assert set(rows) == {"logreg", "mlp", "cnn"}
    shifted = runner.val.shifted(runner.settings.seed + 1)
    acc, _ = evaluate(runner.models["cnn"], shifted, "nll")
    assert acc == pytest.approx(rows["cnn"]["val_acc_shifted"])
    assert not torch.equal(shifted.images, runner.val.images)
    assert rows["cnn"]["val_acc_shifted"] > 3 * CHANCE


@needs_real
def test_optimizers_quick(subset, tmp_path):
    train, val = subset
    small = (mnist_data.DeviceData(train.images[:1500], train.labels[:1500], "train"), val)
    run = tasks.Runner(tasks.Settings(epochs=2, batch_size=32, val_limit=1000), loaded=small)
    histories = run.optimizers()
    assert list(histories) == ["Adam", "Adadelta", "SGD"]
    for history in histories.values():
        assert len(history["train_loss"]) == 2 and all(math.isfinite(v) for v in history["train_loss"])
        assert len(history["curve"]) == 20 and history["curve"][-1][0] == 2.0  # ten points per epoch
    assert run.results["keras-task Adam"].val_acc > 0.7
    assert run.results["keras-task Adadelta"].val_acc > 0.5
    assert run.results["keras-task SGD"].val_acc > 2 * CHANCE
    assert run.results["keras-task Adam"].engine_params == 1_191_338
    pytest.importorskip("matplotlib")
    plots = run.write_plots(tmp_path)
    png = Path(plots["optimizer loss curves"]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_parameter_counts_that_disagree_fail_loudly(tmp_path, monkeypatch):
    write_fake_mnist(tmp_path, n_train=64, n_test=32)
    monkeypatch.setattr(tasks, "_engine_params", lambda stack: 1)
    run = tasks.Runner(tasks.Settings(epochs=1, data_dir=str(tmp_path), check=False))
    with pytest.raises(ShapeError, match="the engine counts 1 parameters but torch 21,840"):
        run.cnn()


def test_train_cli_on_a_hand_made_folder(tmp_path):
    write_fake_mnist(tmp_path / "d", n_train=128, n_test=64)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["train", "cnn", "--data-dir", str(tmp_path / "d"), "--no-check", "--epochs", "2",
                                       "--batch-size", "32", "--seed", "3", "--out", str(out), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "engine 21,840  |  torch 21,840  ✓" in result.output
    data = json.loads((out / "results.json").read_text())
    assert data["settings"]["epochs"] == 2 and data["settings"]["batch_size"] == 32 and data["settings"]["seed"] == 3
    assert data["settings"]["train_images"] == 128 and data["settings"]["validation_images"] == 64
    (cnn,) = data["results"]
    assert cnn["engine_params"] == cnn["torch_params"] == 21_840
    assert len(cnn["history"]["train_loss"]) == 2 and 0 <= cnn["val_acc"] <= 1


def test_train_is_reproducible_with_a_seed(tmp_path):
    write_fake_mnist(tmp_path, n_train=96, n_test=32)
    settings = tasks.Settings(epochs=1, batch_size=16, data_dir=str(tmp_path), check=False, seed=5)
    a, b = tasks.Runner(settings).mlp(), tasks.Runner(settings).mlp()
    assert a.history["train_loss"] == b.history["train_loss"]


@pytest.mark.parametrize("args, words", [
    (["train", "cnn", "--data-dir", "/nonexistent/mnist"], ["train-images-idx3-ubyte.gz", "/nonexistent/mnist",
                                                            "cnncalc data mnist"]),
    (["train", "cnn", "--limit", "0"], ["--limit"]),
    (["train", "resnet"], ["resnet"]),
])
def test_train_errors_are_one_line(args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.output
    if args[1] == "cnn" and "--limit" not in args:
        assert result.output.startswith("error:") and result.output.count("\n") == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_a_gpu_is_a_one_line_error(tmp_path):
    write_fake_mnist(tmp_path, n_train=16, n_test=16)
    result = CliRunner().invoke(main, ["train", "mlp", "--device", "cuda", "--data-dir", str(tmp_path), "--no-check"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "--device cpu" in result.output


@pytest.mark.parametrize("command", ["train", "verify"])
def test_without_torch_one_line_names_the_extra(command):
    code = ("import sys; sys.modules['torch'] = None\n"  # import torch now raises ImportError
            "from cnncalc.cli import main\n"
            f"main([{command!r}, {'cnn' if command == 'train' else 'mnist-cnn'!r}])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 2
    lines = (out.stdout + out.stderr).strip().splitlines()
    assert len(lines) == 1 and 'pip install -e ".[train]"' in lines[0] and "Traceback" not in lines[0]


def test_help_of_train_has_examples():
    text = CliRunner().invoke(main, ["train", "--help"]).output
    assert "Examples" in text and "cnncalc train cnn" in text


def test_data_and_import_never_import_torch(tmp_path):
    write_fake_mnist(tmp_path)
    code = ("import sys; import cnncalc; from cnncalc import mnist; from cnncalc.cli import main\n"
            "from click.testing import CliRunner\n"
            "CliRunner().invoke(main, ['data', 'mnist', '--help'])\n"
            f"mnist.load_split('train', {str(tmp_path)!r}, check=False)\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_train_all_on_a_hand_made_folder_writes_every_plot(tmp_path):
    pytest.importorskip("matplotlib")
    write_fake_mnist(tmp_path / "d", n_train=64, n_test=32)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["train", "all", "--data-dir", str(tmp_path / "d"), "--no-check", "--epochs", "1",
                                       "--batch-size", "32", "--out", str(out), "--logreg-max-iter", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert [r["model"] for r in data["results"]] == ["logreg", "mlp", "cnn", "mlp-matched", "keras-task Adam",
                                                     "keras-task Adadelta", "keras-task SGD"]
    assert [row["model"] for row in data["tables"]["shift"]] == ["logreg", "mlp", "cnn"]
    for name in ("logreg_coefficients.png", "optimizers_loss.png", "shift.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    assert "clean" in result.output and "shifted" in result.output
