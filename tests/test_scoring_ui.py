"""The scoring panel driven as an evaluator would, without a browser. Who works is the login, set through
kit.app.actor's seam (``signed_in``); without a registry each login acts alone under its own name."""

import re

from kit.app.actor import signed_in
from kit.app.appraisal import Entry, Workspace
from kit.config.campaign import load_campaign
from kit.core.vocab import Stage
from kit.ui.scoring_panel import NA_CHOICE, AppraisalPanel
from tests.helpers import GOOD, fill_form

ACCOUNTS = ("Tài khoản,Họ tên,Chức vụ,Vai trò\nlan.nt,Nguyễn Thị Lan,Chuyên viên,thẩm định\n"
            "ha.ln,Lê Ngọc Hà,Thư ký Hội đồng,thư ký\nhung.vv,Võ Văn Hùng,Thành viên Hội đồng,hội đồng\n")


def panel(tiny, book, login="Nguyễn Thị Lan", campaign=None):
    with signed_in(login):
        return AppraisalPanel(Workspace.open(campaign or tiny, 2024, book))


def editor(p, code):
    return next(e for e in p.editors if e.row.code == code)


def test_score_comment_save_is_stored_with_who_and_totals_update(tiny, book):
    (tiny.root / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    p = panel(tiny, book, "lan.nt")
    assert "Đang đăng nhập: <b>Nguyễn Thị Lan (lan.nt) — cán bộ thẩm định</b>" in p.signed_in.value
    assert "Cán bộ:" not in _strings(p.widget) and "Họ tên người thẩm định" not in _strings(p.widget)  # not asked
    assert p.unit.value == "U1" and len(p.editors) == 6
    assert "50 %" in p.totals.value and "đã thẩm định 0/6" in p.totals.value
    e = editor(p, "1.1")
    e.score.value = 0.0
    e.comment.value = "Kế hoạch ban hành sau thời hạn"
    assert e.dirty and "chưa lưu" in e.status.value
    p.save_button.click()
    hist = book.history(2024, "U1", "1.1")
    assert hist[["stage", "score", "evaluator", "comment"]].values.tolist() == [
        ["appraisal", 0.0, "lan.nt", "Kế hoạch ban hành sau thời hạn"]]  # the account is recorded
    assert hist["created_at"].iloc[0] and not e.dirty and "Nguyễn Thị Lan" in e.status.value  # the name is shown
    assert "30 %" in p.totals.value and "đã thẩm định 1/6" in p.totals.value
    assert "Kế hoạch ban hành sau thời hạn" in book.comments()


def test_only_allowed_values_and_invalid_input_is_kept(tiny, book):
    p = panel(tiny, book)
    assert [v for _, v in editor(p, "1.1").score.options] == [None, 2.0, 0.0]
    assert [v for _, v in editor(p, "1.2").score.options] == [None, 2.0, 1.0, 0.0, NA_CHOICE]
    judge = editor(p, "1.3")
    judge.score.value = "nhiều"
    deduction = editor(p, "1.5")
    deduction.score.value = "-3"
    ok = editor(p, "1.4")
    ok.score.value = "0,5"
    p.save_button.click()
    assert book.history(2024, "U1")[["code", "score"]].values.tolist() == [["1.4", 0.5]]
    assert judge.score.value == "nhiều" and judge.dirty and "không phải là số" in judge.status.value
    assert deduction.dirty and "-1 đến 0" in deduction.status.value
    assert "2 tiêu chí chưa lưu được" in p.message.value


def test_a_council_member_reads_but_saves_nothing_and_nothing_typed_is_lost(tiny, book):
    (tiny.root / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    p = panel(tiny, book, "hung.vv")
    assert "Võ Văn Hùng (hung.vv) — thành viên hội đồng" in p.signed_in.value and len(p.editors) == 6
    editor(p, "1.3").score.value = "1"
    editor(p, "1.3").comment.value = "Chỉ có 6 tin bài"
    assert p.save() is False
    assert book.count() == 0 and editor(p, "1.3").score.value == "1" and editor(p, "1.3").dirty
    assert "hung.vv" in p.message.value and "không có vai trò &quot;cán bộ thẩm định&quot;" in p.message.value


def test_leaving_a_unit_with_unsaved_changes_asks_first(tiny, book):
    p = panel(tiny, book)
    editor(p, "1.3").score.value = "1,5"
    p.unit.value = "U2"
    assert p.unit.value == "U1" and p.pending_box.layout.display == "" and "chưa lưu" in p.message.value
    p.keep_button.click()
    assert p.unit.value == "U1" and editor(p, "1.3").score.value == "1,5"
    p.unit.value = "U2"
    p.save_go_button.click()
    assert p.unit.value == "U2" and book.history(2024, "U1")["score"].tolist() == [1.5]
    editor(p, "1.3").score.value = "2"
    p.unit.value = "U1"
    p.discard_button.click()
    assert p.unit.value == "U1" and book.count() == 1


def test_conflicting_saves_are_refused_then_explicit(tiny, book):
    a, b = panel(tiny, book, "Lan"), panel(tiny, book, "Minh")  # two logins (no registry: their names)
    editor(a, "1.3").score.value = "1"
    editor(a, "1.3").comment.value = "Thiếu kiểm chứng"
    editor(b, "1.3").score.value = "2"
    a.save_button.click()
    b.save_button.click()
    assert book.history(2024, "U1", "1.3")["score"].tolist() == [1.0]
    assert "Lan vừa lưu 1" in editor(b, "1.3").status.value and editor(b, "1.3").dirty
    b.save_button.click()  # seen it, saves deliberately: both stay in history
    assert book.history(2024, "U1", "1.3")[["score", "evaluator"]].values.tolist() == [[1.0, "Lan"], [2.0, "Minh"]]


def test_reopening_resumes_where_the_evaluator_stopped(tiny, book):
    p = panel(tiny, book)
    p.group.value = "B"
    assert p.unit.value == "U3"
    again = panel(tiny, book)
    assert (again.group.value, again.unit.value) == ("B", "U3")
    other = panel(tiny, book, "Người khác")
    assert (other.group.value, other.unit.value) == ("A", "U1")


def test_one_criterion_across_the_group(tiny, book):
    p = panel(tiny, book)
    p.mode.value = "criterion"
    p.criterion.value = "1.1"
    assert [e.row.unit for e in p.editors] == ["U1", "U2"]
    for e in p.editors:
        e.score.value = 2.0
    p.save_button.click()
    assert sorted(book.latest(2024)["unit"]) == ["U1", "U2"] and "U2" in p.totals.value


def test_fill_proposals_then_save(tiny, book):
    p = panel(tiny, book)
    p.fill_button.click()
    assert editor(p, "1.1").score.value == 2.0 and editor(p, "1.5").score.value == "-0,5"
    p.save_button.click()
    assert book.latest(2024)["code"].tolist() == ["1.1", "1.2", "1.3", "1.4", "1.5"]  # survey has no value yet


def test_explanation_round_history(tiny, book):
    p = panel(tiny, book)
    e = editor(p, "1.3")
    e.score.value = "0,5"
    e.comment.value = "Thiếu tài liệu kiểm chứng"
    p.save_button.click()
    e = editor(p, "1.3")
    e.history_button.click()
    p.explain_score.value = "1,5"
    p.explain_text.value = "Bổ sung 8 tin bài trên Trang thông tin điện tử"
    p.explain_button.click()
    assert "giải trình chờ quyết định 1" in p.totals.value
    p.render()
    e = editor(p, "1.3")
    assert "Giải trình chờ quyết định" in e.info.value
    p.stage.value = Stage.FINAL
    e.score.value = "1,25"
    e.comment.value = "Hội đồng chấp nhận một phần"
    p.save_button.click()
    e.history_button.click()
    for text in ("Tự chấm", "Thẩm định", "Giải trình", "Quyết định cuối", "Bổ sung 8 tin bài", "1,25"):
        assert text in p.history.value
    assert book.history(2024, "U1", "1.3")["stage"].tolist() == ["appraisal", "explanation", "final"]
    assert p.ws.unit_totals("U1")["open_explanations"] == 0


def test_resubmission_after_appraisal_needs_review(tiny, book):
    p = panel(tiny, book)
    editor(p, "1.1").score.value = 2.0
    p.save_button.click()
    fill_form(tiny.submissions_dir(2024) / "U1_2024.xlsx", {"1.1": {**GOOD["1.1"], "evidence": "KH số 9, bản mới"}})
    again = panel(tiny, book)
    assert editor(again, "1.1").row.needs_review and "cần xem lại" in editor(again, "1.1").info.value
    assert "cần xem lại 1" in again.totals.value
    assert book.latest(2024)["score"].tolist() == [2.0]  # re-reading never overwrote the decision


def test_unit_text_is_escaped(tiny, book):
    fill_form(tiny.submissions_dir(2024) / "U1_2024.xlsx", {"1.1": {**GOOD["1.1"], "evidence": "<script>x()</script>"}})
    p = panel(tiny, book)
    assert "<script>" not in editor(p, "1.1").info.value and "&lt;script&gt;" in editor(p, "1.1").info.value


def test_lowering_a_self_score_needs_a_reason(tiny, book):
    p = panel(tiny, book)
    e = editor(p, "1.3")  # self score 1.5
    e.score.value = "0,5"
    p.save_button.click()
    assert book.count() == 0 and "phải ghi nhận xét" in e.status.value and e.score.value == "0,5"
    e.comment.value = "Không có tin bài nào trong năm"
    p.save_button.click()
    assert book.history(2024, "U1", "1.3")["comment"].tolist() == ["Không có tin bài nào trong năm"]


def test_signing_in_again_resumes_where_one_stopped(tiny, book):
    first = panel(tiny, book, "Lê Hà")
    first.unit.value = "U2"  # works on U2, then closes the notebook
    assert panel(tiny, book, "Người khác").unit.value == "U1"  # another login starts at the first unit
    assert panel(tiny, book, "Lê Hà").unit.value == "U2"  # the same login is back where it stopped


def test_save_then_move_confirms_the_save(tiny, book):
    p = panel(tiny, book)
    e = editor(p, "1.3")
    e.score.value = "1,5"
    e.comment.value = "Thiếu một số tin bài"
    p.unit.value = "U2"  # unsaved: the panel asks first
    assert p.unit.value == "U1" and p.pending_box.layout.display == ""
    p.save_go_button.click()
    assert p.unit.value == "U2" and "Đã lưu 1 tiêu chí" in p.message.value
    assert book.history(2024, "U1", "1.3")["score"].tolist() == [1.5]


def test_progress_follows_saves_without_recounting(tiny, book):
    p = panel(tiny, book)
    before = p.ws.group_progress("A")
    e = editor(p, "1.1")
    e.score.value = 2.0
    p.save_button.click()
    e.score.value = 0.0  # a second decision on the same criterion: still one criterion reviewed
    e.comment.value = "Ban hành muộn"
    p.save_button.click()
    assert p.ws.group_progress("A") == (before[0] + 1, before[1], 0, before[3])
    fresh = Workspace.open(tiny, 2024, book)  # counted again from the gradebook: the same
    assert fresh.group_progress("A") == p.ws.group_progress("A")
    assert "Tiến độ nhóm: <b>1/12</b>" in p.progress.value


# -- the independent second appraisal: blind to the first --------------------------------------------------
SECRET = "Ghi chú riêng của lần một"  # the first evaluator's comment
FIRST_SCORE = re.compile(r"(?<![\d,.])0[,.]75(?![\d])")  # the first appraisal of 1.3 (self 1,5, proposal 1,5)


def _strings(widget) -> list[str]:
    """Every text a widget tree shows, offers or holds: values, options, descriptions, placeholders, tooltips."""
    found = []
    for name in ("value", "description", "placeholder", "tooltip", "options", "_options_labels"):
        value = getattr(widget, name, None)
        if isinstance(value, str | int | float):
            found.append(str(value))
        elif isinstance(value, list | tuple):
            found.extend(str(v) for v in value)
    for child in getattr(widget, "children", ()):
        found.extend(_strings(child))
    return found


def _sampled(tiny, book, share="1.0", assignments=""):
    with (tiny.root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write(f"second_appraisal: {{share: {share}}}\n")
    if assignments:
        (tiny.root / "assignments.csv").write_text(assignments, encoding="utf-8")
    return load_campaign(tiny.root)


def test_the_second_appraisal_never_shows_the_first(tiny, book):
    camp = _sampled(tiny, book)
    lan = panel(tiny, book, "Nguyễn Thị Lan", camp)
    e = editor(lan, "1.3")
    e.score.value = "0,75"
    e.comment.value = SECRET
    lan.save_button.click()
    assert book.history(2024, "U1", "1.3")["stage"].tolist() == ["appraisal"]

    bao = panel(tiny, book, "Phạm Quốc Bảo", camp)
    bao.stage.value = Stage.SECOND
    assert bao.blind and [e.row.code for e in bao.editors] == ["1.1", "1.2", "1.3", "1.4", "1.5"]  # no survey
    blind = editor(bao, "1.3")
    blind.history_button.click()
    bao.fill_button.click()  # the proposal fill: the automatic proposal (1,5), never the first score
    assert blind.score.value == "1,5"
    shown = "\n".join(_strings(bao.widget))
    assert not FIRST_SCORE.search(shown), shown
    for leak in (SECRET, "Nguyễn Thị Lan", "cần xem lại"):
        assert leak not in shown
    assert "Tự chấm" in bao.history.value and "ẩn" in bao.totals.value
    # saved as a second opinion: counted nowhere, the first appraisal still counts
    blind.score.value = "1,75"
    for other in bao.editors:
        if other is not blind:
            other.reset()
    bao.save_button.click()
    assert "Đã lưu 1 tiêu chí" in bao.message.value
    assert book.history(2024, "U1", "1.3")["stage"].tolist() == ["appraisal", "second"]
    assert Workspace.open(camp, 2024, book).rows["U1"]["1.3"].current["score"] == 0.75
    blind.history_button.click()
    shown = "\n".join(_strings(bao.widget))
    assert "1,75" in bao.history.value and not FIRST_SCORE.search(shown) and SECRET not in shown
    # the first evaluator never appraises the same criterion a second time
    lan.stage.value = Stage.SECOND
    assert "1.3" not in [e.row.code for e in lan.editors]
    refused = lan.ws.save([Entry("U1", "1.3", 1.0, comment="x")], stage=Stage.SECOND)
    assert "lần 1" in refused.invalid[0][2]


def test_reconciliation_shows_both_needs_a_reason_and_counts(tiny, book):
    camp = _sampled(tiny, book)
    with signed_in("Lan"):
        Workspace.open(camp, 2024, book).save([Entry("U1", "1.3", 0.75, comment=SECRET)])
    with signed_in("Bảo"):
        Workspace.open(camp, 2024, book).save([Entry("U1", "1.3", 1.5)], stage=Stage.SECOND)
    council = panel(tiny, book, "Thư ký", camp)
    council.stage.value = Stage.RECONCILIATION
    assert [e.row.code for e in council.editors] == ["1.3"]
    e = council.editors[0]
    assert "0,75" in e.info.value and "1,5" in e.info.value and "Bảo" in e.info.value
    e.score.value = "1,25"
    council.save_button.click()
    assert "lý do" in e.status.value and e.dirty
    e.comment.value = "Đối chiếu biên bản: đạt một phần"
    council.save_button.click()
    assert book.history(2024, "U1", "1.3")["stage"].tolist() == ["appraisal", "second", "reconciliation"]
    assert Workspace.open(camp, 2024, book).rows["U1"]["1.3"].current["score"] == 1.25  # the reconciled score counts


def test_an_evaluator_sees_their_own_queue_first(tiny, book):
    camp = _sampled(tiny, book, share="0.5", assignments=(
        "Năm,Cán bộ thẩm định,Mã đơn vị,Nhóm,Lĩnh vực,Lượt\n2024,Trần Văn Minh,U2,,,1\n2024,Lê Hà,,A,1,1\n"))
    minh = panel(tiny, book, "Trần Văn Minh", camp)
    assert [v for _, v in minh.unit.options] == ["U2", "U1"] and minh.unit.options[0][0].startswith("★ U2")
    assert "Việc được giao cho bạn: <b>0/6</b>" in minh.progress.value
    other = panel(tiny, book, "Người khác", camp)
    assert [v for _, v in other.unit.options] == ["U1", "U2"]
    ha = panel(tiny, book, "Lê Hà", camp)
    assert ha.ws.my_progress() == (0, 10)  # area 1 (five criteria) of both units of group A


def test_moving_between_units_closes_the_rows_it_leaves(tiny, book):
    """Each unit shown built its rows' widgets anew and never closed the old ones: on the demo, 20 moves left
    16,000 widget models alive in the kernel and the browser, slowing both through an evaluator's day."""
    from ipywidgets.widgets.widget import _instances

    p = panel(tiny, book)
    p.unit.value, p.unit.value = "U2", "U1"
    alive = len(_instances)
    for _ in range(5):
        p.unit.value, p.unit.value = "U2", "U1"
    assert len(_instances) == alive
    assert all(e.box.comm is not None for e in p.editors)  # the rows shown are still open


def test_a_committed_save_is_shown_saved_when_the_ledger_file_cannot_be_written(tiny, book, monkeypatch):
    """A full local folder after the gradebook committed: the panel said nothing and the retry reported a conflict
    with the evaluator's own save (issue 27)."""
    import errno

    from kit.core import atomic

    def full(path, text):
        raise atomic.storage_error(OSError(errno.ENOSPC, "No space left on device"), path)

    p = panel(tiny, book, "Lan")
    editor(p, "1.3").score.value = "1"
    editor(p, "1.3").comment.value = "Thiếu kiểm chứng"
    monkeypatch.setattr("kit.store.ledger.write_text", full)
    assert p.save() is True
    assert book.history(2024, "U1", "1.3")["score"].tolist() == [1.0]
    assert not editor(p, "1.3").dirty and "Đã lưu 1 tiêu chí" in p.message.value
    assert "ổ đĩa đã đầy" in p.message.value and "lần lưu sau" in p.message.value
    monkeypatch.undo()
    editor(p, "1.3").score.value = "1,5"  # the next save is no conflict with the evaluator's own
    assert p.save() is True and book.history(2024, "U1", "1.3")["score"].tolist() == [1.0, 1.5]
