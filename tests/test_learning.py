"""Learning pairs: the bottom quarter of a group in an area, the best in that area to learn from, and why."""

from __future__ import annotations

import pandas as pd

from kit.app.year import load_year, load_years
from kit.reporting import data as rd
from kit.scoring.learning import learning_pairs
from tests.helpers import DEMO

NAMES = {"A": "Nhóm A", "B": "Nhóm B"}


def _areas(rows):
    return pd.DataFrame([(g, u, f"Đơn vị {u}", k, f"Lĩnh vực {k}", p) for g, u, k, p in rows],
                        columns=["group", "unit", "unit_name", "key", "area_name", "percent"])


def _evidence(unit, key):
    return [f"{key}.1: văn bản của {unit}", f"{key}.2: báo cáo của {unit}", f"{key}.3: thừa"]


def test_bottom_quarter_learns_from_the_best_same_group_first():
    rows = [("A", u, "x", p) for u, p in [("A1", 40), ("A2", 55), ("A3", 70), ("A4", 80), ("A5", 90), ("A6", 95),
                                          ("A7", 60), ("A8", 65)]]
    rows += [("B", "B1", "x", 100), ("B", "B2", "x", 30), ("B", "B3", "x", 85), ("B", "B4", "x", 50)]
    pairs = learning_pairs(_areas(rows), _evidence, NAMES)
    a = pairs[pairs["group"] == "A"]
    assert list(a["unit"]) == ["A1", "A2"]  # ceil(8 / 4) = 2 weakest of group A
    first = a.iloc[0]
    assert [m["unit"] for m in first["mentors"]] == ["A6", "A5", "B1"]  # same group first, then another group's best
    assert first["mentors"][0]["evidence"] == ["x.1: văn bản của A6", "x.2: báo cáo của A6"]
    assert (first["position"], first["size"]) == (8, 8)
    assert first["why"] == ("Lĩnh vực x: 40,00 %, hạng 8/8 trong nhóm (thuộc 1/4 thấp nhất); Đơn vị A6 đạt 95,00 %, "
                            "thuộc nhóm dẫn đầu lĩnh vực này.")
    b = pairs[pairs["group"] == "B"]
    assert list(b["unit"]) == ["B2"] and [m["unit"] for m in b.iloc[0]["mentors"]] == ["B1", "A6"]


def test_deterministic_ties_and_nothing_to_learn_when_level_with_the_best():
    rows = [("A", u, "x", 80) for u in ("A3", "A1", "A2", "A4")]
    assert learning_pairs(_areas(rows), _evidence, NAMES).empty  # everyone level: nobody to learn from
    rows = [("A", "A2", "x", 50), ("A", "A1", "x", 50), ("A", "A3", "x", 90), ("A", "A4", "x", 90)]
    once = learning_pairs(_areas(rows), _evidence, NAMES)
    again = learning_pairs(_areas(list(reversed(rows))), _evidence, NAMES)
    assert list(once["unit"]) == ["A1"] and once.equals(again)  # tie broken by code, whatever the input order
    assert [m["unit"] for m in once.iloc[0]["mentors"]] == ["A3"]  # top quarter of 4: one unit (code order)


def test_a_lone_unit_has_no_pair_and_other_areas_do_not_mix():
    rows = [("A", "A1", "x", 10), ("A", "A1", "y", 10), ("A", "A2", "y", 90), ("B", "B1", "x", 99)]
    pairs = learning_pairs(_areas(rows), _evidence, NAMES)
    assert list(zip(pairs["unit"], pairs["key"], strict=True)) == [("A1", "y")]
    assert [m["unit"] for m in pairs.iloc[0]["mentors"]] == ["A2"]


def test_demo_year_and_period_tables_name_mentors_evidence_and_why():
    yd = load_year(DEMO, 2024)
    table = rd.learning_pairs(yd)
    assert len(table) and list(table.columns) == ["Nhóm", "Đơn vị", "Lĩnh vực", "Tỷ lệ đạt (%)", "Gợi ý học tập từ",
                                                  "Tài liệu kiểm chứng tham khảo", "Vì sao gợi ý"]
    assert table["Vì sao gợi ý"].str.contains("1/4 thấp nhất").all()
    assert table["Tài liệu kiểm chứng tham khảo"].str.len().gt(0).all()
    assert set(table["Nhóm"]) == set(yd.campaign.groups.values())  # every group, however many
    period = rd.period_learning_pairs(load_years(DEMO, yd.campaign.years))
    assert len(period) and period["Vì sao gợi ý"].str.contains("1/4 thấp nhất").all()
