"""The LaTeX table writer against pandas' Styler.to_latex, which it replaces for speed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from gmindex.io.writers import _cell_strings, _is_number_column, _latex_escape, write_table


def styler_tex(df: pd.DataFrame, float_format: str | None = "%.10g") -> str:
    """What gmindex wrote before: pandas' Styler with LaTeX escaping and booktabs rules."""
    shown = pd.DataFrame(_cell_strings(df, float_format), columns=[str(c) for c in df.columns])
    align = "".join("r" if _is_number_column(df.iloc[:, j]) else "l" for j in range(df.shape[1]))
    styler = shown.style.hide(axis="index").format(escape="latex").format_index(
        escape="latex", axis=1)
    return styler.to_latex(hrules=True, column_format=align)


AWKWARD = ["a_b", "50%", "$x$", "#1", "{y}", "~ z", "~z", "^ 2", "x^2", "\\ back", "a\\b",
           "a & b", "收入_元", "", " ", "\\\\ ", "~~ ^^", "end\\"]


def test_escape_matches_pandas_on_awkward_strings():
    from pandas.io.formats.style_render import _escape_latex

    for text in AWKWARD:
        assert _latex_escape(text) == _escape_latex(text), text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab _%$#{}~^\\&x 1")), max_size=12))
def test_escape_matches_pandas_on_random_strings(text):
    from pandas.io.formats.style_render import _escape_latex

    assert _latex_escape(text) == _escape_latex(text)


def test_tables_match_styler_byte_for_byte(tmp_path, default_result):
    frames = [default_result.scores, default_result.weights,
              pd.DataFrame({"name_1": AWKWARD, "value": np.linspace(0, 1, len(AWKWARD)),
                            "flag": [True, False] * (len(AWKWARD) // 2)}),
              pd.DataFrame({"a": pd.Series([], dtype=float)})]
    for i, df in enumerate(frames):
        path = write_table(df, tmp_path / f"t{i}", formats=("tex",))[0]
        assert path.read_text(encoding="utf-8") == styler_tex(df), i
