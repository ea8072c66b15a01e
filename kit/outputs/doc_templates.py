"""The kit's default Word templates, one per kind of document, in the Decree 30/2020 layout.

Each template says only what goes where; the values come from ``kit.app.documents`` under the tag names listed
in ``FIELDS`` (README shows the office how to edit a template). A template the office keeps in the campaign folder
(``mau-van-ban/<name>.docx``) replaces the default of the same name; ``kit docs --templates`` writes the defaults
there to start from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from kit.core.atomic import replacing
from kit.outputs.official import Layout

FOLDER = "mau-van-ban"  # in the campaign folder: the office's own templates

MOVEMENT = "phong trào thi đua thực hiện nhiệm vụ cải cách hành chính và kiểm soát thủ tục hành chính"
LIST_HEADER = ["TT", "Tên tập thể, cá nhân", "Chức vụ", "Đơn vị", "Hình thức khen thưởng", "Thành tích"]
LIST_FIELDS = ["tt", "ten", "chuc_vu", "don_vi", "hinh_thuc", "thanh_tich"]
LIST_WIDTHS: list[float] = [10, 35, 22, 28, 30, 40]


def _attached_list(d: Layout, subject: str, attached_to: str, issued_by: str) -> None:
    """The list attached to a Tờ trình or a Quyết định, on its own page: collectives, then individuals
    (``issued_by``: the tag naming who signed what it is attached to)."""
    d.closing()
    d.page_break()
    d.title("DANH SÁCH", subject + " thành tích trong phong trào thi đua CCHC và KSTTHC {{ giai_doan }}")
    d.centered("(Kèm theo " + attached_to + " số {{ so }}/{{ ky_hieu }} ngày {{ ngay }}/{{ thang }}/{{ nam }} của "
               "{{ " + issued_by + " }})", italic=True)
    d.paragraph("I. TẬP THỂ ({{ tap_the|length }})", bold=True)
    d.table(LIST_HEADER, "tap_the", LIST_FIELDS, LIST_WIDTHS)
    d.paragraph("II. CÁ NHÂN ({{ ca_nhan|length }})", bold=True)
    d.table(LIST_HEADER, "ca_nhan", LIST_FIELDS, LIST_WIDTHS)


def proposal_submission() -> Layout:
    """Tờ trình đề nghị khen thưởng + Danh sách kèm theo."""
    d = Layout()
    d.heading()
    d.title("TỜ TRÌNH", f"Về việc đề nghị khen thưởng thành tích trong {MOVEMENT} {{{{ giai_doan }}}}",
            provisional=True)
    d.centered("Kính gửi: {{ kinh_gui }}")
    d.paragraphs("can_cu")
    d.paragraph("{{ co_quan_ten }} kính trình xem xét, khen thưởng {{ tap_the|length }} tập thể và {{ ca_nhan|length }}"
                " cá nhân có thành tích trong phong trào thi đua {{ giai_doan }} (có danh sách kèm theo).")
    d.control("{%p if tam_tinh %}")
    d.paragraph("Danh sách có đề nghị TẠM TÍNH: kết quả của một số đơn vị chưa thẩm định đủ.", bold=True)
    d.control("{%p endif %}")
    d.paragraph("Kính trình {{ kinh_gui }} xem xét, quyết định./.")
    _attached_list(d, "Đề nghị khen thưởng", "Tờ trình", "co_quan_ten")
    return d


def award_decision() -> Layout:
    """Dự thảo Quyết định khen thưởng (Điều 1–3) + Danh sách kèm theo."""
    d = Layout()
    d.heading()
    d.title("QUYẾT ĐỊNH", f"Về việc khen thưởng thành tích trong {MOVEMENT} {{{{ giai_doan }}}}", note="DỰ THẢO",
            provisional=True)
    d.centered("{{ chuc_danh_quyet_dinh }}", bold=True)
    d.control("{%p for dong in can_cu %}")
    d.paragraph("{{ dong }}", italic=True)
    d.control("{%p endfor %}")
    d.paragraph("Theo đề nghị của {{ co_quan_de_nghi }} tại Tờ trình số {{ so_to_trinh }}.", italic=True)
    d.centered("QUYẾT ĐỊNH:", bold=True)
    d.control("{%p for dong in dieu_1 %}")
    d.paragraph("{{ dong }}")
    d.control("{%p endfor %}")
    d.paragraph("Điều 2. Tiền thưởng kèm theo các hình thức khen thưởng tại Điều 1 thực hiện theo quy định của pháp "
                "luật về thi đua, khen thưởng, từ nguồn quỹ thi đua, khen thưởng {{ nguon_quy }}.")
    d.paragraph("Điều 3. {{ thi_hanh }}, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân có tên "
                "tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
    _attached_list(d, "Khen thưởng", "Quyết định", "chuc_danh_quyet_dinh_thuong")
    return d


def year_report() -> Layout:
    """Báo cáo kết quả chấm điểm, thẩm định năm."""
    d = Layout()
    d.heading()
    d.title("BÁO CÁO", "Kết quả chấm điểm, thẩm định công tác cải cách hành chính và kiểm soát thủ tục hành chính "
            "năm {{ nam_bao_cao }}")
    d.paragraphs("mo_dau")
    d.section("I. TÌNH HÌNH THAM GIA", "tham_gia")
    d.section("II. KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI", "xep_loai")
    d.control("{%p for nhom in nhom_ket_qua %}")
    d.paragraph("{{ nhom.tt }}. {{ nhom.ten }}", bold=True)
    d.table(["Hạng", "Đơn vị", "Điểm", "Tối đa áp dụng", "Tỷ lệ (%)", "Xếp loại"], "nhom.don_vi",
            ["hang", "ten", "diem", "toi_da", "ty_le", "xep_loai"], [15, 62, 20, 22, 23, 23])
    d.control("{%p endfor %}")
    d.section("III. TỒN TẠI, HẠN CHẾ", "han_che")
    d.section("IV. ĐỀ NGHỊ KHEN THƯỞNG", "khen_thuong")
    d.closing()
    return d


def unit_notice() -> Layout:
    """Thông báo kết quả cho từng đơn vị: điểm, xếp loại, hạng, các tiêu chí bị trừ điểm và lý do, hạn giải trình.

    A unit without a result is told why (no form, its form's errors, merged or ceased) and nothing about an
    appraisal that never took place; a result not fully appraised says TẠM TÍNH and how far the appraisal went,
    and never that it becomes final when the deadline passes (what is not appraised yet can still change)."""
    d = Layout()
    d.heading()
    d.title("THÔNG BÁO", "Kết quả chấm điểm, thẩm định công tác cải cách hành chính và kiểm soát thủ tục hành chính "
            "năm {{ nam_bao_cao }} của {{ don_vi }}", provisional=True)
    d.centered("Kính gửi: {{ don_vi }}")
    d.control("{%p if not co_ket_qua %}")
    d.paragraph("{{ co_quan_ten }} thông báo về kết quả chấm điểm năm {{ nam_bao_cao }} của {{ don_vi }} như sau:")
    d.control("{%p elif tam_tinh %}")
    d.paragraph("Căn cứ kết quả tự đánh giá của đơn vị và kết quả thẩm định đến nay ({{ tien_do }}), "
                "{{ co_quan_ten }} thông báo kết quả TẠM TÍNH chấm điểm năm {{ nam_bao_cao }} của {{ don_vi }} như "
                "sau:")
    d.control("{%p else %}")
    d.paragraph("Căn cứ kết quả tự đánh giá của đơn vị và kết quả thẩm định, {{ co_quan_ten }} thông báo kết quả "
                "chấm điểm năm {{ nam_bao_cao }} của {{ don_vi }} như sau:")
    d.control("{%p endif %}")
    d.section("1. Kết quả", "ket_qua")
    d.control("{%p if co_ket_qua %}")
    d.paragraph("2. Các tiêu chí bị trừ điểm so với điểm tự chấm ({{ bi_tru|length }} tiêu chí)", bold=True)
    d.control("{%p if bi_tru %}")
    d.table(["Mã", "Tiêu chí", "Tự chấm", "Thẩm định", "Lý do"], "bi_tru",
            ["ma", "tieu_chi", "tu_cham", "tham_dinh", "ly_do"], [14, 62, 18, 20, 51])
    d.control("{%p elif tam_tinh %}")
    d.paragraph("Trong các tiêu chí đã thẩm định, chưa có tiêu chí nào bị trừ điểm so với điểm tự chấm.")
    d.control("{%p else %}")
    d.paragraph("Không có tiêu chí nào bị trừ điểm so với điểm tự chấm.")
    d.control("{%p endif %}")
    d.paragraph("3. Giải trình", bold=True)
    d.control("{%p if tam_tinh %}")
    d.paragraph("Kết quả trên là TẠM TÍNH ({{ tien_do }}); các tiêu chí chưa thẩm định có thể thay đổi khi thẩm "
                "định. Trường hợp không thống nhất với kết quả các tiêu chí đã thẩm định, đơn vị gửi văn bản giải "
                "trình kèm tài liệu kiểm chứng về {{ co_quan_ten }} trước ngày {{ han_giai_trinh }}, nêu rõ mã tiêu "
                "chí, số điểm đề nghị và lý do./.")
    d.control("{%p else %}")
    d.paragraph("Trường hợp không thống nhất với kết quả trên, đơn vị gửi văn bản giải trình kèm tài liệu kiểm chứng "
                "về {{ co_quan_ten }} trước ngày {{ han_giai_trinh }}, nêu rõ mã tiêu chí, số điểm đề nghị và lý do. "
                "Quá thời hạn trên, kết quả thẩm định được công nhận chính thức./.")
    d.control("{%p endif %}")
    d.control("{%p else %}")
    d.paragraphs("ly_do")
    d.control("{%p endif %}")
    d.closing()
    return d


def final_report() -> Layout:
    """Báo cáo tổng kết phong trào thi đua giai đoạn."""
    d = Layout()
    d.heading()
    d.title("BÁO CÁO", f"Tổng kết {MOVEMENT} {{{{ giai_doan }}}}")
    d.paragraphs("mo_dau")
    d.section("I. KẾT QUẢ THỰC HIỆN", "ket_qua")
    d.table(["Năm", "Nhóm", "Số đơn vị xếp loại", "Tỷ lệ bình quân (%)", "Phân loại"], "theo_nam",
            ["nam", "nhom", "so_don_vi", "ty_le", "phan_loai"], [15, 50, 25, 25, 50])
    d.control("{%p if sap_xep %}")
    d.paragraph("Sắp xếp đơn vị hành chính trong giai đoạn", bold=True, italic=True)
    d.paragraphs("sap_xep")
    d.control("{%p endif %}")
    d.section("II. XU HƯỚNG QUA CÁC NĂM", "xu_huong")
    d.paragraph("III. BÀI HỌC KINH NGHIỆM", bold=True)
    d.paragraph("{{ bai_hoc }}")
    d.section("IV. ĐỀ NGHỊ KHEN THƯỞNG", "khen_thuong")
    d.closing()
    return d


def achievement_report() -> Layout:
    """Báo cáo thành tích đề nghị khen thưởng theo chuyên đề (tập thể hoặc cá nhân), điền sẵn từ kết quả các năm."""
    d = Layout()
    d.heading(number=False)
    d.title("BÁO CÁO THÀNH TÍCH", "Đề nghị tặng {{ hinh_thuc }}")
    d.centered("(Thành tích trong phong trào thi đua CCHC và KSTTHC theo chuyên đề, {{ giai_doan }})", italic=True)
    d.section("I. {{ muc_1 }}", "so_luoc")
    d.paragraph("II. THÀNH TÍCH ĐẠT ĐƯỢC", bold=True)
    d.paragraph("1. Kết quả chấm điểm, thẩm định công tác CCHC và KSTTHC của {{ don_vi }} qua các năm:")
    d.table(["Năm", "Điểm", "Tỷ lệ (%)", "Xếp loại", "Hạng trong nhóm"], "cac_nam",
            ["nam", "diem", "ty_le", "xep_loai", "hang"], [50, 25, 25, 35, 30])
    d.paragraph("2. Căn cứ đề nghị:")
    d.paragraphs("can_cu_de_nghi")
    d.paragraph("3. Sáng kiến, giải pháp được công nhận:")
    d.paragraphs("sang_kien")
    d.section("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", "da_khen_thuong")
    d.closing(left="xac_nhan")
    return d


TEMPLATES: dict[str, tuple[str, Callable[[], Layout]]] = {
    "to-trinh-khen-thuong": ("Tờ trình đề nghị khen thưởng và danh sách kèm theo", proposal_submission),
    "quyet-dinh-khen-thuong": ("Dự thảo quyết định khen thưởng và danh sách kèm theo", award_decision),
    "bao-cao-ket-qua-nam": ("Báo cáo kết quả chấm điểm năm", year_report),
    "thong-bao-ket-qua": ("Thông báo kết quả cho đơn vị", unit_notice),
    "bao-cao-tong-ket": ("Báo cáo tổng kết giai đoạn", final_report),
    "bao-cao-thanh-tich": ("Báo cáo thành tích đề nghị khen thưởng", achievement_report),
}


def handover_minute() -> Layout:
    """Biên bản bàn giao gói lưu trữ (``kit archive``): the archive's SHA-256 and the gradebook's anchor, for the
    side that hands over and the side that receives to sign; whatever the kit cannot know (who, where) is "…"."""
    d = Layout()
    d.heading()
    d.title("BIÊN BẢN", "Bàn giao hồ sơ, dữ liệu {{ dot_thi_dua }}")
    d.paragraph("Hôm nay, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}, tại {{ dia_diem }}, chúng tôi gồm:")
    d.paragraph("I. BÊN GIAO: {{ ben_giao }}", bold=True)
    d.paragraph("Đại diện: Ông/Bà {{ nguoi_giao }}, chức vụ: {{ chuc_vu_giao }}.")
    d.paragraph("II. BÊN NHẬN: {{ ben_nhan }}", bold=True)
    d.paragraph("Đại diện: Ông/Bà {{ nguoi_nhan }}, chức vụ: {{ chuc_vu_nhan }}.")
    d.paragraph("III. NỘI DUNG BÀN GIAO", bold=True)
    d.paragraph("1. Gói lưu trữ {{ ten_goi }} ({{ kich_thuoc }}, {{ so_tep }} tệp): thư mục đợt thi đua, bản sao sổ "
                "điểm đã kiểm tra ({{ so_quyet_dinh }} quyết định) và các báo cáo, văn bản đã tạo.")
    d.paragraph("2. Mã SHA-256 của cả tệp gói:")
    d.centered("{{ sha256 }}", bold=True)
    d.paragraph("3. Mã sổ điểm:")
    d.centered("{{ ma_so_diem }}", bold=True)
    d.paragraph("Bên nhận kiểm tra gói bằng lệnh kit archive --verify {{ ten_goi }} --expect (mã ở mục 2), đối chiếu "
                "sổ điểm bằng lệnh kit gradebook verify --against-head (mã ở mục 3). Gói khác mã SHA-256, hoặc sổ "
                "điểm không có mã sổ điểm trên, là đã bị thay đổi sau khi bàn giao.")
    d.paragraph("Biên bản lập thành {{ so_ban }} bản, mỗi bên giữ {{ moi_ben }} bản.")
    d.closing(left="xac_nhan")
    return d


# documents of the kit's other commands, not of ``kit docs`` (the office may still keep its own version)
OTHER_TEMPLATES: dict[str, tuple[str, Callable[[], Layout]]] = {
    "bien-ban-ban-giao": ("Biên bản bàn giao gói lưu trữ", handover_minute),
}


@cache
def default_template(name: str) -> bytes:
    return (TEMPLATES | OTHER_TEMPLATES)[name][1]().bytes()


def template_for(campaign_root: Path, name: str) -> bytes | Path:
    """The office's template when the campaign folder has one, else the kit's default."""
    own = campaign_root / FOLDER / f"{name}.docx"
    return own if own.is_file() else default_template(name)


def export_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Write the default templates into ``folder`` for the office to edit; an existing file is kept (it may hold
    the office's edits). Returns (written, kept)."""
    written, kept = [], []
    for name in TEMPLATES:
        path = folder / f"{name}.docx"
        if path.exists():
            kept.append(path)
            continue
        with replacing(path) as temporary:
            temporary.write_bytes(default_template(name))
        written.append(path)
    return written, kept
