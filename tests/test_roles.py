"""Roles checked by the kit itself (the SQLite guarantee): each act is checked where it is recorded. The login is
set through kit.app.actor's seam (``signed_in``), never typed."""

from __future__ import annotations

import pytest

from kit.app.actor import signed_in
from kit.app.appraisal import Entry, Workspace
from kit.app.audit import verify
from kit.app.progress import team_progress
from kit.app.year import load_year
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.core.errors import ActorError
from kit.core.vocab import Stage
from kit.store.gradebook import Decision

ACCOUNTS = """\
Tài khoản,Họ tên,Chức vụ,Vai trò
lan.nt,Nguyễn Thị Lan,Chuyên viên,thẩm định
minh.tv,Trần Văn Minh,Chuyên viên,thẩm định
bao.pq,Phạm Quốc Bảo,Chuyên viên chính,thẩm định
ha.ln,Lê Ngọc Hà,Thư ký Hội đồng,thư ký
hung.vv,Võ Văn Hùng,Thành viên Hội đồng,hội đồng
tam.hm,Huỳnh Minh Tâm,Cán bộ vận hành,vận hành
"""
# round 1: Lan the unit U1, Minh the unit U2 (by name: resolved to his account); round 2: Bảo the whole group A
ASSIGNMENTS = ("Năm,Cán bộ thẩm định,Mã đơn vị,Nhóm,Lượt\n2024,lan.nt,U1,,1\n2024,Trần Văn Minh,U2,,1\n"
               "2024,bao.pq,,A,2\n")


@pytest.fixture
def office(tiny, book):
    """The tiny campaign with its forms (``book``), an account registry and assignments."""
    (tiny.root / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tiny.root / "assignments.csv").write_text(ASSIGNMENTS, encoding="utf-8")
    with (tiny.root / "campaign.yml").open("a", encoding="utf-8") as f:
        f.write("second_appraisal: {share: 1.0}\n")
    return load_campaign(tiny.root)


def _as(login, campaign, gb):
    with signed_in(login):
        return Workspace.open(campaign, 2024, gb)


def test_an_evaluator_saves_only_on_their_assignment_and_is_told_whose_it_is(office, book):
    lan = _as("lan.nt", office, book)
    done = lan.save([Entry("U1", "1.1", 2.0), Entry("U2", "1.1", 2.0)])
    assert [(u, c) for u, c, _ in done.saved] == [("U1", "1.1")]
    assert done.invalid == [("U2", "1.1", "Tiêu chí 1.1 của đơn vị Đơn vị Hai (U2) được giao cho Trần Văn Minh "
                                          "(minh.tv), không phải cho bạn (Nguyễn Thị Lan); không lưu điểm của bạn")]
    assert book.history(2024)["evaluator"].tolist() == ["lan.nt"]
    unassigned = lan.save([Entry("U3", "1.1", 2.0)])  # nobody was given U3 in round 1
    assert "chưa được giao cho ai" in unassigned.invalid[0][2] and "thư ký hội đồng" in unassigned.invalid[0][2]
    # the second appraisal of group A is Bảo's: Minh may not make it, even on a criterion he did not appraise
    refused = _as("minh.tv", office, book).save([Entry("U1", "1.1", 2.0)], Stage.SECOND)
    assert "được giao cho Phạm Quốc Bảo (bao.pq)" in refused.invalid[0][2]
    assert _as("bao.pq", office, book).save([Entry("U1", "1.1", 0.0, comment="Thiếu")], Stage.SECOND).saved


def test_a_second_appraisals_comment_stays_out_of_the_shared_library(office, book):
    """The library is offered to every evaluator: a second appraisal's words there would show a blind appraisal's
    verdict to the first evaluator before reconciliation."""
    _as("lan.nt", office, book).save([Entry("U1", "1.1", 2.0, comment="Đủ hồ sơ")])
    assert _as("bao.pq", office, book).save([Entry("U1", "1.1", 0.0, comment="Thiếu quyết định")],
                                            Stage.SECOND).saved
    assert book.comments() == ["Đủ hồ sơ"]

