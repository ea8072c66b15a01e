"""The achievements a council writes in its lists and reports, made from a proposal's findings.

The rule engine keeps a trace of every condition ("xếp loại thuộc Xuất sắc, Tốt (đạt: Xuất sắc)"), which the
proposals workbook shows on its reasons sheet for whoever checks the rules. A Tờ trình, a decision's list and an
achievement report are read by people who sign them: they say the same findings as a council secretary would write
them ("Năm 2024 xếp loại Xuất sắc (90,59 %), đứng thứ 1/12 trong nhóm cơ quan chuyên môn cấp huyện; nộp phiếu,
đăng ký thi đua đúng hạn; không có kết luận kiểm tra quá hạn."). This is the one place that writes them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kit.core import vn
from kit.core.vocab import Registration, Status, label
from kit.scoring.past import previous_text

if TYPE_CHECKING:
    from kit.scoring.awards import Finding

GAP = "…"


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _percent(value: object) -> str:
    return f"{vn.number(value, 2)} %"


def _lower_first(text: str) -> str:
    """"Cơ quan chuyên môn cấp huyện" → "cơ quan chuyên môn cấp huyện"; "UBND cấp xã" stays (an abbreviation)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _years_text(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""


def _yearly_collective(c: dict, fields: set[str]) -> list[str]:
    clauses = []
    if fields & {"band", "percent", "rank"} and _known(c.get("band")):
        text = f"Năm {c['year_considered']} xếp loại {c['band']}"
        text += f" ({_percent(c['percent'])})" if _known(c.get("percent")) else ""
        if _known(c.get("rank")):
            size = f"/{c['group_size']}" if c.get("group_size") else ""
            group = f" trong nhóm {_lower_first(c['group_name'])}" if c.get("group_name") else ""
            text += f", đứng thứ {vn.integer(c['rank'])}{size}{group}"
        clauses.append(text)
    on_time = []
    if "status" in fields and c.get("status") == Status.SUBMITTED:
        on_time.append("nộp phiếu")
    elif "status" in fields and c.get("status") == Status.LATE:
        clauses.append("nộp phiếu tự đánh giá sau hạn")
    if "registration" in fields and c.get("registration") == Registration.ON_TIME:
        on_time.append("đăng ký thi đua")
    elif "registration" in fields and _known(c.get("registration")):
        clauses.append(f"đăng ký thi đua: {str(label(c['registration'])).lower()}")
    if on_time:
        clauses.append(", ".join(on_time) + " đúng hạn")
    if "overdue_findings" in fields:
        n = int(c.get("overdue_findings") or 0)
        clauses.append("không có kết luận kiểm tra quá hạn" if n == 0 else
                       f"còn {n} kết luận kiểm tra quá hạn chưa khắc phục")
    if "appraised_share" in fields and _known(c.get("appraised_share")):
        clauses.append(f"đã thẩm định {_percent(100 * c['appraised_share'])} tiêu chí")
    return clauses


def _individual(c: dict, fields: set[str], final: bool, years: list[int]) -> list[str]:
    clauses = []
    if final:
        lead = f"Giai đoạn {_years_text(years)} có" if years else "Có"
        if "excellent_years" in fields:
            clauses.append(f"{lead} {c.get('excellent_years') or 0} năm hoàn thành xuất sắc nhiệm vụ")
        if "initiatives" in fields:
            clauses.append(f"{c.get('initiatives') or 0} sáng kiến được công nhận")
        if "unit_years_in_band" in fields:
            known = [b for b in c.get("unit_years_in_band") or [] if isinstance(b, str) and b]
            if known:
                clauses.append("đơn vị công tác xếp loại " + ", ".join(known))
    else:
        year = c.get("year_considered")
        if "rating" in fields and c.get("rating"):
            clauses.append(f"Năm {year} {_lower_first(str(c['rating']))}")
        if "initiative" in fields and c.get("initiative"):
            clauses.append("có sáng kiến được công nhận")
        if fields & {"unit_band", "unit_percent"} and _known(c.get("unit_band")):
            clauses.append(f"đơn vị xếp loại {c['unit_band']}"
                           + (f" ({_percent(c['unit_percent'])})" if _known(c.get("unit_percent")) else ""))
    if "discipline" in fields and not c.get("discipline"):
        clauses.append("không bị kỷ luật" + (" trong giai đoạn" if final else ""))
    return clauses


def _final_collective(c: dict, finding: Finding, fields: set[str]) -> list[str]:
    clauses = []
    years = list(c.get("years") or [])
    bands = list(c.get("years_in_band") or [])
    wanted = next((cond.bands for cond in finding.rule.conditions if cond.field == "years_in_band"), ())
    lead = f"Giai đoạn {_years_text(years)}" if years else "Trong giai đoạn"
    if "years_in_band" in fields and bands:
        count = sum(b in wanted for b in bands)
        detail = "; ".join(f"{y}: {b if isinstance(b, str) and b else 'chưa xếp loại'}"
                           for y, b in zip(years, bands, strict=False)) if years else ""
        clauses.append(f"{lead} có {count}/{len(bands)} năm xếp loại {' hoặc '.join(wanted)}"
                       + (f" ({detail})" if detail else ""))
        lead = "tỷ lệ"
    if "mean_percent" in fields and _known(c.get("mean_percent")):
        clauses.append(f"{lead} tỷ lệ đạt bình quân {_percent(c['mean_percent'])}".replace("tỷ lệ tỷ lệ", "tỷ lệ"))
    if "improvement" in fields and _known(c.get("improvement")):
        delta = float(c["improvement"])
        clauses.append("tỷ lệ đạt giữ nguyên so với năm đầu" if abs(delta) < 5e-3 else
                       f"tỷ lệ đạt {'tăng' if delta > 0 else 'giảm'} {vn.number(abs(delta), 2)} điểm phần trăm so "
                       "với năm đầu")
    if fields & {"last_band", "last_rank"} and _known(c.get("last_band")):
        clauses.append(f"năm cuối xếp loại {c['last_band']}"
                       + (f", đứng thứ {vn.integer(c['last_rank'])}" if _known(c.get("last_rank")) else ""))
    if "registered_every_year" in fields and c.get("registered_every_year"):
        clauses.append("đăng ký thi đua đủ các năm")
    return clauses


def _history(c: dict, finding: Finding) -> list[str]:
    """The clauses on earlier years; those counted from the previous campaign (``history_from``) say so."""
    clauses = []
    for cond in finding.rule.conditions:
        text = ""
        if cond.field == "consecutive_years":
            n = cond.value_of(c)
            text = f"được khen thưởng {n} năm liên tục đến năm {int(c.get('year_considered') or 0) - 1}"
        elif cond.field == "awards_in_years":
            text = f"được khen thưởng {cond.value_of(c)} lần trong {cond.years} năm trước"
        elif cond.field == "years_in_band_before":
            text = (f"xếp loại {' hoặc '.join(cond.bands)} {cond.value_of(c)} năm liên tục đến năm "
                    f"{int(c.get('year_considered') or 0) - 1}")
        if text and (years := cond.previous_years(c)):
            text += f" ({previous_text(years, c.get('previous_label', ''))})"
        if text:
            clauses.append(text)
    return clauses


def achievement_text(finding: Finding, years: list[int] | None = None) -> str:
    """The finding's achievements as the council writes them: one sentence of clauses separated by ";", from the
    candidate's values for what the title's conditions look at (not the conditions themselves), ending with "."
    ``years``: the period of a final (an individual's years are not on the candidate)."""
    c = finding.candidate
    fields = {cond.field for cond in finding.rule.conditions}
    final = "years_in_band" in c or "excellent_years" in c
    if "excellent_years" in c or "rating" in c:
        clauses = _individual(c, fields, final, list(years or c.get("years") or []))
    elif final:
        clauses = _final_collective(c, finding, fields)
    else:
        clauses = _yearly_collective(c, fields)
    clauses += _history(c, finding)
    clauses += [n.removeprefix("ℹ ").strip() for n in c.get("notes", [])]
    clauses = [x for x in clauses if x]
    if not clauses:
        return ""
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


def citation_complete(citation: str) -> bool:
    """Whether the article a title rests on is configured (a rule pack's ``basis`` still "Điều …" is not)."""
    return bool(citation) and GAP not in citation
