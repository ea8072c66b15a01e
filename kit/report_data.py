"""The tables behind the reports, as pure functions of a year's (or the period's) data.

Notebooks only arrange these; tests check them directly. Column names are Vietnamese because
they are shown as they are.
"""

from __future__ import annotations

import pandas as pd

from kit.reporting import YearData

RESULT_COLUMNS = {"rank": "Hạng", "unit": "Mã", "unit_name": "Đơn vị", "counted": "Điểm", "max_applicable":
                  "Tối đa áp dụng", "percent": "Tỷ lệ (%)", "band": "Xếp loại", "basis": "Cơ sở tính"}


def participation(yd: YearData) -> pd.DataFrame:
    """Per unit: group, status of the form, date received."""
    deadline = yd.campaign.deadline(yd.year)
    received = {s.unit: s.sent for s in yd.check.submissions if s.rows}
    received.update(yd.check.late)
    units = yd.results.units
    return pd.DataFrame({
        "Nhóm": units["group_name"], "Mã": units["unit"], "Đơn vị": units["unit_name"],
        "Tình trạng phiếu": units["status"],
        "Ngày nhận": [f"{received[u]:%d/%m/%Y}" if received.get(u) else "" for u in units["unit"]],
    }).assign(**{"Hạn nộp": f"{deadline:%d/%m/%Y}" if deadline else ""})


def participation_counts(yd: YearData) -> pd.DataFrame:
    counts = yd.results.units.groupby(["group_name", "status"]).size().unstack(fill_value=0)
    return counts.reset_index().rename(columns={"group_name": "Nhóm"})


def results_by_group(yd: YearData) -> dict[str, pd.DataFrame]:
    out = {}
    for group, frame in yd.results.units.groupby("group_name", sort=False):
        ranked = frame.dropna(subset=["rank"]).sort_values("rank")
        out[group] = ranked[list(RESULT_COLUMNS)].rename(columns=RESULT_COLUMNS)
    return out


def band_counts(yd: YearData) -> pd.DataFrame:
    """Rows = group names, columns = bands from best to worst."""
    bands = [b.name for b in yd.campaign.bands(yd.year)]
    units = yd.results.units.dropna(subset=["rank"])
    table = units.groupby(["group_name", "band"]).size().unstack(fill_value=0)
    return table.reindex(columns=bands, fill_value=0)


def area_matrix(yd: YearData, group: str) -> pd.DataFrame:
    """Units × areas, percentage achieved in each area."""
    areas = yd.results.areas
    areas = areas[areas["group"] == group]
    matrix = areas.pivot_table(index="unit_name", columns="area", values="percent", sort=False)
    return matrix.reindex(columns=sorted(matrix.columns, key=lambda a: int(a) if a.isdigit() else a))


def gaps(yd: YearData) -> pd.DataFrame:
    """Who over-claims: self − appraised over appraised criteria, largest first."""
    units = yd.results.units.dropna(subset=["self_minus_appraised"])
    table = units.sort_values("self_minus_appraised", ascending=False)
    return table[["unit", "unit_name", "group_name", "self_minus_appraised", "appraised_count", "criteria"]].rename(
        columns={"unit": "Mã", "unit_name": "Đơn vị", "group_name": "Nhóm", "self_minus_appraised":
                 "Tự chấm − thẩm định", "appraised_count": "Tiêu chí đã thẩm định", "criteria": "Số tiêu chí"})


def gap_by_area(yd: YearData) -> pd.DataFrame:
    """In which areas the units over-claim most (sum over units)."""
    areas = yd.results.areas.dropna(subset=["self_minus_appraised"])
    table = areas.groupby(["area", "area_name"], sort=False)["self_minus_appraised"].agg(["sum", "mean"])
    table = table.reset_index().sort_values("sum", ascending=False)
    return table.rename(columns={"area": "Lĩnh vực", "area_name": "Tên lĩnh vực", "sum": "Tổng chênh lệch",
                                 "mean": "Bình quân mỗi đơn vị"})


