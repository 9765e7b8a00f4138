"""The course's MNIST tasks (exercise sheet 000, Q3; lecture 004's programming task).

Every network comes from the engine's layer stacks (:mod:`cnncalc.stacks.zoo`) through
:func:`~.build.build_module`, and its parameter count is taken twice, by the
engine and by torch; the two must agree.  A :class:`Runner` loads the data once
and trains each model at most once, so ``all`` and ``shift`` reuse what the
other tasks trained.

=============  ===========================================================
logreg         scikit-learn LogisticRegression on the normalised pixels
mlp            784-256-128-64-10 ReLU, log-softmax; SGD lr 0.01 momentum 0.5; NLLLoss
cnn            conv 10 5x5, maxpool 2, ReLU, conv 20 5x5, dropout, maxpool 2, ReLU,
               dense 50, ReLU, dense 10, log-softmax; Adam lr 0.001; NLLLoss
mlp-matched    an MLP whose hidden sizes the engine chooses to match the CNN's count
shift          logreg, mlp and cnn on the clean and the shifted validation set
optimizers     the programming task's network with Adam, Adadelta and SGD
all            everything above
=============  ===========================================================
"""

from __future__ import annotations

import platform
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..errors import ShapeError
from ..stacks.grammar import StackSpec
from ..stacks.layers import Activation, Context, Dense, Flatten, Layer
from ..stacks.matching import match_mlp, mlp_parameters
from ..stacks.shapes import Shape
from ..stacks.summary import summarize
from ..stacks.zoo import get
from . import TASKS, Reporter, Task
from . import data as mnist_data
from .build import StackModule, build_module
from .train import History, evaluate, fit, pick_device

OPTIMIZERS = {  # name -> (torch class, keyword arguments): Keras' choices, torch's defaults
    "Adam": (torch.optim.Adam, {"lr": 1e-3}),
    "Adadelta": (torch.optim.Adadelta, {"lr": 1.0}),
    "SGD": (torch.optim.SGD, {"lr": 0.01}),
}


@dataclass
class Settings:
    epochs: int = 10
    batch_size: int = 64
    device: str = "auto"
    seed: int = 0
    data_dir: str | None = None
    limit: int | None = None
    logreg_max_iter: int = 100
    check: bool = True  # md5 of the data files
    val_limit: int | None = None  # the first N validation images (quick tests); None: all 10,000


@dataclass
class ModelResult:
    task: str
    model: str
    description: str
    engine_params: int
    torch_params: int
    train_acc: float
    val_acc: float
    val_acc_shifted: float
    seconds: float
    device: str
    epochs: int | None = None
    optimizer: str = ""
    history: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _engine_params(stack: StackSpec) -> int:
    return int(summarize(stack.input, stack.layers, Context(convention=stack.convention or "torch")).trainable_params)


def mlp_stack(hidden: tuple, name: str) -> StackSpec:
    layers: list[Layer] = [Flatten()]
    for h in hidden:
        layers += [Dense(h), Activation("relu")]
    layers += [Dense(10), Activation("logsoftmax")]
    return StackSpec(Shape((28, 28), 1), tuple(layers), name)


def matched_hidden(target: int) -> tuple:
    """The hidden sizes (1 to 3 layers) whose count is nearest the target, chosen by the engine."""
    candidates = [match_mlp(784, 10, target, layers) for layers in (1, 2, 3)]
    best = min(candidates, key=lambda m: (abs(m.parameters - target), len(m.hidden)))
    return best.hidden


