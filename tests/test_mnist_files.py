"""The IDX reader and the MNIST data directory, on files the tests write
(whole, truncated, wrong magic, corrupt) and, when the shared copy exists, on
the real files.  None of this needs torch."""

import gzip
import hashlib
import os

import numpy as np
import pytest
from click.testing import CliRunner

from cnncalc import mnist
from cnncalc.cli import main
from cnncalc.errors import InputError
from cnncalc.idx import idx_bytes, read_idx, read_idx_bytes

from .helpers import REAL, needs_real, write_fake_mnist


def header(code, *dims):
    return bytes([0, 0, code, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)


def test_reads_hand_written_uint8_images(tmp_path):
    body = bytes(range(2 * 3 * 4))
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(header(0x08, 2, 3, 4) + body)
    array = read_idx(path)
    assert array.shape == (2, 3, 4) and array.dtype == np.uint8
    assert array[1, 2, 3] == 23 and array[0, 1, 0] == 4  # row-major order


def test_reads_gzip_by_magic_and_big_endian_int32(tmp_path):
    values = [1, -2, 70000]
    raw = header(0x0C, 3) + b"".join(v.to_bytes(4, "big", signed=True) for v in values)
    path = tmp_path / "ints.gz"
    path.write_bytes(gzip.compress(raw))
    assert read_idx(path).tolist() == values


def test_round_trip_of_the_writer():
    array = np.arange(-6, 6, dtype=np.int16).reshape(3, 4)
    assert np.array_equal(read_idx_bytes(idx_bytes(array), "x"), array)


@pytest.mark.parametrize("data, words", [
    (header(0x08, 2, 3) + bytes(5), ["truncated", "6 bytes", "found 5"]),
    (header(0x08, 2, 3) + bytes(7), ["longer than its header"]),
    (b"\x00\x00\x08\x03\x00\x00", ["truncated inside its header"]),
    (b"\x00\x00", ["too short"]),
    (b"PK\x03\x04" + bytes(20), ["not an IDX file", "504b0304"]),
    (header(0x07, 4) + bytes(4), ["not an IDX file", "00000701"]),
])
def test_bad_files_give_one_line_errors(tmp_path, data, words):
    path = tmp_path / "bad"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_idx(path, fix="fetch it again")
    message = str(info.value)
    assert "\n" not in message and str(path) in message and "fetch it again" in message
    for word in words:
        assert word in message


def test_truncated_gzip_names_the_file(tmp_path):
    path = tmp_path / "t.gz"
    path.write_bytes(gzip.compress(header(0x08, 100) + bytes(100))[:-12])
    with pytest.raises(InputError, match="damaged or truncated gzip"):
        read_idx(path)


# --------------------------------------------------------------------------- fake MNIST folders

def test_data_dir_resolution_order(tmp_path, monkeypatch):
    monkeypatch.delenv(mnist.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mnist.resolve_dir(None) == (tmp_path / "cache" / "cnncalc" / "mnist", "default")
    monkeypatch.setenv(mnist.ENV, str(tmp_path / "env"))
    assert mnist.resolve_dir(None) == (tmp_path / "env", mnist.ENV)
    assert mnist.resolve_dir(tmp_path / "given") == (tmp_path / "given", "--data-dir")


def test_torchvision_layout_and_raw_files_are_found(tmp_path):
    arrays = write_fake_mnist(tmp_path / "MNIST" / "raw", gz=False)
    split = mnist.load_split("train", tmp_path, check=False)
    assert np.array_equal(split.images, arrays["train-images-idx3-ubyte"])
    assert split.labels.dtype == np.int64 and "MNIST/raw" in split.files[0]


def test_missing_file_error_names_file_places_and_fix(tmp_path):
    write_fake_mnist(tmp_path)
    os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(InputError) as info:
        mnist.load_split("test", tmp_path, check=False)
    message = str(info.value)
    assert "\n" not in message
    for part in ("t10k-labels-idx1-ubyte.gz", str(tmp_path), str(tmp_path / "MNIST" / "raw"),
                 f"cnncalc data mnist {tmp_path}", "CNNCALC_DATA"):
        assert part in message


def test_checksums_catch_files_that_are_not_mnist(tmp_path):
    write_fake_mnist(tmp_path, n_train=60000 // 1000)  # wrong shape first
    with pytest.raises(InputError, match="holds 60x28x28 values, MNIST's train-images-idx3-ubyte has 60000x28x28"):
        mnist.load_split("train", tmp_path)


def test_checksum_mismatch_with_right_shape(tmp_path, monkeypatch):
    labels = np.zeros(10000, dtype=np.uint8)
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(labels))
    path = mnist.find_file(tmp_path, "t10k-labels-idx1-ubyte")
    with pytest.raises(InputError, match="md5 .* is not MNIST's 27ae3e4e09519cfbb04c329615203637 .corrupt file."):
        mnist.read_checked(path, "t10k-labels-idx1-ubyte", tmp_path)


def test_data_command_without_internet_names_the_files(tmp_path, monkeypatch):
    # a mirror that refuses at once stands for "no internet"
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    result = CliRunner().invoke(main, ["data", "mnist", str(tmp_path / "d"), "--timeout", "2"])
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.count("\n") == 0 and line.startswith("error: could not download")
    for name in mnist.FILES:
        assert f"{name}.gz" in line
    assert str(tmp_path / "d") in line


def test_data_command_names_a_gzip_bomb_and_the_limit(tmp_path, monkeypatch):
    """A small .gz posing as the training images and inflating past MNIST's real size (47,040,016 bytes):
    the command's error names that file and the limit, not only the download that could not replace it."""
    import zlib

    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))  # refuses at once: no internet
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    bomb = compressor.compress(header(0x08, 60000, 28, 28)) + compressor.compress(bytes(50_000_000))
    bomb += compressor.flush()
    assert len(bomb) < 100_000  # 50 MB of zeros in a small file
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(bomb)
    result = CliRunner().invoke(main, ["data", "mnist", str(tmp_path), "--timeout", "2"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    error = result.stderr.strip()
    assert error.count("\n") == 0
    assert error.startswith(f"error: {path} holds more than 47,040,016 bytes (uncompressed)"), error
    assert "could not download" in error and "train-images-idx3-ubyte.gz" in error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train-images-idx3-ubyte.gz"]  # nothing else written


def test_data_command_help_has_an_example():
    result = CliRunner().invoke(main, ["data", "--help"])
    assert result.exit_code == 0 and "cnncalc data mnist" in result.output


@needs_real
def test_real_files_counts_histogram_and_checksums():
    train = mnist.load_split("train", REAL)  # checks the md5 of every file
    test = mnist.load_split("test", REAL)
    assert train.images.shape == (60000, 28, 28) and test.images.shape == (10000, 28, 28)
    assert np.bincount(train.labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert len(test.labels) == 10000 and test.labels.max() == 9
    # independent of the reader: md5 of the decompressed bytes
    raw = gzip.open(REAL / "t10k-labels-idx1-ubyte.gz").read()
    assert hashlib.md5(raw).hexdigest() == "27ae3e4e09519cfbb04c329615203637"
    assert test.labels[:5].tolist() == list(raw[8:13])


@needs_real
def test_data_command_accepts_an_existing_copy(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    result = CliRunner().invoke(main, ["data", "mnist", str(REAL)])
    assert result.exit_code == 0, result.output
    assert result.output.count("already present and whole") == 4


def test_a_failed_download_leaves_no_folder_it_created(tmp_path):
    target = tmp_path / "new" / "mnist"
    with pytest.raises(InputError, match="could not download"):
        mnist.download(target, timeout=0.5, mirrors=["http://127.0.0.1:9/"])  # nothing listens on port 9
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises(InputError):
        mnist.download(kept, timeout=0.5, mirrors=["http://127.0.0.1:9/"])
    assert kept.is_dir()  # a folder that was there before stays
