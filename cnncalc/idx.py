"""The IDX file format of the MNIST database, gzip-compressed or raw.

An IDX file is a 4-byte magic number -- two zero bytes, a type code and the
number of dimensions -- then one big-endian 32-bit size per dimension, then
the values in row-major order (big-endian for types wider than a byte)::

    00 00 08 03  00 00 EA 60  00 00 00 1C  00 00 00 1C  <60000*28*28 bytes>
    zero  uint8 3-D  60000        28           28

Only numpy, gzip and the standard library: reading data never imports torch.

>>> import io
>>> raw = bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9])
>>> read_idx_bytes(raw, "labels").tolist()
[7, 8, 9]
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import numpy as np

from .errors import InputError
from .files import open_regular

# type code -> big-endian numpy dtype
TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


MAX_BYTES = 200_000_000  # uncompressed bytes of one IDX file (MNIST's largest has 47,040,016)


@contextmanager
def _stream(path: str, fix: str) -> Iterator[BinaryIO | gzip.GzipFile]:
    """The file as a stream of its uncompressed bytes (gzip by its magic, not its name).

    A stream, so that a small gzip file that inflates to gigabytes (a "gzip
    bomb") is never decompressed past the bytes its reader asks for."""
    try:
        handle = open_regular(path, "IDX file")
    except InputError as error:
        raise InputError(f"{error}; {fix}") from None
    with handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not gzipped:
            yield handle
            return
        with gzip.GzipFile(fileobj=handle) as stream:
            yield stream


def _read(stream: BinaryIO | gzip.GzipFile, size: int, path: str, fix: str) -> bytes:
    try:
        return stream.read(size)
    except (EOFError, OSError, zlib.error) as error:
        raise InputError(f"{path} is a damaged or truncated gzip file ({error}); {fix}") from None


def read_bytes(path: str, fix: str = "download it again", max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, decompressed when it is gzip; more than ``max_bytes`` is an error."""
    with _stream(path, fix) as stream:
        data = _read(stream, max_bytes + 1, path, fix)
    if len(data) > max_bytes:
        raise InputError(f"{path} holds more than {max_bytes:,} bytes (uncompressed), more than a file of its "
                         f"kind; {fix}")
    return data


def read_idx_bytes(data: bytes, where: str, fix: str = "download it again") -> np.ndarray:
    """Parse IDX bytes into a numpy array (native byte order)."""
    if len(data) < 4:
        raise InputError(f"{where} is too short to be an IDX file ({len(data)} bytes); {fix}")
    zero, code, ndim = data[:2], data[2], data[3]
    if zero != b"\x00\x00" or code not in TYPES or ndim == 0:
        raise InputError(
            f"{where} is not an IDX file (magic {data[:4].hex()}, expected 0000 then a type code "
            f"{'/'.join(f'{c:02x}' for c in TYPES)} and a dimension count); {fix}"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise InputError(f"{where} is truncated inside its header ({len(data)} of {header} bytes); {fix}")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = TYPES[code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    body = len(data) - header
    if body != expected:
        state = "truncated" if body < expected else "longer than its header says"
        raise InputError(
            f"{where} is {state}: {'x'.join(map(str, dims))} values need {expected:,} bytes after the header, "
            f"found {body:,}; {fix}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="), copy=False)


def read_idx(path: str, fix: str = "download it again") -> np.ndarray:
    """Read an IDX file (gzip or raw) into a numpy array.

    The header is read first, and no more bytes are read than it declares
    (at most MAX_BYTES): the declared size is checked before decompressing."""
    where = os.fspath(path)
    with _stream(where, fix) as stream:
        data = _read(stream, 4, where, fix)
        if len(data) == 4 and data[:2] == b"\x00\x00" and data[2] in TYPES and data[3]:
            data += _read(stream, 4 * data[3], where, fix)
            if len(data) == 4 + 4 * data[3]:
                dims = struct.unpack(f">{data[3]}I", data[4:])
                declared = len(data) + math.prod(dims) * TYPES[data[2]].itemsize
                if declared > MAX_BYTES:
                    raise InputError(f"{where} declares {'x'.join(map(str, dims))} values ({declared:,} bytes), "
                                     f"more than the limit of {MAX_BYTES:,} bytes; {fix}")
                data += _read(stream, declared - len(data) + 1, where, fix)
    return read_idx_bytes(data, where, fix)


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of ``array`` (the inverse of :func:`read_idx_bytes`).

    >>> read_idx_bytes(idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3)), "x").tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    array = np.asarray(array)
    codes = [c for c, t in TYPES.items() if t.newbyteorder("=") == array.dtype.newbyteorder("=")]
    if not codes:
        raise ValueError(f"IDX has no type for {array.dtype}; use uint8, int8, int16, int32, float32 or float64")
    code = codes[0]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(TYPES[code], copy=False).tobytes()
