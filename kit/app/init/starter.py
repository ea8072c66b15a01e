"""The starter framework a new campaign gets when no old framework is carried forward (``kit init`` without
``--frameworks-from``).

A campaign needs a framework per year and group before ``kit forms`` can write a form, but the office's real
framework comes from its own plan. So the starter is a sample, and says so in its title: the eight areas of the PAR
index with a few criteria each (every answer type the kit knows but the survey, which needs survey data), 100 points,
for the office to replace or edit. The same sample serves every group; keys are stable so a later year's framework
can be carried forward from it.
"""

from __future__ import annotations

SAMPLE_NOTE = "mẫu — thay bằng bộ tiêu chí chính thức của kế hoạch"
_TIERS = ((95, 1.0), (80, 0.75), (60, 0.5), (40, 0.25))  # threshold, share of the criterion's max
# area key, name, [(key, content, type, max, options)]
AREAS: list[tuple[str, str, list[tuple[str, str, str, float, dict]]]] = [
    ("chi_dao", "Công tác chỉ đạo, điều hành cải cách hành chính", [
        ("kh_cchc", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn, đủ nội dung", "yes_no", 4,
         {"guide": "Kế hoạch CCHC năm (số, ngày)"}),
        ("ht_ke_hoach", "Tỷ lệ nhiệm vụ trong kế hoạch CCHC năm được hoàn thành (%)", "tiers", 4,
         {"guide": "Báo cáo kết quả thực hiện kế hoạch"}),
        ("tuyen_truyen", "Thông tin, tuyên truyền về cải cách hành chính", "judgement", 4,
         {"guide": "Tin, bài, buổi tuyên truyền"}),
        ("sang_kien", "Điểm cộng: sáng kiến, giải pháp CCHC được cấp có thẩm quyền công nhận", "bonus", 0,
         {"max": 2, "guide": "Quyết định công nhận sáng kiến"}),
    ]),
    ("the_che", "Xây dựng và tổ chức thực hiện thể chế", [
        ("ra_soat_vb", "Rà soát, hệ thống hóa văn bản theo quy định", "yes_no", 5, {"guide": "Kết quả rà soát"}),
        ("thi_hanh_pl", "Theo dõi tình hình thi hành pháp luật", "judgement", 5,
         {"guide": "Kế hoạch, báo cáo theo dõi thi hành pháp luật"}),
    ]),
    ("tthc", "Cải cách thủ tục hành chính", [
        ("cong_khai_tthc", "Công khai thủ tục hành chính đầy đủ, đúng quy định", "yes_no", 4,
         {"guide": "Ảnh chụp, đường dẫn công khai"}),
        ("dung_han", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (%)", "tiers", 8,
         {"na": True, "guide": "Số liệu Hệ thống thông tin giải quyết TTHC"}),
        ("phan_anh", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", "yes_no", 4,
         {"na": True, "guide": "Sổ theo dõi phản ánh, kiến nghị"}),
        ("tre_han", "Điểm trừ: hồ sơ trễ hạn không có thư xin lỗi (số hồ sơ)", "deduction", 0,
         {"per_item": 0.5, "min": -2, "value_max": 1000}),
    ]),
    ("bo_may", "Cải cách tổ chức bộ máy hành chính", [
        ("chuc_nang", "Thực hiện chức năng, nhiệm vụ, cơ cấu tổ chức theo quy định", "yes_no", 5,
         {"guide": "Quyết định quy định chức năng, nhiệm vụ"}),
        ("vi_tri_vl", "Thực hiện đề án vị trí việc làm được phê duyệt", "yes_no", 5,
         {"guide": "Quyết định phê duyệt vị trí việc làm"}),
    ]),
    ("cong_vu", "Cải cách chế độ công vụ", [
        ("dao_tao", "Tỷ lệ cán bộ, công chức được đào tạo, bồi dưỡng theo kế hoạch (%)", "tiers", 5,
         {"guide": "Danh sách, chứng chỉ bồi dưỡng"}),
        ("ky_luat", "Chấp hành kỷ luật, kỷ cương hành chính", "judgement", 5, {"guide": "Báo cáo kiểm tra công vụ"}),
        ("vi_pham", "Điểm trừ: cán bộ, công chức bị kỷ luật (số trường hợp)", "deduction", 0,
         {"per_item": 1, "min": -3, "value_max": 100}),
    ]),
    ("tai_chinh", "Cải cách tài chính công", [
        ("tu_chu", "Thực hiện cơ chế tự chủ, quy chế chi tiêu nội bộ", "yes_no", 4,
         {"guide": "Quy chế chi tiêu nội bộ"}),
        ("cong_khai_ns", "Công khai ngân sách, tài chính theo quy định", "yes_no", 4,
         {"guide": "Văn bản công khai"}),
    ]),
    ("so", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", [
        ("vbdt", "Tỷ lệ văn bản đi được ký số và gửi, nhận trên hệ thống quản lý văn bản (%)", "tiers", 8,
         {"guide": "Số liệu hệ thống quản lý văn bản và điều hành"}),
        ("dvc_tt", "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình (%)", "tiers", 8,
         {"na": True, "guide": "Số liệu Cổng dịch vụ công"}),
        ("attt", "Bảo đảm an toàn thông tin mạng", "judgement", 6, {"guide": "Báo cáo an toàn thông tin"}),
    ]),
    ("tac_dong", "Tác động của cải cách hành chính", [
        ("hai_long", "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ (%)", "tiers", 6,
         {"guide": "Kết quả khảo sát"}),
        ("tac_dong_ktxh", "Tác động của CCHC đến phát triển kinh tế - xã hội", "judgement", 6,
         {"guide": "Báo cáo tổng kết"}),
    ]),
]


def _lower_first(text: str) -> str:
    """A group's name inside a sentence: "Sở, ban, ngành" → "sở, ban, ngành"; "UBND cấp xã" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def starter_framework(year: int, group: str, group_name: str, *, demo: bool = False) -> dict:
    """The sample framework of ``year`` and ``group`` as the dict a criteria/<year>-<group>.yml holds."""
    areas = []
    for number, (area_key, name, entries) in enumerate(AREAS, start=1):
        criteria = []
        for i, (key, content, kind, points, opts) in enumerate(entries, start=1):
            c: dict = {"code": f"{number}.{i}", "key": key, "content": content, "type": kind,
                       "max": opts.get("max", points)}
            if kind == "tiers":
                c["tiers"] = [{"min": m, "points": round(points * share * 4) / 4} for m, share in _TIERS]
            c.update({k: v for k, v in opts.items() if k != "max"})
            criteria.append(c)
        area_max = sum(c["max"] for c in criteria if c["type"] not in ("bonus", "deduction"))
        areas.append({"code": str(number), "key": area_key, "name": name, "max": area_max, "criteria": criteria})
    note = " (Dữ liệu minh họa)" if demo else f" ({SAMPLE_NOTE})"
    title = f"Bộ tiêu chí chấm điểm CCHC năm {year} đối với {_lower_first(group_name)}{note}"
    return {"year": year, "group": group, "title": title, "total": sum(a["max"] for a in areas), "areas": areas}
