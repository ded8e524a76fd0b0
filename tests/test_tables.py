"""Tests for gmindex.tables: golden LaTeX/Markdown, stars, escaping, descriptives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gmindex.regress import RegressionResult
from gmindex.tables import (
    format_number,
    latex_escape,
    regression_table,
    star_marks,
    summary_table,
)


def coefs(rows):
    return pd.DataFrame(rows, columns=["term", "coef", "se", "t", "p", "ci_low", "ci_high"])


GRADIENT = RegressionResult(
    model="gradient_ols",
    dependent="score",
    coefficients=coefs([
        ("const", 0.5, 0.02, 25.0, 0.0001, 0.46, 0.54),
        ("central", -0.1, 0.04, -2.5, 0.018, -0.18, -0.02),
        ("west", -0.2049, 0.05, -4.1, 0.0003, -0.3, -0.1),
    ]),
    nobs=155, r2=0.4567, fixed_effects=("year",), cluster="province", n_clusters=31,
    extra_pvalues={"wild_bootstrap": {"central": 0.0215, "west": 0.001}},
    params={"weights_type": "rademacher", "reps": 9999},
)
DRIVERS = RegressionResult(
    model="twfe",
    dependent="score",
    coefficients=coefs([
        ("log_gdp_pc", 0.0312, 0.0151, 2.07, 0.0476, 0.0, 0.06),
        ("secondary_share", -0.0004, 0.0009, -0.44, 0.66, -0.002, 0.001),
    ]),
    nobs=150, r2=0.9876, r2_within=0.2345, fixed_effects=("province", "year"),
    cluster="province", n_clusters=30,
    extra_pvalues={"wild_bootstrap": {"log_gdp_pc": 0.0832, "secondary_share": 0.7}},
    params={"weights_type": "rademacher", "reps": 9999},
)

GOLDEN_LATEX = r"""\begin{tabular}{lcc}
\toprule
 & (1) & (2) \\
 & Gradient & Drivers \\
\midrule
Central & $-$0.100$^{**}$ &  \\
 & (0.040) &  \\
 & [0.021] &  \\
West & $-$0.205$^{***}$ &  \\
 & (0.050) &  \\
 & [0.001] &  \\
Log GDP p.c. (100\% \_x \& y) &  & 0.031$^{**}$ \\
 &  & (0.015) \\
 &  & [0.083] \\
Secondary industry share of GDP &  & $-$0.000 \\
 &  & (0.001) \\
 &  & [0.700] \\
Constant & 0.500$^{***}$ &  \\
 & (0.020) &  \\