class Runner:
    def __init__(self, settings: Settings, reporter: Reporter | None = None,
                 loaded: tuple[mnist_data.DeviceData, mnist_data.DeviceData] | None = None) -> None:
        """``loaded``: (train, validation) already on the device, to share between runners."""
        self.settings = settings
        self.reporter = reporter or Reporter()
        self.device = pick_device(settings.device)
        started = time.perf_counter()
        if loaded is None:
            loaded = mnist_data.load(settings.data_dir, self.device, settings.limit, settings.check)
        self.train, self.val = loaded
        if settings.val_limit:
            v = settings.val_limit
            self.val = mnist_data.DeviceData(self.val.images[:v], self.val.labels[:v], self.val.name)
        self.val_shifted = self.val.shifted(settings.seed + 1)
        self.load_seconds = time.perf_counter() - started
        self.results: dict[str, ModelResult] = {}
        self.models: dict[str, Any] = {}  # torch modules, and the scikit-learn model of logreg
        self.plots: dict[str, str] = {}
        self.tables: dict[str, Any] = {}  # rows of a table, or the optimizers' histories

    # ------------------------------------------------------------------ networks

    def _build(self, stack: StackSpec, name: str, drop_softmax: bool = False) -> tuple[StackModule, int, int]:
        torch.manual_seed(self.settings.seed)
        ctx = Context(convention=stack.convention or "torch")
        model = build_module(stack.input, stack.layers, ctx).to(self.device)
        engine, torch_count = _engine_params(stack), sum(p.numel() for p in model.parameters())
        self.reporter.params(name, engine, torch_count)
        if engine != torch_count:
            raise ShapeError(f"{name}: the engine counts {engine:,} parameters but torch {torch_count:,}; "
                             f"run `cnncalc verify` on the stack and report this as a bug")
        if drop_softmax:  # CrossEntropyLoss takes logits: the final softmax moves into the loss
            model.body.nodes = model.body.nodes[:-1]
        return model, engine, torch_count

    def _train_net(self, task: str, name: str, stack: StackSpec, description: str, optimizer: tuple[type, dict],
                   loss_kind: str, drop_softmax: bool = False) -> ModelResult:
        """Train one network; ``optimizer`` is (torch class, keyword arguments)."""
        s = self.settings
        model, engine, torch_count = self._build(stack, name, drop_softmax)
        opt_cls, kwargs = optimizer
        opt = opt_cls(model.parameters(), **kwargs)
        steps = -(-len(self.train) // s.batch_size)
        self.reporter.start(name, steps * s.epochs)

        def on_step(epoch, step, total):
            self.reporter.step(name, epoch, epoch * total + step, f"epoch {epoch + 1}/{s.epochs}")

        def on_epoch(epoch, history):
            self.reporter.step(name, epoch, (epoch + 1) * steps,
                               f"epoch {epoch + 1}/{s.epochs} loss {history.train_loss[-1]:.4f} "
                               f"val acc {history.val_acc[-1]:.2%}")

        started = time.perf_counter()
        history = fit(model, opt, self.train, s.epochs, s.batch_size, loss_kind, s.seed, self.val,
                      on_step=on_step, on_epoch=on_epoch)
        seconds = time.perf_counter() - started
        self.reporter.stop(name)
        train_acc, _ = evaluate(model, self.train, loss_kind)
        val_acc, _ = evaluate(model, self.val, loss_kind)
        shifted_acc, _ = evaluate(model, self.val_shifted, loss_kind)
        result = ModelResult(task, name, description, engine, torch_count, train_acc, val_acc, shifted_acc, seconds,
                             str(self.device), s.epochs, f"{opt_cls.__name__}({', '.join(f'{k}={v}' for k, v in kwargs.items())})",
                             asdict(history), {"loss": "NLLLoss on log-softmax" if loss_kind == "nll" else
                                               "CrossEntropyLoss on logits (softmax + categorical cross-entropy)",
                                               "batch_size": s.batch_size})
        self.results[name] = result
        self.models[name] = model
        return result

    def mlp(self) -> ModelResult:
        if "mlp" not in self.results:
            self._train_net("mlp", "mlp", get("mnist-mlp"), "784-256-128-64-10 ReLU, log-softmax",
                            (torch.optim.SGD, {"lr": 0.01, "momentum": 0.5}), "nll")
        return self.results["mlp"]

    def cnn(self) -> ModelResult:
        if "cnn" not in self.results:
            self._train_net("cnn", "cnn", get("mnist-cnn"), "the course's CNN (sheet 000, Q3.2)",
                            (torch.optim.Adam, {"lr": 1e-3}), "nll")
        return self.results["cnn"]

    def mlp_matched(self) -> ModelResult:
        if "mlp-matched" not in self.results:
            target = _engine_params(get("mnist-cnn"))
            hidden = matched_hidden(target)
            count = mlp_parameters(784, hidden, 10)
            self.reporter.note(f"mlp-matched: hidden sizes {hidden} give {count:,} parameters; "
                               f"the CNN has {target:,} (difference {count - target:+,})")
            result = self._train_net("mlp-matched", "mlp-matched", mlp_stack(hidden, "mlp-matched"),
                                     f"784-{'-'.join(map(str, hidden))}-10 ReLU, log-softmax",
                                     (torch.optim.SGD, {"lr": 0.01, "momentum": 0.5}), "nll")
            result.extra.update(hidden=list(hidden), cnn_params=target, difference=count - target)
        return self.results["mlp-matched"]

    def logreg(self) -> ModelResult:
        if "logreg" in self.results:
            return self.results["logreg"]
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        s = self.settings
        stack = StackSpec(Shape((28, 28), 1), (Flatten(), Dense(10), Activation("softmax")), "logreg")
        engine = _engine_params(stack)
        x_train, y_train = self.train.flat_numpy(), self.train.labels.cpu().numpy()
        self.reporter.note(f"logreg: scikit-learn LogisticRegression (lbfgs, max_iter {s.logreg_max_iter}) "
                           f"on {len(y_train):,} images")
        model = LogisticRegression(max_iter=s.logreg_max_iter, random_state=s.seed)
        started = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            model.fit(x_train, y_train)
        seconds = time.perf_counter() - started
        count = int(model.coef_.size + model.intercept_.size)
        self.reporter.params("logreg", engine, count, "scikit-learn")
        if engine != count:
            raise ShapeError(f"logreg: the engine counts {engine:,} parameters but scikit-learn {count:,}")
        result = ModelResult(
            "logreg", "logreg", "logistic regression (scikit-learn, lbfgs)", engine, count,
            float(model.score(x_train, y_train)), float(model.score(self.val.flat_numpy(), self.val.labels.cpu().numpy())),
            float(model.score(self.val_shifted.flat_numpy(), self.val_shifted.labels.cpu().numpy())), seconds, "cpu",
            extra={"iterations": int(model.n_iter_.max()), "converged": not any(
                issubclass(w.category, ConvergenceWarning) for w in caught), "max_iter": s.logreg_max_iter},
        )
        self.results["logreg"] = result
        self.models["logreg"] = model
        return result

    def shift(self) -> list:
        rows = []
        for result in (self.logreg(), self.mlp(), self.cnn()):
            rows.append({"model": result.model, "val_acc": result.val_acc, "val_acc_shifted": result.val_acc_shifted,
                         "drop": result.val_acc - result.val_acc_shifted})
        self.tables["shift"] = rows
        return rows

    def optimizers(self) -> dict:
        stack = get("keras-task")
        histories = {}
        for name, optimizer in OPTIMIZERS.items():
            key = f"keras-task {name}"
            if key not in self.results:
                self._train_net("optimizers", key, stack, "the programming task's network (lecture 004)",
                                optimizer, "ce", drop_softmax=True)
            histories[name] = self.results[key].history
        self.tables["optimizers"] = histories
        return histories

    def run(self, task: Task) -> None:
        """One task of :data:`TASKS`; 'all' runs every other one in their order."""
        if task == "all":
            for name in TASKS:
                if name != "all":
                    self.run(name)
            return
        {"logreg": self.logreg, "mlp": self.mlp, "cnn": self.cnn, "mlp-matched": self.mlp_matched,
         "shift": self.shift, "optimizers": self.optimizers}[task]()

    # ------------------------------------------------------------------ output

    def write_plots(self, out: Path) -> dict:
        from . import plots

        out.mkdir(parents=True, exist_ok=True)
        if "logreg" in self.models:
            self.plots["logreg coefficients"] = str(plots.coefficients(self.models["logreg"].coef_, out / "logreg_coefficients.png"))
        if "optimizers" in self.tables:
            self.plots["optimizer loss curves"] = str(plots.loss_curves(self.tables["optimizers"], out / "optimizers_loss.png",
                                                                        self.settings))
        if "shift" in self.tables:
            self.plots["shift"] = str(plots.shift_bars(self.tables["shift"], out / "shift.png"))
        return self.plots

    def as_json(self, task: str) -> dict:
        import sklearn

        return {
            "task": task,
            "settings": {**asdict(self.settings), "device": str(self.device),
                         "train_images": len(self.train), "validation_images": len(self.val),
                         "normalisation": [mnist_data.MEAN, mnist_data.STD],
                         "shift": "RandomAffine(0, translate=(0.1, 0)) equivalent, shifts in -3..3, seed "
                                  f"{self.settings.seed + 1}"},
            "versions": {"torch": torch.__version__, "scikit-learn": sklearn.__version__,
                         "python": platform.python_version()},
            "device_name": torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else platform.processor() or "cpu",
            "threads": torch.get_num_threads(),
            "load_seconds": self.load_seconds,
            "results": [asdict(r) for r in self.results.values()],
            "tables": self.tables,
            "plots": self.plots,
        }


__all__ = ["Runner", "Settings", "ModelResult", "Reporter", "TASKS", "History", "matched_hidden", "mlp_stack"]
