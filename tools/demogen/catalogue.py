"""The invented criteria catalogue of the demo campaign (Dữ liệu minh họa).

Shaped like the provincial PAR index: 8 areas, 100 points, part of them from the
satisfaction survey; content taken from the seed plan (ISO 9001:2015, e-office, electronic
one-stop shop, paperless meetings, digital signatures, online public services, office
culture, initiatives). Each entry names the years and groups it applies to, so 2025 differs
from 2022 (criteria added, removed, areas renumbered) and comparison across years is real.
"""

from __future__ import annotations

# area key -> (name, max points); order of 2022-2024, 2025 swaps areas 6 and 7.
AREAS: dict[str, tuple[str, float]] = {
    "chi_dao": ("Công tác chỉ đạo, điều hành cải cách hành chính", 12),
    "the_che": ("Xây dựng và tổ chức thực hiện thể chế", 8),
    "tthc": ("Cải cách thủ tục hành chính", 16),
    "bo_may": ("Cải cách tổ chức bộ máy hành chính", 8),
    "cong_vu": ("Cải cách chế độ công vụ", 12),
    "tai_chinh": ("Cải cách tài chính công", 6),
    "so": ("Xây dựng và phát triển chính quyền điện tử, chính quyền số", 22),
    "tac_dong": ("Tác động của cải cách hành chính (khảo sát sự hài lòng)", 16),
}
AREA_ORDER = {2022: list(AREAS), 2025: ["chi_dao", "the_che", "tthc", "bo_may", "cong_vu", "so", "tai_chinh",
                                        "tac_dong"]}

PCT = [(95, 1.0), (80, 0.75), (60, 0.5), (40, 0.25)]  # tiers as share of the criterion's max
ALL = ("CQ", "XA")
GROUPS = (*ALL, "NG")  # NG: provincial agencies organised vertically, based in the district (their own framework)
# The agencies' framework: the district offices' criteria, less those that only a district office has, plus their own.
NOT_NG = {"kh_thi_dua", "the_ten", "giai_ngan", "de_an_06", "iso_cap_nhat"}


def groups_of(entry: tuple) -> tuple[str, ...]:
    """The groups whose framework has this catalogue entry."""
    return (*entry[6], "NG") if "CQ" in entry[6] and entry[1] not in NOT_NG else entry[6]


