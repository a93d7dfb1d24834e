"""The README runs as written: every ```sh block of README.md, in order, in one scratch copy of the repository.

The rules, kept simple:

- Each line of a block is one command, run by ``bash -e -o pipefail`` (a line ending in ``\\`` goes on
  on the next line). Each block starts at the scratch copy's root; a ``cd`` holds for the rest of its block.
- Every line must exit 0, unless its comment announces its code: ``# exit N …`` expects exactly N
  (the first number after ``# exit``; so ``# exit 0 clean, 1 problems`` expects 0). Anything else fails
  the test with the README line, the command, its exit code and the end of its stderr.
- ``python``/``python3`` are this test run's Python (the project's venv). The blocks after the set-up
  block (the one with :data:`SETUP`) run as the README says after it, with the scratch
  ``.venv/bin/activate`` sourced, so a bare ``gmb`` is the scratch copy's own.
- The block :data:`NOT_RUN` (the whole test suite, which holds this test) is not run.

The set-up block runs exactly as written but finds its venv already made, cheaply: a ``.venv`` without
packages whose ``.pth`` file points at a folder of links to this venv's installed packages but
:data:`NOT_SHARED`. ``python3 -m venv .venv`` then only refreshes it (and installs pip), and
``.venv/bin/pip install -q -e .`` finds every dependency satisfied and installs only the scratch copy
(its build backend, setuptools, comes from the package index, as for any editable install). pip leaves
packages outside the scratch venv alone, which the test checks: afterwards this venv's gmb, pip and
setuptools are installed as before, gmb still from the real repository. The test takes one to two minutes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("README.md", "pyproject.toml", "gmb", "models", "workshops", "bench", "scripts")
"""What a clone holds that the README's commands may use (tests/ is left out: it is not run here)."""
SETUP = "python3 -m venv .venv"
NOT_RUN = "bash scripts/test"
"""The README's test-suite block: running it here would run this test again, inside itself."""
EXPECTED = re.compile(r"#\s*exit\s+(\d+)")
LINE_TIMEOUT = 600
NOT_SHARED = ("gmb", "pip", "setuptools")
"""Packages the scratch venv does not borrow: the set-up block installs gmb, ``python3 -m venv`` the others."""
PROBE = """
import importlib.metadata as metadata, json, sys
import gmb

def files(name):
    try:
        return [str(path) for path in metadata.distribution(name).files or []]
    except metadata.PackageNotFoundError:
        return []

print(json.dumps({"gmb": gmb.__file__, "direct_url": metadata.distribution("gmb").read_text("direct_url.json"),
                  "folders": list(dict.fromkeys(str(dist.locate_file("")) for dist in metadata.distributions())),
                  "own": [name for package in sys.argv[1:] for name in files(package)]}))
"""


def sh_blocks(text: str) -> list[list[tuple[int, str]]]:
    """Each ```sh block as its commands, each with the README line it starts on."""
    blocks: list[list[tuple[int, str]]] = []
    block: list[tuple[int, str]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if block is None:
            if line.strip() == "```sh":
                block = []
        elif line.strip() == "```":
            blocks.append(block)
            block = None
        elif block and block[-1][1].endswith("\\"):
            block[-1] = (block[-1][0], block[-1][1] + "\n" + line)
        elif line.strip():
            block.append((number, line))
    return blocks


def installed(python: Path | str, cwd: Path) -> dict:
    """What ``python`` has installed, asked from ``cwd`` (a folder that holds no package): where gmb is and
    how pip installed it, the folders that hold distributions (first on sys.path first), and the files of
    :data:`NOT_SHARED`."""
    return json.loads(subprocess.run([str(python), "-c", PROBE, *NOT_SHARED], cwd=cwd, capture_output=True,
                                     text=True, check=True).stdout)


def prepare_venv(scratch: Path, tmp_path: Path, outer: dict) -> None:
    """A package-less ``.venv`` that sees the packages ``outer`` lists (but :data:`NOT_SHARED`) through a
    ``.pth`` file naming a folder of links to them."""
    own = {Path(name).parts[0] for name in outer["own"]} | {"__pycache__"}
    deps = tmp_path / "deps"
    deps.mkdir()
    for folder in map(Path, outer["folders"]):
        for entry in folder.iterdir():
            if entry.name not in own and not (deps / entry.name).is_symlink():
                (deps / entry.name).symlink_to(entry)
    home = str(scratch / ".venv")
    venv.EnvBuilder(symlinks=True).create(home)
    site_packages = Path(sysconfig.get_path("purelib", vars={"base": home, "platbase": home}))
    (site_packages / "outer_packages.pth").write_text(f"{deps}\n", encoding="utf-8")


def python_on_path(tmp_path: Path) -> str:
    """A PATH whose ``python`` and ``python3`` are this run's Python, and that holds no venv's ``bin``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3"):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    outer_bin = str(Path(sys.executable).parent)
    rest = [part for part in os.environ.get("PATH", "").split(os.pathsep) if part and part != outer_bin]
    return os.pathsep.join([str(bin_dir), *rest])


def run_line(command: str, cwd: Path, env: dict[str, str], activate: Path | None, pwd_file: Path) -> tuple[int, str]:
    """Run one README command in ``cwd``; its exit code and stderr. ``pwd_file`` gets the folder it ends in."""
    script = 'trap \'pwd > "$README_PWD"\' EXIT\n'
    if activate is not None:
        script += f'source "{activate}"\n'
    script += f"set -e -o pipefail\n{command}\n"
    done = subprocess.run(["bash", "-c", script], cwd=cwd, env={**env, "README_PWD": str(pwd_file)},
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          encoding="utf-8", errors="replace", timeout=LINE_TIMEOUT)
    return done.returncode, done.stderr


def test_every_readme_shell_block_runs_as_written(tmp_path):
    blocks = sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    texts = ["\n".join(command for _, command in block) for block in blocks]
    assert NOT_RUN in texts, f"README.md has no ```sh block that is just {NOT_RUN!r}; update NOT_RUN"
    assert any(SETUP in text for text in texts), f"README.md has no ```sh block with {SETUP!r}; update SETUP"

    scratch = tmp_path / "clone"
    scratch.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, scratch / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, scratch / name)
    before = installed(sys.executable, tmp_path)
    prepare_venv(scratch, tmp_path, before)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = python_on_path(tmp_path)
    pwd_file = tmp_path / "pwd"

    activate = None
    for block, text in zip(blocks, texts):
        if text == NOT_RUN:
            continue
        cwd = scratch
        for number, command in block:
            expected = int(match.group(1)) if (match := EXPECTED.search(command)) else 0
            code, stderr = run_line(command, cwd, env, activate, pwd_file)
            tail = "\n".join(stderr.strip().splitlines()[-15:])
            assert code == expected, (f"README.md line {number}: {command}\nexited {code} (expected {expected}); "
                                      f"stderr ends:\n{tail}")
            cwd = Path(pwd_file.read_text(encoding="utf-8").strip())
        if SETUP in text:
            activate = scratch / ".venv" / "bin" / "activate"

    assert installed(scratch / ".venv" / "bin" / "python", tmp_path)["gmb"] == str(scratch / "gmb" / "__init__.py")
    after = installed(sys.executable, tmp_path)
    assert after == before and after["gmb"] == str(ROOT / "gmb" / "__init__.py"), "pip changed this run's own venv"
