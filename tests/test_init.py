"""kit init: a new campaign from flags or questions, an official unit list, frameworks carried forward by key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from kit.app.init.unit_list import derive_code, kind_of_name, read_unit_list
from kit.cli import main
from kit.config.campaign import load_campaign
from kit.config.framework import load_framework
from tests.helpers import DEMO

BASE = ["--name", "Phong trào thi đua CCHC tỉnh Bình An 2026–2030", "--body", "Sở Nội vụ", "--parent",
        "UBND tỉnh Bình An", "--place", "Bình An", "--years", "2026-2030"]
DEMO_GROUPS = ["--group", "CQ=Cơ quan chuyên môn", "--group", "XA=UBND xã, phường", "--group", "NG=Cơ quan ngành dọc"]
GROUPS = {"XA": "UBND xã, phường", "SO": "Sở, ban, ngành"}


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_flags_write_a_campaign_that_loads_checks_and_gets_forms(tmp_path, capsys):
    folder = tmp_path / "moi"
    assert main(["init", str(folder), *BASE, "--bands", "Tốt=80,Khá=50,Kém=0", "--deadline", "submission=12-10"]) == 0
    campaign = load_campaign(folder)
    assert campaign.years == [2026, 2027, 2028, 2029, 2030] and list(campaign.groups) == ["XA", "SO"]
    assert [b.name for b in campaign.bands(2026)] == ["Tốt", "Khá", "Kém"]
    assert str(campaign.deadline(2027)) == "2027-12-10" and str(campaign.deadline(2027, "awards")) == "2028-01-20"
    assert campaign.issuers[0].name == "Sở Nội vụ" and campaign.issuers[0].place == "Bình An"
    text = (folder / "campaign.yml").read_text(encoding="utf-8")
    assert "# Tên phong trào, in ở đầu mọi báo cáo" in text and "# Xếp loại theo tỷ lệ" in text  # for the office
    assert (folder / "gradebook.sqlite").exists()
    capsys.readouterr()
    assert main(["forms", "--campaign", str(folder), "--reports", str(tmp_path / "r"), "--year", "2026"]) == 0
    assert sorted(p.name for p in (tmp_path / "r" / "forms" / "2026").iterdir()) == ["MAUSO_2026.xlsx",
                                                                                   "MAUXA_2026.xlsx"]
    assert main(["check", "--campaign", str(folder), "--year", "2026"]) == 0
    assert "chưa nộp: MAUXA, MAUSO" in capsys.readouterr().out


def test_a_folder_that_holds_anything_is_never_overwritten(tmp_path, capsys):
    folder = tmp_path / "cu"
    folder.mkdir()
    (folder / "ghi-chu.txt").write_text("x", encoding="utf-8")
    assert main(["init", str(folder), *BASE]) == 2
    assert "kit init không ghi đè" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["ghi-chu.txt"]


def test_without_a_terminal_missing_answers_are_named(tmp_path, capsys):
    assert main(["init", str(tmp_path / "moi"), "--name", "X"]) == 2
    assert "Thiếu --body, --place, --years" in capsys.readouterr().err
    assert not (tmp_path / "moi").exists()


def test_in_a_terminal_the_questions_are_asked_in_vietnamese(tmp_path, monkeypatch, capsys):
    units = _csv(tmp_path / "ds.csv", "Tên đơn vị,Nhóm\nVăn phòng HĐND và UBND xã,VP\nPhòng Kinh tế,CC\n")
    answers = iter(["Phong trào thi đua CCHC xã Minh Họa", "UBND xã Minh Họa", "", "Minh Họa", "Tây Ninh", "2026",
                    "VP=Văn phòng; CC=Công chức", "", "", "12-05", "", "", str(units), ""])
    asked: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or next(answers))
    assert main(["init", str(tmp_path / "xa")]) == 0
    campaign = load_campaign(tmp_path / "xa")
    assert campaign.name == "Phong trào thi đua CCHC xã Minh Họa" and campaign.groups == {"VP": "Văn phòng",
                                                                                           "CC": "Công chức"}
    assert campaign.issuers[0].signer == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH" and campaign.province == "Tây Ninh"
    assert str(campaign.deadline(2026)) == "2026-12-05"
    assert [(u.code, u.kind) for u in campaign.units] == [("VPHDNDVAUBNDXA", "van_phong"), ("KINHTE", "phong")]
    assert asked[0] == "Tên phong trào thi đua: " and any("Cơ quan chủ quản" in a for a in asked)


def test_codes_and_kinds_come_from_the_names_and_collisions_are_told_apart(tmp_path):
    path = _csv(tmp_path / "ds.csv", "Tên đơn vị,Loại,Nhóm\nPhường Tân Ninh,,XA\nXã Châu Thành,,UBND xã, phường\n"
                "Sở Văn hóa, Thể thao và Du lịch,,SO\nPhường Tân  Ninh Mới,Phường,XA\nPhường Tân-Ninh Mới,,XA\n"
                "Văn phòng UBND tỉnh,,SO\nThanh tra tỉnh,,SO\n")
    path.write_text(path.read_text(encoding="utf-8").replace("Sở Văn hóa, Thể thao và Du lịch",
                                                             "\"Sở Văn hóa, Thể thao và Du lịch\"")
                    .replace("UBND xã, phường", "\"UBND xã, phường\""), encoding="utf-8")
    found = read_unit_list(path, GROUPS)
    assert found.problems == []
    assert [(u.code, u.kind, u.group) for u in found.units] == [
        ("PTANNINH", "phuong", "XA"), ("XCHAUTHANH", "xa", "XA"), ("SVHTTDL", "so", "SO"),
        ("PTANNINHMOI", "phuong", "XA"), ("PTANNINHMOI2", "phuong", "XA"),
        ("VPUBNDTINH", "van_phong", "SO"), ("TTRTINH", "thanh_tra", "SO")]
    assert found.renamed == ["PTANNINHMOI2 (Phường Tân-Ninh Mới, dòng 6): mã PTANNINHMOI đã dùng cho dòng 5"]
    assert read_unit_list(path, GROUPS).units == found.units  # stable: the same list gives the same codes
    assert kind_of_name("Thị trấn Hòa Thành") == "thi_tran" and derive_code("Xã Minh Họa 01", "xa") == "XMINHHOA01"


def test_the_codes_told_apart_are_reported_in_the_new_folder(tmp_path, capsys):
    path = _csv(tmp_path / "ds.csv", "Tên đơn vị,Nhóm\nXã An Bình,XA\nXã An-Bình,XA\nSở Nội vụ,SO\n")
    assert main(["init", str(tmp_path / "moi"), *BASE, "--units", str(path)]) == 0
    out = capsys.readouterr().out
    assert "XANBINH2 (Xã An-Bình, dòng 3): mã XANBINH đã dùng cho dòng 2" in out
    assert "XANBINH2" in (tmp_path / "moi" / "bao-cao-khoi-tao.txt").read_text(encoding="utf-8")
    assert [u.code for u in load_campaign(tmp_path / "moi").units] == ["XANBINH", "XANBINH2", "SNOIVU"]


def test_every_problem_of_a_unit_list_is_located_at_once_and_nothing_is_written(tmp_path, capsys):
    path = _csv(tmp_path / "ds.csv", "Tên đơn vị,Loại,Nhóm,Mã\nXã An Bình,,XA,\nxã  an bình,,XA,\n"
                "Trung tâm Phục vụ hành chính công,,SO,\nPhường Một,Hợp tác xã,XA,\nSở Tư pháp,,Sở ngành,\n"
                "Sở Y tế,,SO,CON\nSở Xây dựng,,SO,SXD/1\n")
    assert main(["init", str(tmp_path / "moi"), *BASE, "--units", str(path)]) == 2
    err = capsys.readouterr().err
    assert "không ghi tệp nào" in err
    lines = [line for line in err.splitlines() if "UNIT_LIST_INVALID" in line]
    assert len(lines) == 6
    assert "ds.csv, dòng 3, cột A (Tên đơn vị): \"xã an bình\" trùng tên với dòng 2" in lines[0]
    assert "dòng 4, cột B (Loại): không suy ra được loại của \"Trung tâm Phục vụ hành chính công\"" in lines[1]
    assert "dòng 5, cột B (Loại): loại \"Hợp tác xã\" của Phường Một không có" in lines[2]
    assert "dòng 6, cột C (Nhóm): nhóm \"Sở ngành\" không có trong đợt thi đua" in lines[3]
    assert "dòng 7, cột D (Mã): mã \"CON\" của Sở Y tế không đặt được tên tệp" in lines[4]
    assert "dòng 8, cột D (Mã): mã \"SXD/1\"" in lines[5]
    assert not (tmp_path / "moi").exists() and [p.name for p in tmp_path.iterdir()] == ["ds.csv"]


def test_an_excel_list_is_read_like_a_csv(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐƠN VỊ"])
    ws.append(["STT", "Tên đơn vị", "Loại", "Nhóm"])
    ws.append([1, "Phường Bình Minh", None, "XA"])
    ws.append([2, "Ban Quản lý Khu kinh tế", None, "SO"])
    wb.save(tmp_path / "ds.xlsx")
    found = read_unit_list(tmp_path / "ds.xlsx", GROUPS)
    assert [(u.code, u.kind, u.row) for u in found.units] == [("PBINHMINH", "phuong", 3), ("BQLKKT", "ban", 4)]


def _demo_copy(tmp_path: Path) -> Path:
    old = tmp_path / "cu"
    (old / "criteria").mkdir(parents=True)
    for path in (DEMO / "criteria").glob("2025-*.yml"):
        shutil.copy(path, old / "criteria" / path.name)
    return old


def test_the_demo_frameworks_are_carried_by_key_into_every_new_year_and_group(tmp_path, capsys):
    assert main(["init", str(tmp_path / "moi"), *BASE, *DEMO_GROUPS, "--frameworks-from", str(DEMO),
                 "--year", "2025"]) == 0
    campaign = load_campaign(tmp_path / "moi")
    for group in ("CQ", "XA", "NG"):
        old, _ = load_framework(DEMO, 2025, group)
        assert old is not None
        for year in campaign.years:
            new = campaign.framework(year, group)
            assert [c.key for c in new.criteria] == [c.key for c in old.criteria]  # every key, in order
            assert {c.key: (c.content, c.type, c.max, c.tiers, c.applies_to, c.not_for) for c in new.criteria} == \
                {c.key: (c.content, c.type, c.max, c.tiers, c.applies_to, c.not_for) for c in old.criteria}
            assert new.total == old.total and str(year) in new.title and "2025" not in new.title
    out = capsys.readouterr().out
    assert "Nhóm CQ (Cơ quan chuyên môn): mang sang" in out
    assert "mang sang" in (tmp_path / "moi" / "bao-cao-khoi-tao.txt").read_text(encoding="utf-8")


def test_a_renumbered_criterion_keeps_its_key(tmp_path, capsys):
    old = _demo_copy(tmp_path)
    path = old / "criteria" / "2025-CQ.yml"
    text = path.read_text(encoding="utf-8")
    assert "- code: '1.2'\n    key: kh_thi_dua" in text
    path.write_text(text.replace("- code: '1.2'\n    key: kh_thi_dua", "- code: '1.9'\n    key: kh_thi_dua"),
                    encoding="utf-8")
    assert main(["init", str(tmp_path / "moi"), *BASE, *DEMO_GROUPS, "--frameworks-from", str(old),
                 "--year", "2025"]) == 0
    new = load_campaign(tmp_path / "moi").framework(2026, "CQ").by_code()
    assert new["1.2"].key == "kh_thi_dua" and "1.9" not in new
    assert "đánh số lại: 1.9 → 1.2 (khóa kh_thi_dua" in capsys.readouterr().out


def test_criteria_only_for_kinds_the_new_campaign_lacks_are_dropped_and_reported(tmp_path, capsys):
    units = _csv(tmp_path / "ds.csv", "Tên đơn vị,Loại,Nhóm\nPhường Tân Ninh,,XA\nPhường Bình Minh,,XA\n"
                 "Phòng Nội vụ,,CQ\nCông an tỉnh,nganh_doc,NG\n")
    assert main(["init", str(tmp_path / "moi"), *BASE, *DEMO_GROUPS, "--units", str(units),
                 "--frameworks-from", str(DEMO), "--year", "2025"]) == 0
    fw = load_campaign(tmp_path / "moi").framework(2026, "XA")
    old, _ = load_framework(DEMO, 2025, "XA")
    assert old is not None
    assert "to_cnsc" not in {c.key for c in fw.criteria} and "do_thi_thong_minh" in {c.key for c in fw.criteria}
    assert fw.total == old.total - old.criteria[[c.key for c in old.criteria].index("to_cnsc")].max
    assert "bỏ (chỉ áp dụng cho Xã, Thị trấn, đợt mới không có đơn vị loại này)" in capsys.readouterr().out


def test_keys_that_collide_in_the_old_framework_are_located_and_nothing_is_written(tmp_path, capsys):
    old = _demo_copy(tmp_path)
    path = old / "criteria" / "2025-XA.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("key: kh_thi_dua", "key: kh_cchc", 1), encoding="utf-8")
    line = text.splitlines().index("    key: kh_thi_dua")  # the criterion's mapping starts a line above
    assert main(["init", str(tmp_path / "moi"), *BASE, *DEMO_GROUPS, "--frameworks-from", str(old),
                 "--year", "2025"]) == 2
    err = capsys.readouterr().err
    assert f"[LỖI FRAMEWORK_KEY_COLLISION] {path}, dòng {line}: Khóa tiêu chí \"kh_cchc\" bị trùng" in err
    assert not (tmp_path / "moi").exists()


def test_frameworks_from_needs_the_old_year(tmp_path, capsys):
    assert main(["init", str(tmp_path / "moi"), *BASE, "--frameworks-from", str(DEMO)]) == 2
    assert "--frameworks-from cần --year" in capsys.readouterr().err


@pytest.mark.parametrize("flags, words", [
    (["--years", "2030-2026"], "Các năm \"2030-2026\" không hợp lệ"),
    (["--group", "X-A=Xã"], "Mã nhóm X-A"),
    (["--bands", "Tốt=tám mươi"], "sau dấu = phải là số"),
    (["--deadline", "nop=11-30"], "Hạn \"nop\" không có"),
    (["--deadline", "awards=02-30"], "Hạn awards=\"02-30\": ngày 30 tháng 2 không có"),
    (["--deadline", "awards=02-29"], "ngày 29 tháng 2 chỉ có trong năm nhuận"),
    (["--deadline", "submission=04-31"], "ngày 31 tháng 4 không có"),
    (["--example", "tinh"], "--example tạo sẵn mọi thứ nên không dùng cùng --name"),
])
def test_bad_flags_are_named(tmp_path, capsys, flags, words):
    assert main(["init", str(tmp_path / "moi"), *BASE, *flags]) == 2
    assert words in capsys.readouterr().err


def test_the_forms_guide_speaks_of_the_campaigns_own_units_and_body(tmp_path):
    """The guide sheet of a form named the demo's office (NV_2026.xlsx, "Phòng Nội vụ") in every campaign."""
    from kit.intake.layout import GUIDE_SHEET
    from kit.outputs.forms import build_form

    folder = tmp_path / "moi"
    assert main(["init", str(folder), *BASE]) == 0
    text = (folder / "campaign.yml").read_text(encoding="utf-8")
    (folder / "campaign.yml").write_text(re.sub(r"\ndeadlines:\n(  .*\n)+", "\n", text), encoding="utf-8")
    campaign = load_campaign(folder)
    assert campaign.deadline(2026) is None
    guide = build_form(campaign, campaign.units[0], 2026)[GUIDE_SHEET]
    lines = [str(c.value) for c in guide["A"] if c.value]
    assert "8. Đặt tên tệp bắt đầu bằng mã đơn vị, ví dụ MAUXA_2026.xlsx; ghi ngày gửi ở ô \"Ngày gửi\"." in lines
    assert "9. Hạn gửi: theo văn bản của Sở Nội vụ." in lines


