"""The tables behind the reports, as pure functions of a year's (or the period's) data.

Notebooks only arrange these; tests check them directly. Column names are Vietnamese because
they are shown as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from kit.app.pipeline import proposals
from kit.app.progress import second_sample, team_progress
from kit.app.year import YearState
from kit.config.campaign import Campaign
from kit.config.framework import part_label
from kit.core import vn
from kit.core.values import round_half_up
from kit.core.vocab import FindingState, Outcome, Stage, Status, label
from kit.intake.movement import registration_status
from kit.scoring import agreement as ag
from kit.scoring import inspections as si
from kit.scoring.awards import Awards, proposals_date
from kit.scoring.feed_checks import disagreements, fed_rows, source_line
from kit.scoring.learning import LEARNING_NOTE as LEARNING_NOTE  # the reports print it
from kit.scoring.learning import as_table, period_pairs, year_pairs
from kit.scoring.totals import totals
from kit.store.gradebook import latest
from kit.store.gradebook import open_explanations as pending_explanations

RESULT_COLUMNS = {"rank": "Hạng", "unit": "Mã", "unit_name": "Đơn vị", "counted": "Điểm", "max_applicable":
                  "Tối đa áp dụng", "percent": "Tỷ lệ (%)", "band": "Xếp loại", "basis": "Cơ sở tính"}


def participation(yd: YearState) -> pd.DataFrame:
    """Per unit: group, status of the form, date received."""
    deadline = yd.campaign.deadline(yd.year)
    received = yd.check.received
    units = yd.results.units
    return pd.DataFrame({
        "Nhóm": units["group_name"], "Mã": units["unit"], "Đơn vị": units["unit_name"],
        "Tình trạng phiếu": units["status"].map(label),
        "Ngày nhận": [f"{received[u]:%d/%m/%Y}" if received.get(u) else "" for u in units["unit"]],
    }).assign(**{"Hạn nộp": f"{deadline:%d/%m/%Y}" if deadline else ""})


def participation_counts(yd: YearState) -> pd.DataFrame:
    units = yd.results.units.assign(status=yd.results.units["status"].map(label))
    counts = units.groupby(["group_name", "status"]).size().unstack(fill_value=0)
    return counts.reset_index().rename(columns={"group_name": "Nhóm"})


def results_by_group(yd: YearState) -> dict[str, pd.DataFrame]:
    out = {}
    for group, frame in yd.results.units.groupby("group_name", sort=False):
        ranked = frame.dropna(subset=["rank"]).sort_values("rank")
        out[group] = ranked[list(RESULT_COLUMNS)].rename(columns=RESULT_COLUMNS)
    return out


def band_counts(yd: YearState) -> pd.DataFrame:
    """Rows = group names, columns = bands from best to worst."""
    bands = [b.name for b in yd.campaign.bands(yd.year)]
    units = yd.results.units.dropna(subset=["rank"])
    table = units.groupby(["group_name", "band"]).size().unstack(fill_value=0)
    return table.reindex(columns=bands, fill_value=0)


def area_matrix(yd: YearState, group: str) -> pd.DataFrame:
    """Units × areas, percentage achieved in each area."""
    areas = yd.results.areas
    areas = areas[areas["group"] == group]
    matrix = areas.pivot_table(index="unit_name", columns="area", values="percent", sort=False)
    return matrix.reindex(columns=sorted(matrix.columns, key=lambda a: int(a) if a.isdigit() else a))


def gaps(yd: YearState) -> pd.DataFrame:
    """Who over-claims: self − appraised over appraised criteria, largest first."""
    units = yd.results.units.dropna(subset=["self_minus_appraised"])
    table = units.sort_values("self_minus_appraised", ascending=False)
    return table[["unit", "unit_name", "group_name", "self_minus_appraised", "appraised_count", "criteria"]].rename(
        columns={"unit": "Mã", "unit_name": "Đơn vị", "group_name": "Nhóm", "self_minus_appraised":
                 "Tự chấm − thẩm định", "appraised_count": "Tiêu chí đã thẩm định", "criteria": "Số tiêu chí"})


def gap_by_area(yd: YearState) -> pd.DataFrame:
    """In which areas the units over-claim most (sum over units)."""
    areas = yd.results.areas.dropna(subset=["self_minus_appraised"])
    table = areas.groupby(["area", "area_name"], sort=False)["self_minus_appraised"].agg(["sum", "mean"])
    table = table.reset_index().sort_values("sum", ascending=False)
    return table.rename(columns={"area": "Lĩnh vực", "area_name": "Tên lĩnh vực", "sum": "Tổng chênh lệch",
                                 "mean": "Bình quân mỗi đơn vị"})


def change(yd: YearState, previous: YearState | None) -> pd.DataFrame:
    """Percentage, band and rank against the previous year (frameworks differ: compare percentages)."""
    now = yd.results.units.dropna(subset=["rank"])
    if previous is None:
        return pd.DataFrame()
    before = previous.results.units.dropna(subset=["rank"])[["unit", "percent", "band", "rank"]]
    merged = now.merge(before, on="unit", how="left", suffixes=("", "_prev"))
    merged["delta"] = (merged["percent"] - merged["percent_prev"]).round(2)
    merged = merged.sort_values(["group_name", "delta"], ascending=[True, False])
    return merged[["group_name", "unit_name", "percent_prev", "percent", "delta", "band_prev", "band", "rank_prev",
                   "rank"]].rename(columns={
                       "group_name": "Nhóm", "unit_name": "Đơn vị", "percent_prev": f"Tỷ lệ {previous.year} (%)",
                       "percent": f"Tỷ lệ {yd.year} (%)", "delta": "Thay đổi", "band_prev": f"Xếp loại {previous.year}",
                       "band": f"Xếp loại {yd.year}", "rank_prev": f"Hạng {previous.year}", "rank": f"Hạng {yd.year}"})


def _who(yd: YearState) -> Callable[[object], str]:
    """How a table shows a recorded author: the registry's họ tên; an old row recorded with a typed name, as is."""
    return yd.movement.registry.name_of