def test_the_secretary_decides_explanations_and_reconciles_and_appraises_nothing(office, book):
    _as("lan.nt", office, book).save([Entry("U1", "1.3", 0.5, comment="Thiếu tin bài")])
    _as("bao.pq", office, book).save([Entry("U1", "1.3", 1.5)], Stage.SECOND)
    ha = _as("ha.ln", office, book)
    with pytest.raises(ActorError, match="ha.ln.*không có vai trò \"cán bộ thẩm định\""):
        ha.save([Entry("U1", "1.1", 2.0)])
    row = ha.rows["U1"]["1.3"]
    assert ha.save([Entry("U1", "1.3", 1.0, comment="Đạt một phần", base_id=row.current["id"])],
                   Stage.RECONCILIATION).saved
    ha.record_explanation("U1", "1.3", 1.5, "Bổ sung tin bài")
    assert ha.save([Entry("U1", "1.3", 1.25, comment="Chấp nhận một phần", base_id=row.current["id"])],
                   Stage.FINAL).saved
    assert book.history(2024, "U1", "1.3")[["stage", "evaluator"]].values.tolist() == [
        ["appraisal", "lan.nt"], ["second", "bao.pq"], ["reconciliation", "ha.ln"], ["explanation", "ha.ln"],
        ["final", "ha.ln"]]
    lan = _as("lan.nt", office, book)
    for act in (lambda: lan.save([Entry("U1", "1.3", 1.0, comment="x")], Stage.RECONCILIATION),
                lambda: lan.record_explanation("U1", "1.3", 2.0, "x")):
        with pytest.raises(ActorError, match="thư ký hội đồng"):
            act()
    assert [s["by"] for s in lan.history("U1", "1.3")[1:]] == ["Nguyễn Thị Lan", "Phạm Quốc Bảo", "Lê Ngọc Hà",
                                                               "Lê Ngọc Hà", "Lê Ngọc Hà"]  # shown by họ tên


def test_a_council_member_records_nothing(office, book):
    hung = _as("hung.vv", office, book)
    assert hung.unit_rows("U1")  # reads
    for stage in Stage:
        with pytest.raises(ActorError, match="hung.vv"):
            hung.save([Entry("U1", "1.1", 2.0, comment="x")], stage)
    with pytest.raises(ActorError):
        hung.record_explanation("U1", "1.1", 2.0, "x")
    assert book.count() == 0


def test_who_is_working_on_what(office, book, capsys):
    _as("lan.nt", office, book).save([Entry("U1", c, 2.0) for c in ("1.1", "1.2")])
    _as("minh.tv", office, book).save([Entry("U2", "1.1", 2.0)])
    table = team_progress(load_year(office, 2024, gradebook=book))
    got = {(r.evaluator, r.name, r.round): (r.given, r.done, r.left) for r in table.itertuples()}
    # 5 judged criteria per unit (2.1 is a survey: judged by nobody); round 2: group A's 10, all sampled
    assert got[("lan.nt", "Nguyễn Thị Lan", 1)] == (6, 2, 4) and got[("minh.tv", "Trần Văn Minh", 1)] == (6, 1, 5)
    assert got[("bao.pq", "Phạm Quốc Bảo", 2)][1:] == (0, got[("bao.pq", "Phạm Quốc Bảo", 2)][0])
    assert got[("", "", 1)] == (5, 0, 5)  # U3, given to nobody
    assert _as("lan.nt", office, book).my_progress() == (2, 6)
    with signed_in("hung.vv"):  # any account reads it
        assert main(["progress", "--year", "2024", "--campaign", str(office.root)]) == 0
    out = capsys.readouterr().out
    assert "Nguyễn Thị Lan (lan.nt)" in out and "Trần Văn Minh (minh.tv)" in out and "(chưa phân công)" in out


def test_operator_commands_need_the_operator_role_and_a_known_login(office, capsys):
    args = ["check", "--campaign", str(office.root)]
    with signed_in("lan.nt"):
        assert main(args) == 2
    assert "lan.nt" in capsys.readouterr().err
    with signed_in("khach"):
        assert main(args) == 2
    assert "\"khach\" không có trong danh sách tài khoản" in capsys.readouterr().err
    with signed_in("tam.hm"):
        assert main(args) in (0, 1)  # ran: its exit status is the forms' (the check's own business)
    assert "Traceback" not in capsys.readouterr().err


def test_kit_demo_acts_as_the_demos_operator_and_says_so(office, capsys, tmp_path):
    with signed_in("khach"):  # whoever runs the demo (a CI job) is not in its registry
        assert main(["demo", "--no-render", "--quiet", "--campaign", str(office.root), "--reports",
                     str(tmp_path)]) in (0, 1)
    assert "tài khoản vận hành của dữ liệu minh họa, Huỳnh Minh Tâm (tam.hm)" in capsys.readouterr().out
    (office.root / "campaign.yml").write_text((office.root / "campaign.yml").read_text(encoding="utf-8")
                                              .replace("demo: true", "demo: false"), encoding="utf-8")
    with signed_in("khach"):  # a real campaign: the login acts, as in every command
        assert main(["demo", "--no-render", "--quiet", "--campaign", str(office.root)]) == 2


def test_the_audit_lists_acts_by_account_with_their_names(office, book):
    _as("lan.nt", office, book).save([Entry("U1", "1.1", 2.0), Entry("U1", "1.2", 2.0)])
    book.record(Decision(2024, "U1", "1.3", "appraisal", 1.0, "Người Gõ Tên", "ghi ngoài kit"))
    found = verify(office, book)
    assert "    Nguyễn Thị Lan (lan.nt): 2 thẩm định" in found.authors
    assert "    Người Gõ Tên: 1 thẩm định — KHÔNG có trong danh sách tài khoản" in found.authors
    assert "Người ghi (theo tài khoản):" in found.format()
