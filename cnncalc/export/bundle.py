"""cnncalc itself, shipped to a platform: a wheel, pinned requirements, a vendored copy.

An autograder must grade with the same cnncalc and the same sympy and numpy
that checked the exercises, or a reference could change under the class.  So the
Gradescope zip carries a wheel of this very cnncalc (built here, from the
package's own files: no build tool, no network) and ``requirements.txt`` pinning
every dependency to the version installed here; PrairieLearn, which runs
``server.py`` in its own Python, gets a copy of the package's source.

>>> requirement_name("numpy>=1.24"), requirement_name('colorama; platform_system == "Windows"')
('numpy', 'colorama')
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import InputError

PACKAGE = "cnncalc"
#: A fixed timestamp (the zip format's earliest) so that the same files give the same zip.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def package_root() -> Path:
    """The folder of the cnncalc package being run."""
    return Path(__file__).resolve().parent.parent


def package_files(root: Path | None = None) -> list[Path]:
    """The package's files to ship: sources and data, no caches."""
    root = root or package_root()
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


def version() -> str:
    from .. import __version__

    return __version__


def requirement_name(line: str) -> str:
    """The distribution name at the start of a requirement line."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    if not match:
        raise ValueError(f"not a requirement: {line!r}")
    return match.group(1)


def _direct_requirements() -> list[str]:
    """cnncalc's runtime dependencies: the checkout's pyproject.toml when cnncalc runs from one
    (what the wheel is built from), else the installed distribution's metadata."""
    pyproject = package_root().parent / "pyproject.toml"
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        tomllib = None
    if tomllib is not None and pyproject.is_file():
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == PACKAGE:
            return list(project.get("dependencies", []))
    try:
        lines = metadata.requires(PACKAGE) or []
    except metadata.PackageNotFoundError:
        raise InputError("cnncalc is not installed, so its dependencies cannot be pinned; run "
                         "pip install -e . in the checkout first") from None
    return [line for line in lines if "extra ==" not in line and "extra==" not in line]


@dataclass(frozen=True)
class Pins:
    """Every runtime dependency of cnncalc, pinned, and the Python they need."""

    lines: tuple[str, ...]  # "numpy==2.4.6", 'typing-extensions==4.12.2; python_version < "3.11"'
    python: tuple[int, int]  # the oldest Python every pinned version supports

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def pinned_requirements() -> Pins:
    """cnncalc's runtime dependencies and theirs, each at the version installed here.

    A dependency behind a marker that does not apply here (colorama on Windows)
    and is not installed is left out; extras are left out."""
    pins: dict[str, str] = {}
    python = (3, 10)
    queue = _direct_requirements()
    seen: set[str] = set()
    while queue:
        line = queue.pop(0)
        name = requirement_name(line)
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a dependency for another platform (a marker that does not hold here)
        marker = line.split(";", 1)[1].strip() if ";" in line else ""
        pins[key] = f"{dist.metadata['Name']}=={dist.version}" + (f"; {marker}" if marker else "")
        python = max(python, _oldest_python((dist.metadata.get_all("Requires-Python") or [""])[0]))
        queue += [r for r in (dist.requires or []) if "extra ==" not in r and "extra==" not in r]
    return Pins(tuple(pins[k] for k in sorted(pins)), python)


def _oldest_python(spec: str) -> tuple[int, int]:
    """The lowest Python a Requires-Python allows ('>=3.11' -> (3, 11)).

    >>> _oldest_python(">=3.11"), _oldest_python(">=3.8,!=3.9.*"), _oldest_python("")
    ((3, 11), (3, 8), (3, 0))
    """
    found = re.findall(r">=?\s*(\d+)\.(\d+)", spec)
    return max(((int(a), int(b)) for a, b in found), default=(3, 0))


# --------------------------------------------------------------------------- the wheel

def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def zip_write(archive: zipfile.ZipFile, name: str, data: bytes | str, mode: int = 0o644) -> None:
    """Add one file with a fixed date and its permissions (0o755 for a script)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    info = zipfile.ZipInfo(name, ZIP_EPOCH)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def wheel_name() -> str:
    return f"{PACKAGE}-{version()}-py3-none-any.whl"


def build_wheel() -> bytes:
    """A pure-Python wheel (PEP 427) of the cnncalc being run, byte for byte the same
    for the same files; pip installs it with ``--no-deps`` next to the pinned
    requirements."""
    root = package_root()
    dist_info = f"{PACKAGE}-{version()}.dist-info"
    requires = "".join(f"Requires-Dist: {line}\n" for line in _direct_requirements())
    extra = {
        f"{dist_info}/METADATA": (f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {version()}\n"
                                  f"Summary: Exact, explaining calculator and auto-grader for convolutional-network "
                                  f"exercises\nRequires-Python: >=3.10\n{requires}").encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: cnncalc export\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": b"[console_scripts]\ncnncalc = cnncalc.cli:main\n",
    }
    buffer = io.BytesIO()
    record = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in package_files(root):
            name = f"{PACKAGE}/{path.relative_to(root).as_posix()}"
            data = path.read_bytes()
            zip_write(archive, name, data)
            record.append(f"{name},{_record_hash(data)},{len(data)}")
        for name, data in extra.items():
            zip_write(archive, name, data)
            record.append(f"{name},{_record_hash(data)},{len(data)}")
        record.append(f"{dist_info}/RECORD,,")
        zip_write(archive, f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode())
    return buffer.getvalue()


# --------------------------------------------------------------------------- vendoring

def copy_package(name: str, target: Path) -> Path:
    """Copy an importable pure-Python package's sources (and its licence, when
    its distribution has one) into ``target/name``; compiled extensions are
    left out, so the copy runs on any Python that the sources support."""
    import importlib

    module = importlib.import_module(name)
    assert module.__file__ is not None, name  # a vendored package is a regular package (an __init__.py)
    source = Path(module.__file__).resolve().parent
    destination = target / name
    if destination.exists():
        shutil.rmtree(destination)
    for path in package_files(source):
        if path.suffix in (".so", ".pyd", ".dll", ".dylib", ".c"):
            continue
        out = destination / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
    for dist_name in metadata.packages_distributions().get(name, []):
        for file in metadata.files(dist_name) or []:
            if re.search(r"(LICEN[CS]E|COPYING)", file.name, re.I):
                data = file.read_text() if Path(file.locate()).exists() else ""
                if data:
                    (destination / f"{file.name}.{dist_name}").write_text(data, encoding="utf-8")
    return destination


__all__ = ["build_wheel", "wheel_name", "pinned_requirements", "Pins", "copy_package", "package_files", "version",
           "ZIP_EPOCH", "zip_write"]