def change(yd: YearData, previous: YearData | None) -> pd.DataFrame:
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


def open_explanations(yd: YearData) -> pd.DataFrame:
    """Explanations with no later appraisal or final decision on the same criterion."""
    d = yd.decisions
    if d.empty:
        return pd.DataFrame()
    last = d.sort_values("id").groupby(["unit", "code"]).tail(1)
    open_ = last[last["stage"] == "explanation"]
    names = {u.code: u.name for u in yd.campaign.units}
    return pd.DataFrame({"Đơn vị": open_["unit"].map(names), "Tiêu chí": open_["code"],
                         "Điểm xin": open_["score"], "Nội dung giải trình": open_["comment"],
                         "Ghi nhận bởi": open_["evaluator"], "Lúc": open_["created_at"].str[:16]})


def not_fully_appraised(yd: YearData) -> pd.DataFrame:
    units = yd.results.units.dropna(subset=["criteria"])
    todo = units[units["appraised_count"] < units["criteria"]]
    return todo[["group_name", "unit", "unit_name", "appraised_count", "criteria"]].rename(columns={
        "group_name": "Nhóm", "unit": "Mã", "unit_name": "Đơn vị", "appraised_count": "Đã thẩm định",
        "criteria": "Số tiêu chí"})


# -- the final report (a period of years) -----------------------------------------------------------------
def percent_by_year(years: list[YearData]) -> pd.DataFrame:
    """Units × years percentage, with group and name."""
    frames = [yd.results.units[["group_name", "unit", "unit_name", "percent"]].assign(year=yd.year) for yd in years]
    long = pd.concat(frames, ignore_index=True)
    return long.pivot_table(index=["group_name", "unit_name"], columns="year", values="percent", sort=False)


def group_means(years: list[YearData]) -> pd.DataFrame:
    """Years × groups: mean percentage of ranked units."""
    rows = {yd.year: yd.results.units.dropna(subset=["rank"]).groupby("group_name")["percent"].mean()
            for yd in years}
    return pd.DataFrame(rows).T.round(2)


def area_trends(years: list[YearData]) -> pd.DataFrame:
    """Years × areas (by stable area key, so renumbered frameworks still line up): mean percentage."""
    rows = {}
    for yd in years:
        areas = yd.results.areas
        keys = {(a.code, g): a.name for (y, g), fw in yd.campaign.frameworks.items() if y == yd.year
                for a in fw.areas}
        named = areas.assign(name=[keys.get((a, g), a) for a, g in zip(areas["area"], areas["group"], strict=True)])
        rows[yd.year] = named.groupby("name")["percent"].mean()
    return pd.DataFrame(rows).T.round(2)


def target_holders(years: list[YearData], target_bands: list[str]) -> pd.DataFrame:
    """Per unit: band each year and whether it stayed in the target bands every year."""
    frames = [yd.results.units[["group_name", "unit_name", "band"]].assign(year=yd.year) for yd in years]
    table = pd.concat(frames).pivot_table(index=["group_name", "unit_name"], columns="year", values="band",
                                          aggfunc="first", sort=False)
    held = table.apply(lambda row: all(b in target_bands for b in row.tolist()), axis=1)
    table = table.reset_index().rename(columns={"group_name": "Nhóm", "unit_name": "Đơn vị"})
    table["Giữ mục tiêu cả giai đoạn"] = ["Có" if h else "Không" for h in held.to_numpy()]
    return table


# -- the unit scorecard ------------------------------------------------------------------------------------
def scorecard_rows(yd: YearData, unit: str) -> pd.DataFrame:
    """Every criterion of the unit: self and appraised score, evidence, the evaluators' comment."""
    long = yd.results.long
    rows = long[long["unit"] == unit]
    last = yd.decisions.sort_values("id").groupby(["unit", "code"]).tail(1) if len(yd.decisions) else None
    comment = {} if last is None else {c: t for u, c, t in zip(last["unit"], last["code"], last["comment"],
                                                                  strict=True) if u == unit}
    return pd.DataFrame({
        "Mã": rows["code"], "Tiêu chí": rows["content"], "Tối đa": rows["max"],
        "Tự chấm": pd.to_numeric(rows["self"], errors="coerce"),
        "Thẩm định": ["Không áp dụng" if na and a else s for na, a, s in
                      zip(rows["na"], rows["is_appraised"], rows["appraised"], strict=True)],
        "Tài liệu kiểm chứng": rows["evidence"].fillna(""),
        "Nhận xét": [comment.get(c, "") for c in rows["code"]],
    })


