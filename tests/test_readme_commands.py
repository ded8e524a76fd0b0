"""The README's shell commands run as written, in order, and leave the checkout untouched.

Every fenced ```bash block of README.md is extracted and run, in the order
of the README, by one bash process with ``set -euo pipefail`` in an empty
temporary folder (the walkthrough starts with ``mkdir -p my_index && cd
my_index``).  ``gmindex`` and ``python`` on the PATH are this checkout's
package, as after ``pip install -e .``.  Two commands are skipped: the first
block's ``python3 tasks.py reproduce`` and ``python3 tasks.py test`` set up a
virtual environment and run the whole study and the whole test suite; CI runs
exactly them (``.ci/run``), and running the test suite from inside itself
would recurse.

The convert report printed in the README (```text block after the convert
command) is compared with the one the command prints.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SKIPPED = ("python3 tasks.py reproduce", "python3 tasks.py test")
#: Commands of later blocks that another test runs instead, with why.
ELSEWHERE = {
    "python3 tasks.py lab": "a server that runs until stopped; tests/test_lab.py starts it and "
                            "loads a paired notebook through its REST API",
}


def fenced_blocks(text: str, language: str) -> list[str]:
    """Bodies of the fenced code blocks of one language, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def _command_lines(block: str) -> list[str]:
    return [ln.split("#", 1)[0].strip() for ln in block.splitlines() if ln.strip()]


def test_first_block_is_only_the_two_ci_commands():
    first = fenced_blocks(README.read_text(encoding="utf-8"), "bash")[0]
    assert _command_lines(first) == list(SKIPPED)


def _checkout_state() -> dict[str, str]:
    """Hash of every file under the checkout's tracked folders (not .git, not caches)."""
    state = {}
    for folder in ("data", "gmindex", "notebooks", "figures", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" \
                    not in path.parts and ".pytest_cache" not in path.parts:
                state[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted(ROOT.glob("*")):
        if path.is_file():
            state[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    state["results exists"] = str((ROOT / "results").exists())
    return state


def _shims(bin_dir: Path) -> None:
    """``gmindex`` and ``python`` running this checkout's package with this interpreter."""
    bin_dir.mkdir()
    exe = sys.executable
    (bin_dir / "gmindex").write_text(
        "#!/bin/sh\nexec \"" + exe + "\" -c "
        "\"import sys; from gmindex.cli import main; sys.argv[0] = 'gmindex'; main()\" \"$@\"\n")
    (bin_dir / "python").write_text("#!/bin/sh\nexec \"" + exe + "\" \"$@\"\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)


@pytest.mark.notebooks  # runs one notebook and the city analysis: about 90 s of CPU in all
@pytest.mark.slow(90)
def test_readme_commands_run_verbatim(tmp_path):
    text = README.read_text(encoding="utf-8")
    blocks = fenced_blocks(text, "bash")
    body = blocks[1:]  # the first is the two CI commands, checked above
    assert len(body) >= 6
    body = ["\n".join(f"echo 'skipped here: {ELSEWHERE[_command_lines(ln)[0]]}'"
                      if _command_lines(ln) and _command_lines(ln)[0] in ELSEWHERE else ln
                      for ln in block.splitlines()) + "\n" for block in body]
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '>>> block {k}'\n{block}" for k, block in enumerate(body, start=1))
    _shims(tmp_path / "bin")
    work = tmp_path / "work"
    work.mkdir()
    # Figures at draft resolution: every one is still drawn and saved in each format (the
    # resolution of saved PNGs is checked in tests/io/test_writers.py and tests/paper).
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "COLUMNS": "200", "MPLBACKEND": "Agg",
           "GMINDEX_DRAFT_DPI": "100"}
    before = _checkout_state()
    done = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True,
                          text=True, timeout=1200)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert _checkout_state() == before, "the README commands changed the checkout"
    # The convert report shown in the README is the one printed.
    shown = fenced_blocks(text[text.index("gmindex convert example_rd_personnel.xlsx"):], "text")[0]
    for line in shown.splitlines():
        assert line in done.stdout, line
    assert (work / "my_index" / "results_rd" / "index_provenance.json").is_file()
    assert (work / "my_index" / "my_results" / "02_building_the_index.ipynb").is_file()
    assert (work / "my_index" / "my_results" / "results").is_dir()
    # The notebook's figures go under --out too (test_notebooks.py's check of the notebooks
    # command runs a notebook without figures).
    assert any((work / "my_index" / "my_results" / "figures").glob("*.png"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_fenced_blocks_finds_blocks_in_order():
    text = "a\n```bash\none\n```\n```text\nx\n```\n```bash\ntwo\n```\n"
    assert fenced_blocks(text, "bash") == ["one\n", "two\n"]