def open_explanations(yd: YearState) -> pd.DataFrame:
    """Explanations with no later appraisal or final decision on the same criterion."""
    open_ = pending_explanations(yd.decisions)
    if open_.empty:
        return pd.DataFrame()
    names = yd.campaign.unit_names
    return pd.DataFrame({"Đơn vị": open_["unit"].map(names), "Tiêu chí": open_["code"],
                         "Điểm xin": open_["score"], "Nội dung giải trình": open_["comment"],
                         "Ghi nhận bởi": open_["evaluator"].map(_who(yd)), "Lúc": open_["created_at"].map(vn.moment)})


def not_fully_appraised(yd: YearState) -> pd.DataFrame:
    units = yd.results.units.dropna(subset=["criteria"])
    todo = units[units["appraised_count"] < units["criteria"]]
    return todo[["group_name", "unit", "unit_name", "appraised_count", "criteria"]].rename(columns={
        "group_name": "Nhóm", "unit": "Mã", "unit_name": "Đơn vị", "appraised_count": "Đã thẩm định",
        "criteria": "Số tiêu chí"})


# -- the final report (a period of years) -----------------------------------------------------------------
def percent_by_year(years: list[YearState]) -> pd.DataFrame:
    """Units × years percentage, with group, code and name (a successor may bear a predecessor's name)."""
    frames = [yd.results.units[["group_name", "unit", "unit_name", "percent"]].assign(year=yd.year) for yd in years]
    long = pd.concat(frames, ignore_index=True)
    return long.pivot_table(index=["group_name", "unit", "unit_name"], columns="year", values="percent", sort=False)


def group_means(years: list[YearState]) -> pd.DataFrame:
    """Years × groups: mean percentage of ranked units."""
    rows = {yd.year: yd.results.units.dropna(subset=["rank"]).groupby("group_name")["percent"].mean()
            for yd in years}
    return pd.DataFrame(rows).T.round(2)


def area_trends(years: list[YearState]) -> pd.DataFrame:
    """Years × areas (by stable area key, so renumbered frameworks still line up): mean percentage."""
    rows = {}
    for yd in years:
        areas = yd.results.areas
        keys = {(a.code, g): a.name for (y, g), fw in yd.campaign.frameworks.items() if y == yd.year
                for a in fw.areas}
        named = areas.assign(name=[keys.get((a, g), a) for a, g in zip(areas["area"], areas["group"], strict=True)])
        rows[yd.year] = named.groupby("name")["percent"].mean()
    return pd.DataFrame(rows).T.round(2)


def target_holders(years: list[YearState], target_bands: list[str]) -> pd.DataFrame:
    """Per unit: band each year and whether it stayed in the target bands every year it took part in ("—": a year
    before it existed or after it merged or ceased; "" a year it took part in without a band)."""
    wanted = ["group_name", "unit", "unit_name", "band"]
    frames = [yd.results.units.loc[~yd.results.units["status"].map(lambda s: s.gone), wanted]
              .fillna({"band": ""}).assign(year=yd.year) for yd in years]
    table = pd.concat(frames).pivot_table(index=wanted[:3], columns="year", values="band", aggfunc="first",
                                          sort=False)
    held = table.apply(lambda row: all(b in target_bands for b in row.dropna().tolist()), axis=1)
    table = table.fillna("—").reset_index().rename(columns={"group_name": "Nhóm", "unit": "Mã",
                                                            "unit_name": "Đơn vị"})
    table["Giữ mục tiêu cả giai đoạn"] = ["Có" if h else "Không" for h in held.to_numpy()]
    return table


