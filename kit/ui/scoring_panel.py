"""The evaluators' scoring panel (ipywidgets). Logic is in kit.app.appraisal; this is the view.

Tests drive it without a browser: set widget values, call ``.click()`` on buttons, and read
the gradebook. Who is working is not asked: the panel shows the signed-in account (kit.app.actor) and
everything it saves is recorded under that account. Nothing typed is lost silently: invalid input stays in its
box with a message, and leaving a unit with unsaved changes asks first.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from kit.app.appraisal import Entry, Row, Workspace
from kit.config.answers import TYPE_LABELS
from kit.config.framework import part_label
from kit.core import vn
from kit.core.errors import ActorError, GradebookError, KitError
from kit.core.values import parse_number
from kit.core.vocab import Stage
from kit.ui.closing import close_tree
from kit.ui.evidence_viewer import EvidenceViewer

NA_CHOICE = "NA"
_WIDE = w.Layout(width="100%")
_NO_EVIDENCE = "<span style='color:#c00'>(không có)</span>"


def _when(stamp: object) -> str:
    """A decision's time as "08:30 15/12/2024"; "vừa lưu" (just saved) stays as it is."""
    return html.escape(vn.moment(stamp))


class RowEditor:
    """Input for one row: the appraised score (only what the type allows), N/A, a comment.

    ``stage`` says which decision the row edits and shows: the current one (appraisal, final decision), the
    reconciliation (both appraisals shown), or — blind — the evaluator's own second appraisal: then nothing the row
    shows, offers or fills comes from the first appraisal (not its score, its comment, its author, nor whether the
    row needs review or awaits an explanation).
    """

    def __init__(self, row: Row, label: str, comments: list[str], on_change, stage: Stage = Stage.APPRAISAL,
                 name_of: Callable[[object], str] = str):
        self.row = row
        self.name_of = name_of  # a recorded author (an account) as shown: the registry's họ tên
        self.stage = stage
        self.blind = stage is Stage.SECOND
        self._loading = False
        self.dirty = False
        choices = row.choices
        if choices is not None:
            options: list[tuple[str, object]] = [("— chưa chấm —", None),
                                                 *((f"{vn.points(c)} điểm", c) for c in choices)]
            options += [("Không áp dụng", NA_CHOICE)] if row.na_allowed else []
            self.score: w.Widget = w.Dropdown(options=options, layout=w.Layout(width="150px"))
            self.na = None
        else:
            self.score = w.Text(placeholder=f"{vn.points(row.min)} … {vn.points(row.max)}",
                                layout=w.Layout(width="150px"))
            self.na = w.Checkbox(description="Không áp dụng", indent=False) if row.na_allowed else None
        self.comment = w.Combobox(options=comments, placeholder="Nhận xét (chọn hoặc gõ mới)", ensure_option=False,
                                  layout=w.Layout(width="280px"))
        self.status = w.HTML()
        self.history_button = w.Button(description="Lịch sử", icon="history", layout=w.Layout(width="90px"))
        self.info = w.HTML(self._info(label))
        inputs = [self.score] + ([self.na] if self.na else []) + [self.comment, self.history_button, self.status]
        self.evidence = EvidenceViewer(row) if row.files else None  # the cited files, opened beside the row
        self.box = w.VBox([self.info, *([self.evidence.box] if self.evidence else []), w.HBox(inputs)],
                          layout=w.Layout(border_bottom="1px solid #ddd"))
        self.reset()
        for widget in (self.score, self.comment, self.na):
            if widget is not None:
                widget.observe(lambda _c: self._changed(on_change), names="value")

    @property
    def decision(self) -> dict | None:
        """The stored decision this row edits (for the second appraisal: only the evaluator's own)."""
        r = self.row
        return r.second if self.blind else r.reconciled if self.stage is Stage.RECONCILIATION else r.current

    def _info(self, label: str) -> str:
        r = self.row
        answer = f"; trả lời: {html.escape(r.answer)}" if r.answer else ""
        value = f"; giá trị đo: {vn.points(r.value)}" if r.value is not None else ""
        explanation = f"<br><i>Giải trình của đơn vị:</i> {html.escape(r.explanation)}" if r.explanation else ""
        request = ""
        if r.explanation_request:
            req = r.explanation_request
            request = (f"<br><b style='color:#b35900'>Giải trình chờ quyết định:</b> xin "
                       f"{vn.points(req.get('score'))} đ — {html.escape(str(req.get('comment', '')))}")
        review = (" <b style='color:#c00'>⚠ cần xem lại: điểm tự chấm, kiểm chứng hoặc kết quả kiểm tra đã thay "
                  "đổi</b>") if r.needs_review else ""
        found = (f"<br><b style='color:#8b0000'>Kết quả kiểm tra</b> (đề xuất tính theo số vi phạm phát hiện): "
                 f"{html.escape('; '.join(r.findings))}") if r.findings else ""
        fed = f" · <b style='color:#6a1b9a'>{html.escape(r.fed)}</b>" if r.fed else ""
        if self.blind:  # what the unit sent and the automatic proposal only: nothing of the first appraisal
            review = request = ""
            found += ("<br><b style='color:#1565c0'>Thẩm định lần 2, độc lập:</b> điểm và nhận xét của lần thẩm "
                      "định trước được ẩn cho đến khi thống nhất kết quả.")
        elif self.stage is Stage.RECONCILIATION:
            found += "".join(f"<br><b>{title}:</b> {self._said(rec)}" for title, rec in (
                ("Thẩm định lần 1", r.first), ("Thẩm định lần 2", r.second)))
        return (f"<div style='font-size:14px'><b>{html.escape(label)}</b>{review}<br>"
                f"Tối đa {vn.points(r.max)} đ · {TYPE_LABELS[r.type]} · <b>tự chấm {vn.points(r.self_score)}</b>"
                f"{answer}{value}{fed}"
                f" · đề xuất tự động <b>{vn.points(r.proposal)}</b><br><i>Kiểm chứng:</i> "
                f"{html.escape(r.evidence) or _NO_EVIDENCE}{found}{explanation}{request}</div>")

    def _said(self, rec: dict | None) -> str:
        if not rec:
            return "—"
        score = "Không áp dụng" if rec["na"] else f"{vn.points(rec['score'])} đ"
        comment = f" — {html.escape(str(rec['comment']))}" if rec.get("comment") else ""
        return f"<b>{score}</b> ({html.escape(self.name_of(rec['evaluator']))}, {_when(rec['created_at'])}){comment}"

    def stored(self) -> tuple[object, str]:
        cur = self.decision
        if not cur:
            return None, ""
        return (NA_CHOICE if cur["na"] else float(cur["score"])), cur.get("comment") or ""

    def reset(self) -> None:
        """Show the stored decision (or nothing) and mark the row clean."""
        self._loading = True
        score, comment = self.stored()
        if isinstance(self.score, w.Dropdown):
            self.score.value = score
        else:
            self.score.value = "" if score in (None, NA_CHOICE) else vn.points(score)
            if self.na is not None:
                self.na.value = score == NA_CHOICE
        self.comment.value = comment
        self._loading = False
        self.dirty = False
        cur = self.decision
        self.status.value = (f"<span style='color:#2e7d32'>✔ {html.escape(self.name_of(cur['evaluator']))}, "
                             f"{_when(cur['created_at'])}</span>") if cur else "chưa chấm"

    def _changed(self, on_change) -> None:
        if self._loading:
            return
        self.dirty = True
        self.status.value = "<span style='color:#b35900'>● chưa lưu</span>"
        on_change(self)

    def entry(self) -> Entry | str:
        """What to save, or why it cannot be (the input stays as typed)."""
        na = (self.score.value == NA_CHOICE) if isinstance(self.score, w.Dropdown) else bool(self.na and self.na.value)
        score = None
        if not na:
            if isinstance(self.score, w.Dropdown):
                score = self.score.value
            else:
                raw = self.score.value.strip()
                score = parse_number(raw)
                if raw and score is None:
                    return f"\"{raw}\" không phải là số"
        problem = self.row.problem(score, na, self.comment.value or "")
        if problem:
            return problem
        base_on = self.row.second if self.blind else self.row.current  # what a conflict is checked against
        base = base_on["id"] if base_on else None
        return Entry(self.row.unit, self.row.code, score, na, self.comment.value or "", base)

    def unchanged(self, entry: Entry) -> bool:
        score, comment = self.stored()
        return ((NA_CHOICE if entry.na else entry.score) == score) and entry.comment.strip() == comment

    def show_error(self, text: str) -> None:
        self.status.value = f"<span style='color:#c00'>✖ {html.escape(text)}</span>"

    def fill_proposal(self) -> None:
        """Put the automatic proposal in an empty input (still to be saved by the evaluator)."""
        r = self.row
        if self.decision or self.dirty or r.proposal is None and not r.self_na:
            return
        na = r.self_na and r.na_allowed
        if not na and r.proposal is None:
            return
        if isinstance(self.score, w.Dropdown):
            value = NA_CHOICE if na else r.proposal
            if value in [v for _, v in self.score.options]:
                self.score.value = value
        elif na and self.na is not None:
            self.na.value = True
        elif r.proposal is not None:
            self.score.value = vn.points(r.proposal)


