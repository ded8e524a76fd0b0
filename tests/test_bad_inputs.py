"""Every file of the bad-input corpus gives exactly the documented outcome.

The corpus and its expectations live in tests/bad_inputs/ (cases.toml); the
files are made by tests/bad_inputs/make_corpus.py.
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from gmindex.io import read_long_with_report, read_wide_with_report
from gmindex.validation import DataError, ValidationReport, validate_file

HERE = Path(__file__).resolve().parent / "bad_inputs"
CASES = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
READERS = {"read_long": read_long_with_report, "read_wide": read_wide_with_report}


def _build(path, spec_file, **options):
    """read_long, then build_index with a spec of the corpus: the path of `gmindex build`."""
    from gmindex.index import build_index
    from gmindex.io import read_long
    from gmindex.spec import read_spec

    res = build_index(read_long(path), read_spec(HERE / spec_file), **options)
    return res, res.panel.attrs.get("check_notes", [])


def _registry(path):
    from gmindex.provinces import Registry

    return Registry.from_csv(path), None


READERS.update({"build": _build, "registry": _registry})


def mini_spec():
    raw = tomllib.loads((HERE / "mini_spec.toml").read_text(encoding="utf-8"))
    series = [SimpleNamespace(**s) for s in raw["series"]]
    return SimpleNamespace(series=series, years=tuple(raw["years"]), indicators=())


def case_id(case) -> str:
    files = case["file"] if isinstance(case["file"], list) else [case["file"]]
    return "+".join(files) + ("" if not case.get("options") else "-" + "-".join(
        f"{k}" for k in sorted(case["options"]) if k in ("header_rows", "sheet")) or "")


def paths(case):
    files = case["file"] if isinstance(case["file"], list) else [case["file"]]
    # Relative paths, so that messages are the same on every machine.
    root = Path.cwd()
    out = []
    for f in files:
        p = HERE / f
        try:
            out.append(p.relative_to(root))
        except ValueError:
            out.append(p)
    return out


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch):
    monkeypatch.chdir(HERE.parents[1])


def test_corpus_is_large_enough_and_every_file_has_a_case():
    data_files = {p.name for p in HERE.iterdir()
                  if p.suffix not in (".py", ".toml") and not p.name.startswith(".")}
    named = set()
    for case in CASES:
        named.update(case["file"] if isinstance(case["file"], list) else [case["file"]])
    assert len(data_files) >= 25
    assert data_files == named


def _read(case):
    reader = READERS[case["reader"]]
    (path,) = paths(case)
    options = dict(case.get("options", {}))
    if case["reader"] == "build":
        options["spec_file"] = case["spec_file"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader(path, **options)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case):
    outcome = case["outcome"]
    if outcome == "error":
        with pytest.raises(DataError) as info:
            _read(case)
        message = str(info.value)
        for expected in case["messages"]:
            assert expected in message
        assert "Traceback" not in message
    elif outcome == "repaired":
        df, report = _read(case)
        check_repaired(case, df, report)
    elif outcome == "built":
        res, notes = _read(case)
        assert res.scores["score"].notna().all()
        for expected in case["notes"]:
            assert expected in "\n".join(notes)
        assert res.provenance["options"]["accept"] == sorted(
            case.get("options", {}).get("accept", []))
    elif outcome == "report":
        spec = mini_spec() if case.get("spec") == "mini" else None
        if "spec_file" in case:
            from gmindex.spec import read_spec

            spec = read_spec(HERE / case["spec_file"])
        report = validate_file(paths(case) if len(paths(case)) > 1 else paths(case)[0],
                               spec=spec, **case.get("options", {}))
        assert isinstance(report, ValidationReport)
        assert report.ok is case["ok"]
        errors = "\n".join(report.errors.apply(_line, axis=1)) if len(report.errors) else ""
        warns = "\n".join(report.warnings.apply(_line, axis=1)) if len(report.warnings) else ""
        for expected in case.get("errors", []):
            assert expected in errors
        for expected in case.get("warnings", []):
            assert expected in warns
        if not case.get("errors"):
            assert errors == ""
    else:  # pragma: no cover - a typo in cases.toml
        raise AssertionError(f"unknown outcome {outcome!r}")


def _line(row: pd.Series) -> str:
    from gmindex.validation import _frame_to_problems

    return _frame_to_problems(row.to_frame().T)[0].format()


def check_repaired(case, df, report):
    assert list(df.columns[:4]) == ["code", "year", "indicator", "value"]
    assert len(df) == case["rows"]
    assert report.reconciles
    assert report.cells_invalid == 0
    assert report.cells_used == len(df)
    assert report.repair_counts() == case.get("repairs", report.repair_counts())
    if "encoding" in case:
        assert report.encoding == case["encoding"]
    if "header_row" in case:
        assert report.header_row == case["header_row"]
    indicator = case.get("options", {}).get("indicator")
    lookup = df.set_index(["code", "year"])["value"] if indicator else None
    for code, year, value in case.get("values", []):
        if lookup is not None:
            assert lookup.loc[(code, year)] == pytest.approx(value, rel=1e-12)
        else:
            got = df[(df.code == code) & (df.year == year)]["value"].tolist()
            assert any(v == pytest.approx(value, rel=1e-12) for v in got)
    if "missing" in case:
        assert report.cells_missing == case["missing"]
        assert sorted(set(report.missing["mark"])) == sorted(set(case["missing_marks"]))
    else:
        assert report.cells_missing == 0
    assert report.dropped["label"].tolist() == case.get("dropped", [])
    notes = "\n".join(report.notes)
    for expected in case.get("notes", []):
        assert expected in notes
    warns = "\n".join(report.problems.loc[report.problems.severity == "warning", "problem"])
    for expected in case.get("warnings", []):
        assert expected in warns
    if not case.get("warnings"):
        assert warns == ""


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_validate_file_never_raises_and_agrees(case):
    """validate_file turns every reading error into report rows, never a traceback."""
    if case["reader"] in ("build", "registry"):
        pytest.skip("a build or registry case: the file itself is a readable long table")
    spec = mini_spec() if case.get("spec") == "mini" else None
    layout = "long" if case["reader"] in ("read_long", "validate_file") else case["options"].get(
        "layout", "years")
    options = {k: v for k, v in case.get("options", {}).items() if k != "layout"}
    files = paths(case)
    report = validate_file(files if len(files) > 1 else files[0], spec=spec, layout=layout,
                           **options)
    assert isinstance(report, ValidationReport)
    if case["outcome"] == "error":
        assert not report.ok
        text = "\n".join(report.errors.apply(_line, axis=1))
        # The first message names the problem itself; it must be in the report too.
        assert case["messages"][-1].split(": ")[-1][:40] in text
    elif case["outcome"] == "repaired":
        assert report.ok, report.summary()


def test_no_bare_exceptions_escape_on_any_file_with_any_reader():
    """Whatever reader a user picks for whatever file, only DataError comes out."""
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".py", ".toml"):
            continue
        for call in (
            lambda p: read_long_with_report(p),
            lambda p: read_wide_with_report(p, layout="years", indicator="x"),
            lambda p: read_wide_with_report(p, layout="indicators", year=2019),
        ):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    call(path)
                except DataError as exc:
                    assert str(exc)
