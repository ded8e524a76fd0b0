"""The README's timing table of the command-line loop is the benchmark's own output."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_cli_timings_come_from_the_results_file():
    table = (ROOT / "benchmarks" / "cli_results.md").read_text(encoding="utf-8").strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table in readme, "rerun python benchmarks/cli.py and paste cli_results.md into README"


def test_results_csv_matches_the_markdown():
    import csv

    rows = list(csv.DictReader((ROOT / "benchmarks" / "cli_results.csv").open(encoding="utf-8")))
    md = (ROOT / "benchmarks" / "cli_results.md").read_text(encoding="utf-8")
    assert rows
    for row in rows:
        line = next(line for line in md.splitlines() if row["command"] in line)
        if row["command"].startswith("one wild"):  # CPU seconds only, before and now
            assert (f"{float(row['baseline_cpu_s']):.3f} s before, "
                    f"{float(row['cpu_s']):.3f} s now") in line
        else:
            assert f"{float(row['wall_s']):.1f} s / {float(row['cpu_s']):.1f} s" in line
