"""Problems in input data, the exception type that carries them, and the spec's error.

This is the bottom layer of the package: it imports nothing from
``gmindex``, so readers, validation, combining and the index can all raise
and report problems without importing each other.  :class:`SpecError` lives
here for the same reason: the spec reader and the option checks both raise
it (it stays importable as ``gmindex.spec.SpecError``, the same class).

A :class:`Problem` says where (file, row as the user sees it, column,
province, year, series), what is wrong, and what to do.  What to do depends on
who reads it: a Python user passes ``header_rows=2``, a command-line user types
``--header-rows 2``.  A problem therefore carries ``advice`` per interface and
is rendered for the interface in use (:func:`render`, :func:`use_interface`).

Examples
--------
>>> p = Problem("error", "no header row found", "header_rows=2",
...             advice={"cli": "--header-rows 2"}, file="a.xlsx")
>>> render(p, "python")
'a.xlsx: no header row found. Fix: header_rows=2'
>>> render(p, "cli")
'a.xlsx: no header row found. Fix: --header-rows 2'
>>> with use_interface("cli"):
...     print(DataError(p))
a.xlsx: no header row found. Fix: --header-rows 2
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "INTERFACES",
    "PROBLEM_COLUMNS",
    "DataError",
    "Problem",
    "SpecError",
    "ValidationReport",
    "current_interface",
    "cli_wording",
    "escape_markup",
    "problem_kind",
    "render",
    "use_interface",
]

#: Interfaces a message can be written for.
INTERFACES = ("python", "cli")

#: Columns of every problems table, in order.
PROBLEM_COLUMNS = (
    "severity",
    "file",
    "row",
    "code",
    "province",
    "column",
    "year",
    "indicator",
    "problem",
    "suggestion",
)

_SEVERITIES = ("error", "warning")
_INTERFACE: contextvars.ContextVar[str] = contextvars.ContextVar("gmindex_interface",
                                                                 default="python")


def current_interface() -> str:
    """The interface messages are written for: ``"python"`` unless set."""
    return _INTERFACE.get()


@contextlib.contextmanager
def use_interface(interface: str) -> Iterator[None]:
    """Write messages for ``interface`` (``"python"`` or ``"cli"``) inside the block."""
    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, got {interface!r}")
    token = _INTERFACE.set(interface)
    try:
        yield
    finally:
        _INTERFACE.reset(token)


def set_interface(interface: str) -> None:
    """Write messages for ``interface`` from now on (the command line calls this once)."""
    if interface not in INTERFACES:
        raise ValueError(f"interface must be one of {INTERFACES}, got {interface!r}")
    _INTERFACE.set(interface)


def escape_markup(text: str) -> str:
    r"""Escape console markup so that ``[[series]]`` prints as written.

    Examples
    --------
    >>> escape_markup("the spec's [[series]] ids")
    "the spec's [\\[series]] ids"
    """
    from rich.markup import escape

    return escape(text)


@dataclass(frozen=True)
class Problem:
    """One problem with its location, in the user's terms.

    ``row`` is the 1-based line (CSV) or row (Excel) as shown by a text editor
    or Excel; for an in-memory DataFrame without source rows it is the index
    label (the message then says ``index`` instead of ``row``).
    ``suggestion`` is the advice for Python users; ``advice`` maps other
    interfaces (``"cli"``) to their own wording of it.  ``kind`` groups
    problems in summaries (derived from the message when not given).
    """

    severity: str
    problem: str
    suggestion: str = ""
    file: str | None = None
    row: int | None = None
    code: str | None = None
    province: str | None = None
    column: str | None = None
    year: int | None = None
    indicator: str | None = None
    advice: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    kind: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.severity not in _SEVERITIES:
            raise ValueError(f"severity must be one of {_SEVERITIES}, got {self.severity!r}")

    def location(self) -> str:
        """Where the problem is, e.g. ``"a.csv, row 7, column '2019', province 'Shanxii'"``."""
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.province:
            parts.append(f"province {self.province}")
        if self.year is not None:
            parts.append(f"year {self.year}")
        if self.indicator:
            parts.append(f"indicator {self.indicator!r}")
        return ", ".join(parts)

    def advice_for(self, interface: str | None = None) -> str:
        """What to do, worded for ``interface`` (default: the one in use).

        Without advice of its own for the command line, the Python advice is
        reworded by :func:`cli_wording` (``header_rows=2`` -> ``--header-rows 2``).
        """
        interface = interface or current_interface()
        own = self.advice.get(interface)
        if own:
            return own
        return cli_wording(self.suggestion) if interface == "cli" else self.suggestion

    def format(self, interface: str | None = None) -> str:
        """The problem as one line of plain text, advice for ``interface``."""
        where = self.location()
        text = f"{where}: {self.problem}" if where else self.problem
        advice = self.advice_for(interface)
        if advice:
            text += f". Fix: {advice}"
        return text


# Python arguments in advice and the command-line options that do the same.
_CLI_WORDS = (
    (re.compile(r"read_wide\(path, layout='years', indicator='<series id>'\)"),
     "gmindex convert FILE --layout years --indicator SERIES_ID (or validate with these "
     "options)"),
    (re.compile(r"read_wide\(path, layout='indicators', year=\.\.\.\)"),
     "gmindex convert FILE --layout indicators --year YEAR"),
    (re.compile(r"gmindex\.io\.read_long"), "gmindex convert or validate"),
    (re.compile(r"is read with read_long"), "is read with --layout long (the default)"),
    (re.compile(r"header_rows=<number of rows above the data>"),
     "--header-rows N (N = rows above the data)"),
    (re.compile(r"header_rows=(\d+)"), r"--header-rows \1"),
    (re.compile(r"header_rows=?"), "--header-rows N"),
    (re.compile(r"sheet=(?:'([^']*)'|(\d+))"), lambda m: f"--sheet {m.group(1) or m.group(2)}"),
    (re.compile(r"sheet="), "--sheet NAME"),
    (re.compile(r"layout='(\w+)'"), r"--layout \1"),
    (re.compile(r"indicator='([^']*)'"), r"--indicator \1"),
    (re.compile(r"year=(\d{4}|\.\.\.|<year>)"), "--year YEAR"),
    (re.compile(r"on_conflict='(\w+)'(?:, '(\w+)')?(?: or \{source: priority\})?"),
     lambda m: f"--on-conflict {m.group(1)}" + (f" or --on-conflict {m.group(2)}"
                                                 if m.group(2) else "")),
    (re.compile(r"accept=\['([^']*)'\]"), r"--accept \1"),
    (re.compile(r"pass allow_negative=\[('[^']*')\]"),
     r"negative values are refused on the command line (in Python: allow_negative=[\1])"),
    (re.compile(r"combine_panels \(or several --data\)"), "several --data"),
)


def cli_wording(advice: str) -> str:
    """Python advice reworded for the command line.

    Examples
    --------
    >>> cli_wording("pass header_rows=<number of rows above the data>, or use layout='indicators'")
    'pass --header-rows N (N = rows above the data), or use --layout indicators'
    >>> cli_wording("pass sheet='2-1'")
    'pass --sheet 2-1'
    """
    for pattern, repl in _CLI_WORDS:
        advice = pattern.sub(repl, advice)
    return advice


def render(problem: Problem, interface: str | None = None, *, markup: bool = False) -> str:
    """One problem as text for ``interface``; ``markup=True`` escapes console markup.

    Examples
    --------
    >>> p = Problem("warning", "indicator 'x' is not a series of the spec",
    ...             "check the spelling against the spec's [[series]] ids")
    >>> render(p, "cli", markup=True)
    "indicator 'x' is not a series of the spec. Fix: check the spelling against the spec's [\\\\[series]] ids"
    """
    text = problem.format(interface)
    return escape_markup(text) if markup else text


_KIND_CUT = re.compile(r"[:(]|'[^']*'|\"[^\"]*\"|-?\d[\d.,eE+-]*")


def problem_kind(problem: Problem) -> str:
    """A short name grouping similar problems: ``kind`` or the message without its values.

    Examples
    --------
    >>> problem_kind(Problem("error", "unknown province name 'Shanxii'"))
    'unknown province name'
    >>> problem_kind(Problem("warning", "coverage: no gdp for Tibet (54) in 2016"))
    'coverage'
    """
    if problem.kind:
        return problem.kind
    text = problem.problem
    match = re.search(r"[:(]", text)
    if match:
        text = text[: match.start()]
    text = _KIND_CUT.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip() or problem.problem[:40]


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table with :data:`PROBLEM_COLUMNS` (advice for the interface in use)."""
    problems = list(problems)
    data = {
        col: pd.array(
            [p.advice_for() if col == "suggestion" else getattr(p, col) for p in problems],
            dtype="Int64" if col in ("row", "year") else "str",
        )
        for col in PROBLEM_COLUMNS
    }
    return pd.DataFrame(data)