# -- the unit scorecard ------------------------------------------------------------------------------------
def scorecard_rows(yd: YearState, unit: str) -> pd.DataFrame:
    """Every criterion of the unit: self and appraised score, evidence, the evaluator's reason for the score, and
    an explanation the unit lodged that still awaits the council (never mistaken for the evaluator's comment)."""
    long = yd.results.long
    rows = long[long["unit"] == unit]
    mine = yd.decisions[yd.decisions["unit"] == unit]
    reason = dict(zip(latest(mine)["code"], latest(mine)["comment"], strict=True))
    waiting = pending_explanations(mine)
    pending = {c: f"Xin {vn.points(s)} điểm: {t}"
               for c, s, t in zip(waiting["code"], waiting["score"], waiting["comment"], strict=True)}
    table = pd.DataFrame({
        "Mã": rows["code"], "Tiêu chí": rows["content"], "Tối đa": rows["max"],
        "Tự chấm": pd.to_numeric(rows["self"], errors="coerce"),
        "Thẩm định": ["Không áp dụng" if na and a else s for na, a, s in
                      zip(rows["na"], rows["is_appraised"], rows["appraised"], strict=True)],
        "Tài liệu kiểm chứng": rows["evidence"].fillna(""),
        "Nhận xét": [reason.get(c, "") for c in rows["code"]],
        "Giải trình chờ Hội đồng quyết định": [pending.get(c, "") for c in rows["code"]],
    })
    return _with_parents(table, rows)


