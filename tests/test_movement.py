"""Registrations, nominations and the initiatives registry: read, checked, located."""

import datetime as dt

from kit.core.vocab import Registration
from kit.intake.movement import RATINGS, load_initiatives, load_nominations, load_registrations, registration_status

CAMPAIGN_EXTRA = "  2024: {registration: 2024-02-29, submission: 2024-12-15}\n"


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_registration_on_time_late_missing(tiny):
    (tiny.root / "registrations.csv").write_text(
        "year,unit,registered,plan_number,plan_date\n2024,U1,2024-02-10,12/KH,2024-02-10\n"
        "2024,U2,05/03/2024,15/KH,05/03/2024\n2024,ZZ,2024-02-01,,\n2024,U1,2024-02-11,,\n2030,U3,,,\n"
        "2024,U3,hôm qua,,\n", encoding="utf-8")
    tiny.deadlines[2024]["registration"] = dt.date(2024, 2, 29)
    table = load_registrations(tiny)
    assert [(p.code, p.row, p.column) for p in table.problems] == [
        ("UNIT_UNKNOWN", 4, "unit"), ("REGISTRATION_DUPLICATE", 5, ""), ("YEAR_UNKNOWN", 6, "year"),
        ("DATE_INVALID", 7, "registered")]
    status = registration_status(tiny, 2024, table).set_index("unit")["status"].to_dict()
    # U3: row kept, date unreadable
    assert status == {"U1": Registration.ON_TIME, "U2": Registration.LATE, "U3": Registration.ON_TIME}
    table.rows = [r for r in table.rows if r["unit"] != "U3"]
    assert registration_status(tiny, 2024, table).set_index("unit").loc["U3", "status"] == Registration.NONE


def test_initiatives_and_nominations_are_checked(tiny):
    write(tiny.root, "initiatives.csv", "id,title,authors,unit,recognised_by,recognised_on,scope\n"
          "SK1,Số hóa hồ sơ,Lê Văn An; Trần Thị Bình,U1,Hội đồng sáng kiến huyện,2024-06-01,Cấp huyện\n"
          "SK1,Trùng mã,,U1,,,\nSK2,Đơn vị lạ,,ZZ,,,\n")
    initiatives = load_initiatives(tiny)
    assert [p.code for p in initiatives.problems] == ["INITIATIVE_DUPLICATE", "UNIT_UNKNOWN"]
    assert initiatives.rows[0]["authors"] == ["Lê Văn An", "Trần Thị Bình"]
    write(tiny.root, "nominations/2024.csv", "Họ tên,Mã đơn vị,Chức vụ,Mức hoàn thành nhiệm vụ,Mã sáng kiến,Kỷ luật\n"
          f"Lê Văn An,U1,Chuyên viên,{RATINGS[0]},SK1,Không\n"
          "lê  văn an,U1,Chuyên viên,HTTNV,,\n"
          "Phạm Thị Cúc,ZZ,,HTNV,,\n"
          "Phạm Thị Cúc,U2,,Xuất sắc lắm,,\n"
          "Ngô Minh Đức,U2,,HTTNV,SK9,\n"
          "Võ Thị Hà,U3,Công chức,HTNV,,Có\n")
    nominations = load_nominations(tiny, 2024, initiatives)
    assert [(p.code, p.row) for p in nominations.problems] == [
        ("PERSON_DUPLICATE", 3), ("UNIT_UNKNOWN", 4), ("RATING_UNKNOWN", 5), ("INITIATIVE_UNKNOWN", 6)]
    assert [(r["name"], r["rating"], r["discipline"]) for r in nominations.rows] == [
        ("Lê Văn An", RATINGS[0], False), ("Võ Thị Hà", RATINGS[2], True)]
    assert "nominations/2024.csv" in nominations.problems[0].format()


def test_missing_columns_and_files(tiny):
    write(tiny.root, "nominations/2024.csv", "Tên,Đơn vị\nA,U1\n")
    table = load_nominations(tiny, 2024, load_initiatives(tiny))
    assert {p.message for p in table.problems} == {'Thiếu cột "name" trong dòng tiêu đề. Hãy dùng đúng mẫu tệp.',
                                                   'Thiếu cột "rating" trong dòng tiêu đề. Hãy dùng đúng mẫu tệp.'}
    assert load_registrations(tiny).rows == [] and load_registrations(tiny).problems == []
