"""One figure style for the package: widths, fonts, names, colours, saving.

Every figure of the study (maps and charts) is drawn with these settings so a
journal takes it as it is:

- **widths** of one journal column (88 mm) or the full page (180 mm), chosen
  with ``width="single"`` or ``width="double"``, with font sizes that stay
  legible (5-7 pt single, 6-8 pt double) after printing;
- **fonts** embedded as Type 42 (TrueType) in PDF and kept as editable
  ``<text>`` in SVG, never Type 3 or outlines; Chinese text uses Noto Sans CJK
  SC (shipped by ``mplfonts``, SIL Open Font License).  That font is
  OpenType/CFF, so its glyphs are embedded as a CID-keyed CFF subset
  (``pdffonts``: "CID Type 0C (OT)"), not as TrueType: also a vector font,
  searchable and accepted where Type 3 is not.  Matplotlib declares it as
  CIDFontType2 (matplotlib issue #2869), which poppler notes as a font-type
  mismatch.  The only TrueType CJK font on a fresh machine is the SimHei
  copy inside ``mplfonts`` ("© Beijing ZhongYi Electronics, all rights
  reserved", no licence shipped with it): not a font to put into published
  files, so the Noto font stays;
- **no titles** inside the image: the caption belongs to the paper and is
  written beside the figure (``<stem>.caption.md``) by :func:`save_figure`;
- **one name and one colour** for every region and every pillar, in English
  and Chinese, from the registry's region keys and the spec's pillar names,
  with a deterministic colour-blind-safe assignment that also covers a user's
  own regions and pillars.

Examples
--------
>>> region_colors("region4")["northeast"]
'#D55E00'
>>> region_name("northeast", "zh")
'东北'
>>> figure_size("single", aspect=1.0)
(3.4646, 3.4646)
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "FONT_SIZES",
    "LANGS",
    "MIN_GROUP",
    "PILLAR_PALETTE",
    "REGION_COLOURS",
    "WIDTHS_MM",
    "apply_font",
    "figure_size",
    "font_family",
    "new_figure",
    "pdf_font_subtypes",
    "pillar_colors",
    "pillar_name",
    "pillar_names",
    "region_colors",
    "region_name",
    "region_names",
    "rc_params",
    "save_figure",
    "save_variants",
    "small_group_note",
    "style_context",
    "styled",
    "text",
    "use_cjk_font",
    "variant_stem",
]

LANGS = ("en", "zh")
#: Printed widths in millimetres: one journal column and the full text width.
WIDTHS_MM: dict[str, float] = {"single": 88.0, "double": 180.0}
_MM = 1 / 25.4
#: Font sizes (points) per width: ``base`` for tick labels and text, ``small``
#: for notes and credits, ``label`` for axis labels, ``legend`` for legends.
FONT_SIZES: dict[str, dict[str, float]] = {
    "single": {"base": 6.0, "small": 5.0, "label": 6.5, "legend": 5.5, "title": 7.0},
    "double": {"base": 7.5, "small": 6.0, "label": 8.0, "legend": 7.0, "title": 8.5},
}
#: Groups with fewer units than this get a warning drawn on density, dispersion
#: and box figures (a kernel density or a standard deviation of 3 values says little).
MIN_GROUP = 5

# Okabe-Ito colours (Okabe & Ito 2008): distinguishable under the common
# colour-vision deficiencies.  The standard region keys have fixed colours;
# the Northeast is vermilion on every map and in every chart.
REGION_COLOURS: dict[str, str] = {
    "east": "#0072B2",
    "central": "#E69F00",
    "west": "#009E73",
    "northeast": "#D55E00",
    "national": "#4D4D4D",
}
# Further regions of a user's own scheme take these, in the scheme's order.
_SPARE_REGION_COLOURS = ("#56B4E9", "#CC79A7", "#F0E442", "#000000", "#999999")
#: Paul Tol's "muted" qualitative scheme (colour-blind safe), assigned to
#: pillars in spec order; more pillars than colours cycle with a warning.
PILLAR_PALETTE = (
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499",
)

_REGION_NAMES = {
    "en": {"east": "East", "central": "Central", "west": "West", "northeast": "Northeast",
           "national": "National", "region4": "NBS four regions", "region3": "Three belts"},
    "zh": {"east": "东部", "central": "中部", "west": "西部", "northeast": "东北",
           "national": "全国", "region4": "四大区域", "region3": "三大地带"},
}

# Words shared by many figures, in both languages (one home for them).
_TEXT = {
    "en": {
        "score": "Score", "year": "Year", "rank": "Rank", "density": "Density",
        "change": "Change in score", "weight": "Weight", "contribution": "Contribution to score",
        "province": "Province", "region": "Region", "no_data": "No data",
        "not_in_sample": "Not in sample", "n_units": "n = {n}",
        "small_group": "{groups}: n < {min_n} provinces, read with caution",
        "present": "Values present", "missing": "Values missing",
    },
    "zh": {
        "score": "得分", "year": "年份", "rank": "排名", "density": "密度",
        "change": "得分变化", "weight": "权重", "contribution": "对得分的贡献",
        "province": "省份", "region": "区域", "no_data": "无数据",
        "not_in_sample": "不在样本内", "n_units": "n = {n}",
        "small_group": "{groups}：省份数少于 {min_n}，解读需谨慎",
        "present": "有值个数", "missing": "缺失个数",
    },
}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return lang


def _check_width(width: str) -> str:
    if width not in WIDTHS_MM:
        raise ValueError(f"width must be 'single' (88 mm) or 'double' (180 mm), got {width!r}")
    return width


def text(key: str, lang: str = "en", **fmt: Any) -> str:
    """A shared figure word in English or Chinese.

    Examples
    --------
    >>> text("not_in_sample", "zh")
    '不在样本内'
    >>> text("n_units", n=3)
    'n = 3'
    """
    words = _TEXT[_check_lang(lang)]
    if key not in words:
        raise KeyError(f"no figure text {key!r}; known: {sorted(words)}")
    return words[key].format(**fmt) if fmt else words[key]


# ---------------------------------------------------------------------------
# fonts


def _mplfonts_font(file: str) -> Path:
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Chinese labels need a CJK font; install the package 'mplfonts' "
            "(pip install mplfonts), which ships Noto Sans CJK SC"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / file
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; reinstall mplfonts (pip install --force-reinstall mplfonts)"
        )
    return path


@lru_cache(maxsize=1)
def use_cjk_font() -> str:
    """Register Noto Sans CJK SC (shipped by ``mplfonts``) with matplotlib.

    The font file is added to matplotlib's font manager; global ``rcParams``
    are left alone.

    Returns
    -------
    str
        The font family name, ``"Noto Sans CJK SC"``.

    Raises
    ------
    ModuleNotFoundError
        If ``mplfonts`` is not installed.

    Examples
    --------
    >>> use_cjk_font()
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = _mplfonts_font("NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def font_family(lang: str = "en") -> list[str]:
    """Font stack for a language.

    English: DejaVu Sans, with the CJK font as a fallback for any Chinese
    character in a label (a unit such as 亿元), so nothing renders as an empty
    box.  Chinese: the CJK font first, so Latin letters and digits in a
    Chinese figure come from one face.

    Examples
    --------
    >>> font_family("en")
    ['DejaVu Sans', 'Noto Sans CJK SC']
    >>> font_family("zh")
    ['Noto Sans CJK SC', 'DejaVu Sans']
    """
    if _check_lang(lang) == "zh":
        return [use_cjk_font(), "DejaVu Sans"]
    return ["DejaVu Sans", use_cjk_font()]


def apply_font(ax: Any, lang: str = "en") -> Any:
    """Put the language's font stack on every text of an axes (labels, ticks, texts, legend).

    Plot functions call it last, so names set after drawing (e.g. Chinese province
    names on tick labels) get the CJK font too.  Returns ``ax``.
    """
    fam = font_family(lang)
    for t in [ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels(),
              *ax.texts]:
        t.set_fontfamily(fam)
    leg = ax.get_legend()
    if leg is not None:
        for t in [*leg.get_texts(), leg.get_title()]:
            t.set_fontfamily(fam)
    return ax


def rc_params(lang: str = "en", width: str = "double") -> dict[str, Any]:
    """Matplotlib settings of the package style.

    Type 42 fonts in PDF and PostScript (journals reject Type 3), SVG text kept
    as text (``svg.fonttype = "none"``), thin lines, no top/right spines, font
    sizes for the printed width.

    Examples
    --------
    >>> rc = rc_params("en", "single")
    >>> rc["pdf.fonttype"], rc["svg.fonttype"], rc["font.size"]
    (42, 'none', 6.0)
    """
    fs = FONT_SIZES[_check_width(width)]
    return {
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "gmindex",
        "font.family": font_family(lang),
        "font.size": fs["base"],
        "axes.labelsize": fs["label"],
        "axes.titlesize": fs["label"],
        "xtick.labelsize": fs["base"],
        "ytick.labelsize": fs["base"],
        "legend.fontsize": fs["legend"],
        "legend.title_fontsize": fs["legend"],
        "legend.frameon": False,
        "axes.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "lines.linewidth": 1.2 if width == "double" else 1.0,
        "lines.markersize": 4.0 if width == "double" else 3.0,
        "axes.unicode_minus": True,
        "figure.dpi": 100,
        "savefig.dpi": 300,
    }


@contextmanager
def style_context(lang: str = "en", width: str = "double"):
    """Context manager applying :func:`rc_params` (draw and save inside it).

    Examples
    --------
    >>> import matplotlib
    >>> with style_context("en", "single"):
    ...     matplotlib.rcParams["pdf.fonttype"]
    42
    """
    import matplotlib

    with matplotlib.rc_context(rc_params(lang, width)):
        yield


def styled(func: Any) -> Any:
    """Decorator: run a plotting function inside :func:`style_context`.

    The function's ``lang`` and ``width`` keyword arguments (or their
    defaults) choose the style, so every artist it creates (ticks, legends,
    labels) gets the package fonts and sizes.

    Examples
    --------
    >>> import matplotlib
    >>> @styled
    ... def size(*, lang="en", width="double"):
    ...     return matplotlib.rcParams["font.size"]
    >>> size(width="single")
    6.0
    """
    import functools
    import inspect

    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind_partial(*args, **kwargs)
        bound.apply_defaults()
        lang = bound.arguments.get("lang", "en")
        width = bound.arguments.get("width", "double")
        with style_context(lang, width):
            return func(*args, **kwargs)

    return wrapper


def figure_size(width: str = "double", *, aspect: float | None = None,
                height_mm: float | None = None) -> tuple[float, float]:
    """Figure size in inches for a printed width.

    Parameters
    ----------
    width : {"single", "double"}
        88 mm or 180 mm.
    aspect : float, optional
        Height / width (default 0.62).
    height_mm : float, optional
        Height in millimetres instead of ``aspect``.

    Examples
    --------
    >>> figure_size("double", height_mm=90)
    (7.0866, 3.5433)
    """
    w = WIDTHS_MM[_check_width(width)]
    h = height_mm if height_mm is not None else w * (0.62 if aspect is None else aspect)
    return (round(w * _MM, 4), round(h * _MM, 4))


def new_figure(width: str = "double", *, lang: str = "en", aspect: float | None = None,
               height_mm: float | None = None, nrows: int = 1, ncols: int = 1,
               **subplots_kw: Any):
    """A figure of the package style and its axes (``plt.subplots`` with a printed width).

    The style's fonts and sizes are applied to the new figure's artists; keep
    them for later text by drawing inside :func:`style_context`, or pass
    ``fontsize``/``fontfamily`` explicitly (the study functions do).

    Returns
    -------
    (Figure, Axes or array of Axes)

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = new_figure("single", aspect=0.8)
    >>> round(fig.get_figwidth() * 25.4)
    88
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    with style_context(lang, width):
        fig, axes = plt.subplots(nrows, ncols, figsize=figure_size(
            width, aspect=aspect, height_mm=height_mm), layout="constrained", **subplots_kw)
    fig.gmindex_style = {"lang": lang, "width": width}
    return fig, axes


# ---------------------------------------------------------------------------
# names and colours


def region_name(key: str, lang: str = "en") -> str:
    """Display name of a region key (or a region scheme) in English or Chinese.

    Unknown keys (a user's own regions) are shown as written, with
    underscores turned into spaces and the first letter capitalised.

    Examples
    --------
    >>> region_name("east"), region_name("east", "zh"), region_name("yangtze_delta")
    ('East', '东部', 'Yangtze delta')
    """
    names = _REGION_NAMES[_check_lang(lang)]
    if key in names:
        return names[key]
    words = str(key).replace("_", " ")
    return words[:1].upper() + words[1:]


def _registry(registry: Any) -> Any:
    if registry is None:
        from gmindex.provinces import default_registry

        return default_registry()
    return registry


def region_names(scheme: str = "region4", lang: str = "en", registry: Any = None) -> dict[str, str]:
    """Region key -> display name for every region of a scheme, in display order.

    Examples
    --------
    >>> region_names("region3", "zh")
    {'east': '东部', 'central': '中部', 'west': '西部'}
    """
    return {r: region_name(r, lang) for r in _registry(registry).region_order(scheme)}


def region_colors(scheme: str = "region4", registry: Any = None, *,
                  regions: Iterable[str] | None = None) -> dict[str, str]:
    """Region key -> colour, the same on every map and in every chart.

    The standard keys (east, central, west, northeast, national) have fixed
    Okabe-Ito colours; other keys take the spare Okabe-Ito colours in the
    order of the scheme, so a user's own scheme gets a deterministic,
    colour-blind-safe assignment.

    Parameters
    ----------
    scheme : str
        Region column of the registry.
    registry : Registry, optional
        Default :func:`gmindex.provinces.default_registry`.
    regions : iterable of str, optional
        Region keys instead of a registry scheme.

    Examples
    --------
    >>> region_colors(regions=["east", "south", "north"])
    {'east': '#0072B2', 'south': '#56B4E9', 'north': '#CC79A7'}
    """
    keys = list(regions) if regions is not None else list(
        _registry(registry).region_order(scheme))
    out: dict[str, str] = {}
    spare = iter(_SPARE_REGION_COLOURS)
    for key in keys:
        if key in REGION_COLOURS:
            out[key] = REGION_COLOURS[key]
        else:
            try:
                out[key] = next(spare)
            except StopIteration:
                raise ValueError(
                    f"more than {len(_SPARE_REGION_COLOURS)} non-standard regions "
                    f"({keys}); colour-blind-safe colours run out: merge regions or pass "
                    "your own colours"
                ) from None
    return out


def _pillars(spec: Any) -> list[tuple[str, str, str]]:
    """(id, name_en, name_zh) of a spec's pillars in spec order."""
    if isinstance(spec, Mapping):  # {id: (name_en, name_zh)} or {id: name}
        rows = []
        for pid, names in spec.items():
            en, zh = (names, names) if isinstance(names, str) else tuple(names)
            rows.append((str(pid), en, zh))
        return rows
    declared = {p.id: p for p in getattr(spec, "pillars", ())}
    ids = spec.pillar_ids if hasattr(spec, "pillar_ids") else list(spec)
    rows = []
    for pid in ids:
        p = declared.get(pid)
        rows.append((pid, getattr(p, "name_en", "") or "", getattr(p, "name_zh", "") or ""))
    return rows


def _humanise(identifier: str) -> str:
    words = str(identifier).replace("_", " ")
    return words[:1].upper() + words[1:]


def pillar_names(spec: Any, lang: str = "en") -> dict[str, str]:
    """Pillar id -> display name from the spec (``name_en`` / ``name_zh``).

    A pillar without a name in that language falls back to the English name,
    then to its id with underscores as spaces, so no code name reaches a figure.

    Parameters
    ----------
    spec : Spec, sequence of pillar ids, or mapping id -> (name_en, name_zh)

    Examples
    --------
    >>> pillar_names({"green_system": ("Green manufacturing system", "绿色制造体系")}, "zh")
    {'green_system': '绿色制造体系'}
    >>> pillar_names(["green_system"])
    {'green_system': 'Green system'}
    """
    _check_lang(lang)
    out = {}
    for pid, en, zh in _pillars(spec):
        name = (zh or en) if lang == "zh" else en
        out[pid] = name or _humanise(pid)
    return out


def pillar_name(spec: Any, pillar: str, lang: str = "en") -> str:
    """Display name of one pillar; see :func:`pillar_names`."""
    names = pillar_names(spec, lang)
    if pillar not in names:
        raise KeyError(f"pillar {pillar!r} is not in the spec; pillars: {list(names)}")
    return names[pillar]


def pillar_colors(spec: Any) -> dict[str, str]:
    """Pillar id -> colour, by position in the spec (Paul Tol's muted scheme).

    The same spec gives the same colours in every figure; a user's own spec
    gets the same deterministic assignment.

    Raises
    ------
    ValueError
        With more pillars than the palette's nine colour-blind-safe colours.

    Examples
    --------
    >>> pillar_colors(["energy", "innovation"])
    {'energy': '#332288', 'innovation': '#88CCEE'}
    """
    ids = [pid for pid, _, _ in _pillars(spec)]
    if len(ids) > len(PILLAR_PALETTE):
        raise ValueError(
            f"{len(ids)} pillars but only {len(PILLAR_PALETTE)} colour-blind-safe colours; "
            "group pillars or pass your own colours"
        )
    return dict(zip(ids, PILLAR_PALETTE))


# ---------------------------------------------------------------------------
# small groups


def small_group_note(ax: Any, sizes: Mapping[str, int], lang: str = "en", *,
                     min_n: int = MIN_GROUP, names: Mapping[str, str] | None = None,
                     loc: tuple[float, float] = (0.01, 0.99)) -> Any:
    """Write a warning on the axes for groups with fewer than ``min_n`` units.

    Parameters
    ----------
    sizes : mapping group -> number of units
    names : mapping group -> display name, optional
        Default :func:`region_name`.
    loc : (x, y)
        Position in axes fraction (upper left by default).

    Returns
    -------
    Text or None
        The note (gid ``"small-group-note"``), or ``None`` when every group is
        large enough.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> small_group_note(ax, {"east": 10, "northeast": 3}).get_text()
    'Northeast: n < 5 provinces, read with caution'
    >>> plt.close(fig)
    """
    small = [g for g, n in sizes.items() if int(n) < min_n]
    if not small:
        return None
    shown = [(names or {}).get(g) or region_name(g, lang) for g in small]
    sep = "、" if lang == "zh" else ", "
    note = text("small_group", lang, groups=sep.join(shown), min_n=min_n)
    return ax.text(*loc, note, transform=ax.transAxes, ha="left", va="top",
                   fontsize=FONT_SIZES["single"]["small"] + 0.5, color="#7a0000",
                   fontfamily=font_family(lang), gid="small-group-note")


# ---------------------------------------------------------------------------
# saving


def _caption_text(caption: Any, lang: str) -> str | None:
    if caption is None:
        return None
    if isinstance(caption, str):
        return caption
    if isinstance(caption, Mapping):
        if lang not in caption:
            raise ValueError(f"caption has no {lang!r} text; give {{'en': ..., 'zh': ...}}")
        return str(caption[lang])
    raise TypeError("caption must be a str or a mapping {'en': ..., 'zh': ...}")


def save_figure(fig: Any, path_stem: str | Path, *,
                formats: Sequence[str] = ("png", "pdf", "svg"),
                lang: str = "en", caption: Any = None, dpi: int = 300,
                **savefig_kwargs: Any) -> list[Path]:
    """Write a figure with Type 42 PDF fonts, editable SVG text and fixed metadata.

    Parameters
    ----------
    fig : Figure
    path_stem : path
        Output path without extension; ``"_zh"`` is appended for ``lang="zh"``
        unless already there.
    formats : sequence of {"png", "pdf", "svg"}
        All three by default: PNG to look at, PDF for the journal, SVG for
        editing labels.
    lang : {"en", "zh"}
    caption : str or mapping {"en": ..., "zh": ...}, optional
        Written beside the figure as ``<stem>.caption.md`` (the caption of
        the paper: data, method, classification); never drawn in the image.
        Default: the study caption of this stem from :mod:`gmindex.captions`
        (none for an unknown stem).
    dpi : int
        PNG resolution.
    **savefig_kwargs
        Passed to ``Figure.savefig``.

    Returns
    -------
    list of Path
        The files written (figures, then the caption file).

    Examples
    --------
    >>> import matplotlib, tempfile
    >>> matplotlib.use("Agg")
    >>> fig, ax = new_figure("single")
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = save_figure(fig, Path(d) / "demo", formats=("pdf",), caption="Demo.")
    ...     [p.name for p in paths], b"/Type3" in paths[0].read_bytes()
    (['demo.pdf', 'demo.caption.md'], False)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(fig)
    """

    from gmindex.io.writers import _atomic_bytes
    from gmindex.io.writers import save_figure as _write

    _check_lang(lang)
    stem = Path(path_stem)
    if lang == "zh" and not stem.name.endswith("_zh"):
        stem = stem.with_name(f"{stem.name}_zh")
    if caption is None:
        from gmindex.captions import default_caption

        caption = default_caption(stem.name, lang, _REGION_NAMES[lang])
    note = _caption_text(caption, lang)
    # the writer embeds TrueType fonts and keeps SVG text for every caller
    paths = _write(fig, stem, formats=tuple(formats), dpi=dpi, **savefig_kwargs)
    if note is not None:
        body = note.strip() + "\n"
        paths.append(_atomic_bytes(stem.with_name(f"{stem.name}.caption.md"),
                                   body.encode("utf-8")))
    return paths


def variant_stem(path_stem: str | Path, width: str = "double") -> Path:
    """File stem of a width: the double-width stem as given, ``_single`` added for single.

    Examples
    --------
    >>> variant_stem("figures/fig_x", "single").name
    'fig_x_single'
    >>> variant_stem("figures/fig_x").name
    'fig_x'
    """
    stem = Path(path_stem)
    if _check_width(width) == "single" and not stem.name.endswith("_single"):
        stem = stem.with_name(f"{stem.name}_single")
    return stem


def save_variants(draw: Any, path_stem: str | Path, *, langs: Sequence[str] = LANGS,
                  widths: Sequence[str] = ("double", "single"), keep: str | None = "double",
                  **save_kwargs: Any) -> list[Path]:
    """Draw and save a figure in every language and printed width.

    ``draw(lang, width)`` returns a figure (or an axes, or an array of axes)
    drawn at that width; it runs inside :func:`style_context` of its language
    and width, so artists it creates get the matching fonts and sizes.  Each
    figure is saved with :func:`save_figure` as ``<stem>`` (double width) or
    ``<stem>_single`` (single width), with ``_zh`` added for Chinese.

    Parameters
    ----------
    draw : callable (lang, width) -> Figure or Axes
    path_stem : path
        Double-width English stem, e.g. ``figures / "fig_scores"``.
    langs, widths : sequences
        Languages and widths to write (all by default).
    keep : {"double", "single"} or None
        Figures of this width stay open (for display in a notebook); the
        others are closed after saving.  ``None`` closes all.
    **save_kwargs
        Passed to :func:`save_figure` (``formats``, ``caption``, ...).

    Returns
    -------
    list of Path
        Every file written.

    Examples
    --------
    >>> import matplotlib, tempfile
    >>> matplotlib.use("Agg")
    >>> def draw(lang, width):
    ...     fig, ax = new_figure(width, lang=lang)
    ...     ax.plot([0, 1], [0, 1])
    ...     return fig
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = save_variants(draw, Path(d) / "demo", formats=("png",), keep=None)
    ...     sorted(p.name for p in paths)
    ['demo.png', 'demo_single.png', 'demo_single_zh.png', 'demo_zh.png']
    """
    import matplotlib.pyplot as plt

    if keep is not None:
        _check_width(keep)
    paths: list[Path] = []
    for width in widths:
        stem = variant_stem(path_stem, width)
        for lang in langs:
            _check_lang(lang)
            with style_context(lang, width):
                drawn = draw(lang, width)
                fig = _as_figure(drawn)
                paths += save_figure(fig, stem, lang=lang, **save_kwargs)
            if width != keep:
                plt.close(fig)
    return paths


def _as_figure(drawn: Any) -> Any:
    """The figure of what a drawing function returned (figure, axes or axes array)."""
    if hasattr(drawn, "savefig"):
        return drawn
    if hasattr(drawn, "figure") and hasattr(drawn.figure, "savefig"):
        return drawn.figure
    try:
        import numpy as np

        first = np.asarray(drawn, dtype=object).flat[0]
    except (TypeError, IndexError):
        first = None
    if first is not None and hasattr(getattr(first, "figure", None), "savefig"):
        return first.figure
    raise TypeError(f"draw(lang, width) must return a Figure or Axes, got {type(drawn).__name__}")


def pdf_font_subtypes(data: bytes) -> set[str]:
    """Font subtypes named in a PDF's bytes (``"Type3"`` must not be among them).

    Examples
    --------
    >>> sorted(pdf_font_subtypes(b"<< /Type /Font /Subtype /Type0 >>"))
    ['Type0']
    """
    import re

    found = re.findall(rb"/Subtype\s*/(Type0|Type1|Type3|TrueType|CIDFontType0|CIDFontType2"
                       rb"|MMType1)", data)
    return {f.decode() for f in found}


def _buffer(fig: Any, fmt: str) -> bytes:
    """Figure bytes with the package's font settings (for checks and tests)."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none",
                                "svg.hashsalt": "gmindex"}):
        fig.savefig(buf, format=fmt, metadata={"Creator": "gmindex"} if fmt != "png" else None)
    return buf.getvalue()