def _with_parents(table: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Sub-criteria listed under a heading row for their parent, whose points are the parent's totals by the one
    rule (kit.scoring.totals: the sum, or the cap); two-level frameworks come back unchanged."""
    if "parent" not in rows or not rows["parent"].astype(bool).any():
        return table
    parts = rows[rows["parent"].astype(bool)]
    sums = totals(parts, ["unit", "parent"]).set_index("parent")
    out, heading = [], ""
    for (_, line), parent, parent_content, parent_max, cap in zip(
            table.iterrows(), rows["parent"], rows["parent_content"], rows["parent_max"], rows["cap"], strict=True):
        if parent and parent != heading:
            t = sums.loc[parent]
            note = f" (tối đa {vn.points(parent_max)} điểm dù các tiêu chí thành phần cộng lại nhiều hơn)" \
                if pd.notna(cap) else ""
            out.append({"Mã": parent, "Tiêu chí": f"{parent_content}{note}", "Tối đa": t["max_applicable"],
                        "Tự chấm": t["self"], "Thẩm định": t["appraised"], "Tài liệu kiểm chứng": "", "Nhận xét": "",
                        "Giải trình chờ Hội đồng quyết định": ""})
        heading = parent
        if parent:
            line = line.copy()
            line["Tiêu chí"] = part_label(line["Tiêu chí"], parent)
        out.append(line.to_dict())
    return pd.DataFrame(out, columns=table.columns)


def no_result_reason(yd: YearState, unit: str) -> str:
    """Why a unit has no result this year, in the words of its scorecard."""
    status = yd.check.statuses.get(unit, Status.MISSING)
    deadline = yd.campaign.deadline(yd.year)
    if status == Status.MISSING:
        return (f"Đơn vị chưa nộp phiếu tự đánh giá năm {yd.year}"
                + (f" (hạn nộp {vn.date(deadline)})" if deadline else "") + ", nên chưa có kết quả chấm điểm.")
    return ("Phiếu tự đánh giá của đơn vị không được chấp nhận, nên chưa có kết quả chấm điểm. Các lỗi cần sửa "
            "trong phiếu (sửa rồi gửi lại):")


def form_problems(yd: YearState, unit: str) -> pd.DataFrame:
    """The errors that kept the unit's form(s) out: file, place and what to do."""
    rows = [(p.file, p.where().removeprefix(p.file).lstrip(", "), p.message)
            for s in yd.check.submissions if s.unit == unit for p in s.problems if p.is_error]
    return pd.DataFrame(rows, columns=["Tệp", "Vị trí", "Lỗi và cách sửa"])


def unit_vs_group(yd: YearState, unit: str) -> tuple[pd.Series, pd.Series]:
    """The unit's percentage per area and the group's average (area names as labels)."""
    areas = yd.results.areas
    group = areas.loc[areas["unit"] == unit, "group"].iloc[0]
    same = areas[areas["group"] == group]
    label = same.drop_duplicates("area").set_index("area")["area_name"].map(lambda n: n[:38])
    mine = same[same["unit"] == unit].set_index("area")["percent"]
    avg = same.groupby("area")["percent"].mean()
    mine.index = [f"{a}. {label[a]}" for a in mine.index]
    avg.index = [f"{a}. {label[a]}" for a in avg.index]
    return mine, avg


def band_history(years: list[YearState], unit: str) -> pd.DataFrame:
    """The unit's years (a unit formed in 2025 has only its own; its predecessors' are in its final)."""
    rows = []
    for yd in years:
        units = yd.results.units.set_index("unit")
        if unit not in units.index:
            continue
        u = units.loc[unit]
        rows.append({"Năm": yd.year, "Tình trạng phiếu": label(u["status"]), "Tỷ lệ (%)": u["percent"],
                     "Xếp loại": u["band"] or "—", "Hạng trong nhóm": u["rank"], "Cơ sở tính": u["basis"]})
    return pd.DataFrame(rows)


def period_summary(years: list[YearState]) -> list[str]:
    """Sentences for the summing-up meeting."""
    first, last = years[0], years[-1]
    means = group_means(years)
    campaign = first.campaign
    took_part = {(r.unit, r.group) for y in years for r in y.results.units.itertuples() if not r.status.gone}
    per_group = ", ".join(f"{sum(g == code for _, g in took_part)} {name}" for code, name in campaign.groups.items())
    lines = [f"Giai đoạn {first.year}–{last.year}: {len(took_part)} đơn vị tham gia ({per_group})."]
    for group in means.columns:
        known = means[group].dropna()  # a group may have no unit left in a year (the communes after 1/7/2025)
        if len(known):
            lines.append(f"{group}: tỷ lệ đạt bình quân {vn.number(known.iloc[0], 1)} % năm {known.index[0]}, "
                         f"{vn.number(known.iloc[-1], 1)} % năm {known.index[-1]}.")
    table = percent_by_year(years)
    if first.year in table and last.year in table:
        delta = (table[last.year] - table[first.year]).dropna().sort_values(ascending=False)
        if len(delta):
            (group, _code, name), value = delta.index[0], delta.iloc[0]
            sign = "+" if value >= 0 else "−"
            lines.append(f"Tiến bộ nhiều nhất: {name} ({group}), {sign}{vn.number(abs(value), 1)} điểm phần trăm.")
    for group, frame in last.results.units.dropna(subset=["rank"]).groupby("group_name"):
        best = frame.sort_values("rank").iloc[0]
        lines.append(f"Dẫn đầu năm {last.year} — {group}: {best['unit_name']} ({vn.number(best['percent'], 1)} %, "
                     f"{best['band']}).")
    open_ = sum(len(open_explanations(yd)) for yd in years)
    todo = sum(len(not_fully_appraised(yd)) for yd in years)
    if open_ or todo:
        lines.append(f"Còn {open_} giải trình chờ quyết định và {todo} lượt đơn vị chưa thẩm định đầy đủ; "
                     "kết quả liên quan là tạm tính.")
    return lines



# -- the movement: registration and commendation proposals ------------------------------------------------
def registration(yd: YearState) -> pd.DataFrame:
    table = registration_status(yd.campaign, yd.year, yd.movement.registrations)
    return pd.DataFrame({
        "Nhóm": table["group"].map(yd.campaign.groups), "Đơn vị": table["unit_name"],
        "Đăng ký": table["status"].map(label), "Kế hoạch số": table["plan_number"],
        "Ngày kế hoạch": [f"{d:%d/%m/%Y}" if d else "" for d in table["plan_date"]],
        "Hạn": [f"{d:%d/%m/%Y}" if d else "" for d in table["deadline"]]})


def registration_counts(years: list[YearState]) -> pd.DataFrame:
    rows = [registration(yd)["Đăng ký"].value_counts().rename(yd.year) for yd in years]
    return pd.DataFrame(rows).fillna(0).astype(int).rename_axis("Năm").reset_index()


def awards(years: list[YearState], level: str, on: dt.date | None = None) -> Awards:
    """The proposals of a year or of the period (``on``: their date, see kit.scoring.awards)."""
    return proposals(years, level, on=on)


def as_of(years: list[YearState], day: dt.date) -> list[YearState]:
    """The years as a final dated ``day`` sees them: the units formed by then (the district's own final on
    30/6/2025 keeps the offices reorganised on 1/3/2025, and leaves out the communes formed on 1/7/2025)."""
    existing = {u.code for u in years[0].campaign.units if u.valid_from is None or u.valid_from <= day}
    return [replace(yd, results=replace(yd.results, units=yd.results.units[yd.results.units["unit"].isin(existing)]))
            for yd in years]


def proposals_table(found: Awards) -> pd.DataFrame:
    rows = [{"Hình thức": f.rule.title_name, "Đối tượng": f.rule.kind.label.capitalize(),
             "Tên": f.candidate["name"], "Đơn vị": f.candidate["unit"], "Lý do": "; ".join(f.reasons),
             **({"Ghi chú": "TẠM TÍNH" if f.provisional else ""} if found.provisional else {})}
            for f in found.proposed()]
    return pd.DataFrame(rows)


def outcome_counts(found: Awards) -> pd.DataFrame:
    rows: dict[str, dict[str, int]] = {}
    for f in found.findings:
        rows.setdefault(f"{f.rule.title_name} ({f.rule.kind.label})", dict.fromkeys((o.label for o in Outcome), 0)
                        )[f.outcome.label] += 1
    return pd.DataFrame([{"Hình thức": k, **v} for k, v in rows.items()])


# -- units across the restructuring -------------------------------------------------------------------------
def lineage_table(campaign: Campaign, successor: str | None = None) -> pd.DataFrame:
    """Who took over from whom (lineage.csv), for one successor or all."""
    names = campaign.unit_names
    links = [x for x in campaign.lineage if successor is None or x.successor == successor]
    return pd.DataFrame({
        "Đơn vị cũ": [x.predecessor_name for x in links],
        "Trong đợt thi đua": ["Có" if x.predecessor else "Không (đơn vị ngoài đợt thi đua, không chấm trong đợt này)"
                              for x in links],
        "Phần chuyển sang": [f"{vn.points(x.share * 100)} %" for x in links],
        "Đơn vị mới": [names[x.successor] for x in links],
        "Từ ngày": [f"{x.effective:%d/%m/%Y}" for x in links],
        "Căn cứ": [x.basis for x in links]})


def lineage_links(campaign: Campaign, successor: str | None = None) -> list[tuple[str, str, float]]:
    """(predecessor, successor, share) names for charts.lineage."""
    names = campaign.unit_names
    return [(x.predecessor_name, names[x.successor], x.share) for x in campaign.lineage
            if successor is None or x.successor == successor]


def _result_text(row: pd.Series) -> str:
    if row["status"].gone:
        return "—"
    if pd.isna(row["percent"]):
        return row["status"].label
    return f"{vn.number(row['percent'], 2)} % · {row['band']} · hạng {int(row['rank'])}"


def predecessor_lines(years: list[YearState], successor: str) -> pd.DataFrame:
    """A successor's final: one line per predecessor (its results each year, as published then, never ranked
    again), units from outside the campaign named, then the successor's own years. "—": not part of that year."""
    campaign = years[0].campaign
    by_year = {yd.year: yd.results.units.set_index("unit") for yd in years}
    rows = []
    for link in campaign.roster.predecessors(successor):
        row = {"Đơn vị": link.predecessor_name, "Phần kế thừa": f"{vn.points(link.share * 100)} %"}
        for year, units in by_year.items():
            row[str(year)] = ("ngoài đợt thi đua" if not link.predecessor else
                              _result_text(units.loc[link.predecessor]) if link.predecessor in units.index else "—")
        rows.append(row)
    own = {"Đơn vị": f"{campaign.units_by_code[successor].name} (đơn vị mới)", "Phần kế thừa": ""}
    for year, units in by_year.items():
        own[str(year)] = _result_text(units.loc[successor]) if successor in units.index else "—"
    return pd.DataFrame([*rows, own])


# -- inspections (kit.intake.inspections) ---------------------------------------------------------------------
def findings_on(yd: YearState) -> dt.date:
    """The date a year's findings are followed up to: the year's proposals date, as the commendation rules see it."""
    return proposals_date(yd.campaign, "yearly", [yd.year])


def _findings(yd: YearState, unit: str | None = None) -> pd.DataFrame:
    found = yd.results.findings
    found = found if unit is None else found[found["unit"] == unit]
    return found.assign(state=si.states(found, findings_on(yd)))


def inspection_list(yd: YearState, unit: str | None = None) -> pd.DataFrame:
    """Every finding of the year (or of one unit), oldest first, with where it stands."""
    found = _findings(yd, unit)
    names = yd.campaign.unit_names
    table = pd.DataFrame({
        "Ngày kiểm tra": found["date"].map(vn.date), "Đơn vị": found["unit"].map(names),
        "Cơ quan kiểm tra": found["body"], "Số quyết định/biên bản": found["reference"],
        "Nội dung phát hiện": found["finding"], "Tiêu chí": found["code"] + " " + found["content"].fillna(""),
        "Số vi phạm": found["violations"].astype(int),
        "Hạn khắc phục": [vn.date(d) if isinstance(d, dt.date) else "" for d in found["deadline"]],
        "Ngày khắc phục": [vn.date(d) if isinstance(d, dt.date) else "" for d in found["fixed_on"]],
        "Tình trạng": found["state"].map(label)})
    return table.drop(columns=["Đơn vị"]) if unit is not None else table


def inspection_by_unit(yd: YearState) -> pd.DataFrame:
    """Per unit with findings: how many, the violations, and how many are fixed on time, late, open, overdue."""
    found = _findings(yd)
    if found.empty:
        return pd.DataFrame()
    names = yd.campaign.unit_names
    counts = pd.crosstab(found["unit"], found["state"].map(label)).reindex(
        columns=[s.label for s in FindingState], fill_value=0)
    per_unit = found.groupby("unit", sort=False).agg(group=("group", "first"), findings=("row", "size"),
                                                     violations=("violations", "sum"))
    table = per_unit.join(counts).reset_index().sort_values(["group", "unit"])
    return pd.DataFrame({"Nhóm": table["group"].map(yd.campaign.groups), "Đơn vị": table["unit"].map(names),
                         "Số kết luận": table["findings"], "Số vi phạm": table["violations"],
                         **{s.label: table[s.label] for s in FindingState}})


def inspection_by_area(yd: YearState) -> pd.DataFrame:
    """Per group and area: findings and violations (which areas inspections find wanting)."""
    found = yd.results.findings
    if found.empty:
        return pd.DataFrame()
    table = found.groupby(["group", "area", "area_name"], sort=True).agg(
        findings=("row", "size"), units=("unit", "nunique"), violations=("violations", "sum")).reset_index()
    return pd.DataFrame({"Nhóm": table["group"].map(yd.campaign.groups), "Lĩnh vực": table["area"] + ". "
                         + table["area_name"], "Số kết luận": table["findings"], "Số đơn vị": table["units"],
                         "Số vi phạm": table["violations"]})


# -- criteria fed by outside sources (the 766 index …): self scores beside what the source supports -----------------
FED_NOTE = ("Tiêu chí lấy số liệu từ nguồn bên ngoài (dòng \"feed\" trong bộ tiêu chí, ví dụ Bộ chỉ số 766 trên Cổng "
            "Dịch vụ công): điểm đề xuất tính từ số liệu của nguồn. Chênh lệch = điểm tự chấm − điểm theo nguồn; "
            "số dương: đơn vị tự chấm cao hơn mức nguồn số liệu cho phép.")


def _fed(yd: YearState) -> pd.DataFrame:
    """The year's rows whose criterion names a source and has a value from it (``supported``, ``gap``)."""
    return fed_rows(yd.campaign, yd.results.long)


def fed_by_unit(yd: YearState) -> pd.DataFrame:
    """Per unit with fed criteria: how many, the self scores and what the sources support on them, the gap, and
    how many claims are above the source by more than the tolerance (``kit check``: FEED_DISAGREES)."""
    fed = _fed(yd)
    if fed.empty:
        return pd.DataFrame()
    over = disagreements(yd.campaign, yd.results.long).groupby("unit").size()
    table = fed.groupby(["group", "unit"], sort=True).agg(criteria=("code", "size"), claimed=("self", "sum"),
                                                          supported=("supported", "sum")).reset_index()
    return pd.DataFrame({"Nhóm": table["group"].map(yd.campaign.groups),
                         "Đơn vị": table["unit"].map(yd.campaign.unit_names),
                         "Số tiêu chí có nguồn": table["criteria"], "Tự chấm": table["claimed"].map(vn.points),
                         "Theo nguồn": table["supported"].map(vn.points),
                         "Chênh lệch": (table["claimed"] - table["supported"]).map(vn.points),
                         "Tự chấm vượt nguồn": table["unit"].map(over).fillna(0).astype(int)})


def fed_by_area(yd: YearState) -> pd.DataFrame:
    """Per group and area: the fed criteria's self scores against what the sources support, over all units."""
    fed = _fed(yd)
    if fed.empty:
        return pd.DataFrame()
    table = fed.groupby(["group", "area", "area_name"], sort=True).agg(
        units=("unit", "nunique"), claimed=("self", "sum"), supported=("supported", "sum"),
        over=("gap", lambda g: int((g > 0).sum()))).reset_index()
    return pd.DataFrame({"Nhóm": table["group"].map(yd.campaign.groups),
                         "Lĩnh vực": table["area"] + ". " + table["area_name"], "Số đơn vị": table["units"],
                         "Tự chấm": table["claimed"].map(vn.points), "Theo nguồn": table["supported"].map(vn.points),
                         "Chênh lệch": (table["claimed"] - table["supported"]).map(vn.points),
                         "Số lượt tự chấm cao hơn nguồn": table["over"]})


def fed_claims(yd: YearState) -> pd.DataFrame:
    """The claims the sources do not support (above by more than the tolerance), one line each, as kit check
    lists them: unit, criterion, self score, the source's value and period, the score it supports."""
    found = disagreements(yd.campaign, yd.results.long)
    if found.empty:
        return pd.DataFrame()
    return pd.DataFrame({"Đơn vị": found["unit"].map(yd.campaign.unit_names),
                         "Tiêu chí": found["code"] + ". " + found["content"],
                         "Tự chấm": found["self"].map(vn.points),
                         "Nguồn số liệu": [source_line(f, v, p, yd.year).removeprefix("Theo ")
                                           for f, v, p in zip(found["feed"], found["fed_value"], found["fed_period"],
                                                              strict=True)],
                         "Điểm theo nguồn": found["supported"].map(vn.points),
                         "Chênh lệch": found["gap"].map(vn.points)})


# -- learning pairs (kit.scoring.learning) ----------------------------------------------------------------------
def learning_pairs(yd: YearState) -> pd.DataFrame:
    """The year's learning pairs, as a table."""
    res = yd.results
    return as_table(year_pairs(yd.campaign, yd.year, res.areas, res.long), yd.campaign.groups)


def period_learning_pairs(years: list[YearState]) -> pd.DataFrame:
    """The period's learning pairs (mean percentage per area over the years), as a table."""
    campaign = years[0].campaign
    kept = [(yd.year, set(yd.results.units["unit"])) for yd in years]  # a final by date keeps fewer units (as_of)
    pairs = period_pairs(campaign, [(yd.year, yd.results.areas[yd.results.areas["unit"].isin(units)],
                                     yd.results.long[yd.results.long["unit"].isin(units)])
                                    for yd, (_, units) in zip(years, kept, strict=True)])
    return as_table(pairs, campaign.groups)


# -- who appraises what, the second appraisal and agreement (yearly report) -------------------------------
def _stages(yd: YearState) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The latest decision that counts, first appraisal, second appraisal and reconciliation per criterion."""
    history = yd.decisions
    return (latest(history), latest(history, [Stage.APPRAISAL]), latest(history, [Stage.SECOND]),
            latest(history, [Stage.RECONCILIATION]))


def _sample(yd: YearState, first: pd.DataFrame) -> set[tuple[str, str]]:
    return second_sample(yd, first)


def _percent(share: float | None) -> str:
    """A share as a whole percentage; one decimal where rounding would print a full or an empty share that is
    not (199 agreements of 200 are "99,5 %", never "100 %")."""
    if share is None or pd.isna(share):
        return "—"
    value = 100 * float(share)
    decimals = 0
    while decimals < 3 and value not in (0, 100) and round_half_up(value, decimals) in (0, 100):
        decimals += 1
    return f"{vn.number(value, decimals)} %"


def assignment_progress(yd: YearState) -> pd.DataFrame:
    """Per evaluator and round: criteria given (assignments.csv), done, left; criteria nobody was given."""
    table = team_progress(yd)
    if table.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Cán bộ thẩm định": [f"{n} ({a})" if n != a else a if a else "(chưa phân công)"
                             for a, n in zip(table["evaluator"], table["name"], strict=True)],
        "Lượt": table["round"].map({1: "Thẩm định", 2: "Thẩm định lần 2 (độc lập)"}),
        "Số đơn vị": table["units"], "Tiêu chí được giao": table["given"], "Đã xong": table["done"],
        "Còn lại": table["left"],
        "Tỷ lệ xong": [_percent(d / g if g else None) for d, g in zip(table["done"], table["given"], strict=True)]})


def second_appraisal_pairs(yd: YearState) -> pd.DataFrame:
    _, first, second, reconciled = _stages(yd)
    return ag.pairs(yd.results.long, first, second, reconciled)


def second_appraisal_summary(yd: YearState) -> pd.DataFrame:
    """How the sample stands: drawn units, sampled criteria, appraised twice, reconciled."""
    settings = yd.campaign.second_appraisal
    _, first, _, _ = _stages(yd)
    sample, found = _sample(yd, first), second_appraisal_pairs(yd)
    drawn = ag.drawn_units(yd.campaign, yd.year, yd.results.long["unit"])
    names = yd.campaign.unit_names
    rule = [f"{_percent(settings.share)} số đơn vị mỗi nhóm (chọn ngẫu nhiên cố định)"] if settings.share else []
    if settings.gap is not None:
        rule.append(f"mọi tiêu chí có điểm thẩm định lệch điểm tự chấm quá {vn.number(settings.gap)} điểm")
    rows = [("Quy tắc chọn mẫu", "; ".join(rule)),
            ("Đơn vị được chọn", ", ".join(sorted(names.get(u, u) for u in drawn)) or "—"),
            ("Tiêu chí thuộc mẫu", vn.integer(len(sample))),
            ("Đã thẩm định hai lần", vn.integer(len(found))),
            ("Đã thống nhất kết quả", vn.integer(int((found["reconciled_by"] != "").sum()) if len(found) else 0))]
    return pd.DataFrame(rows, columns=["Nội dung", "Kết quả"])


def agreement_by_criterion(yd: YearState) -> pd.DataFrame:
    """Per criterion: pairs, exact agreement, mean absolute difference, weighted kappa; least agreement first."""
    return _criterion_table(ag.by_criterion(second_appraisal_pairs(yd)))


def _criterion_table(table: pd.DataFrame) -> pd.DataFrame:
    """``ag.by_criterion``'s numbers as the report prints them."""
    if table.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        "Tiêu chí": table["code"], "Nội dung": table["content"], "Điểm tối đa": table["max"].map(vn.number),
        "Số cặp chấm": table["pairs"], "Trùng khớp": table["exact"].map(_percent),
        "Chênh lệch bình quân (điểm)": table["mean_abs"].map(vn.number),
        "Kappa có trọng số": table["kappa"].map(lambda k: vn.number(k) if k is not None else "—")})