def unit_vs_group(yd: YearData, unit: str) -> tuple[pd.Series, pd.Series]:
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


def band_history(years: list[YearData], unit: str) -> pd.DataFrame:
    rows = []
    for yd in years:
        u = yd.results.units.set_index("unit").loc[unit]
        rows.append({"Năm": yd.year, "Tình trạng phiếu": u["status"], "Tỷ lệ (%)": u["percent"],
                     "Xếp loại": u["band"] or "—", "Hạng trong nhóm": u["rank"], "Cơ sở tính": u["basis"]})
    return pd.DataFrame(rows)


def period_summary(years: list[YearData]) -> list[str]:
    """Sentences for the summing-up meeting."""
    first, last = years[0], years[-1]
    means = group_means(years)
    campaign = first.campaign
    per_group = ", ".join(f"{len(campaign.units_in(code))} {name}" for code, name in campaign.groups.items())
    lines = [f"Giai đoạn {first.year}–{last.year}: {len(campaign.units)} đơn vị tham gia ({per_group})."]
    for group in means.columns:
        lines.append(f"{group}: tỷ lệ đạt bình quân {means[group].iloc[0]:.1f}% năm {first.year}, "
                     f"{means[group].iloc[-1]:.1f}% năm {last.year}.")
    table = percent_by_year(years)
    if first.year in table and last.year in table:
        delta = (table[last.year] - table[first.year]).dropna().sort_values(ascending=False)
        if len(delta):
            (group, name), value = delta.index[0], delta.iloc[0]
            lines.append(f"Tiến bộ nhiều nhất: {name} ({group}), {value:+.1f} điểm phần trăm.")
    for group, frame in last.results.units.dropna(subset=["rank"]).groupby("group_name"):
        best = frame.sort_values("rank").iloc[0]
        lines.append(f"Dẫn đầu năm {last.year} — {group}: {best['unit_name']} ({best['percent']:.1f}%, "
                     f"{best['band']}).")
    open_ = sum(len(open_explanations(yd)) for yd in years)
    todo = sum(len(not_fully_appraised(yd)) for yd in years)
    if open_ or todo:
        lines.append(f"Còn {open_} giải trình chờ quyết định và {todo} lượt đơn vị chưa thẩm định đầy đủ; "
                     "kết quả liên quan là tạm tính.")
    return lines



# -- the movement: registration and commendation proposals ------------------------------------------------
def registration(yd: YearData) -> pd.DataFrame:
    from kit.movement import load_registrations, registration_status

    table = registration_status(yd.campaign, yd.year, load_registrations(yd.campaign))
    return pd.DataFrame({
        "Nhóm": table["group"].map(yd.campaign.groups), "Đơn vị": table["unit_name"], "Đăng ký": table["status"],
        "Kế hoạch số": table["plan_number"],
        "Ngày kế hoạch": [f"{d:%d/%m/%Y}" if d else "" for d in table["plan_date"]],
        "Hạn": [f"{d:%d/%m/%Y}" if d else "" for d in table["deadline"]]})


def registration_counts(years: list[YearData]) -> pd.DataFrame:
    rows = [registration(yd)["Đăng ký"].value_counts().rename(yd.year) for yd in years]
    return pd.DataFrame(rows).fillna(0).astype(int).rename_axis("Năm").reset_index()


def awards(years: list[YearData], level: str):
    """Commendation proposals of one year ("yearly") or of the period ("final")."""
    from kit.awards import awards_for

    return awards_for(years[0].campaign, level, [yd.results for yd in years])
