"""The demo's three-level area and kind-specific criteria (Dữ liệu minh họa), issue #15.

In 2025 the communes' framework turns criterion 6.9 (digital platforms) into a heading with three sub-criteria of
different answer types whose sum is capped, and adds two criteria by unit kind: one for xã and thị trấn only, one
for every kind but those (the wards, phường, formed on 1/7/2025). So a xã and a phường have different applicable
maxima without anybody typing "Không áp dụng".

The new rows draw their answers from their own random stream, and the criterion they replace still consumes its
draw from the main stream, so every other unit, year and row of the demo keeps its numbers.
"""

from __future__ import annotations

import random
from types import SimpleNamespace

from kit.config.campaign import Unit
from kit.config.framework import Criterion, Framework
from tools.demogen.catalogue import PCT

YEAR, GROUP, AREA, REPLACED = 2025, "XA", "so", "nen_tang_so"
_TIERS = [{"min": m, "points": round(0.75 * share * 4) / 4} for m, share in PCT]
PARENT = {
    "content": "Ứng dụng nền tảng số trong quản lý, điều hành", "max": 1.0, "cap": True,
    "parts": [
        {"key": "hop_truc_tuyen", "content": "Sử dụng nền tảng họp trực tuyến, điều hành tác nghiệp trên môi trường "
                                             "số", "type": "yes_no", "max": 0.5, "guide": "Báo cáo chuyển đổi số"},
        {"key": "dinh_danh_cbcc", "content": "Tỷ lệ cán bộ, công chức có tài khoản định danh điện tử mức 2 (%)",
         "type": "tiers", "max": 0.75, "tiers": _TIERS, "guide": "Danh sách tài khoản định danh"},
        {"key": "nen_tang_dung_chung", "content": "Khai thác các nền tảng số dùng chung của tỉnh",
         "type": "judgement", "max": 0.5, "guide": "Báo cáo chuyển đổi số"},
    ],
}
BY_KIND = [
    {"key": "to_cnsc", "content": "Tổ công nghệ số cộng đồng hỗ trợ người dân nông thôn sử dụng dịch vụ công trực "
                                  "tuyến", "type": "yes_no", "max": 0.75, "applies_to": ["xa", "thi_tran"],
     "guide": "Quyết định thành lập tổ, báo cáo hoạt động"},
    {"key": "do_thi_thong_minh", "content": "Triển khai dịch vụ đô thị thông minh (camera, phản ánh hiện trường)",
     "type": "yes_no", "max": 0.25, "not_for": ["xa", "thi_tran"], "guide": "Báo cáo đô thị thông minh"},
]


def unit_kind(code: str, group: str) -> str:
    """The kind of a demo unit (kit.config.units.UNIT_KINDS), by its code: wards' codes start with P."""
    if group == "XA":
        return "thi_tran" if code == "TTCT" else "phuong" if code.startswith("P") else "xa"
    if group == "CQ":
        return {"VP": "van_phong", "TTR": "thanh_tra"}.get(code, "phong")
    return "nganh_doc"


def shape(framework: dict) -> dict:
    """The framework dict of (YEAR, GROUP) with the three-level criterion and the kind-specific ones."""
    if (framework["year"], framework["group"]) != (YEAR, GROUP):
        return framework
    area = next(a for a in framework["areas"] if a["key"] == AREA)
    at = next(i for i, c in enumerate(area["criteria"]) if c["key"] == REPLACED)
    code = area["criteria"][at]["code"]
    parts = [{"code": f"{code}.{i}", **p} for i, p in enumerate(PARENT["parts"], start=1)]
    area["criteria"][at] = {"code": code, "key": REPLACED, **PARENT, "parts": parts}
    area["criteria"] += [{"code": f"{area['code']}.{len(area['criteria']) + i}", **c}
                         for i, c in enumerate(BY_KIND, start=1)]
    return framework


def is_new(c: Criterion) -> bool:
    return c.parent is not None or bool(c.applies_to or c.not_for)


_REPLACED_SELF: dict[tuple[str, int], float | None] = {}  # the self score the replaced criterion drew, per unit


def answers(filler, fw: Framework, unit: Unit, year: int) -> dict[str, dict]:  # noqa: ANN001 - generate.Filler
    """A unit's answers: the rows of earlier shapes from the main stream, as before; the new ones from their own."""
    if not any(is_new(c) for c in fw.criteria):
        return {c.code: filler.answer(c, year) for c in fw.criteria}
    own = type(filler)(random.Random(f"levels-{unit.code}-{year}"), filler.q, filler.overclaims)
    out: dict[str, dict] = {}
    for c in fw.criteria:
        if c.parent is not None and c.parent.key == REPLACED and c.code.endswith(".1"):
            drawn = filler.answer(Criterion(c.parent.code, REPLACED, c.area, c.parent.content, "judgement", 2.0), year)
            _REPLACED_SELF[(unit.code, year)] = drawn.get("self")
        if not is_new(c):
            out[c.code] = filler.answer(c, year)
        elif c.applies(unit.kind):
            out[c.code] = own.answer(c, year)
    return out


def to_appraise(rows: list, share: float) -> list[tuple[object, bool]]:
    """The rows the demo evaluators appraise, each with whether its draws come from the main stream (False: from
    the new rows' own stream). The share applies to the rows of the earlier shape, and the replaced criterion still
    takes its turn as a stand-in judged from the main stream (its decision is dropped), so the other rows of the
    demo get the decisions they had."""
    if not any(getattr(r, "parent", "") or r.key in {c["key"] for c in BY_KIND} for r in rows):
        return [(r, True) for r in rows[: round(len(rows) * share)]]
    kinds = {c["key"] for c in BY_KIND}
    shape: list = []
    for r in rows:
        if r.parent and r.code.endswith(".1"):
            shape.append(None)  # where the replaced criterion stood
        if not r.parent and r.key not in kinds:
            shape.append(r)
    out: list[tuple[object, bool]] = []
    for r in shape[: round(len(shape) * share)]:
        if r is not None:
            out.append((r, True))
            continue
        unit = rows[0].unit
        drawn = next((v for (u, _), v in _REPLACED_SELF.items() if u == unit), None)
        out.append((SimpleNamespace(self_na=False, na_allowed=False, proposal=min(max(drawn or 0.0, 0.0), 2.0),
                                    self_score=drawn, type="judgement", choices=None, evidence="", min=0.0, max=2.0,
                                    findings=()), True))
        out += [(n, False) for n in rows if n.parent or n.key in kinds]
    return out
