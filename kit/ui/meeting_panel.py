"""The council's meeting view: ranking, drill-down, proposals and a what-if panel, no code visible.

Shown with Voilà (``/voila/render/notebooks/40-hop-hoi-dong.ipynb``): the notebook's outputs only, with
live widgets, large type for a projector. The what-if panel recomputes bands and proposals in memory;
stored data is never touched.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as w
import pandas as pd

from kit.app.year import YearState, load_year
from kit.config.campaign import Band, Campaign
from kit.config.rules import RulePack
from kit.core import vn
from kit.core.vocab import Kind, Outcome, Stage
from kit.scoring import inspections as si
from kit.scoring.awards import (
    collective_yearly,
    evaluate,
    in_force,
    individual_yearly,
    pack_day,
    prepare,
    proposals_date,
)
from kit.scoring.learning import LEARNING_NOTE, as_table, year_pairs
from kit.scoring.results import YearResults
from kit.scoring.totals import classify
from kit.store.gradebook import Gradebook

_CSS = ("<style>.kit-meet{font-size:20px}.kit-meet table{border-collapse:collapse;margin:6px 0}"
        ".kit-meet th,.kit-meet td{border:1px solid #999;padding:4px 10px;text-align:left}"
        ".kit-meet th{background:#1f4e79;color:#fff}.kit-meet .up{color:#006d2c}.kit-meet .down{color:#b00}</style>")


def _table(df: pd.DataFrame) -> str:
    return vn.table(df).to_html(index=False, escape=True, border=0)


def _page(body: str) -> str:
    return f"{_CSS}<div class='kit-meet'>{body}</div>"


class MeetingPanel:
    """Tabs: Xếp hạng · Chi tiết đơn vị · Khen thưởng · Học tập kinh nghiệm · Giả định."""

    def __init__(self, campaign: Campaign, gradebook: Gradebook, year: int | None = None):
        self.campaign, self.gb = campaign, gradebook
        self.year = w.Dropdown(options=campaign.years, value=year or campaign.years[-1], description="Năm:")
        self.ranking = w.HTML()
        self.unit = w.Dropdown(description="Đơn vị:", layout=w.Layout(width="520px"))
        self.area = w.Dropdown(description="Lĩnh vực:", layout=w.Layout(width="720px"))
        self.detail = w.HTML()
        self.awards = w.HTML()
        self.learning = w.HTML()
        self.band_sliders: list[w.FloatSlider] = []
        self.quota_inputs: list[w.Widget] = []
        self.pack = w.Dropdown(description="Căn cứ pháp lý:", style={"description_width": "160px"},
                               layout=w.Layout(width="900px"))
        self.pack.observe(lambda _c: self._quota_controls(), names="value")
        self.whatif_controls = w.VBox()
        self.apply_button = w.Button(description="Xem kết quả giả định", button_style="warning", icon="flask")
        self.whatif = w.HTML()
        drill = w.VBox([w.HBox([self.unit, self.area]), self.detail])
        whatif = w.VBox([w.HTML(_page("<p>Thay đổi ngưỡng xếp loại, chỉ tiêu khen thưởng hoặc bộ quy định (căn cứ "
                                      "pháp lý) để xem ai thay đổi. "
                                      "<b>Không lưu gì</b>: dữ liệu đã chấm giữ nguyên.</p>")),
                         self.whatif_controls, self.apply_button, self.whatif])
        self.tabs = w.Tab(children=[self.ranking, drill, self.awards, self.learning, whatif])
        for i, title in enumerate(["Xếp hạng", "Chi tiết đơn vị", "Khen thưởng", "Học tập kinh nghiệm", "Giả định"]):
            self.tabs.set_title(i, title)
        demo = " — <span style='color:#b00'>Dữ liệu minh họa</span>" if campaign.demo else ""
        self.widget = w.VBox([w.HTML(_page(f"<h2>{html.escape(campaign.name)}{demo}</h2>")), self.year, self.tabs])
        self.year.observe(lambda _c: self.show(), names="value")
        self.unit.observe(lambda _c: self._fill_areas(), names="value")
        self.area.observe(lambda _c: self.show_detail(), names="value")
        self.apply_button.on_click(lambda _b: self.apply_whatif())
        self.show()

    @classmethod
    def open(cls, campaign_dir: str = "data", year: int | None = None) -> MeetingPanel:
        from kit.config.campaign import load_campaign

        campaign = load_campaign(campaign_dir)
        return cls(campaign, Gradebook.for_campaign(campaign, readonly=True), year)

    def state(self, year: int) -> YearState:
        """The year as it stands now (kit.app.year caches it until a file or a decision changes)."""
        return load_year(self.campaign, year, gradebook=self.gb, jobs=1)

    def results(self, year: int) -> YearResults:
        return self.state(year).results

    # -- tabs ----------------------------------------------------------------------------------------------
    def show(self) -> None:
        res = self.results(self.year.value)
        parts = []
        for group, frame in res.units.groupby("group_name", sort=False):
            ranked = frame.dropna(subset=["rank"]).sort_values("rank")
            table = ranked[["rank", "unit_name", "counted", "max_applicable", "percent", "band", "basis"]].rename(
                columns={"rank": "Hạng", "unit_name": "Đơn vị", "counted": "Điểm", "max_applicable": "Tối đa",
                         "percent": "Tỷ lệ (%)", "band": "Xếp loại", "basis": "Cơ sở tính"})
            parts.append(f"<h3>{html.escape(group)}</h3>{_table(table)}")
        self.ranking.value = _page(f"<h2>Xếp hạng năm {self.year.value}</h2>" + "".join(parts))
        units = res.units.dropna(subset=["rank"])
        self.unit.options = [(f"{r.unit} — {r.unit_name}", r.unit) for r in units.itertuples()]
        self.unit.value = self.unit.value if self.unit.value in set(units["unit"]) else units["unit"].iloc[0]
        self._fill_areas()
        self.show_awards()
        self.show_learning()
        self._whatif_controls()

    def _fill_areas(self) -> None:
        res = self.results(self.year.value)
        areas = res.areas[res.areas["unit"] == self.unit.value]
        self.area.options = [(f"{a.area}. {a.area_name} — {vn.number(a.percent, 1)} %", a.area)
                             for a in areas.itertuples()]
        self.area.value = self.area.value if self.area.value in set(areas["area"]) else (
            areas["area"].iloc[0] if len(areas) else None)
        self.show_detail()

    def show_detail(self) -> None:
        if not self.unit.value or not self.area.value:
            self.detail.value = ""
            return
        res = self.results(self.year.value)
        rows = res.long[(res.long["unit"] == self.unit.value) & (res.long["area"] == self.area.value)]
        decisions = self.state(self.year.value).decisions
        history = decisions[decisions["unit"] == self.unit.value]
        who = self.state(self.year.value).movement.registry.name_of  # the registry's họ tên, not the account
        blocks = []
        for r in rows.itertuples():
            steps = history[history["code"] == r.code]
            trail = "".join(f"<li>{Stage(s.stage).label}: {'Không áp dụng' if s.na else vn.points(s.score)} — "
                            f"{html.escape(who(s.evaluator))}, {vn.moment(s.created_at)}"
                            f"{': ' + html.escape(s.comment) if s.comment else ''}</li>" for s in steps.itertuples())
            self_score = "—" if pd.isna(r.self) else vn.points(r.self)
            counted = "Không áp dụng" if r.na else vn.points(r.counted)
            evidence = html.escape(r.evidence) if isinstance(r.evidence, str) and r.evidence else "(không có)"
            blocks.append(f"<tr><td>{html.escape(r.code)}</td><td>{html.escape(r.content)}</td><td>{vn.points(r.max)}</td>"
                          f"<td>{self_score}</td><td><b>{counted}</b></td><td>{evidence}</td>"
                          f"<td><ul style='margin:0'>{trail or '<li>chưa thẩm định</li>'}</ul></td></tr>")
        found = res.findings[(res.findings["unit"] == self.unit.value) & (res.findings["area"] == self.area.value)]
        on = proposals_date(self.campaign, "yearly", [self.year.value])
        inspections = "".join(
            f"<li>{html.escape(f['code'])}: {html.escape(si.reference(f))} — {html.escape(f['finding'])} "
            f"({si.state(f['deadline'], f['fixed_on'], on).label})</li>" for f in found.to_dict("records"))
        self.detail.value = _page("<table><tr><th>Mã</th><th>Tiêu chí</th><th>Tối đa</th><th>Tự chấm</th>"
                                  "<th>Điểm xét</th><th>Kiểm chứng</th><th>Lịch sử quyết định</th></tr>"
                                  + "".join(blocks) + "</table>"
                                  + (f"<h3>Kết quả kiểm tra</h3><ul>{inspections}</ul>" if inspections else ""))

    def _candidates(self, res: YearResults) -> dict[Kind, list[dict]]:
        movement = self.state(res.year).movement
        return {Kind.COLLECTIVE: collective_yearly(self.campaign, res, movement.registrations),
                Kind.INDIVIDUAL: individual_yearly(self.campaign, res, movement.nominations, movement.initiatives)}

    def pack_in_force(self, year: int) -> RulePack | None:
        """The rule pack a year's proposals follow (kit.scoring.awards.pack_day)."""
        rules = self.campaign.rules
        if rules is None:
            return None
        day = proposals_date(self.campaign, "yearly", [year])
        return rules.pack_at(pack_day(rules, "yearly", [year], day))

    def _proposals(self, res: YearResults, pack: RulePack | None) -> set[tuple[str, str]]:
        """What ``pack`` proposes for ``res``'s year, each with its title in force then, holds, discipline and
        revocations applied as in the lists (kit.scoring.awards)."""
        if pack is None:
            return set()
        day = proposals_date(self.campaign, "yearly", [res.year])
        state = self.state(res.year)
        candidates = self._candidates(res)
        titles = {t.code for r in pack.yearly for t in r.choices}
        prepare(candidates, state.movement.records, state.revocations, res.year, day, "yearly", titles, pack)
        return {(f.rule.title_name, f.candidate["name"]) for f in evaluate(in_force(pack.yearly, day, []), candidates,
                                                                           pack=pack)
                if f.outcome == Outcome.PROPOSED}

    def show_awards(self) -> None:
        rules = self.campaign.rules
        if rules is None:
            self.awards.value = _page("<p>Chưa có quy định khen thưởng (commendation.yml).</p>")
            return
        pack = self.pack_in_force(self.year.value)
        found = sorted(self._proposals(self.results(self.year.value), pack))
        table = pd.DataFrame(found, columns=["Hình thức", "Tập thể / cá nhân"])
        note = "<p><i>Quy định khen thưởng là ví dụ minh họa.</i></p>" if rules.example else ""
        basis = f"<p>Căn cứ: {html.escape('; '.join(pack.basis))}</p>" if pack and pack.basis else ""
        self.awards.value = _page(f"<h2>Đề nghị khen thưởng năm {self.year.value}</h2>{note}{basis}{_table(table)}")

    def show_learning(self) -> None:
        """The year's learning pairs (kit.scoring.learning), as in the reports."""
        res = self.results(self.year.value)
        pairs = as_table(year_pairs(self.campaign, self.year.value, res.areas, res.long), self.campaign.groups)
        body = _table(pairs) if len(pairs) else "<p>Không có lĩnh vực nào cần gợi ý.</p>"
        self.learning.value = _page(f"<h2>Gợi ý trao đổi, học tập kinh nghiệm năm {self.year.value}</h2>"
                                    f"<p>{html.escape(LEARNING_NOTE)}</p>{body}")

    # -- what-if -------------------------------------------------------------------------------------------
    def _whatif_controls(self) -> None:
        bands = sorted(self.campaign.bands(self.year.value), key=lambda b: -b.lower)
        self.band_sliders = [w.FloatSlider(value=b.lower, min=0, max=100, step=0.5, description=b.name,
                                           style={"description_width": "120px"}, layout=w.Layout(width="600px"))
                             for b in bands if b.lower > 0]
        rules = self.campaign.rules
        current = self.pack_in_force(self.year.value)
        packs = rules.packs if rules else []
        self.pack.options = [(f"{p.name or 'Quy định khen thưởng'} ({p.validity})"
                              + (" — đang áp dụng" if p is current else ""), p.code) for p in packs]
        self.pack.value = current.code if current else None
        self._quota_controls()

    def chosen_pack(self) -> RulePack | None:
        rules = self.campaign.rules
        return rules.pack(self.pack.value) if rules and self.pack.value is not None else self.pack_in_force(
            self.year.value)

    def _quota_controls(self) -> None:
        pack = self.chosen_pack()
        self.quota_inputs = []
        for rule in pack.yearly if pack else []:
            if rule.quota_share is not None:
                widget = w.FloatSlider(value=rule.quota_share, min=0, max=1, step=0.05, readout_format=".0%")
            else:
                widget = w.IntText(value=rule.quota_count if rule.quota_count is not None else 0)
            widget.description = f"Chỉ tiêu {rule.title_name} ({rule.kind.label})"
            widget.style = {"description_width": "420px"}
            widget.layout = w.Layout(width="720px")
            self.quota_inputs.append(widget)
        self.whatif_controls.children = [w.HTML(_page("<b>Ngưỡng xếp loại (%)</b>")), *self.band_sliders,
                                         w.HTML(_page("<b>Bộ quy định khen thưởng</b>")), self.pack,
                                         w.HTML(_page("<b>Chỉ tiêu khen thưởng</b>")), *self.quota_inputs]
        self.whatif.value = ""

    def whatif_bands(self) -> list[Band]:
        names = [s.description for s in self.band_sliders]
        lowers = [s.value for s in self.band_sliders]
        bands = sorted(self.campaign.bands(self.year.value), key=lambda b: -b.lower)
        lowest = bands[-1].name
        return [Band(n, low, None) for n, low in zip(names, lowers, strict=True)] + [Band(lowest, 0.0, None)]

    def whatif_problem(self) -> str:
        """Why the assumed thresholds make no classification (a lower band above a higher one), or ""."""
        sliders = self.band_sliders  # best band first
        for higher, lower in zip(sliders, sliders[1:], strict=False):
            if lower.value >= higher.value:
                return (f"Ngưỡng \"{lower.description}\" ({vn.number(lower.value)} %) phải thấp hơn ngưỡng "
                        f"\"{higher.description}\" ({vn.number(higher.value)} %). Hãy kéo lại các thanh trượt.")
        return ""

    def apply_whatif(self) -> None:
        """Who changes band and who enters or leaves the proposals under the assumptions; nothing stored."""
        problem = self.whatif_problem()
        if problem:
            self.whatif.value = _page(f"<p style='color:#b00'><b>{html.escape(problem)}</b></p>")
            return
        res = self.results(self.year.value)
        units = res.units.copy()
        units["band_new"] = classify(units["percent"], self.whatif_bands())
        moved = units[(units["band"] != units["band_new"]) & units["rank"].notna()]
        moves = moved[["unit_name", "percent", "band", "band_new"]].rename(columns={
            "unit_name": "Đơn vị", "percent": "Tỷ lệ (%)", "band": "Xếp loại hiện tại",
            "band_new": "Xếp loại giả định"})
        pack = self.chosen_pack()
        gained = lost = pd.DataFrame()
        if pack is not None:
            changed = []
            for rule, widget in zip(pack.yearly, self.quota_inputs, strict=True):
                share = widget.value if rule.quota_share is not None else None
                count = widget.value if rule.quota_share is None else None
                changed.append(dataclasses.replace(rule, quota_share=share, quota_count=count))
            alt = dataclasses.replace(res, units=units.assign(band=units["band_new"]))
            before = self._proposals(res, self.pack_in_force(self.year.value))
            after = self._proposals(alt, dataclasses.replace(pack, yearly=changed))
            gained = pd.DataFrame(sorted(after - before), columns=["Hình thức", "Thêm vào đề nghị"])
            lost = pd.DataFrame(sorted(before - after), columns=["Hình thức", "Ra khỏi đề nghị"])
        self.whatif.value = _page(
            f"<h3>Đơn vị đổi xếp loại: {len(moves)}</h3>{_table(moves) if len(moves) else '<p>Không có.</p>'}"
            f"<h3>Đề nghị khen thưởng thay đổi</h3>{_table(gained) if len(gained) else ''}"
            f"{_table(lost) if len(lost) else ''}{'' if len(gained) or len(lost) else '<p>Không thay đổi.</p>'}"
            "<p><i>Kết quả giả định, không được lưu.</i></p>")
