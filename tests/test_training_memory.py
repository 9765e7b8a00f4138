"""Training memory against what torch keeps on the CPU: the tensors autograd saves for the
backward pass (unique storages, parameters and buffers aside), the gradients and the
optimizer's state after one step, for every optimizer and a few networks."""

import pytest

torch = pytest.importorskip("torch")

from cnncalc.stacks.layers import Context  # noqa: E402
from cnncalc.stacks.summary import summarize  # noqa: E402
from cnncalc.stacks.training import OPTIMIZERS, training_memory  # noqa: E402
from cnncalc.stacks.zoo import get  # noqa: E402
from cnncalc.torch.build import build_module, input_tensor_shape  # noqa: E402

TORCH_OPTIMIZERS = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.1), "momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "adam": lambda p: torch.optim.Adam(p), "adamw": lambda p: torch.optim.AdamW(p),
    "adadelta": lambda p: torch.optim.Adadelta(p), "rmsprop": lambda p: torch.optim.RMSprop(p),
    "adagrad": lambda p: torch.optim.Adagrad(p),
}


def measured(name: str, optimizer: str, batch: int) -> dict:
    spec = get(name)
    module = build_module(spec.input, spec.layers, Context(convention=spec.convention or "torch")).train()
    owned = {t.untyped_storage().data_ptr() for t in (*module.parameters(), *module.buffers())}
    kept = {}

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in owned:
            kept[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = module(torch.randn(input_tensor_shape(spec.input, batch)))
    opt = TORCH_OPTIMIZERS[optimizer](module.parameters())
    y.sum().backward()
    opt.step()
    buffers = [b for n, b in module.named_buffers() if not n.endswith("num_batches_tracked")]
    return {
        "activations": sum(kept.values()),
        "weights": sum(t.untyped_storage().nbytes() for t in (*module.parameters(), *buffers)),
        "gradients": sum(p.grad.untyped_storage().nbytes() for p in module.parameters()),
        "optimizer": sum(v.untyped_storage().nbytes() for state in opt.state.values() for v in state.values()
                         if torch.is_tensor(v)),
    }


def test_every_optimizer_has_a_torch_twin():
    assert set(TORCH_OPTIMIZERS) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", ["mnist-cnn", "keras-task", "inception3a"])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_training_memory_equals_torch(name, optimizer):
    spec = get(name)
    summary = summarize(spec.input, spec.layers, Context(convention=spec.convention or "torch"))
    ours = training_memory(summary, spec.layers, optimizer)
    batch = 3
    theirs = measured(name, optimizer, batch)
    assert {"activations": batch * ours.per_example_bytes + ours.activations_fixed_bytes, "weights": ours.weights_bytes,
            "gradients": ours.gradients_bytes, "optimizer": ours.optimizer_bytes} == theirs


def test_batch_norm_and_residuals_equal_torch():
    spec = get("resnet18")
    ours = training_memory(summarize(spec.input, spec.layers), spec.layers, "momentum")
    theirs = measured("resnet18", "momentum", 2)
    assert 2 * ours.per_example_bytes + ours.activations_fixed_bytes == theirs["activations"]
    assert ours.weights_bytes == theirs["weights"]  # running statistics included


def test_course_cnn_by_hand():
    """conv1 keeps the 784 inputs, pool1 its 5,760 inputs and 1,440 int64 indices, ...: 57,776 bytes an example."""
    spec = get("mnist-cnn")
    m = training_memory(summarize(spec.input, spec.layers), spec.layers, "adam")
    assert m.per_example_bytes == 4 * (784 + 5760 + 1440 + 1280 + 1280 + 320 + 50 + 10) + 8 * (1440 + 320)
    assert m.optimizer_bytes == 2 * 21_840 * 4 + 8 * 4  # two averages, a step counter per tensor
    assert m.total(64) == 2 * 21_840 * 4 + m.optimizer_bytes + 64 * m.per_example_bytes


def test_cli_formula_in_b():
    from click.testing import CliRunner

    from cnncalc.cli import main

    out = CliRunner().invoke(main, ["shape", "mnist-cnn", "--train", "--optimizer", "adam"])
    assert out.exit_code == 0 and "total:           349,472 + 57,776 x B bytes" in out.output
    bad = CliRunner().invoke(main, ["shape", "mnist-cnn", "--train", "--batch", "-3"])
    assert bad.exit_code == 2 and "not a batch size" in bad.output