def test_the_current_empty_folder_can_be_the_new_campaign(tmp_path, monkeypatch):
    folder = tmp_path / "moi"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert main(["init", ".", *BASE]) == 0
    assert load_campaign(folder).years[0] == 2026 and sorted(p.name for p in tmp_path.iterdir()) == ["moi"]


def test_an_old_campaign_without_that_years_frameworks_is_named(tmp_path, capsys):
    assert main(["init", str(tmp_path / "moi"), *BASE, *DEMO_GROUPS, "--frameworks-from", str(DEMO),
                 "--year", "2021"]) == 2
    err = capsys.readouterr().err
    assert "Thiếu tệp cấu hình bộ tiêu chí năm 2021 của các nhóm CQ, XA, NG (có: 2022-CQ" in err
    assert main(["init", str(tmp_path / "moi"), *BASE, "--frameworks-from", str(tmp_path / "khong-co"),
                 "--year", "2025"]) == 2
    assert "khong-co không có thư mục criteria/" in capsys.readouterr().err
    assert not (tmp_path / "moi").exists()


def test_a_problem_in_a_column_the_list_lacks_says_which_column_to_add(tmp_path):
    found = read_unit_list(_csv(tmp_path / "ds.csv", "Tên đơn vị,Nhóm\nCông an tỉnh,SO\n"), GROUPS)
    assert [(p.row, p.column) for p in found.problems] == [(2, "Loại (thêm cột này)")]


