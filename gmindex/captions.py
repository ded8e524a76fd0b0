"""Captions of the study figures, in English and Chinese (written beside each figure).

A caption belongs to the paper, not to the image: :func:`gmindex.figstyle.save_figure`
writes ``<stem>.caption.md`` next to the figure, taking the text from
:func:`default_caption` when none is given.  Captions name the data, the
method and the classification; they hold no numbers (numbers come from the
results files).

Examples
--------
>>> default_caption("fig_kde_by_region_region4", "en")[:40]
'Kernel densities of the provincial score'
>>> default_caption("fig_paper_kde3d_northeast_single_zh", "zh", {"northeast": "东北"})[:14]
'得分核密度的动态演进（东北）'
>>> default_caption("fig_unknown", "en") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["CAPTIONS", "default_caption"]

_DATA_EN = ("Green manufacturing index (pooled min–max normalisation, entropy weights within "
            "pillars, pillars combined as the spec says).")
_DATA_ZH = "绿色制造指数（混合极差标准化，维度内熵值法赋权，维度间按指标体系设定合成）。"

#: (stem pattern, English, Chinese); ``{1}`` in a text is the pattern's first group.
CAPTIONS: list[tuple[str, str, str]] = [
    (r"fig_coverage_by_series", "Number of provinces without a value, by series and year "
     "(colour and number count the same; white: complete). Source: data/panel.csv.",
     "各序列各年份缺失值的省份数（颜色与数字含义相同；白色为完整）。数据：data/panel.csv。"),
    (r"fig_coverage_by_province", "Number of the index's series missing, by province and year "
     "(colour and number count the same; white: complete).",
     "各省份各年份缺失的指数序列数（颜色与数字含义相同；白色为完整）。"),
    (r"fig_weights_bar", "Entropy weights of the indicators (pooled over all years), coloured "
     "by pillar; dashed line: the share above which a weight is flagged. " + _DATA_EN,
     "各指标熵值法权重（全部年份混合），颜色表示维度；虚线为权重预警阈值。" + _DATA_ZH),
    (r"fig_weights_per_year", "Per-year entropy weights (lines) and pooled weights (dotted), "
     "each indicator in its pillar's colour.",
     "逐年熵值法权重（实线）与混合权重（点线），颜色表示所属维度。"),
    (r"fig_weights_remedies", "Indicator weights under flat entropy, the default (entropy "
     "within pillars, equal pillars) and the documented remedies (weight cap, entropy across "
     "pillars, CRITIC, equal weights); dashed line: the share above which a weight is flagged.",
     "扁平熵值法、默认方法（维度内熵值法、维度等权）与各修正方法（权重上限、维度间熵值法、CRITIC、"
     "等权）下的指标权重；虚线为权重预警阈值。"),
    (r"fig_scores_first_last", "Index score of each province in the first (open) and last "
     "(filled, region colour) year. " + _DATA_EN,
     "各省份首年（空心）与末年（实心，颜色表示区域）的指数得分。" + _DATA_ZH),
    (r"fig_pillar_contributions_(\d{4})", "Contribution of each pillar to the score of each "
     "province, {1}. " + _DATA_EN,
     "{1}年各维度对各省份得分的贡献。" + _DATA_ZH),
    (r"fig_rank_sum_vs_topsis_(\d{4})", "Ranks of the provinces under the weighted sum and "
     "under entropy-TOPSIS, {1}; line colour: region.",
     "{1}年加权求和与熵权 TOPSIS 两种合成方法下的省份排名；线条颜色表示区域。"),
    (r"fig_regional_means", "Mean index score by region and year (dashed: national), NBS four "
     "regions and three belts. " + _DATA_EN,
     "各区域逐年平均得分（虚线为全国），国家统计局四大区域与三大地带。" + _DATA_ZH),
    (r"fig_score_change_by_pillar_(\w+)", "Change in the mean score by region, split into "
     "pillar contributions.",
     "各区域平均得分变化及各维度贡献。"),
    (r"fig_province_change_(\w+)", "Change in score of each province by region (box: "
     "quartiles; dots: provinces). Regions with fewer than 5 provinces are marked.",
     "各区域省份得分变化（箱线为四分位数，点为省份）；省份少于 5 个的区域已标注。"),
    (r"fig_kde_by_year", "Gaussian kernel densities of the provincial scores by year (Scott "
     "bandwidth, grid 3 bandwidths past the data).",
     "各年份省份得分的高斯核密度（Scott 带宽，网格延伸至数据外 3 个带宽）。"),
    (r"fig_kde_by_region_(\w+)", "Kernel densities of the provincial scores by region and "
     "year; panels with fewer than 5 provinces carry a warning.",
     "各区域各年份省份得分的核密度；省份少于 5 个的子图附有提示。"),
    (r"fig_sigma_convergence_(\w+)", "Coefficient of variation of the scores by region and "
     "year (sigma convergence); regions with fewer than 5 provinces are marked.",
     "各区域逐年得分变异系数（σ 收敛）；省份少于 5 个的区域已标注。"),
    (r"fig_moran_scatter_(\d{4})", "Moran scatterplot, {1}: standardised score against its "
     "spatial lag (queen contiguity, row-standardised); colours: LISA clusters; global "
     "Moran's I and its permutation p-value in the legend.",
     "{1}年 Moran 散点图：标准化得分与空间滞后（Queen 邻接，行标准化）；颜色为 LISA 集聚类型；"
     "图例给出全局 Moran's I 及其置换检验 p 值。"),
    (r"fig_rank_intervals_(\d{4})", "Rank of each province under the Monte Carlo method "
     "draws, {1}: median (dot, region colour), 90% interval (bar) and baseline rank "
     "(cross).",
     "{1}年蒙特卡洛方法抽样下各省份排名：中位数（圆点，颜色表示区域）、90% 区间（横条）与基准排名（叉号）。"),
    (r"fig_robustness_orderings", "Share of the method draws in which each regional ordering "
     "holds, by year and region scheme (lines offset sideways so none hides another).",
     "各区域排序在方法抽样中成立的比例，按年份与区域划分（线条横向错开以免重叠）。"),
    (r"fig_sensitivity_first_order", "First-order variance shares of the method choices for "
     "(a) provinces' ranks and (b) the east − west gap.",
     "各方法选择的一阶方差贡献：(a) 省份排名；(b) 东西部差距。"),
    (r"fig_city_density", "Gaussian kernel densities of the city scores (default city index) by "
     "region and year (Scott bandwidth); cities grouped by the NBS region of their province.",
     "各区域各年份地级市得分的高斯核密度（默认城市指数，Scott 带宽）；城市按所在省份归入国家统计局"
     "四大区域。"),
    # the paper toolkit (gmindex.paper.figures)
    (r"fig_dagum_decomposition", "Dagum Gini decomposition by year: within-region, net "
     "between-region and transvariation parts of the overall Gini. " + _DATA_EN,
     "Dagum基尼系数分解（逐年）：区域内、区域间净值与超变密度。" + _DATA_ZH),
    (r"fig_paper_dagum_within", "Within-region Dagum Gini coefficients (G_jj) by year, one line "
     "per region. " + _DATA_EN,
     "各区域内部Dagum基尼系数（G_jj）的年度变化，每条线为一个区域。" + _DATA_ZH),
    (r"fig_paper_dagum_between", "Between-region Dagum Gini coefficients (G_jh) by year, one "
     "line per pair of regions. " + _DATA_EN,
     "区域间Dagum基尼系数（G_jh）的年度变化，每条线为一对区域。" + _DATA_ZH),
    (r"fig_paper_dagum_shares", "Contribution rates (%) of within-region, net between-region "
     "and transvariation parts to the overall Dagum Gini, by year.",
     "区域内、区域间净值与超变密度对总体Dagum基尼系数的贡献率（%），逐年。"),
    (r"fig_paper_kde3d_(\w+)", "Kernel density evolution of the score ({1}): Gaussian kernel, "
     "bandwidth rule written on the axes; a warning is drawn for groups of fewer than five "
     "units. " + _DATA_EN,
     "得分核密度的动态演进（{1}）：高斯核，带宽规则标于图中；单元少于5个的组绘有提示。"
     + _DATA_ZH),
    (r"fig_paper_moran_by_year", "Global Moran's I of the score by year (queen contiguity, "
     "Hainan linked to Guangdong, row-standardised); filled markers: permutation p < 0.05, "
     "permutation count written on the axes.",
     "得分全局Moran's I的年度变化（Queen邻接，海南与广东相连，行标准化）；实心点为置换检验"
     "p < 0.05，置换次数标于图中。"),
    (r"fig_paper_moran_pillars", "Global Moran's I of each pillar score by year (same weights "
     "and permutations as the index).",
     "各维度得分全局Moran's I的年度变化（空间权重与置换次数同总指数）。"),
    (r"fig_paper_lisa_first_last", "Local Moran (LISA) clusters of the score in the first and "
     "the last year (queen contiguity, Hainan linked to Guangdong, row-standardised; "
     "permutation p < 0.05, permutation count in the legend).",
     "首末年份得分的局部Moran（LISA）聚类（Queen邻接，海南与广东相连，行标准化；置换检验"
     "p < 0.05，置换次数见图例）。"),
    (r"fig_paper_lisa_bivariate_(\d+)", "Bivariate LISA clusters, {1}: a province's score "
     "against its neighbours' covariate (queen contiguity, Hainan linked to Guangdong; "
     "permutation p < 0.05).",
     "{1}年双变量LISA聚类：本省得分与邻省协变量（Queen邻接，海南与广东相连；置换检验p < 0.05）。"),
    (r"fig_paper_obstacles_(\d+)", "Obstacle degrees (障碍度) of the indicators, national mean "
     "{1}: effective weight times the distance of the normalised value from 1, as a share of "
     "the sum over indicators.",
     "{1}年各指标障碍度（全国均值）：有效权重乘以标准化值与1的差距，占全部指标之和的比重。"),
    (r"fig_paper_radar", "Pillar scores by region (simple means), first and last year of the "
     "index.", "各区域维度得分（简单均值），指数首末年份。"),
    (r"fig_paper_centre_trajectory", "Score-weighted centre of gravity by year and standard "
     "deviational ellipses of the first and last year, computed in the Albers equal-area "
     "projection.",
     "得分加权重心的年度轨迹及首末年份标准差椭圆（Albers等积投影下计算）。"),
]


def default_caption(stem: str, lang: str = "en", names: Mapping[str, str] | None = None
                    ) -> str | None:
    """The caption of a study figure from its file stem (``_zh``/``_single`` ignored).

    ``names`` maps a key in the stem (a region) to its display name in
    ``lang``; :func:`gmindex.figstyle.save_figure` passes the region names.
    Returns ``None`` for a figure without a registered caption.
    """
    base = re.sub(r"(_single)?(_zh)?$", "", stem)
    for pattern, en, zh in CAPTIONS:
        m = re.fullmatch(pattern, base)
        if m:
            text = zh if lang == "zh" else en
            if not m.groups():
                return text
            # A region key (fig_paper_kde3d_east) is shown by its display name.
            value = (names or {}).get(m.group(1), m.group(1))
            return text.replace("{1}", value)
    return None
