"""Write the bad-input corpus: yearbook-style files with one realistic defect each.

Run from the repository root (``python tests/bad_inputs/make_corpus.py``); the
files are committed, so this only needs rerunning after a change here.  What
each file should produce is in ``cases.toml`` next to it.

The numbers are real: total energy consumption (万吨标准煤, source ``gtmp``),
GDP (亿元, ``yml_master``), R&D intensity (%, ``techme_cstsy``) and invention
patents granted (件, ``techme_cstsy``) copied from ``data/panel.csv``.  Each
defect is then introduced by hand (a sign flipped, a name misspelt, a value
typed 10,000 times too large, ...) and named in the file name.  Three things
are stand-ins: the national rows of ``national_total.csv`` and
``above_national_total.csv`` hold the sum of the provinces listed (not an
official total), and ``old_format.xls`` has only the signature of a binary
Excel file; the Hong Kong, Macau and Taiwan rows hold missing marks only.
``build_spec.toml`` and ``build_spec_ratio.toml`` are the specs of the build
cases.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
from pathlib import Path

import openpyxl

from gmindex.io.writers import _normalise_zip, fixed_timestamp
from gmindex.provinces import default_registry

HERE = Path(__file__).resolve().parent
YEARS = (2016, 2017, 2018, 2019)

# energy_consumption_10k_tce, 2016-2019 (Tibet has no energy data in any source).
ENERGY = {
    "11": (6917, 7088, 7270, 7360), "12": (8078, 7832, 7973, 8241),
    "13": (31458, 32083, 32185, 32545), "14": (18974, 19581, 20199, 20859),
    "15": (19310, 19763, 23068, 25346), "21": (20847, 21365, 22321, 23749),
    "22": (6886, 6881, 7000, 7132), "23": (11070, 11258, 11436, 11614),
    "31": (11242, 11382, 11454, 11696), "32": (31210, 31602, 31635, 32526),
    "33": (20276, 21030, 21675, 22393), "34": (12663, 13019, 13295, 13870),
    "35": (12036, 12555, 13131, 13718), "36": (8730, 8972, 9286, 9665),
    "37": (40138, 40098, 40581, 41390), "41": (22323, 22162, 22659, 22300),
    "42": (15897, 16180, 16682, 17316), "43": (14845, 15200, 15544, 16001),
    "44": (31211, 32309, 33330, 34142), "45": (10110, 10456, 10823, 11270),
    "46": (1984, 2080, 2170, 2264), "50": (7982, 8279, 8557, 8889),
    "51": (18756, 19229, 19916, 20791), "52": (9606, 9846, 10036, 10423),
    "53": (10726, 11164, 11590, 12158), "61": (12146, 12549, 12900, 13478),
    "62": (7300, 7504, 7823, 7818), "63": (4101, 4193, 4364, 4235),
    "64": (5591, 6461, 7100, 7648), "65": (16302, 17386, 17694, 18490),
}
# gdp_100m_yuan and rd_intensity_pct, 2019, for the indicators-as-columns layout.
GDP_2019 = {"11": 37767.0, "12": 14097.2, "13": 35623.5, "14": 17311.0, "54": 1750.3,
            "61": 26214.5}
RD_2019 = {"11": 6.30, "12": 3.29, "13": 1.62, "14": 1.13, "54": 0.26, "61": 2.27}

REG = default_registry()


def zh(code: str) -> str:
    return REG.label(code, "zh")


def en(code: str) -> str:
    return REG.label(code, "en")


def fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def write_text(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def csv_lines(rows) -> str:
    def cell(c):
        c = "" if c is None else str(c)
        return f'"{c}"' if any(ch in c for ch in ',"\n') else c

    return "".join(",".join(cell(c) for c in row) + "\n" for row in rows)


def yearbook(codes=None, names=zh, years=YEARS, header="地区", year_label=str):
    """Header plus one row per province of the energy table (years as columns)."""
    codes = codes or list(ENERGY)
    rows = [[header] + [year_label(y) for y in years]]
    for code in codes:
        rows.append([names(code)] + [ENERGY[code][YEARS.index(y)] for y in years])
    return rows


def long_rows(codes=None, years=YEARS, unit="万吨标准煤"):
    codes = codes or list(ENERGY)
    rows = [["code", "year", "indicator", "value", "unit"]]
    for code in codes:
        for y in years:
            rows.append([code, y, "energy_consumption_10k_tce", ENERGY[code][YEARS.index(y)],
                         unit])
    return rows


def save_xlsx(book: openpyxl.Workbook, name: str) -> None:
    stamp = fixed_timestamp()
    book.properties.created = stamp
    book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    (HERE / name).write_bytes(_normalise_zip(buffer.getvalue(), stamp))


def main() -> None:
    few = ["11", "12", "13", "14", "15"]

    # 1 GBK-encoded CSV, as saved by Chinese Excel ("CSV (逗号分隔)").
    write_text("gbk_encoded.csv", csv_lines(yearbook(year_label=lambda y: f"{y}年")), "gbk")
    # 2 UTF-8 with BOM, long layout with Chinese column names.
    rows = [["省份", "年份", "指标", "数值"]] + [
        [zh(c), y, "energy_consumption_10k_tce", ENERGY[c][YEARS.index(y)]]
        for c in few for y in YEARS
    ]
    write_text("utf8_bom.csv", codecs.BOM_UTF8.decode("utf-8") + csv_lines(rows))

    # 3 Yearbook XLSX: merged title row, unit line, two header rows (merged cells).
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "8-12"
    ws["A1"] = "8-12 各地区能源消费总量"
    ws.merge_cells("A1:E1")
    ws["E2"] = "单位：万吨标准煤"
    ws["A3"] = "地  区"
    ws.merge_cells("A3:A4")
    ws["B3"] = "能源消费总量"
    ws.merge_cells("B3:E3")
    for j, y in enumerate(YEARS):
        ws.cell(row=4, column=2 + j, value=y)
    for i, code in enumerate(ENERGY):
        ws.cell(row=5 + i, column=1, value=zh(code))
        for j, v in enumerate(ENERGY[code]):
            ws.cell(row=5 + i, column=2 + j, value=v)
    save_xlsx(book, "yearbook_merged_header.xlsx")

    # 4 Shanxi/Shaanxi mix-up: Shaanxi's row labelled "Shanxi".
    rows = yearbook(names=en)
    rows[[r[0] for r in rows].index("Shaanxi")][0] = "Shanxi"
    write_text("shanxi_shaanxi_mixup.csv", csv_lines(rows))
    # 5 A province pasted twice.
    rows = yearbook(few)
    rows.append(list(rows[1]))
    write_text("duplicated_province.csv", csv_lines(rows))
    # 6 Text in numeric cells.
    rows = yearbook(few)
    rows[2][3] = "约7973"
    rows[4][4] = "见附表"
    write_text("text_in_numeric.csv", csv_lines(rows))
    # 7 Negative energy use (sign typed by mistake), long layout.
    rows = long_rows(few)
    rows[8][3] = -7360
    write_text("negative_energy.csv", csv_lines(rows))
    # 8 Percent signs (R&D intensity), indicators as columns.
    rows = [["地区", "rd_intensity_pct"]] + [[zh(c), f"{v:.2f}%"] for c, v in RD_2019.items()]
    write_text("percent_signs.csv", csv_lines(rows))
    # 9 Empty file, and a header without data.
    write_text("empty.csv", "")
    write_text("header_only.csv", "code,year,indicator,value\n")
    # 10 Years stored as floats (a pandas export); 11 a fractional year.
    rows = long_rows(few)
    for r in rows[1:]:
        r[1] = f"{r[1]}.0"
    write_text("year_float.csv", csv_lines(rows))
    rows = long_rows(few)
    rows[4][1] = "2019.5"
    write_text("year_fractional.csv", csv_lines(rows))
    write_text("year_header_float.csv", csv_lines(yearbook(few, year_label=lambda y: f"{y}.0")))
    # 12 Excel date cells: in the year header, and in a value cell.
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["地区"] + [dt.datetime(y, 1, 1) for y in YEARS])
    for j in range(2, 6):
        ws.cell(row=1, column=j).number_format = "yyyy"
    for code in few:
        ws.append([zh(code), *ENERGY[code]])
    save_xlsx(book, "excel_date_header.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["地区", *YEARS])
    for code in few:
        ws.append([zh(code), *ENERGY[code]])
    ws["C3"] = dt.datetime(2017, 7, 8)
    save_xlsx(book, "excel_date_value.xlsx")
    # 13 Extra columns: a remark column in a yearbook table, and in a long table.
    rows = yearbook(few)
    rows[0].append("备注")
    for r in rows[1:]:
        r.append("")
    rows[3][-1] = "2018年起调整口径"
    write_text("extra_columns.csv", csv_lines(rows))
    rows = long_rows(few)
    rows[0].append("remark")
    for r in rows[1:]:
        r.append("")
    rows[1][-1] = "checked"
    write_text("extra_columns_long.csv", csv_lines(rows))
    # 14 Missing column: no year in a long table.
    rows = [[r[0], r[2], r[3]] for r in long_rows(few)]
    write_text("missing_year_column.csv", csv_lines(rows))
    # 15 Tibet absent (true: no energy data for Tibet).
    write_text("tibet_absent.csv", csv_lines(long_rows()))
    # 16 Misspelt province name.
    rows = yearbook(few, names=en)
    rows[4][0] = "Shanxii"
    write_text("unknown_province.csv", csv_lines(rows))
    # 17 National total row and 18 regional subtotal row (dropped with a note).
    rows = yearbook(few)
    # Stand-in for the national row: the sum of the rows below it, not the official total.
    rows.insert(1, ["全国", *[sum(ENERGY[c][k] for c in few) for k in range(len(YEARS))]])
    write_text("national_total.csv", csv_lines(rows))
    rows = yearbook(few)
    rows.append(["东部地区", None, None, None, None])
    write_text("regional_subtotal.csv", csv_lines(rows))
    # 19 Thousands separators (quoted, as Excel writes them).
    rows = yearbook(few)
    for r in rows[1:]:
        r[1:] = [f"{v:,}" for v in r[1:]]
    write_text("thousands_separators.csv", csv_lines(rows))
    # 20 Footnote marks on numbers and names.
    rows = yearbook(few)
    rows[1][0] = "北京①"
    rows[1][4] = f"{rows[1][4]}*"
    rows[3][1] = f"{rows[3][1]}②"
    write_text("footnote_marks.csv", csv_lines(rows))
    # 21 Yearbook missing marks; Tibet is present but has no data.
    rows = yearbook(few)
    rows[1][1] = "—"
    rows[2][2] = "…"
    rows[3][3] = "..."
    rows[4][4] = "-"
    rows[5][1] = "··"
    rows[5][2] = "NA"
    rows.append(["西藏", "", "–", "—", "…"])
    write_text("missing_marks.csv", csv_lines(rows))
    # 22 Unit mismatch against the spec (tonnes, not 10k tonnes).
    write_text("unit_mismatch.csv", csv_lines(long_rows(few, unit="吨标准煤")))
    # 23 The same cell in two files with different values (first release vs revised).
    write_text("conflict_a.csv", csv_lines(long_rows(["11"])))
    rows = long_rows(["11"])
    rows[4][3] = 7352
    write_text("conflict_b.csv", csv_lines(rows))
    # 24 Year out of range (an extra digit).
    rows = long_rows(few)
    rows[6][1] = 20199
    write_text("year_out_of_range.csv", csv_lines(rows))
    # 25 Full-width digits and punctuation (typed with a Chinese input method).
    rows = yearbook(few)
    full = str.maketrans("0123456789.", "０１２３４５６７８９．")
    rows[1][1:] = [f"{v}.0".translate(full) for v in rows[1][1:]]
    write_text("fullwidth_digits.csv", csv_lines(rows))
    # 26 English and Chinese names mixed, with suffixes.
    names = {"11": "Beijing", "12": "天津市", "13": "Hebei Province", "14": "山西省",
             "15": "Inner Mongolia Autonomous Region"}
    write_text("mixed_names.csv", csv_lines(yearbook(few, names=names.get)))
    # 27 Trailing spaces (and a full-width space) around names, years and numbers.
    rows = yearbook(few)
    rows[0] = [f"{c} " for c in rows[0]]
    for r in rows[1:]:
        r[0] = f" {r[0]}\u3000"
        r[1:] = [f"{v} " for v in r[1:]]
    write_text("trailing_spaces.csv", csv_lines(rows))
    # 28 A column with no numbers (region names) next to the indicators.
    rows = [["地区", "区域", "gdp_100m_yuan", "rd_intensity_pct"]] + [
        [zh(c), REG.region(c), GDP_2019[c], RD_2019[c]] for c in GDP_2019
    ]
    write_text("non_numeric_column.csv", csv_lines(rows))
    # 29 Semicolon-delimited CSV; 30 the same with decimal commas.
    rows = yearbook(few)
    write_text("semicolon_delimited.csv", "".join(";".join(map(str, r)) + "\n" for r in rows))
    rows = [["地区", "rd_intensity_pct"]] + [[zh(c), f"{v:.2f}".replace(".", ",")]
                                            for c, v in RD_2019.items()]
    write_text("semicolon_decimal_comma.csv", "".join(";".join(r) + "\n" for r in rows))
    # 31 Excel "Unicode text": UTF-16 with tabs.
    rows = yearbook(few)
    write_text("utf16_tab.txt", "\ufeff" + "".join("\t".join(map(str, r)) + "\r\n" for r in rows),
               "utf-16-le")
    # 32 Old binary .xls (only the signature matters: it is refused before parsing).
    (HERE / "old_format.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    # 33 A yearbook table given to the long reader.
    write_text("wide_given_to_long.csv", csv_lines(yearbook(few)))
    # 34 Excel error values left by a broken formula.
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["地区", *YEARS])
    for code in few:
        ws.append([zh(code), *ENERGY[code]])
    ws["E4"] = "#DIV/0!"
    save_xlsx(book, "excel_error_value.xlsx")
    # 35 Note and source lines under the table.
    rows = yearbook(few) + [["注：2018年起按第四次经济普查修订。"], ["资料来源：中国能源统计年鉴。"]]
    write_text("note_lines.csv", csv_lines(rows))
    # 36 Codes column next to the names, disagreeing for one row (Shanxi/Shaanxi again).
    rows = [["代码", "地区", *YEARS]] + [[c, zh(c), *ENERGY[c]] for c in few]
    rows[4][0] = "61"
    write_text("code_name_disagree.csv", csv_lines(rows))
    # 37 A year column whose values are all text (a pasted comment column).
    rows = yearbook(few)
    for r in rows[1:]:
        r[4] = "未公布"
    write_text("text_year_column.csv", csv_lines(rows))
    more()


def more() -> None:
    """Files 38-59: implausible values, ids, names and codes as people write them."""
    few = ["11", "12", "13", "14", "15"]
    # 38 A value of 1e308 typed for Inner Mongolia 2019 (a stray exponent).
    rows = long_rows()
    rows[[r[:2] for r in rows].index(["15", 2019])][3] = "1e308"
    write_text("huge_value.csv", csv_lines(rows))
    # 39 Beijing 2018 in 吨标准煤 instead of 万吨标准煤 (10,000 times too large).
    rows = long_rows()
    rows[[r[:2] for r in rows].index(["11", 2018])][3] = ENERGY["11"][2] * 10000
    write_text("unit_slip_value.csv", csv_lines(rows))
    # 40 Hebei 2017 in 亿吨 (10,000 times too small): only the years show it.
    rows = long_rows()
    rows[[r[:2] for r in rows].index(["13", 2017])][3] = ENERGY["13"][1] / 10000
    write_text("year_jump.csv", csv_lines(rows))
    # 41 R&D intensity above 100 % (a ratio typed as per mille).
    rows = [["code", "year", "indicator", "value", "unit"]] + [
        [c, 2019, "rd_intensity_pct", RD_2019[c] * (100 if c == "12" else 1), "%"]
        for c in RD_2019]
    write_text("share_above_100.csv", csv_lines(rows))
    # 42 Series id with capitals; 43 a misspelt id.
    rows = long_rows()
    for r in rows[1:]:
        r[2] = "Energy_Consumption_10k_TCE"
    write_text("case_changed_id.csv", csv_lines(rows))
    rows = long_rows()
    for r in rows[1:]:
        r[2] = "energy_consumption_10k_tec"
    write_text("misspelt_id.csv", csv_lines(rows))
    # 44 Energy only, for a spec whose indicator divides by GDP (the denominator is missing).
    write_text("missing_denominator.csv", csv_lines(long_rows()))
    # 45 A long table whose value column was left blank (formulas pasted without values).
    rows = long_rows(few)
    for r in rows[1:]:
        r[3] = ""
    write_text("empty_value_column.csv", csv_lines(rows))
    # 46 Six-digit GB/T 2260 codes in a long table; 47 in a yearbook code column.
    write_text("six_digit_codes.csv", csv_lines(
        [long_rows(few)[0]] + [[f"{r[0]}0000", *r[1:]] for r in long_rows(few)[1:]]))
    rows = [["行政区划代码", *YEARS]] + [[f"{c}0000", *ENERGY[c]] for c in few]
    write_text("six_digit_codes_wide.csv", csv_lines(rows))
    # 48 Traditional characters (a Hong Kong or Taiwan edition of the table).
    trad = {"44": "廣東", "21": "遼寧", "23": "黑龍江", "15": "內蒙古", "61": "陝西",
            "50": "重慶", "32": "江蘇"}
    rows = yearbook(list(trad), names=lambda c: trad[c])
    write_text("traditional_names.csv", csv_lines(rows))
    # 49 Short forms people write: 内蒙, 新疆维吾尔, 广西壮族, 宁夏回族.
    short = {"15": "内蒙", "65": "新疆维吾尔", "45": "广西壮族", "64": "宁夏回族"}
    write_text("short_forms.csv", csv_lines(yearbook(list(short), names=lambda c: short[c])))
    # 50 Hong Kong, Macau and Taiwan rows under the provinces, as in many yearbooks
    #    (their cells are marks, not values: no figures for them are invented here).
    rows = yearbook(few) + [["香港", "—", "—", "—", "—"], ["澳門", "—", "—", "—", "—"],
                            ["臺灣", "—", "—", "—", "—"]]
    write_text("hk_mo_tw_rows.csv", csv_lines(rows))
    # 51 The same in a long table, by six-digit code and name.
    rows = long_rows(few[:2]) + [["810000", 2019, "energy_consumption_10k_tce", "", "万吨标准煤"],
                                 ["台湾省", 2019, "energy_consumption_10k_tce", "", "万吨标准煤"]]
    write_text("hk_mo_tw_long.csv", csv_lines(rows))
    # 52 Two tables pasted one under the other: the header row repeats.
    rows = yearbook(few)
    rows = rows[:3] + [rows[0]] + rows[3:]
    write_text("repeated_header.csv", csv_lines(rows))
    rows = long_rows(few[:2])
    rows = rows[:4] + [rows[0]] + rows[4:]
    write_text("repeated_header_long.csv", csv_lines(rows))
    # 53 A workbook whose first sheet is a cover page.
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "封面"
    cover["A1"] = "中国能源统计年鉴"
    cover["A3"] = "国家统计局能源统计司 编"
    ws = book.create_sheet("8-12")
    for row in yearbook(few):
        ws.append(row)
    save_xlsx(book, "cover_sheet.xlsx")
    # 54 A registry with one code twice.
    write_text("registry_duplicate_code.csv",
               "code,name_zh,name_en\n11,北京市,Beijing\n12,天津市,Tianjin\n11,河北省,Hebei\n")
    # 55 A yearbook sheet whose value columns are all blank (a template never filled in).
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "8-12"
    ws.append(["地区", *YEARS])
    for c in few:
        ws.append([zh(c)])
    save_xlsx(book, "blank_value_columns.xlsx")
    # 56 Traditional 臺灣 and a short 内蒙 in a long table with Chinese headers.
    rows = [["省份", "年份", "指标", "数值"]] + [
        ["内蒙", y, "energy_consumption_10k_tce", ENERGY["15"][YEARS.index(y)]] for y in YEARS
    ] + [["臺灣", 2019, "energy_consumption_10k_tce", "…"]]
    write_text("traditional_long.csv", csv_lines(rows))
    # 57 A negative count (invention patents granted, sign typed by mistake).
    rows = [["code", "year", "indicator", "value", "unit"],
            ["11", 2019, "invention_patents_granted", 53127, "件"],
            ["12", 2019, "invention_patents_granted", -5025, "件"]]
    write_text("negative_count.csv", csv_lines(rows))
    # 58 Hong Kong written in English in an English-language table.
    rows = yearbook(few, names=en) + [["Hong Kong SAR", "", "", "", ""]]
    write_text("hong_kong_english.csv", csv_lines(rows))
    # 59 Hebei 2016 typed with an extra digit, above the 全国 row (which, as in
    #    national_total.csv, holds the sum of the provinces listed: a stand-in).
    rows = yearbook(few)
    rows.insert(1, ["全国"] + [sum(ENERGY[c][k] for c in few) for k in range(len(YEARS))])
    rows[[r[0] for r in rows].index(zh("13"))][1] = ENERGY["13"][0] * 10
    write_text("above_national_total.csv", csv_lines(rows))


if __name__ == "__main__":
    main()
