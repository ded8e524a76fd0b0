"""Staged output folders forget the files a command no longer writes, and only those.

Several commands share one folder (``build`` and ``analyse`` in ``results/``, ``map`` and
the notebooks in ``figures/``): a run removes what the same command wrote last time, before
writing, and keeps other commands' files, the user's files and input files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gmindex.io.outputs import OutputError, staged_folders
from gmindex.io.writers import WRITTEN_RECORD, write_manifest, write_text


def run(out: Path, command: str | None, names, *, fail: BaseException | None = None,
        inputs=()) -> None:
    """One staged run of ``command`` writing ``names`` (text = name) into ``out``."""
    with staged_folders({"--out": out}, command=command, inputs=inputs) as where:
        for name in names:
            write_text(name, where["--out"] / name)
            if fail is not None:
                raise fail


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def record(folder: Path) -> dict:
    return json.loads((folder / WRITTEN_RECORD).read_text(encoding="utf-8"))


def test_a_file_no_longer_written_disappears(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["a.csv", "b.csv"])
    assert record(out) == {"build": ["a.csv", "b.csv"]}
    run(out, "build", ["a.csv"])
    assert listing(out) == [WRITTEN_RECORD, "a.csv"]
    assert record(out) == {"build": ["a.csv"]}


def test_other_commands_and_the_users_files_stay(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["a.csv", "b.csv"])
    run(out, "analyse", ["gini.csv"])
    (out / "my_notes.txt").write_text("mine")
    run(out, "build", ["a.csv"])
    assert listing(out) == [WRITTEN_RECORD, "a.csv", "gini.csv", "my_notes.txt"]
    assert record(out) == {"analyse": ["gini.csv"], "build": ["a.csv"]}
    run(out, "analyse", [])  # analyse writes nothing now: its entry goes with its file
    assert listing(out) == [WRITTEN_RECORD, "a.csv", "my_notes.txt"]
    assert record(out) == {"build": ["a.csv"]}


def test_a_file_two_commands_write_stays_until_neither_does(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["index_provenance.json", "a.csv"])
    run(out, "map --lang en", ["index_provenance.json", "map.png"])
    run(out, "build", ["a.csv"])
    assert (out / "index_provenance.json").is_file()  # map still writes it
    run(out, "map --lang en", ["map.png"])
    assert listing(out) == [WRITTEN_RECORD, "a.csv", "map.png"]


def test_variants_keyed_apart_live_side_by_side(tmp_path):
    out = tmp_path / "f"
    run(out, "map --lang en", ["map.png"])
    run(out, "map --lang zh", ["map_zh.png"])
    run(out, "map --lang en", ["map.png"])
    assert listing(out) == [WRITTEN_RECORD, "map.png", "map_zh.png"]


def test_subfolders_are_recorded_and_emptied_ones_removed(tmp_path):
    out = tmp_path / "r"
    out.mkdir()  # a nested folder needs its parent, as gmindex notebooks makes it
    with staged_folders({"--out": out, "--nb": out / "notebooks"}, command="notebooks") as where:
        write_text("x", where["--nb"] / "01.ipynb")
        write_text("x", where["--out"] / "deep" / "er" / "t.csv")
    assert record(out) == {"notebooks": ["deep/er/t.csv", "notebooks/01.ipynb"]}
    with staged_folders({"--out": out, "--nb": out / "notebooks"}, command="notebooks") as where:
        write_text("x", where["--nb"] / "01.ipynb")
    assert listing(out) == [WRITTEN_RECORD, "notebooks/01.ipynb"]
    assert not (out / "deep").exists()


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_interrupted_run_leaves_the_old_files_and_record(tmp_path, error):
    out = tmp_path / "r"
    run(out, "build", ["a.csv", "b.csv"])
    before = {p: (out / p).read_bytes() for p in listing(out)}
    with pytest.raises(type(error)):
        run(out, "build", ["a.csv"], fail=error)
    assert {p: (out / p).read_bytes() for p in listing(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_the_record_is_sorted_and_rerun_byte_identical(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["b.csv", "a.csv", "c.csv"])
    run(out, "analyse", ["z.csv"])
    first = (out / WRITTEN_RECORD).read_bytes()
    run(out, "build", ["c.csv", "a.csv", "b.csv"])
    run(out, "analyse", ["z.csv"])
    assert (out / WRITTEN_RECORD).read_bytes() == first
    assert first.decode() == json.dumps({"analyse": ["z.csv"], "build": ["a.csv", "b.csv", "c.csv"]},
                                        indent=2, sort_keys=True) + "\n"


def test_the_manifest_does_not_list_the_record(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["a.csv"])
    manifest = json.loads(write_manifest(out).read_text())
    assert [f["file"] for f in manifest["files"]] == ["a.csv"]


def test_without_a_command_name_every_old_file_stays(tmp_path):
    out = tmp_path / "r"
    run(out, None, ["a.csv", "b.csv"])
    run(out, None, ["a.csv"])
    assert listing(out) == ["a.csv", "b.csv"]


def test_an_input_file_in_the_record_is_not_removed(tmp_path):
    out = tmp_path / "r"
    run(out, "build", ["a.csv", "data.csv"])
    (out / "data.csv").write_text("my data")  # the user now reads it as input
    run(out, "build", ["a.csv"], inputs=[out / "data.csv"])
    assert (out / "data.csv").read_text() == "my data"
    with pytest.raises(OutputError, match="would overwrite the input"):
        run(out, "build", ["data.csv"], inputs=[out / "data.csv"])
    assert (out / "data.csv").read_text() == "my data"


def test_a_damaged_or_hostile_record_removes_nothing_outside(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    (out / "a.csv").write_text("old")
    (out / WRITTEN_RECORD).write_text(json.dumps(
        {"build": ["../precious.txt", str(outside), "a.csv"]}))
    run(out, "build", [])
    assert outside.read_text() == "keep" and not (out / "a.csv").exists()
    (out / "b.csv").write_text("old")
    (out / WRITTEN_RECORD).write_text("{not json")
    run(out, "build", ["c.csv"])
    assert listing(out) == [WRITTEN_RECORD, "b.csv", "c.csv"]
    assert record(out) == {"build": ["c.csv"]}


def test_nothing_is_removed_through_a_linked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.csv").write_text("keep")
    out = tmp_path / "r"
    out.mkdir()
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    (out / WRITTEN_RECORD).write_text(json.dumps({"build": ["link/x.csv"]}))
    run(out, "build", [])
    assert (elsewhere / "x.csv").read_text() == "keep"