def disagreed(table: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The rows of ``ag.by_criterion`` where evaluators disagree most: at least two pairs (one pair says little)
    and one difference. Chosen on the numbers, never on the printed percentage (199 of 200 prints "99,5 %")."""
    return table[(table["exact"] < 1) & (table["pairs"] >= 2)].head(top)


def most_disagreed(yd: YearState, top: int = 5) -> pd.DataFrame:
    """The criteria where evaluators disagree most, as printed."""
    return _criterion_table(disagreed(ag.by_criterion(second_appraisal_pairs(yd)), top))


def agreement_by_evaluator(yd: YearState) -> pd.DataFrame:
    """Per evaluator: pairs, exact agreement, mean absolute difference, severity against the reconciled score."""
    table = ag.by_evaluator(second_appraisal_pairs(yd))
    if table.empty:
        return pd.DataFrame()

    def severity(value: float | None) -> str:
        if value is None or pd.isna(value):
            return "—"
        v = float(value)
        word = "khắt khe hơn" if v < -1e-9 else "dễ hơn" if v > 1e-9 else "đúng bằng"
        return f"{'+' if v > 1e-9 else ''}{vn.number(v)} ({word} kết quả thống nhất)"

    return pd.DataFrame({
        "Cán bộ thẩm định": table["evaluator"].map(_who(yd)), "Số tiêu chí chấm đôi": table["pairs"],
        "Trùng khớp với người chấm còn lại": table["exact"].map(_percent),
        "Chênh lệch bình quân (điểm)": table["mean_abs"].map(vn.number),
        "Số tiêu chí đã có kết quả thống nhất": table["settled"],
        "Mức nghiêm (bình quân điểm của cán bộ − điểm thống nhất)": table["severity"].map(severity)})


def reconciliations(yd: YearState) -> pd.DataFrame:
    """Every criterion appraised twice whose scores differ: both scores, the reconciled one and its reason."""
    found = second_appraisal_pairs(yd)
    if found.empty:
        return pd.DataFrame()

    def shown(score: object, na: bool) -> str:
        return "Không áp dụng" if na else vn.number(score)

    differ = found[~ag.agrees(found)]
    names, who = yd.campaign.unit_names, _who(yd)
    return pd.DataFrame({
        "Đơn vị": differ["unit"].map(names), "Tiêu chí": differ["code"],
        "Lần 1": [f"{shown(s, n)} ({who(w)})" for s, n, w in zip(differ["first"], differ["first_na"],
                                                            differ["first_by"], strict=True)],
        "Lần 2": [f"{shown(s, n)} ({who(w)})" for s, n, w in zip(differ["second"], differ["second_na"],
                                                            differ["second_by"], strict=True)],
        "Thống nhất": [shown(s, n) if w else "Chờ thống nhất" for s, n, w in zip(
            differ["reconciled"], differ["reconciled_na"], differ["reconciled_by"], strict=True)],
        "Lý do": differ["reason"]})
