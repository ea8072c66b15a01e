"""Problems found in user input: where, what, how bad, and what to do.

Every check in the kit collects ``Problem`` objects instead of raising, so one run lists
everything wrong at once (pandera's lazy validation, applied to forms). The ``code`` is stable
and meant for scripts and tests; the ``message`` is Vietnamese and meant for people.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import TypedDict


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return str(self.value)


ERROR, WARNING = Severity.ERROR, Severity.WARNING
SEVERITY_VI = {ERROR: "LỖI", WARNING: "CẢNH BÁO"}


class Code(str, Enum):
    """Stable problem codes (for scripts and tests) with their Vietnamese message templates.

    Placeholders are filled by ``make``; the advice on what to do is part of the message.
    """

    template: str

    def __new__(cls, code: str, template: str) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.template = template
        return member

    def __str__(self) -> str:
        return str(self.value)

    # files
    FILE_EMPTY = "FILE_EMPTY", "Tệp rỗng (0 byte). Hãy gửi lại tệp phiếu đã điền."
    FILE_CORRUPT = (
        "FILE_CORRUPT",
        "Tệp bị hỏng hoặc không phải tệp Excel/CSV hợp lệ ({detail}). Hãy mở và lưu lại, rồi gửi lại.",
    )
    FILE_OLD_XLS = (
        "FILE_OLD_XLS",
        "Tệp Excel 97-2003 (.xls) không đọc được. Hãy mở bằng Excel/LibreOffice và lưu lại dạng .xlsx.",
    )
    FILE_ENCRYPTED = "FILE_ENCRYPTED", "Tệp có đặt mật khẩu nên không đọc được. Hãy gỡ mật khẩu rồi gửi lại."
    FILE_TYPE = "FILE_TYPE", "Loại tệp {detail} không được hỗ trợ. Chỉ nhận .xlsx, .ods hoặc .csv (UTF-8)."
    FILE_HTML = (
        "FILE_HTML",
        "Tệp mang đuôi bảng tính nhưng thực chất là trang web/XML (thường do tải về từ phần mềm khác). Hãy mở "
        "bằng Excel/LibreOffice, chọn Lưu thành (Save As) dạng .xlsx, rồi gửi lại.",
    )
    FILE_TOO_LARGE = (
        "FILE_TOO_LARGE",
        "Tệp có phần nội dung quá lớn để là phiếu tự đánh giá ({value}: {detail}). Hãy xóa các trang, ô hoặc "
        "văn bản thừa, lưu lại rồi gửi lại.",
    )
    SHEET_BEYOND_LIMITS = (
        "SHEET_BEYOND_LIMITS",
        "Trang tính có ô dữ liệu ở rất xa bảng phiếu (ô {value}); chỉ đọc trong phạm vi {expected}, phần ngoài "
        "phạm vi bị bỏ qua. Hãy xóa các ô thừa đó nếu chúng không thuộc phiếu.",
    )
    FILE_ENCODING = (
        "FILE_ENCODING",
        "Tệp không phải mã UTF-8 (có vẻ là {detail}). Hãy mở tệp và lưu lại với kiểu mã UTF-8 (Excel: Lưu thành "
        "\"CSV UTF-8\"; Notepad: Mã hóa UTF-8), rồi chạy lại.",
    )
    CSV_FIELD_TOO_LONG = (
        "CSV_FIELD_TOO_LONG",
        "Tệp CSV có một ô dài quá {expected} ký tự (thường do thiếu dấu ngoặc kép đóng). Hãy mở bằng "
        "Excel/LibreOffice, kiểm tra ô đó, lưu lại dạng CSV UTF-8 rồi gửi lại.",
    )
    FILE_NO_HEADER = (
        "FILE_NO_HEADER",
        "Không tìm thấy dòng tiêu đề của bảng tiêu chí (cột \"Mã tiêu chí\" và \"Điểm tự chấm\"). Hãy dùng đúng "
        "mẫu phiếu do kit tạo.",
    )
    # identity of a submission
    UNIT_UNKNOWN = "UNIT_UNKNOWN", "Mã đơn vị \"{value}\" không có trong danh sách đơn vị (units.csv)."
    UNIT_MISMATCH = "UNIT_MISMATCH", "Mã đơn vị trong phiếu (\"{value}\") khác mã đơn vị ở tên tệp (\"{expected}\")."
    UNIT_NAME_MISMATCH = (
        "UNIT_NAME_MISMATCH",
        "Tên đơn vị trong phiếu (\"{value}\") khác tên của mã {detail} trong danh sách đơn vị (\"{expected}\"). "
        "Hãy kiểm tra đây có đúng là phiếu của {detail} không (phiếu chép từ đơn vị khác?) và sửa tên cho đúng.",
    )
    UNIT_NOT_STATED = "UNIT_NOT_STATED", "Phiếu không ghi mã đơn vị; đã dùng mã ở tên tệp (\"{expected}\")."
    YEAR_MISMATCH = "YEAR_MISMATCH", "Năm trong phiếu ({value}) khác năm của thư mục nộp ({expected})."
    UNIT_DUPLICATE = (
        "UNIT_DUPLICATE",
        "Đơn vị \"{value}\" có nhiều phiếu trong năm: {detail}. Chỉ giữ một phiếu, xóa các phiếu thừa.",
    )
    UNIT_MISSING = "UNIT_MISSING", "Đơn vị \"{value}\" chưa nộp phiếu tự đánh giá năm {expected}."
    UNIT_NOT_IN_YEAR = (
        "UNIT_NOT_IN_YEAR",
        "Đơn vị \"{value}\" không tham gia năm {expected} ({detail}); phiếu này không được tính. Nếu đơn vị kế thừa "
        "nộp thay, hãy ghi mã đơn vị kế thừa trong phiếu.",
    )
    SUBMISSION_LATE = "SUBMISSION_LATE", "Nộp muộn: nhận ngày {value}, hạn {expected}."
    # rows
    CRITERION_UNKNOWN = "CRITERION_UNKNOWN", "Mã tiêu chí \"{value}\" không có trong bộ tiêu chí năm {expected}."
    CRITERION_NOT_FOR_KIND = (
        "CRITERION_NOT_FOR_KIND",
        "Tiêu chí \"{value}\" không áp dụng cho loại đơn vị {expected}: dòng này không được tính (không cần điền).",
    )
    CRITERION_MISSING = "CRITERION_MISSING", "Thiếu tiêu chí \"{value}\" trong phiếu. Hãy bổ sung dòng này."
    CRITERION_DUPLICATE = (
        "CRITERION_DUPLICATE",
        "Tiêu chí \"{value}\" xuất hiện nhiều lần (dòng {detail}). Chỉ giữ một dòng.",
    )
    SCORE_ABOVE_MAX = "SCORE_ABOVE_MAX", "Điểm tự chấm {value} vượt điểm tối đa {expected}."
    SCORE_BELOW_MIN = "SCORE_BELOW_MIN", "Điểm tự chấm {value} thấp hơn mức cho phép {expected}."
    SCORE_NOT_NUMBER = "SCORE_NOT_NUMBER", "Điểm tự chấm \"{value}\" không phải là số. Hãy nhập số, ví dụ 2 hoặc 2,5."
    SCORE_MISSING = "SCORE_MISSING", "Chưa nhập điểm tự chấm."
    ROW_EMPTY = "ROW_EMPTY", "Tiêu chí chưa được điền (trả lời, giá trị đo, điểm đều trống); tạm tính 0 điểm."
    VALUE_NOT_NUMBER = "VALUE_NOT_NUMBER", "Giá trị đo \"{value}\" không phải là số. Hãy nhập số, ví dụ 95 hoặc 95,5."
    VALUE_OUT_OF_RANGE = "VALUE_OUT_OF_RANGE", "Giá trị đo {value} ngoài khoảng cho phép {expected}."
    VALUE_AMBIGUOUS = (
        "VALUE_AMBIGUOUS",
        "Giá trị đo \"{value}\" có thể hiểu là {expected} hoặc {detail}; kit đã lấy {expected}. Nếu ý là {detail}, "
        "hãy nhập số không có dấu phân cách hàng nghìn.",
    )
    EVIDENCE_MISSING = (
        "EVIDENCE_MISSING",
        "Tự chấm {value} điểm nhưng chưa ghi tài liệu kiểm chứng; theo hướng dẫn của phiếu, tiêu chí có điểm phải "
        "có kiểm chứng (số, ngày văn bản hoặc đường dẫn).",
    )
    # evidence files (kit.intake.evidence)
    EVIDENCE_FILE_MISSING = (
        "EVIDENCE_FILE_MISSING",
        "Tệp kiểm chứng \"{value}\" được ghi trong phiếu nhưng không có trong {expected}. Hãy gửi bổ sung tệp "
        "này, hoặc sửa tên tệp trong cột \"Tài liệu kiểm chứng\" cho đúng tên tệp đã gửi.",
    )
    EVIDENCE_FILE_UNCITED = (
        "EVIDENCE_FILE_UNCITED",
        "Tệp \"{value}\" đã gửi nhưng không tiêu chí nào trong phiếu {expected} ghi tên tệp này. Hãy ghi tên tệp "
        "vào cột \"Tài liệu kiểm chứng\" của tiêu chí mà tệp chứng minh, hoặc bỏ tệp nếu gửi nhầm.",
    )
    EVIDENCE_NO_FILE = (
        "EVIDENCE_NO_FILE",
        "Tự chấm {value} điểm nhưng không ghi tệp kiểm chứng nào và không có giải trình. Hãy ghi tên tệp (ví dụ: "
        "\"tệp: KH-12.pdf\") vào cột \"Tài liệu kiểm chứng\", hoặc ghi lý do không có tệp vào cột \"Giải trình, "
        "ghi chú\".",
    )
    EVIDENCE_FILE_TYPE = (
        "EVIDENCE_FILE_TYPE",
        "Tệp kiểm chứng \"{value}\" có loại không được nhận nên không mở được khi thẩm định. Hãy gửi lại dạng "
        "PDF, ảnh hoặc văn bản Office (đuôi: {detail}).",
    )
    EVIDENCE_ARCHIVE_BAD = (
        "EVIDENCE_ARCHIVE_BAD",
        "Tệp nén kiểm chứng bị hỏng hoặc không phải tệp .zip ({detail}); không xem được tệp nào trong đó. Hãy nén "
        "lại các tệp kiểm chứng dạng .zip rồi gửi lại.",
    )
    EVIDENCE_UNSAFE = (
        "EVIDENCE_UNSAFE",
        "Mục \"{value}\" trong tệp nén không được mở: {detail}. Hãy nén lại trực tiếp các tệp kiểm chứng (không "
        "đặt mật khẩu) rồi gửi lại.",
    )
    FILE_REFUSED = (
        "FILE_REFUSED",
        "Tệp \"{value}\" không được mở: {detail}. Hãy chép chính tệp (không dùng liên kết hay lối tắt) vào "
        "{expected}.",
    )
    FORM_BLANK = (
        "FORM_BLANK",
        "Phiếu chưa được điền: không tiêu chí nào có câu trả lời, giá trị đo hay điểm tự chấm. Phiếu không được "
        "tính là đã nộp; hãy điền rồi gửi lại.",
    )
    VALUE_MISSING = "VALUE_MISSING", "Tiêu chí này chấm theo giá trị đo nhưng chưa nhập giá trị đo."
    ANSWER_NOT_ALLOWED = "ANSWER_NOT_ALLOWED", "Câu trả lời \"{value}\" không hợp lệ; chỉ chọn: {expected}."
    ANSWER_MISSING = "ANSWER_MISSING", "Chưa chọn câu trả lời ({expected})."
    NA_NOT_ALLOWED = "NA_NOT_ALLOWED", "Tiêu chí này không được chọn \"Không áp dụng\"."
    NA_WITH_SCORE = "NA_WITH_SCORE", "Đã chọn \"Không áp dụng\" nhưng vẫn nhập điểm {value}; điểm này không được tính."
    FORMULA_NO_VALUE = (
        "FORMULA_NO_VALUE",
        "Ô có công thức ({value}) nhưng chưa có giá trị tính sẵn. Hãy mở tệp bằng Excel/LibreOffice, lưu lại "
        "rồi gửi.",
    )
    SCORE_OVER_CLAIM = (
        "SCORE_OVER_CLAIM",
        "Điểm tự chấm {value} cao hơn điểm tính theo câu trả lời/giá trị đo ({expected}).",
    )
    # offline appraisal workbooks
    APPRAISAL_NOT_ALLOWED = "APPRAISAL_NOT_ALLOWED", "Điểm thẩm định {value} không hợp lệ: {detail}."
    DECISION_NEWER = (
        "DECISION_NEWER",
        "Không nhập dòng này: trong sổ điểm đã có quyết định mới hơn bản xuất ({detail}). Hãy xuất lại tệp "
        "hoặc trao đổi với người đã chấm.",
    )
    CAMPAIGN_MISMATCH = (
        "CAMPAIGN_MISMATCH",
        "Tệp thẩm định thuộc đợt thi đua khác (mã \"{value}\"), không phải đợt đang dùng ({expected}); không nhập "
        "dòng nào. Hãy xuất lại tệp từ đợt thi đua này (kit decisions export).",
    )
    ROW_DUPLICATE = (
        "ROW_DUPLICATE",
        "Tiêu chí {value} của đơn vị {detail} đã có ở dòng {expected}; chỉ nhập dòng đầu. Hãy xóa dòng lặp.",
    )
    WORKBOOK_OTHER_ACCOUNT = (
        "WORKBOOK_OTHER_ACCOUNT",
        "Tệp thẩm định này được xuất cho {value}, không phải cho tài khoản đang đăng nhập ({expected}); không nhập "
        "dòng nào. Người được giao hãy tự nhập tệp của mình bằng tài khoản của họ; muốn thẩm định phần việc của "
        "bạn, hãy xuất tệp mới (kit decisions export).",
    )
    YEAR_UNKNOWN = "YEAR_UNKNOWN", "Không xác định được năm của tệp (ô \"Năm\" phía trên bảng)."
    NOT_SUBMITTED = (
        "NOT_SUBMITTED",
        "Đơn vị \"{value}\" chưa có phiếu được chấp nhận năm {expected}; không thể thẩm định.",
    )
    # the gradebook's ledger (kit gradebook verify)
    GRADEBOOK_DAMAGED = (
        "GRADEBOOK_DAMAGED",
        "Tệp sổ điểm bị hỏng ({detail}). Hãy khôi phục bản sao lưu gần nhất: kit gradebook restore TỆP_SAO_LƯU.",
    )
    LEDGER_BROKEN = (
        "LEDGER_BROKEN",
        "Chuỗi kiểm chứng của sổ điểm không khớp: {detail} Không xếp hạng trên sổ điểm này; hãy khôi phục bản sao "
        "lưu gần nhất: kit gradebook restore TỆP_SAO_LƯU.",
    )
    LEDGER_BEHIND = (
        "LEDGER_BEHIND",
        "{value} ghi {expected}, nhưng sổ điểm chỉ có {detail} quyết định: sổ điểm đang dùng cũ hơn văn bản đã "
        "ban hành (bản sao lưu cũ, hoặc quyết định đã bị xóa). Không xếp hạng trên sổ điểm này; hãy tìm sổ điểm "
        "đã dùng để ban hành văn bản đó (kit gradebook restore TỆP_SAO_LƯU).",
    )
    LEDGER_REWRITTEN = (
        "LEDGER_REWRITTEN",
        "{value} ghi {expected}, nhưng khi có {detail} quyết định sổ điểm này không có mã đó: sổ điểm đã bị viết lại "
        "(điểm bị sửa rồi tính lại chuỗi kiểm chứng) hoặc là sổ điểm khác. Không xếp hạng trên sổ điểm này; hãy báo "
        "lãnh đạo và khôi phục bản sao lưu khớp với văn bản đã ban hành.",
    )
    ANCHOR_NOT_FOUND = (
        "ANCHOR_NOT_FOUND",
        "Không thấy \"Mã sổ điểm\" nào trong {value} (báo cáo, văn bản hoặc gói lưu trữ do kit tạo).",
    )
    DECISION_OUT_OF_RANGE = (
        "DECISION_OUT_OF_RANGE",
        "Quyết định số {value} ({detail}) ngoài mức cho phép của tiêu chí ({expected}). Hãy để hội đồng xem lại và "
        "ghi quyết định đúng bằng sổ tay thẩm định (quyết định cũ vẫn được lưu trong lịch sử).",
    )
    DECISION_UNKNOWN = (
        "DECISION_UNKNOWN",
        "Quyết định số {value}: {detail} không có trong {expected}. Quyết định này không được tính; hãy kiểm tra "
        "danh sách đơn vị và khung tiêu chí của đợt thi đua.",
    )
    # the movement: registrations, nominations, initiatives, commendation rules
    COLUMN_MISSING = "COLUMN_MISSING", "Thiếu cột \"{value}\" trong dòng tiêu đề. Hãy dùng đúng mẫu tệp."
    VALUE_REQUIRED = "VALUE_REQUIRED", "Thiếu {value}."
    DATE_INVALID = "DATE_INVALID", "Ngày \"{value}\" không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 28/02/2022."
    PERSON_DUPLICATE = (
        "PERSON_DUPLICATE",
        "\"{value}\" ({detail}) đã có ở dòng {expected}; mỗi người chỉ đề nghị một lần mỗi năm.",
    )
    RATING_UNKNOWN = "RATING_UNKNOWN", "Mức hoàn thành nhiệm vụ \"{value}\" không hợp lệ; chỉ dùng: {expected}."
    INITIATIVE_UNKNOWN = "INITIATIVE_UNKNOWN", "Sáng kiến \"{value}\" không có trong sổ sáng kiến (initiatives.csv)."
    INITIATIVE_DUPLICATE = "INITIATIVE_DUPLICATE", "Mã sáng kiến \"{value}\" bị lặp (đã có ở dòng {expected})."
    REGISTRATION_DUPLICATE = (
        "REGISTRATION_DUPLICATE",
        "Đơn vị \"{value}\" đăng ký nhiều lần trong năm {expected}; giữ dòng đầu.",
    )
    RULE_FIELD_UNKNOWN = (
        "RULE_FIELD_UNKNOWN",
        "Điều kiện dùng trường \"{value}\" không có; các trường dùng được: {expected}.",
    )
    RULE_INVALID = "RULE_INVALID", "{detail}"
    RULE_TITLE_UNKNOWN = (
        "RULE_TITLE_UNKNOWN",
        "Danh hiệu/hình thức \"{value}\" không có trong danh sách \"titles\" của tệp quy định.",
    )
    QUOTA_INVALID = "QUOTA_INVALID", "Chỉ tiêu không hợp lệ: {detail}."
    TITLE_NOT_IN_FORCE = (
        "TITLE_NOT_IN_FORCE",
        "Quy định khen thưởng này không áp dụng được ngày {expected}: không hình thức nào của nó còn hiệu lực "
        "({value}). Không đề nghị theo quy định này; hãy thêm hình thức thay thế đang có hiệu lực vào \"title\" "
        "(ví dụ title: [GK_HUYEN, GK_SO]).",
    )
    # feeds: values from outside systems (kit.intake.feeds) and the criteria's feed: lines
    FEED_UNKNOWN = (
        "FEED_UNKNOWN",
        "Tiêu chí {detail} lấy số liệu từ nguồn \"{value}\" nhưng kit không có nguồn này (các nguồn có: {expected}). "
        "Hãy sửa dòng \"feed\" của tiêu chí.",
    )
    FEED_INDICATOR_UNKNOWN = (
        "FEED_INDICATOR_UNKNOWN",
        "Chỉ số \"{value}\" không có trong nguồn số liệu (tiêu chí {detail}). Các chỉ số có: {expected}.",
    )
    FEED_CONVERSION_INVALID = (
        "FEED_CONVERSION_INVALID",
        "Cách lấy số liệu của tiêu chí {value} không hợp lệ: {detail}.",
    )
    FEED_VALUE_OUT_OF_RANGE = (
        "FEED_VALUE_OUT_OF_RANGE",
        "Giá trị \"{value}\" ({detail}) không hợp lệ: phải là số trong khoảng {expected}. Dòng này không được dùng; "
        "hãy đối chiếu với số liệu gốc.",
    )
    FEED_UNIT_TWICE = (
        "FEED_UNIT_TWICE",
        "Đơn vị {value} có hai dòng số liệu cho cùng kỳ ({detail}); dòng đầu tiên (dòng {expected}) được dùng. Hãy "
        "xóa dòng thừa.",
    )
    FEED_PERIOD_OUTSIDE_YEAR = (
        "FEED_PERIOD_OUTSIDE_YEAR",
        "Kỳ số liệu \"{value}\" không đọc được hoặc không thuộc năm {expected}. Ghi kỳ như: Quý 1, 6 tháng đầu năm, "
        "Tháng 3, Năm {expected}; số liệu của năm khác để trong tệp của năm đó.",
    )
    # the inspection register (inspections/<year>.csv)
    FINDING_NOT_DEDUCTION = (
        "FINDING_NOT_DEDUCTION",
        "Tiêu chí \"{value}\" không phải tiêu chí điểm trừ, nên kết quả kiểm tra không trừ điểm qua tiêu chí này. "
        "Hãy ghi mã tiêu chí điểm trừ mà vi phạm thuộc về ({expected}).",
    )
    VIOLATIONS_INVALID = (
        "VIOLATIONS_INVALID",
        "Số vi phạm \"{value}\" không hợp lệ; ghi một số nguyên từ 0 trở lên, ví dụ 2.",
    )
    FINDING_OUTSIDE_YEAR = (
        "FINDING_OUTSIDE_YEAR",
        "Ngày kiểm tra {value} không thuộc năm {expected}. Hãy ghi kết quả kiểm tra vào sổ của năm kiểm tra "
        "(inspections/<năm>.csv).",
    )
    FINDING_DATES = (
        "FINDING_DATES",
        "{detail} ({value}) trước ngày kiểm tra ({expected}). Hãy kiểm tra lại ngày.",
    )
    # the service index of Decision 766 (feeds/dvc766/, kit.intake.feeds.dvc766)
    FEED_LOGIN_PAGE = (
        "FEED_LOGIN_PAGE",
        "Tệp này là trang web (có vẻ là trang đăng nhập), không phải bảng điểm Bộ chỉ số 766: khi lưu, phiên làm "
        "việc trên Cổng Dịch vụ công đã hết hạn. Hãy đăng nhập lại, mở trang bảng điểm, lưu bảng (xlsx, CSV) hoặc "
        "dữ liệu JSON của trang rồi thay tệp này.",
    )
    FEED_NO_TABLE = (
        "FEED_NO_TABLE",
        "Không tìm thấy bảng điểm Bộ chỉ số 766 trong tệp ({detail}). Hãy lưu lại bảng của trang (xlsx, CSV) "
        "hoặc dữ liệu JSON mà trang tải về.",
    )
    FEED_PERIOD_INVALID = (
        "FEED_PERIOD_INVALID",
        "Tên tệp \"{value}\" không cho biết kỳ đánh giá; tệp bị bỏ qua. Hãy đặt tên theo kỳ: {expected}.",
    )
    FEED_PERIOD_TWICE = (
        "FEED_PERIOD_TWICE",
        "Kỳ {value} có nhiều tệp: {detail}. Chỉ giữ một tệp cho mỗi kỳ; các tệp này chưa được dùng.",
    )
    FEED_NAME_UNMATCHED = (
        "FEED_NAME_UNMATCHED",
        "Cơ quan \"{value}\" trên Cổng Dịch vụ công không khớp đơn vị nào của đợt thi đua{detail}. Hãy thêm một "
        "dòng vào {expected}: tên như trên Cổng và mã đơn vị (ghi \"-\" nếu cơ quan không tham gia đợt thi đua).",
    )
    FEED_NAME_AMBIGUOUS = (
        "FEED_NAME_AMBIGUOUS",
        "Cơ quan \"{value}\" trên Cổng Dịch vụ công khớp nhiều đơn vị ({detail}); chưa dùng được. Hãy ghi đúng một "
        "mã đơn vị cho tên này trong {expected}.",
    )
    FEED_TOTAL_MISMATCH = (
        "FEED_TOTAL_MISMATCH",
        "Tổng điểm {value} khác tổng các nhóm chỉ số ({expected}). Hãy kiểm tra tệp có bị sửa tay không.",
    )
    FEED_DISAGREES = (
        "FEED_DISAGREES",
        "Đơn vị {value}, tiêu chí {detail}: {expected}. Người thẩm định hãy đối chiếu với nguồn số liệu trước khi "
        "chấm (mức cho phép: khóa \"tolerance\" của nguồn trong mục \"feeds\" của campaign.yml).",
    )
    # commendation rule packs and the people's records
    PACK_OVERLAP = (
        "PACK_OVERLAP",
        "Bộ quy định \"{value}\" có hiệu lực chồng lên bộ \"{expected}\" ({detail}). Mỗi ngày chỉ một bộ quy định "
        "được áp dụng: hãy sửa valid_from / valid_to.",
    )
    PACK_GAP = (
        "PACK_GAP",
        "Giữa bộ quy định \"{expected}\" và bộ \"{value}\" có khoảng trống ({detail}): ngày đó không có căn cứ để "
        "xét khen thưởng. Hãy sửa valid_from / valid_to cho liền nhau.",
    )
    PACK_NOT_IN_FORCE = (
        "PACK_NOT_IN_FORCE",
        "Không có bộ quy định khen thưởng nào có hiệu lực ngày {value} (các bộ: {expected}). Không lập đề nghị; "
        "hãy thêm bộ quy định cho giai đoạn này vào commendation.yml.",
    )
    THEMATIC_AS_BASIS = (
        "THEMATIC_AS_BASIS",
        "Quy định đề nghị \"{value}\" (hình thức không theo chuyên đề) lấy khen thưởng theo chuyên đề làm căn cứ "
        "({detail}) — không được phép: {expected}. Hãy bỏ \"thematic: true\" ở điều kiện này.",
    )
    PERSON_UNKNOWN = (
        "PERSON_UNKNOWN",
        "Mã cá nhân \"{value}\" không có trong danh sách cá nhân (people.csv). Hãy thêm người này vào people.csv "
        "hoặc sửa mã.",
    )
    RECORD_DUPLICATE = "RECORD_DUPLICATE", "\"{value}\" đã có ở dòng {expected}; dòng này bị bỏ qua."
    RECORD_INVALID = "RECORD_INVALID", "{detail}"
    AWARD_TITLE_UNKNOWN = (
        "AWARD_TITLE_UNKNOWN",
        "Hình thức \"{value}\" không có trong \"titles\" của commendation.yml: vẫn được lưu trong lịch sử nhưng "
        "không được tính trong điều kiện nào.",
    )
    # who appraises what (assignments.csv)
    YEAR_NOT_IN_CAMPAIGN = (
        "YEAR_NOT_IN_CAMPAIGN",
        "Năm \"{value}\" không thuộc đợt thi đua (các năm: {expected}). Hãy ghi năm thẩm định, ví dụ 2025.",
    )
    GROUP_UNKNOWN = "GROUP_UNKNOWN", "Nhóm \"{value}\" không có trong campaign.yml; các nhóm: {expected}."
    AREA_UNKNOWN = (
        "AREA_UNKNOWN",
        "Lĩnh vực \"{value}\" không có trong bộ tiêu chí năm {expected}{detail}. Hãy ghi mã lĩnh vực như trong bộ "
        "tiêu chí của năm (ví dụ 3), hoặc để trống để giao mọi lĩnh vực.",
    )
    ROUND_INVALID = (
        "ROUND_INVALID",
        "Lượt thẩm định \"{value}\" không hợp lệ; ghi 1 (thẩm định) hoặc 2 (thẩm định lần 2, độc lập).",
    )
    ASSIGNMENT_EMPTY = (
        "ASSIGNMENT_EMPTY",
        "Dòng phân công không nói giao việc gì: hãy ghi mã đơn vị, nhóm hoặc lĩnh vực (ít nhất một trong ba).",
    )
    ASSIGNMENT_DUPLICATE = (
        "ASSIGNMENT_DUPLICATE",
        "Phân công \"{value}\" đã có ở dòng {expected}; dòng này bị bỏ qua.",
    )
    # who may act (accounts.csv) and what the assignments name
    ACCOUNT_INVALID = (
        "ACCOUNT_INVALID",
        "Tài khoản \"{value}\" không dùng được: tài khoản bắt đầu bằng chữ cái thường không dấu, chỉ gồm chữ cái "
        "thường không dấu, chữ số và các dấu \".\", \"_\", \"-\" (tối đa 32 ký tự), không bắt đầu bằng \"pg_\" "
        "(tên dành riêng của PostgreSQL), ví dụ nguyenvana hoặc lan.nt. "
        "Hãy ghi đúng tên đăng nhập của người này.",
    )
    ACCOUNT_DUPLICATE = (
        "ACCOUNT_DUPLICATE",
        "Tài khoản \"{value}\" đã có ở dòng {expected}; mỗi tài khoản chỉ ghi một dòng (nhiều vai trò ghi cùng "
        "ô, cách nhau bởi dấu phẩy). Dòng này bị bỏ qua.",
    )
    ROLE_UNKNOWN = (
        "ROLE_UNKNOWN",
        "Vai trò \"{value}\" không có; chỉ dùng: {expected}. Dòng này bị bỏ qua.",
    )
    ROLE_MISSING = (
        "ROLE_MISSING",
        "Tài khoản \"{value}\" chưa có vai trò nào; hãy ghi ít nhất một vai trò ({expected}).",
    )
    ASSIGNMENT_NO_ACCOUNT = (
        "ASSIGNMENT_NO_ACCOUNT",
        "\"{value}\" không phải tài khoản hay họ tên nào trong danh sách tài khoản ({expected}). Hãy ghi tài "
        "khoản của cán bộ thẩm định, hoặc thêm người này vào danh sách tài khoản.",
    )
    ASSIGNMENT_NOT_EVALUATOR = (
        "ASSIGNMENT_NOT_EVALUATOR",
        "Tài khoản \"{value}\" ({detail}) không có vai trò cán bộ thẩm định trong {expected}. Hãy giao cho cán bộ "
        "thẩm định khác, hoặc thêm vai trò \"evaluator\" cho tài khoản này.",
    )
    # configuration
    CONFIG_MISSING = "CONFIG_MISSING", "Thiếu tệp cấu hình {value}."
    CONFIG_INVALID = "CONFIG_INVALID", "{detail}"
    CONFIG_UNKNOWN_KEY = "CONFIG_UNKNOWN_KEY", "Khóa \"{value}\" không được dùng nên bị bỏ qua; {expected}"
    POINTS_MISMATCH = "POINTS_MISMATCH", "Tổng điểm không khớp: {detail}."
    UNIT_CODE_INVALID = (
        "UNIT_CODE_INVALID",
        "Mã đơn vị \"{value}\" không dùng được: mã chỉ gồm chữ cái không dấu và chữ số (tối đa 20 ký tự, không có "
        "dấu cách, \"-\", \"_\", \"/\"), và không trùng tên thiết bị của Windows (CON, NUL, COM1...).",
    )
    UNIT_TWO_GROUPS = "UNIT_TWO_GROUPS", "Đơn vị \"{value}\" thuộc hai nhóm: {detail}."
    UNIT_DATES = (
        "UNIT_DATES",
        "Đơn vị \"{value}\": {detail}. Hãy kiểm tra cột valid_from / valid_to (ngày bắt đầu / ngày cuối cùng hoạt "
        "động) trong units.csv.",
    )
    LINEAGE_INVALID = (
        "LINEAGE_INVALID",
        "Bảng kế thừa đơn vị (lineage.csv): {detail}. Hãy sửa dòng này theo quyết định sắp xếp đơn vị hành chính.",
    )
    BANDS_OVERLAP = "BANDS_OVERLAP", "Các mức xếp loại chồng lấn hoặc để hở: {detail}."
    ANSWER_TYPE_UNKNOWN = "ANSWER_TYPE_UNKNOWN", "Kiểu trả lời \"{value}\" không được hỗ trợ; chỉ dùng: {expected}."
    # a new campaign (kit init): the official unit list and the framework carried forward
    UNIT_LIST_INVALID = "UNIT_LIST_INVALID", "{detail}"
    FRAMEWORK_KEY_COLLISION = (
        "FRAMEWORK_KEY_COLLISION",
        "Khóa tiêu chí \"{value}\" bị trùng trong bộ tiêu chí cũ ({detail}): khóa là danh tính của tiêu chí qua các "
        "năm nên không mang sang được. Hãy đặt khóa khác nhau (\"key\") trong tệp cũ rồi chạy lại.",
    )


class Where(TypedDict, total=False):
    """A file (and sheet): keyword arguments of ``make`` shared by the checks of one file."""

    file: str | Path
    sheet: str


class AtRow(Where, total=False):
    row: int | None


class AtCell(AtRow, total=False):
    column: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located as precisely as the input allows (row/column are 1-based, as Excel)."""

    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"trang \"{self.sheet}\"")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)

    def format(self) -> str:
        where = printable(self.where())
        return f"[{SEVERITY_VI[Severity(self.severity)]} {self.code}] {where + ': ' if where else ''}{self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


_BIDI = {0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def printable(text: object) -> str:
    """``text`` with control characters (and the bidirectional overrides that reorder what a name seems to say)
    written as escapes (``\\x1b``): a file name is shown as it is, never acted on by a terminal or a page."""
    out = str(text)
    if out.isprintable():
        return out
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 0x100 and unicodedata.category(c) == "Cc"
                   else f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cc" or ord(c) in _BIDI else c for c in out)


def make(code: Code, severity: Severity = ERROR, *, file: str | Path = "", sheet: str = "", row: int | None = None,
         column: str = "", value: object = "", expected: object = "", detail: object = "") -> Problem:
    """Build a problem from the catalogue, so the same code always reads the same way. The file, sheet and value
    come from what users sent (file names, cells): their control characters are escaped (``printable``)."""
    message = code.template.format(value=printable(value), expected=expected, detail=detail)
    return Problem(code.value, severity.value, message, printable(file), printable(sheet), row, column)


def column_letter(index: int) -> str:
    """1-based column number to Excel letters (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)


def to_json(problems: list[Problem], **extra: object) -> str:
    return json.dumps({**extra, "problems": [p.to_dict() for p in problems]}, ensure_ascii=False, indent=2)