class AppraisalPanel:
    """Choose year/group/unit (or one criterion across a group), score, comment, save."""

    def __init__(self, workspace: Workspace):
        self.ws = workspace
        campaign = workspace.campaign
        groups = [(name, code) for code, name in campaign.groups.items()]
        self.who = workspace.actor.account  # what is recorded; never typed (kit.app.actor)
        self.signed_in = w.HTML(f"Đang đăng nhập: <b>{html.escape(workspace.actor.display)}</b>")
        self.group = w.Dropdown(options=groups, description="Nhóm:")
        self.mode = w.ToggleButtons(options=[("Theo đơn vị", "unit"), ("Theo tiêu chí", "criterion")])
        self.unit = w.Dropdown(description="Đơn vị:", layout=w.Layout(width="520px"))
        self.criterion = w.Dropdown(description="Tiêu chí:", layout=w.Layout(width="720px"))
        second = [(Stage.SECOND.label, Stage.SECOND), (Stage.RECONCILIATION.label, Stage.RECONCILIATION)
                  ] if campaign.second_appraisal.active else []
        self.stage = w.ToggleButtons(options=[(Stage.APPRAISAL.label, Stage.APPRAISAL), *second,
                                              (f"{Stage.FINAL.label} (sau giải trình)", Stage.FINAL)])
        self.save_button = w.Button(description="Lưu", button_style="primary", icon="save")
        self.fill_button = w.Button(description="Điền điểm đề xuất vào ô trống", icon="magic",
                                    layout=w.Layout(width="260px"))
        self.reload_button = w.Button(description="Tải lại", icon="refresh")
        self.message, self.totals, self.progress, self.history = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.keep_button = w.Button(description="Ở lại")
        self.save_go_button = w.Button(description="Lưu rồi chuyển", button_style="primary")
        self.discard_button = w.Button(description="Bỏ thay đổi và chuyển", button_style="danger")
        self.pending_box = w.HBox([self.save_go_button, self.discard_button, self.keep_button])
        self.pending_box.layout.display = "none"
        self.explain_score = w.Text(description="Điểm xin:", placeholder="tùy chọn")
        self.explain_text = w.Textarea(placeholder="Nội dung giải trình của đơn vị", layout=_WIDE)
        self.explain_button = w.Button(description="Ghi nhận giải trình", icon="comment")
        self.rows_box = w.VBox()
        self.editors: list[RowEditor] = []
        self._target: RowEditor | None = None
        self._pending: tuple[w.Widget, object] | None = None
        self._guard = False
        self.widget = w.VBox([
            w.HTML(f"<h3>Thẩm định năm {workspace.year} — {html.escape(campaign.name)}"
                   f"{' — <span style=color:#c00>Dữ liệu minh họa</span>' if campaign.demo else ''}</h3>"),
            self.signed_in, w.HBox([self.group, self.mode]), self.unit, self.criterion, self.stage,
            self.progress, self.totals, w.HBox([self.save_button, self.fill_button, self.reload_button]),
            self.message, self.pending_box, self.rows_box,
            w.HTML("<h4>Lịch sử tiêu chí và giải trình</h4>"), self.history,
            w.HBox([self.explain_score, self.explain_button]), self.explain_text,
        ])
        self._wire()
        self._resume()

    @classmethod
    def open(cls, campaign_dir: str = "data", year: int | None = None) -> AppraisalPanel:
        """What the notebook calls: load the campaign, its gradebook and the year's submissions, for whoever is
        logged in (a login the campaign's accounts do not know stops here, with what to do)."""
        from kit.config.campaign import load_campaign
        from kit.store.gradebook import Gradebook

        campaign = load_campaign(campaign_dir)
        return cls(Workspace.open(campaign, year or campaign.years[-1], Gradebook.for_campaign(campaign)))

    # -- wiring and navigation -----------------------------------------------------------------------------
    def _wire(self) -> None:
        for widget in (self.group, self.mode, self.unit, self.criterion, self.stage):
            widget.observe(self._navigate, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.fill_button.on_click(lambda _b: self.fill_proposals())
        self.reload_button.on_click(lambda _b: self._reload())
        self.keep_button.on_click(lambda _b: self._close_pending())
        self.discard_button.on_click(lambda _b: self._go_pending(save_first=False))
        self.save_go_button.on_click(lambda _b: self._go_pending(save_first=True))
        self.explain_button.on_click(lambda _b: self.record_explanation())

    def fill_proposals(self) -> None:
        for editor in self.editors:
            editor.fill_proposal()

    def _set(self, widget: w.Widget, value: object) -> None:
        self._guard = True
        try:
            widget.value = value
        finally:
            self._guard = False

    @property
    def blind(self) -> bool:
        """The second appraisal is being made: nothing of the first one may be shown."""
        return self.stage.value is Stage.SECOND

    def _unit_label(self, unit: str, left: int) -> str:
        name = self.ws.rows[unit][next(iter(self.ws.rows[unit]))].unit_name
        return f"★ {unit} — {name} (được giao, còn {left} tiêu chí)" if left else f"{unit} — {name}"

    def _fill_choices(self) -> None:
        """The group's units, the evaluator's own queue first (assignments of the stage's round)."""
        group = self.group.value
        self._guard = True
        try:
            queue = self.ws.queue(group, self.stage.value)
            self.unit.options = [(self._unit_label(u, left), u) for u, left in queue]
            self.criterion.options = [(f"{c} — {text[:90]}", c) for c, text in self.ws.criteria(group)]
            for dropdown in (self.unit, self.criterion):
                values = [v for _, v in dropdown.options]
                if dropdown.value not in values:
                    dropdown.value = values[0] if values else None
        finally:
            self._guard = False

    def _resume(self) -> None:
        """Reopen where this evaluator stopped (same year), else at the first unit."""
        state = self.ws.gradebook.position(self.who)
        if state and state.get("year") == self.ws.year and state.get("group") in self.ws.campaign.groups:
            self._set(self.group, state["group"])
            self._fill_choices()
            self._set(self.mode, state.get("mode", "unit"))
            if state.get("unit") in self.ws.rows:
                self._set(self.unit, state["unit"])
            if state.get("criterion") in dict(self.ws.criteria(self.group.value)):
                self._set(self.criterion, state["criterion"])
        else:
            self._fill_choices()
        self.render()

    def _navigate(self, change: dict) -> None:
        if self._guard:
            return
        if change["owner"] is self.stage and {change["old"], change["new"]} <= {Stage.APPRAISAL, Stage.FINAL}:
            return  # the same rows and decisions: only the stage a save records changes
        if self.dirty:
            self._set(change["owner"], change["old"])
            self._pending = (change["owner"], change["new"])
            self.pending_box.layout.display = ""
            self.message.value = (f"<b style='color:#b35900'>Có {len(self.dirty)} tiêu chí chưa lưu.</b> "
                                  "Lưu trước khi chuyển, hoặc bỏ các thay đổi này?")
            return
        if change["owner"] in (self.group, self.stage):
            self._fill_choices()
        self.render()

    def _close_pending(self) -> None:
        self._pending = None
        self.pending_box.layout.display = "none"
        self.message.value = ""

    def _go_pending(self, save_first: bool) -> None:
        if save_first and not self.save():
            return  # something could not be saved: stay, the message says why
        saved = self.message.value if save_first else ""
        target = self._pending
        self._close_pending()
        if target:
            for editor in self.editors:
                editor.dirty = False
            widget, value = target
            self._set(widget, value)
            if widget in (self.group, self.stage):
                self._fill_choices()
            self.render()
        self.message.value = saved  # "Đã lưu N tiêu chí." stays in view after moving on

    # -- display -------------------------------------------------------------------------------------------
    @property
    def dirty(self) -> list[RowEditor]:
        return [e for e in self.editors if e.dirty]

    def render(self) -> None:
        by_unit = self.mode.value == "unit"
        self.unit.layout.display = "" if by_unit else "none"
        self.criterion.layout.display = "none" if by_unit else ""
        stage = self.stage.value
        # a blind second appraisal is offered only its author's own reusable comments
        comments = self.ws.gradebook.comments(by=self.who) if self.blind else self.ws.gradebook.comments()
        if by_unit:
            rows = self.ws.rows_for(stage, self.unit.value) if self.unit.value else []
            labels = [f"{r.code}. {part_label(r.content, r.parent)}" for r in rows]  # parts under their heading
        else:
            rows = [r for u in self.ws.units(self.group.value) for r in self.ws.rows_for(stage, u)
                    if r.code == self.criterion.value] if self.criterion.value else []
            labels = [f"{r.unit} — {r.unit_name}" for r in rows]
        self.editors = [RowEditor(r, label, comments, self._row_changed, stage, self.ws.name_of)
                        for r, label in zip(rows, labels, strict=True)]
        self._target, self.history.value = None, ""  # a history shown before may not stay beside other rows
        for editor in self.editors:
            editor.history_button.on_click(lambda _b, e=editor: self.show_history(e))
        children: list[w.Widget] = []
        heading = ""
        for editor in self.editors:  # a criterion with sub-criteria: its heading above its parts (not a row)
            if by_unit and editor.row.parent and editor.row.parent != heading:
                children.append(w.HTML(f"<b>{html.escape(editor.row.parent)}. "
                                       f"{html.escape(editor.row.parent_content)}</b>"))
            heading = editor.row.parent
            children.append(editor.box)
        left, self.rows_box.children = self.rows_box.children, tuple(children)
        for old in left:
            close_tree(old)
        self.refresh()
        try:  # where this evaluator stopped: a convenience, never a reason to interrupt the work
            self.ws.gradebook.save_position(self.who, {
                "year": self.ws.year, "group": self.group.value, "mode": self.mode.value, "unit": self.unit.value,
                "criterion": self.criterion.value})
        except GradebookError:
            pass

    def _row_changed(self, _editor: RowEditor) -> None:
        self.message.value = ""

    def refresh(self, units: list[str] | None = None) -> None:
        """Totals of the unit shown (or of the units just saved) and progress; cheap enough for every save."""
        if units is None:
            units = [self.unit.value] if self.mode.value == "unit" and self.unit.value else []
        stage = self.stage.value
        done, given = self.ws.my_progress(stage)
        mine = f" Việc được giao cho bạn: <b>{done}/{given}</b> tiêu chí (còn {given - done})." if given else ""
        if self.blind:  # totals would add up the first appraisal: the blind evaluator sees none
            self.totals.value = ("<div style='font-size:15px'>Thẩm định lần 2 (độc lập): tổng điểm và kết quả "
                                 "thẩm định lần 1 được ẩn.</div>")
            left = sum(len(self.ws.second_rows(u)) for u in self.ws.units(self.group.value))
            self.progress.value = f"Tiêu chí thẩm định lần 2 bạn có thể chấm trong nhóm: <b>{left}</b>.{mine}"
            return
        parts = []
        for unit in units:
            t = self.ws.unit_totals(unit)
            parts.append(f"<b>{html.escape(unit)}</b>: điểm xét <b>{vn.points(t['counted'])}</b> / "
                         f"{vn.points(t['max_applicable'])} "
                         f"= <b>{vn.points(t['percent'])} %</b> — xếp loại <b>{html.escape(t['band'] or '—')}</b> — "
                         f"đã thẩm định {t['appraised']}/{t['criteria']} tiêu chí"
                         + (f" — <span style='color:#c00'>cần xem lại {t['needs_review']}</span>"
                            if t["needs_review"] else "")
                         + (f" — giải trình chờ quyết định {t['open_explanations']}" if t["open_explanations"] else ""))
        self.totals.value = "<div style='font-size:15px'>" + "<br>".join(parts) + "</div>"
        reviewed, criteria, units_done, group_units = self.ws.group_progress(self.group.value)
        self.progress.value = (f"Tiến độ nhóm: <b>{reviewed}/{criteria}</b> "
                               f"tiêu chí đã thẩm định; {units_done}/{group_units} đơn vị xong.{mine}")

    def show_history(self, editor: RowEditor) -> None:
        self._target = editor
        r = editor.row
        lines = []
        for step in self.ws.history(r.unit, r.code, blind=editor.blind):
            score = "Không áp dụng" if step["na"] else vn.points(step["score"])
            stage = "Tự chấm" if step["stage"] is None else step["stage"].label
            lines.append(f"<tr><td>{stage}</td><td>{score}</td>"
                         f"<td>{html.escape(str(step['by']))}</td><td>{_when(step['at'])}</td>"
                         f"<td>{html.escape(str(step['comment'] or ''))}</td></tr>")
        self.history.value = (f"<b>{html.escape(r.unit_name)} — tiêu chí {html.escape(r.code)}</b>"
                              "<table><tr><th>Bước</th><th>Điểm</th><th>Người</th><th>Thời điểm</th>"
                              "<th>Nhận xét / giải trình</th></tr>" + "".join(lines) + "</table>")

    # -- actions -------------------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save every changed row; True when nothing is left unsaved."""
        entries, editors = [], {}
        invalid = 0
        for editor in self.dirty:
            entry = editor.entry()
            if isinstance(entry, str):
                editor.show_error(entry)
                invalid += 1
            elif editor.unchanged(entry):
                editor.reset()
            else:
                entries.append(entry)
                editors[(entry.unit, entry.code)] = editor
        try:
            result = self.ws.save(entries, stage=self.stage.value)
        except (GradebookError, ActorError) as exc:  # a full, read-only, missing or damaged gradebook, or a role
            # this account does not hold: nothing was saved
            self.message.value = (f"<b style='color:#c00'>{html.escape(str(exc))}</b> Các điểm đã nhập vẫn được giữ "
                                  "nguyên trên bảng.")
            return False
        for unit, code, _id in result.saved:
            editors[(unit, code)].reset()
        for unit, code, problem in result.invalid:
            editors[(unit, code)].show_error(problem)
        for unit, code, current in result.conflicts:
            editor = editors[(unit, code)]
            if editor.blind:  # someone else appraised it a second time meanwhile: no score is shown
                editor.show_error("người khác vừa thẩm định lần 2 tiêu chí này; bấm Tải lại")
                continue
            editor.status.value = (
                f"<span style='color:#c00'>✖ {html.escape(self.ws.name_of(current.get('evaluator', '?')))} vừa lưu "
                f"{vn.points(current.get('score'))} lúc {_when(current.get('created_at', ''))}; "
                "xem lại rồi bấm Lưu lần nữa để ghi quyết định của bạn</span>")
        left = invalid + len(result.invalid) + len(result.conflicts)
        self.refresh(None if self.mode.value == "unit" else sorted({u for u, _, _ in result.saved}))
        self.message.value = (f"Đã lưu {len(result.saved)} tiêu chí." + (
            f" <b style='color:#c00'>{left} tiêu chí chưa lưu được — xem thông báo ở từng dòng.</b>" if left else "")
            + (f" <b style='color:#b35900'>⚠ {html.escape(result.warning)}</b>" if result.warning else ""))
        return left == 0

    def _reload(self) -> None:
        if self.dirty:
            self.message.value = "<b style='color:#b35900'>Hãy lưu hoặc bỏ các thay đổi trước khi tải lại.</b>"
            return
        self.ws.reload()
        self.render()

    def record_explanation(self) -> None:
        """Record the unit's explanation for the criterion whose history is shown."""
        editor = self._target
        if editor is None:
            self.message.value = ("<b style='color:#c00'>Chọn \"Lịch sử\" của một tiêu chí trước khi ghi giải "
                                  "trình.</b>")
            return
        raw = self.explain_score.value.strip()
        requested = parse_number(raw) if raw else None
        if raw and requested is None:
            self.message.value = f"<b style='color:#c00'>Điểm xin \"{html.escape(raw)}\" không phải là số.</b>"
            return
        try:
            self.ws.record_explanation(editor.row.unit, editor.row.code, requested, self.explain_text.value)
        except KitError as exc:
            self.message.value = f"<b style='color:#c00'>{html.escape(str(exc))}</b>"
            return
        self.explain_text.value = self.explain_score.value = ""
        self.message.value = "Đã ghi nhận giải trình; hội đồng quyết định ở bước \"Quyết định cuối\"."
        self.show_history(editor)
        self.refresh()