def is_missing(value: object) -> bool:
    """Whether a cell value is missing (None, NaN, NA); False for unhashable values."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def frame_to_problems(frame: pd.DataFrame) -> list[Problem]:
    """Rows of a problems table back as :class:`Problem` objects."""
    out = []
    for rec in frame.to_dict("records"):
        clean = {k: (None if is_missing(v) else v) for k, v in rec.items()}
        for key in ("row", "year"):
            if clean.get(key) is not None:
                clean[key] = int(clean[key])
        clean["suggestion"] = clean.get("suggestion") or ""
        out.append(Problem(**{k: clean.get(k) for k in PROBLEM_COLUMNS}))
    return out


class SpecError(ValueError):
    """An indicator spec that cannot be used, with the file and entry at fault.

    Raised by :func:`gmindex.spec.read_spec` and the ``[index]`` checks of
    :func:`gmindex.options.check_method`.
    """


class DataError(ValueError):
    """Bad input data: the message says where, what is wrong and what to do.

    Parameters
    ----------
    problems : Problem, sequence of Problem, or str
        The problems found (all of them, not only the first).
    max_listed : int
        How many problems the message spells out; all are kept in
        :attr:`problems`.

    Attributes
    ----------
    problems : tuple of Problem

    Examples
    --------
    >>> err = DataError(Problem("error", "not a number: 'abc'", "type the value",
    ...                         file="a.csv", row=3, column="2019"))
    >>> print(err)
    a.csv, row 3, column '2019': not a number: 'abc'. Fix: type the value
    """

    def __init__(self, problems: Problem | Sequence[Problem] | str, *, max_listed: int = 10):
        if isinstance(problems, str):
            problems = [Problem("error", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = tuple(problems)
        self.max_listed = max_listed
        super().__init__(format_problems(self.problems, max_listed=max_listed))

    def __str__(self) -> str:
        # Rendered when shown, so that the advice fits the interface in use.
        return format_problems(self.problems, max_listed=self.max_listed)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table with :data:`PROBLEM_COLUMNS`."""
        return problems_frame(self.problems)