def test_a_band_with_a_decimal_comma_keeps_it_and_the_yaml_gets_a_point():
    """Bands are separated by ';' or by a comma before a name, so "Khá=72,5" is 72.5 (the prompt's default is written
    the Vietnamese way); campaign.yml gets 72.5, which YAML reads."""
    from kit.app.init.settings import _yaml_number
    from kit.cli.init_cmd import _bands

    assert _bands("Xuất sắc=90,Tốt=72,5,Yếu=0") == [("Xuất sắc", 90.0), ("Tốt", 72.5), ("Yếu", 0.0)]
    assert _bands("Tốt=72,5; Yếu=0") == [("Tốt", 72.5), ("Yếu", 0.0)]
    assert [_yaml_number(x) for x in (90.0, 72.5)] == ["90", "72.5"]


def test_a_configuration_error_names_the_option_not_the_staging_folder(tmp_path, capsys):
    """Bands that overlap were reported against ".moi.~kit-init-…/campaign.yml", a folder already deleted."""
    assert main(["init", str(tmp_path / "moi"), *BASE, "--bands", "Tốt=90,Khá=95"]) == 2
    err = capsys.readouterr().err
    assert "BANDS_OVERLAP" in err and "--bands" in err
    assert "~kit-init" not in err
    assert not list(tmp_path.iterdir())
