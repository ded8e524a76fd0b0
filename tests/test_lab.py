"""`python3 tasks.py lab`: JupyterLab serves the paired notebooks (headless, loopback, token)."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytest.importorskip("jupyterlab")
pytest.importorskip("jupytext")


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str):
    req = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def test_lab_serves_paired_notebooks(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    cmd = _tasks().lab_command(sys.executable, "--no-browser", f"--port={port}",
                               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen(cmd, cwd=ROOT / "notebooks", env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("JupyterLab did not start:\n"
                                + (tmp_path / "lab.log").read_text(errors="replace")[-3000:])
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError):  # the token is required
            urllib.request.urlopen(f"{base}/api/contents", timeout=10)
        listing = {item["name"] for item in _get(f"{base}/api/contents", token)["content"]}
        assert {"01_data_and_sources.ipynb", "01_data_and_sources.py"} <= listing
        ipynb = _get(f"{base}/api/contents/01_data_and_sources.ipynb?content=1", token)
        py = _get(f"{base}/api/contents/01_data_and_sources.py?content=1&type=notebook", token)
        assert ipynb["type"] == py["type"] == "notebook"  # the .py opens as a notebook: jupytext
        cells = lambda nb: [(c["cell_type"], c["source"]) for c in nb["content"]["cells"]]  # noqa: E731
        assert cells(py) == cells(ipynb) and len(cells(py)) > 5
        assert _get(f"{base}/lab/api/settings", token) is not None  # the JupyterLab app itself
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    assert proc.returncode is not None