def format_problems(problems: Sequence[Problem], *, max_listed: int,
                    interface: str | None = None) -> str:
    """Problems as plain text: one line, or a counted list of the first ``max_listed``."""
    if len(problems) == 1:
        return problems[0].format(interface)
    errors = sum(p.severity == "error" for p in problems)
    head = f"{len(problems)} problems ({errors} errors)"
    lines = [head + ":"] + [f"  - {p.format(interface)}" for p in problems[:max_listed]]
    if len(problems) > max_listed:
        more = {"cli": "run gmindex validate with --verbose for the full list"}.get(
            interface or current_interface(),
            "see the .problems attribute or run validate_file for the full table")
        lines.append(f"  ... and {len(problems) - max_listed} more ({more})")
    return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """All problems found in one or more inputs.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`; errors first.
    source : str
        What was checked (file names or ``"<data>"``).
    read_reports : tuple
        The :class:`gmindex.io.readers.ReadReport` of each file read, if any.
    items : tuple of Problem
        The problems as objects (with their advice per interface), same order.
    notes : tuple of str
        What was done without being a problem (values accepted knowingly,
        series ids matched regardless of case).
    """

    problems: pd.DataFrame
    source: str = "<data>"
    read_reports: tuple = ()
    items: tuple = ()
    notes: tuple = ()

    @classmethod
    def from_problems(
        cls, problems: Iterable[Problem], *, source: str = "<data>", read_reports: tuple = (),
        notes: Iterable[str] = (),
    ) -> ValidationReport:
        """Build a report; problems are ordered errors first, then by file and row."""
        problems = list(problems)
        frame = problems_frame(problems)
        rank = frame["severity"].map({"error": 0, "warning": 1})
        frame = frame.assign(_rank=rank, _pos=range(len(frame))).sort_values(
            ["_rank", "file", "row"], kind="stable", na_position="last")
        order = frame["_pos"].tolist()
        frame = frame.drop(columns=["_rank", "_pos"]).reset_index(drop=True)
        return cls(problems=frame, source=source, read_reports=tuple(read_reports),
                   items=tuple(problems[i] for i in order), notes=tuple(notes))

    def problem_list(self) -> list[Problem]:
        """The problems as objects, errors first."""
        return list(self.items) if len(self.items) == len(self.problems) else (
            frame_to_problems(self.problems))

    @property
    def errors(self) -> pd.DataFrame:
        """Problems of severity ``error``."""
        return self.problems[self.problems["severity"] == "error"].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        """Problems of severity ``warning``."""
        return self.problems[self.problems["severity"] == "warning"].reset_index(drop=True)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors.empty

    def raise_if_errors(self) -> ValidationReport:
        """Raise :class:`DataError` listing every error; return the report otherwise."""
        if not self.ok:
            raise DataError([p for p in self.problem_list() if p.severity == "error"])
        return self

    def summary(self, *, max_lines: int | None = 50, per_kind: int | None = None,
                interface: str | None = None) -> str:
        """Plain-text summary: counts, then the problems.

        Parameters
        ----------
        max_lines : int or None
            Without ``per_kind``: how many problems are listed (None: all).
        per_kind : int, optional
            Group the problems by kind (see :func:`problem_kind`), give the
            count of each and list the first ``per_kind`` of each group.
        interface : str, optional
            Whose advice to print (default: the interface in use).
        """
        n_err, n_warn = len(self.errors), len(self.warnings)
        lines = [f"{self.source}: {n_err} errors, {n_warn} warnings"]
        problems = self.problem_list()
        if per_kind is not None:
            groups: dict[tuple[str, str], list[Problem]] = {}
            for p in problems:
                groups.setdefault((p.severity, problem_kind(p)), []).append(p)
            for (severity, kind), members in groups.items():
                lines.append(f"{severity}: {kind} ({len(members)})")
                for p in members[:per_kind]:
                    lines.append(f"  {p.format(interface)}")
                if len(members) > per_kind:
                    lines.append(f"  ... and {len(members) - per_kind} more like this")
            return "\n".join(lines)
        shown = problems if max_lines is None else problems[:max_lines]
        for p in shown:
            lines.append(f"  {p.severity}: {p.format(interface)}")
        if len(shown) < len(problems):
            lines.append(f"  ... and {len(problems) - len(shown)} more (see .to_frame())")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the problems table."""
        return self.problems.copy()

    def __str__(self) -> str:
        return self.summary()