\midrule
Province FE & No & Yes \\
Year FE & Yes & Yes \\
Observations & 155 & 150 \\
R$^2$ & 0.457 & 0.988 \\
Within R$^2$ &  & 0.234 \\
Clusters & 31 & 30 \\
\bottomrule
\multicolumn{3}{l}{\footnotesize Standard errors clustered by province in parentheses. * p$<$0.1, ** p$<$0.05, *** p$<$0.01.} \\
\multicolumn{3}{l}{\footnotesize Wild cluster bootstrap p-values in square brackets (Rademacher weights, 9999 replications).} \\
\end{tabular}
"""


def test_regression_table_golden_latex():
    table = regression_table(
        [GRADIENT, DRIVERS], titles=["Gradient", "Drivers"],
        labels={"log_gdp_pc": "Log GDP p.c. (100% _x & y)"},
    )
    assert table.to_latex() == GOLDEN_LATEX


def test_regression_table_markdown_and_frame():
    table = regression_table([GRADIENT, DRIVERS])
    md = table.to_markdown().splitlines()
    assert md[0] == "|  | (1) | (2) |"
    assert md[1] == "| :--- | :---: | :---: |"
    assert md[2] == "| Central | -0.100\\*\\* |  |"
    assert "| R² | 0.457 | 0.988 |" in md
    assert md[-1].startswith("Wild cluster bootstrap p-values in square brackets")
    frame = table.to_frame()
    assert frame.columns.tolist() == ["variable", "(1)", "(2)"]
    assert frame.iloc[0].tolist() == ["Central", "-0.100**", ""]
    assert frame.iloc[-1].tolist() == ["Clusters", "31", "30"]
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)


def test_to_csv_round_trip(tmp_path):
    table = regression_table([GRADIENT])
    path = table.to_csv(tmp_path / "t2.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, table.to_frame(), check_dtype=False)
    with pytest.raises(ValueError, match=".csv"):
        table.to_csv(tmp_path / "t2.txt")


@pytest.mark.parametrize(
    ("p", "marks"),
    [(0.5, ""), (0.1, ""), (0.0999, "*"), (0.05, "*"), (0.0499, "**"),
     (0.01, "**"), (0.0099, "***"), (0.0, "***"), (float("nan"), "")],
)
def test_star_thresholds(p, marks):
    assert star_marks(p) == marks
    res = RegressionResult(
        model="twfe", dependent="score",
        coefficients=coefs([("x", 1.0, 0.1, 10.0, p, 0.8, 1.2)]),
        nobs=10, r2=0.5, fixed_effects=("province", "year"), cluster="province", n_clusters=5)
    assert regression_table([res]).body[0][1] == "1.000" + marks


def test_custom_stars_and_options():
    table = regression_table([GRADIENT], stars=(0.05, 0.001), se_in="brackets",
                             drop=("const",), fe_rows=False,
                             extra_rows={"Sample": ["30 provinces"]})
    assert table.body[0] == ("Central", "-0.100*")
    assert table.body[1] == ("", "[0.040]")
    assert table.body[2] == ("", "{0.021}")
    assert table.body[3] == ("West", "-0.205**")
    assert "Constant" not in [r[0] for r in table.body]
    assert table.footer[0] == ("Sample", "30 provinces")
    assert "FE" not in " ".join(r[0] for r in table.footer)
    assert table.notes[0] == (
        "Standard errors clustered by province in brackets. * p<0.05, ** p<0.001.")
    assert "in braces" in table.notes[1]
    assert r" & \{0.021\} \\" in table.to_latex()


def test_wild_p_as_rows_and_stars_from_wild():
    table = regression_table([GRADIENT, DRIVERS], wild_p="rows", star_p="wild")
    labels = [r[0] for r in table.footer]
    assert "Wild bootstrap p: Central" in labels
    row = table.footer[labels.index("Wild bootstrap p: Log GDP per capita")]
    assert row == ("Wild bootstrap p: Log GDP per capita", "", "0.083")
    coef = {r[0]: r for r in table.body if r[0]}
    assert coef["Log GDP per capita"][2] == "0.031*"  # wild p 0.083 -> one star
    assert coef["Constant"][1] == "0.500"  # no bootstrap p for the constant
    none = regression_table([GRADIENT], wild_p="none")
    assert len(none.body) == 6 and len(none.notes) == 1


def test_regression_table_errors():
    with pytest.raises(ValueError, match="at least one"):
        regression_table([])
    with pytest.raises(ValueError, match="se_in"):
        regression_table([GRADIENT], se_in="braces")
    with pytest.raises(ValueError, match="titles"):
        regression_table([GRADIENT], titles=["a", "b"])
    with pytest.raises(ValueError, match="extra row"):
        regression_table([GRADIENT], extra_rows={"x": ["1", "2"]})
    with pytest.raises(ValueError, match="stars"):
        regression_table([GRADIENT], stars=(0.1, 1.5))


def test_table_env_wrapping():
    tex = regression_table([GRADIENT]).to_latex(table_env=True, caption="Gradient & gaps",
                                                label="tab:gradient")
    assert tex.startswith("\\begin{table}[htbp]\n\\centering\n\\caption{Gradient \\& gaps}\n"
                          "\\label{tab:gradient}\n\\begin{tabular}{lc}\n")
    assert tex.endswith("\\end{tabular}\n\\end{table}\n")


def test_escape_and_numbers():
    assert latex_escape("a_b & 5% #1 $x {y} ~ ^") == (
        r"a\_b \& 5\% \#1 \$x \{y\} \textasciitilde{} \textasciicircum{}")
    assert format_number(2.0005, 2) == "2.00"
    assert format_number(np.float64(-3.14159), 4) == "-3.1416"


# ---------------------------------------------------------------- descriptives


def test_summary_table_wide():
    df = pd.DataFrame({
        "code": ["11", "12", "13", "14"], "year": [2016] * 4,
        "rd_intensity": [1.0, 2.0, 3.0, np.nan],
        "gdp": [10.0, 20.0, 30.0, 40.0],
    })
    t = summary_table(df, labels={"rd_intensity": "R&D intensity (%)"}, digits={"gdp": 1})
    assert t.header[0] == ("Variable", "N", "Mean", "SD", "Min", "Max")
    assert t.body[0] == ("R&D intensity (%)", "3", "2.000", "1.000", "1.000", "3.000")
    sd = format_number(np.std([10, 20, 30, 40], ddof=1), 1)
    assert t.body[1] == ("gdp", "4", "25.0", sd, "10.0", "40.0")
    assert t.to_latex() == (
        "\\begin{tabular}{lrrrrr}\n\\toprule\nVariable & N & Mean & SD & Min & Max \\\\\n"
        "\\midrule\nR\\&D intensity (\\%) & 3 & 2.000 & 1.000 & 1.000 & 3.000 \\\\\n"
        f"gdp & 4 & 25.0 & {sd} & 10.0 & 40.0 \\\\\n\\bottomrule\n\\end{{tabular}}\n"
    )


def test_summary_table_long_and_errors():
    long = pd.DataFrame({
        "code": ["11", "12", "11"], "year": [2016, 2016, 2016],
        "indicator": ["b_series", "b_series", "a_series"], "value": [1.0, 3.0, 5.0],
    })
    t = summary_table(long, notes=["Nominal yuan."])
    assert [r[0] for r in t.body] == ["b_series", "a_series"]
    assert t.body[1] == ("a_series", "1", "5.000", "", "5.000", "5.000")  # SD undefined
    assert t.to_markdown().endswith("\nNominal yuan.\n")
    assert summary_table(long, variables=["a_series"]).body[0][0] == "a_series"
    with pytest.raises(ValueError, match="not found"):
        summary_table(long, variables=["zzz"])
    with pytest.raises(ValueError, match="no numeric"):
        summary_table(pd.DataFrame({"code": ["11"]}))