# (area, key, content, type, weight, options, groups, first year, last year)
CATALOGUE: list[tuple] = [
    ("chi_dao", "kh_cchc", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn, đủ nội dung", "yes_no", 2,
     {"guide": "Kế hoạch CCHC năm (số, ngày)"}, ALL, 2022, 2025),
    ("chi_dao", "kh_thi_dua", "Ban hành kế hoạch phát động thi đua CCHC, KSTTHC của đơn vị, gửi Phòng Nội vụ đúng hạn",
     "yes_no", 1, {"guide": "Kế hoạch thi đua, hướng dẫn khen thưởng"}, ALL, 2022, 2025),
    ("chi_dao", "ht_ke_hoach", "Tỷ lệ nhiệm vụ trong kế hoạch CCHC năm được hoàn thành (%)", "tiers", 3,
     {"guide": "Báo cáo kết quả thực hiện kế hoạch"}, ALL, 2022, 2025),
    ("chi_dao", "bao_cao", "Báo cáo CCHC định kỳ (quý, 6 tháng, năm) đầy đủ, đúng hạn", "yes_no", 1.5,
     {"guide": "Các báo cáo đã gửi"}, ALL, 2022, 2024),
    ("chi_dao", "tuyen_truyen", "Thông tin, tuyên truyền về cải cách hành chính", "judgement", 2,
     {"guide": "Tin, bài, buổi tuyên truyền trên Đài truyền thanh, Trang thông tin điện tử"}, ALL, 2022, 2025),
    ("chi_dao", "kiem_tra", "Tỷ lệ bộ phận, ấp được kiểm tra CCHC theo kế hoạch (%)", "tiers", 1.5,
     {"guide": "Kế hoạch và biên bản kiểm tra"}, ALL, 2022, 2024),
    ("chi_dao", "xu_ly_kiem_tra", "Xử lý, khắc phục các tồn tại phát hiện qua kiểm tra CCHC", "yes_no", 1.5,
     {"na": True, "guide": "Văn bản chỉ đạo khắc phục"}, ALL, 2025, 2025),
    ("chi_dao", "nguoi_dung_dau", "Người đứng đầu trực tiếp chỉ đạo, đối thoại với người dân, doanh nghiệp về CCHC",
     "judgement", 1, {"guide": "Biên bản đối thoại"}, ALL, 2022, 2025),
    ("chi_dao", "sang_kien", "Điểm cộng: sáng kiến, giải pháp CCHC được cấp có thẩm quyền công nhận", "bonus", 0,
     {"max": 2, "guide": "Quyết định công nhận sáng kiến"}, ALL, 2022, 2025),
    ("the_che", "ra_soat_vb", "Rà soát, hệ thống hóa văn bản theo quy định", "yes_no", 2,
     {"guide": "Kết quả rà soát"}, ALL, 2022, 2025),
    ("the_che", "thi_hanh_pl", "Theo dõi tình hình thi hành pháp luật", "yes_no", 2,
     {"guide": "Kế hoạch, báo cáo theo dõi thi hành pháp luật"}, ALL, 2022, 2025),
    ("the_che", "xu_ly_vb", "Xử lý văn bản trái pháp luật phát hiện qua kiểm tra", "yes_no", 2,
     {"na": True, "guide": "Văn bản xử lý"}, ALL, 2022, 2025),
    ("the_che", "pbgdpl", "Phổ biến, giáo dục pháp luật cho cán bộ và Nhân dân", "judgement", 2,
     {"guide": "Kế hoạch, báo cáo PBGDPL"}, ALL, 2022, 2025),
    ("tthc", "cong_khai_tthc", "Công khai thủ tục hành chính đầy đủ, đúng quy định tại Bộ phận một cửa và trên Cổng "
     "dịch vụ công", "yes_no", 2, {"guide": "Ảnh chụp, đường dẫn công khai"}, ALL, 2022, 2025),
    ("tthc", "dung_han", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn (%)", "tiers", 4,
     {"guide": "Số liệu Hệ thống thông tin giải quyết TTHC"}, ALL, 2022, 2025),
    ("tthc", "mot_cua_dt", "Tỷ lệ hồ sơ được tiếp nhận, xử lý trên Hệ thống một cửa điện tử (%)", "tiers", 3,
     {"guide": "Số liệu Hệ thống một cửa điện tử"}, ALL, 2022, 2025),
    ("tthc", "xin_loi", "Gửi thư xin lỗi đối với hồ sơ giải quyết trễ hạn", "yes_no", 1,
     {"na": True, "guide": "Thư xin lỗi"}, ALL, 2022, 2025),
    ("tthc", "phan_anh", "Tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính", "yes_no", 2,
     {"na": True, "guide": "Sổ theo dõi phản ánh, kiến nghị"}, ALL, 2022, 2025),
    ("tthc", "iso", "Áp dụng, duy trì Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015", "yes_no", 2,
     {"guide": "Quyết định công bố HTQLCL, báo cáo đánh giá nội bộ"}, ALL, 2022, 2025),
    ("tthc", "iso_cap_nhat", "Công bố lại Hệ thống quản lý chất lượng khi thủ tục hành chính thay đổi", "yes_no", 2,
     {"na": True, "guide": "Quyết định công bố lại"}, ALL, 2022, 2023),
    ("tthc", "so_hoa", "Tỷ lệ hồ sơ, kết quả giải quyết TTHC được số hóa (%)", "tiers", 2,
     {"guide": "Số liệu số hóa trên Hệ thống"}, ALL, 2024, 2025),
    ("tthc", "tre_han", "Điểm trừ: hồ sơ trễ hạn không có thư xin lỗi (số hồ sơ)", "deduction", 0,
     {"per_item": 0.5, "min": -2, "value_max": 1000}, ALL, 2022, 2025),
    ("bo_may", "chuc_nang", "Quy định chức năng, nhiệm vụ, cơ cấu tổ chức theo hướng dẫn", "yes_no", 2,
     {"guide": "Quyết định quy định chức năng, nhiệm vụ"}, ("CQ",), 2022, 2025),
    ("bo_may", "quy_che_ubnd", "Ban hành, thực hiện Quy chế làm việc của UBND cấp xã", "yes_no", 2,
     {"guide": "Quy chế làm việc"}, ("XA",), 2022, 2025),
    ("bo_may", "vi_tri_vl", "Thực hiện đề án vị trí việc làm được phê duyệt", "yes_no", 2,
     {"guide": "Quyết định phê duyệt vị trí việc làm"}, ALL, 2022, 2025),
    ("bo_may", "bien_che", "Sử dụng biên chế, số lượng người làm việc không vượt số được giao", "yes_no", 2,
     {"guide": "Báo cáo biên chế"}, ALL, 2022, 2025),
    ("bo_may", "phan_cap", "Thực hiện phân cấp, ủy quyền theo quy định", "yes_no", 2,
     {"na": True, "guide": "Văn bản phân cấp, ủy quyền"}, ALL, 2022, 2025),
    ("cong_vu", "tuyen_dung", "Tuyển dụng, bố trí công chức đúng vị trí việc làm", "yes_no", 2,
     {"na": True, "guide": "Quyết định tuyển dụng, bố trí"}, ALL, 2022, 2025),
    ("cong_vu", "dao_tao", "Tỷ lệ cán bộ, công chức được đào tạo, bồi dưỡng theo kế hoạch (%)", "tiers", 2,
     {"guide": "Danh sách, chứng chỉ bồi dưỡng"}, ALL, 2022, 2025),
    ("cong_vu", "danh_gia_cbcc", "Đánh giá, xếp loại chất lượng cán bộ, công chức đúng quy định", "yes_no", 2,
     {"guide": "Quyết định xếp loại"}, ALL, 2022, 2025),
    ("cong_vu", "ky_luat", "Chấp hành kỷ luật, kỷ cương hành chính (Chỉ thị 05-CT/TU)", "judgement", 2,
     {"guide": "Báo cáo kiểm tra công vụ"}, ALL, 2022, 2025),
    ("cong_vu", "van_hoa", "Thực hiện văn hóa công sở (phong trào \"Cán bộ, công chức, viên chức Châu Thành thi đua "
     "thực hiện văn hóa công sở\")", "judgement", 2, {"guide": "Kế hoạch, báo cáo văn hóa công sở"}, ALL, 2022, 2025),
    ("cong_vu", "the_ten", "Đeo thẻ, bảng tên, chức danh khi thi hành công vụ", "yes_no", 2,
     {"guide": "Kết quả kiểm tra công vụ"}, ("CQ",), 2022, 2024),
    ("cong_vu", "tiep_dan", "Tổ chức tiếp công dân định kỳ, đột xuất theo quy định", "yes_no", 2,
     {"guide": "Sổ tiếp công dân"}, ("XA",), 2022, 2025),
    ("cong_vu", "vi_pham", "Điểm trừ: cán bộ, công chức bị kỷ luật hoặc bị phản ánh đúng về thái độ (số trường hợp)",
     "deduction", 0, {"per_item": 1, "min": -3, "value_max": 100}, ALL, 2022, 2025),
    ("tai_chinh", "tu_chu", "Thực hiện cơ chế tự chủ, quy chế chi tiêu nội bộ", "yes_no", 2,
     {"guide": "Quy chế chi tiêu nội bộ"}, ALL, 2022, 2025),
    ("tai_chinh", "cong_khai_ns", "Công khai ngân sách, tài chính theo quy định", "yes_no", 2,
     {"guide": "Văn bản công khai"}, ALL, 2022, 2025),
    ("tai_chinh", "giai_ngan", "Tỷ lệ giải ngân vốn đầu tư công được giao (%)", "tiers", 2,
     {"na": True, "guide": "Báo cáo giải ngân"}, ALL, 2022, 2025),
    ("so", "vbdt", "Tỷ lệ văn bản đi được ký số và gửi, nhận trên Hệ thống quản lý văn bản điện tử (%)", "tiers", 4,
     {"guide": "Số liệu Hệ thống quản lý văn bản và điều hành"}, ALL, 2022, 2025),
    ("so", "chu_ky_so", "Lãnh đạo, văn thư sử dụng chữ ký số chuyên dùng", "yes_no", 2,
     {"guide": "Danh sách chứng thư số"}, ALL, 2022, 2025),
    ("so", "hop_khong_giay", "Tỷ lệ cuộc họp tổ chức theo hình thức họp không giấy (%)", "tiers", 2,
     {"guide": "Số liệu hệ thống họp không giấy"}, ALL, 2022, 2025),
    ("so", "dvc_tt", "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình trên tổng số hồ sơ (%)", "tiers", 4,
     {"na": True, "guide": "Số liệu Cổng dịch vụ công"}, ALL, 2022, 2025),
    ("so", "thanh_toan_tt", "Tỷ lệ hồ sơ thanh toán trực tuyến phí, lệ phí (%)", "tiers", 2,
     {"na": True, "guide": "Số liệu thanh toán trực tuyến"}, ALL, 2022, 2025),
    ("so", "cong_ttdt", "Cập nhật thông tin trên Trang thông tin điện tử đầy đủ, kịp thời", "yes_no", 2,
     {"guide": "Đường dẫn trang thông tin"}, ALL, 2022, 2025),
    ("so", "attt", "Bảo đảm an toàn thông tin mạng", "judgement", 2,
     {"guide": "Báo cáo an toàn thông tin"}, ALL, 2022, 2025),
    ("so", "email_cv", "Sử dụng thư điện tử công vụ trong trao đổi công việc", "yes_no", 2,
     {"guide": "Danh sách hộp thư công vụ"}, ALL, 2022, 2023),
    ("so", "de_an_06", "Tỷ lệ dữ liệu hộ tịch, dân cư được làm sạch, kết nối theo Đề án 06 (%)", "tiers", 2,
     {"na": True, "guide": "Báo cáo Đề án 06"}, ALL, 2024, 2025),
    ("so", "nen_tang_so", "Ứng dụng nền tảng số trong quản lý, điều hành", "judgement", 2,
     {"guide": "Báo cáo chuyển đổi số"}, ALL, 2025, 2025),
    ("chi_dao", "phoi_hop", "Phối hợp với UBND huyện triển khai kế hoạch CCHC và phong trào thi đua CCHC trên địa bàn",
     "yes_no", 1, {"guide": "Kế hoạch phối hợp, báo cáo gửi UBND huyện"}, ("NG",), 2022, 2025),
    ("tthc", "mot_cua_nganh", "Tỷ lệ thủ tục hành chính của ngành được tiếp nhận tại Bộ phận một cửa cấp huyện, cấp xã "
     "hoặc trực tuyến (%)", "tiers", 3, {"guide": "Danh mục TTHC, số liệu tiếp nhận"}, ("NG",), 2022, 2025),
    ("tac_dong", "sipas", "Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ (SIPAS)", "survey", 8,
     {}, ALL, 2022, 2025),
    ("tac_dong", "hai_long_tthc", "Mức độ hài lòng về tiếp nhận và trả kết quả thủ tục hành chính", "survey", 4,
     {}, ALL, 2022, 2025),
    ("tac_dong", "tac_dong_ktxh", "Tác động của CCHC đến phát triển kinh tế - xã hội của địa phương, ngành",
     "judgement", 4, {"guide": "Báo cáo tổng kết"}, ALL, 2022, 2025),
]
