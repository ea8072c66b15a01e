"""The ``kit`` command: a thin layer over the Python API; messages in Vietnamese.

The only package that prints (and draws progress bars): ``kit.cli.commands`` does each subcommand, this module
parses the arguments and turns a user's mistake into a clear message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kit import __version__
from kit.cli.commands import (
    cmd_archive,
    cmd_awards,
    cmd_awards_history,
    cmd_awards_revoke,
    cmd_check,
    cmd_demo,
    cmd_docs,
    cmd_export,
    cmd_forms,
    cmd_gradebook_backup,
    cmd_gradebook_grant,
    cmd_gradebook_init,
    cmd_gradebook_restore,
    cmd_gradebook_verify,
    cmd_hub,
    cmd_import,
    cmd_lab,
    cmd_meeting,
    cmd_progress,
    cmd_render,
    cmd_results,
)
from kit.cli.init_cmd import add_init_parser
from kit.config.campaign import DEFAULT_CAMPAIGN
from kit.core.errors import GradebookError, KitError, StorageError


def _gone(parser: argparse.ArgumentParser, option: str) -> None:
    """An option that named the actor (--by, --evaluator) before the actor came from the login: still read, so an
    old script stops with a clear Vietnamese message instead of argparse's English one."""
    parser.add_argument(option, dest="typed_actor", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kit", description="Bộ công cụ chấm điểm thi đua CCHC: phiếu tự "
                                     "đánh giá, kiểm tra, thẩm định, kết quả, báo cáo và văn bản của một đợt thi đua "
                                     "(thư mục --campaign; tạo đợt mới: kit init)")
    parser.add_argument("--version", action="version", version=f"kit {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--campaign", type=Path, default=DEFAULT_CAMPAIGN, help="thư mục đợt thi đua (mặc định: data)")
    common.add_argument("--reports", type=Path, default=Path("reports"), help="thư mục kết quả (mặc định: reports)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("forms", parents=[common], help="tạo phiếu tự đánh giá (.xlsx) cho từng đơn vị")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, help="thư mục ghi phiếu (mặc định: reports/forms/NĂM)")
    p.add_argument("--units", help="chỉ tạo cho các mã đơn vị này, cách nhau bởi dấu phẩy")
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("check", parents=[common], help="kiểm tra các phiếu đã nộp")
    p.add_argument("--year", type=int, help="năm cần kiểm tra (mặc định: mọi năm)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("results", parents=[common], help="tính kết quả, xếp loại, xếp hạng của một năm")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, help="tệp .xlsx hoặc .csv (mặc định: reports/NĂM/ket-qua-NĂM.xlsx)")
    p.set_defaults(func=cmd_results)

    p = sub.add_parser("decisions", help="thẩm định ngoài máy: xuất / nhập tệp Excel")
    dsub = p.add_subparsers(dest="action", required=True, metavar="VIỆC")
    q = dsub.add_parser("export", parents=[common], help="xuất tệp Excel để thẩm định ngoài máy")
    q.add_argument("--year", type=int, required=True)
    _gone(q, "--evaluator")
    q.add_argument("--units", help="mã các đơn vị, cách nhau bởi dấu phẩy (mặc định: mọi đơn vị đã nộp)")
    q.add_argument("--out", type=Path, required=True, help="tệp .xlsx")
    q.set_defaults(func=cmd_export)
    q = dsub.add_parser("import", parents=[common], help="nhập tệp Excel đã thẩm định")
    q.add_argument("file", type=Path)
    _gone(q, "--evaluator")
    q.add_argument("--format", choices=["text", "json"], default="text")
    q.set_defaults(func=cmd_import)

    p = sub.add_parser("gradebook", help="sổ điểm: kiểm tra toàn vẹn, sao lưu, khôi phục")
    gsub = p.add_subparsers(dest="action", required=True, metavar="VIỆC")
    q = gsub.add_parser("init", parents=[common], help="tạo sổ điểm của đợt thi đua (người quản trị, một lần; không "
                        "bao giờ ghi đè sổ điểm đã có)")
    q.add_argument("--url", help="địa chỉ cơ sở dữ liệu (mặc định: sổ điểm của đợt thi đua)")
    q.add_argument("--adopt", action="store_true", help="ghi lại tệp gradebook.ledger.json bị mất từ sổ điểm đang có "
                   "(rồi đối chiếu: kit gradebook verify --against reports)")
    q.set_defaults(func=cmd_gradebook_init)
    q = gsub.add_parser("verify", parents=[common], help="kiểm tra chuỗi kiểm chứng và mọi quyết định")
    q.add_argument("--format", choices=["text", "json"], default="text")
    q.add_argument("--against", type=Path, action="append", metavar="ĐƯỜNG_DẪN",
                   help="đối chiếu với Mã sổ điểm in trên báo cáo (.html), văn bản (.docx), gói lưu trữ (.zip) hoặc "
                   "mọi tệp đó trong một thư mục (lặp lại được)")
    q.add_argument("--against-head", action="append", metavar="MÃ",
                   help="đối chiếu với Mã sổ điểm chép từ văn bản giấy đã ký, kèm số quyết định in bên cạnh (ví dụ "
                   "\"0123456789abcdef 1.234\")")
    q.set_defaults(func=cmd_gradebook_verify)
    q = gsub.add_parser("backup", parents=[common], help="sao lưu sổ điểm (kể cả khi đang có người chấm)")
    q.add_argument("--out", type=Path, help="tệp sao lưu (mặc định: THƯ_MỤC_ĐỢT/backups/gradebook-NGÀY-GIỜ.sqlite)")
    q.set_defaults(func=cmd_gradebook_backup)
    q = gsub.add_parser("restore", parents=[common], help="khôi phục sổ điểm từ một bản sao lưu đã kiểm tra")
    q.add_argument("file", type=Path)
    q.set_defaults(func=cmd_gradebook_restore)
    q = gsub.add_parser("grant", parents=[common], help="cấp tài khoản PostgreSQL và quyền cho từng người theo "
                        "accounts.csv và bảng phân công (chủ sổ điểm chạy; chạy lại sau mỗi thay đổi)")
    q.add_argument("--credentials", type=Path, metavar="THƯ_MỤC",
                   help="thư mục nhận tệp kết nối (có mật khẩu) của tài khoản mới, mỗi người một tệp TÀI_KHOẢN.url "
                   "chỉ chủ máy đọc được")
    q.add_argument("--new-passwords", action="store_true", help="đặt mật khẩu mới cho mọi tài khoản")
    q.set_defaults(func=cmd_gradebook_grant)

    p = sub.add_parser("docs", parents=[common], help="văn bản trình ký (.docx, thể thức Nghị định 30/2020)")
    p.add_argument("--year", type=int, help="các văn bản của năm: báo cáo, thông báo, tờ trình, dự thảo quyết định, "
                   "báo cáo thành tích")
    p.add_argument("--final", action="store_true", help="các văn bản tổng kết giai đoạn")
    p.add_argument("--units", action="store_true", help="chỉ thông báo kết quả cho từng đơn vị (năm --year, hoặc "
                   "mọi năm)")
    p.add_argument("--on", metavar="NGÀY", help="ngày của văn bản: chỉ dùng những gì đã biết đến ngày đó (ví dụ "
                   "30/06/2025 cùng --final: tổng kết của cơ quan tổ chức phong trào trước khi giải thể)")
    p.add_argument("--provisional", action="store_true",
                   help="xét cả đơn vị chưa thẩm định đủ (TẠM TÍNH; ghi vào thư mục van-ban-tam-tinh bên cạnh)")
    p.add_argument("--out", type=Path, help="thư mục văn bản (mặc định: reports/NĂM/van-ban, reports/final/van-ban)")
    p.add_argument("--pdf", action="store_true", help="tạo thêm bản PDF (cần LibreOffice)")
    p.add_argument("--templates", action="store_true", help="ghi các mẫu văn bản mặc định vào THƯ_MỤC_ĐỢT/"
                   "mau-van-ban/ để sửa bằng Word (không ghi đè mẫu đã có)")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("archive", parents=[common], help="đóng gói bàn giao (dữ liệu, sổ điểm, báo cáo) / kiểm tra gói")
    p.add_argument("--out", type=Path, help="tệp .zip cần tạo")
    p.add_argument("--verify", type=Path, metavar="TỆP.zip", help="kiểm tra một gói đã có")
    p.add_argument("--expect", metavar="SHA256", help="cùng --verify: mã SHA-256 ghi trong biên bản bàn giao đã ký")
    p.set_defaults(func=cmd_archive)

    p = sub.add_parser("render", parents=[common], help="tạo báo cáo (notebook đã chạy, HTML, bảng xlsx)")
    p.add_argument("--year", type=int, help="báo cáo năm (cùng --units: phiếu kết quả các đơn vị năm đó)")
    p.add_argument("--final", action="store_true", help="báo cáo tổng kết giai đoạn")
    p.add_argument("--units", action="store_true", help="phiếu kết quả từng đơn vị")
    p.add_argument("--all", action="store_true", help="tất cả báo cáo")
    p.add_argument("--jobs", type=int, help="số tiến trình song song (mặc định: số nhân CPU)")
    p.add_argument("--force", action="store_true",
                   help="tạo lại mọi báo cáo đã chọn (mặc định: chỉ báo cáo có dữ liệu thay đổi hoặc bị xóa)")
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("awards", parents=[common], help="danh sách đề nghị khen thưởng và bảng vàng")
    p.add_argument("--year", type=int, help="khen thưởng hằng năm")
    p.add_argument("--final", action="store_true", help="khen thưởng tổng kết giai đoạn")
    p.add_argument("--out", type=Path, help="tệp .xlsx (mặc định: reports/NĂM/de-nghi-khen-thuong-NĂM.xlsx)")
    p.add_argument("--on", metavar="NGÀY", help="ngày xét tổng kết (mặc định: cuối giai đoạn), ví dụ 30/06/2025: "
                   "tổng kết của cơ quan tổ chức phong trào trước khi giải thể")
    p.add_argument("--provisional", action="store_true",
                   help="xét cả đơn vị chưa thẩm định đủ (danh sách TẠM TÍNH, ghi rõ trên mọi dòng liên quan; ghi vào "
                        "tệp …-tam-tinh bên cạnh, không ghi đè danh sách chính thức)")
    p.set_defaults(func=cmd_awards)
    actions = p.add_subparsers(dest="awards_action", required=False)
    q = actions.add_parser("revoke", parents=[common], help="ghi nhận hủy bỏ một khen thưởng đã tặng (không xóa gì)")
    q.add_argument("--decision", required=True, metavar="SỐ", help="số quyết định khen thưởng, ví dụ 123/QĐ-UBND")
    q.add_argument("--reason", required=True, help="lý do hủy bỏ (ví dụ: kê khai thành tích không đúng)")
    _gone(q, "--by")
    q.add_argument("--subject", default="", metavar="MÃ",
                   help="mã cá nhân hoặc mã đơn vị, khi quyết định khen thưởng nhiều đối tượng")
    q.add_argument("--number", default="", metavar="SỐ", help="số quyết định hủy bỏ (nếu có)")
    q.add_argument("--date", metavar="NGÀY", help="ngày quyết định hủy bỏ, ví dụ 15/03/2025")
    q.set_defaults(func=cmd_awards_revoke)
    q = actions.add_parser("history", parents=[common], help="lịch sử khen thưởng (cả các lần hủy bỏ)")
    q.add_argument("--subject", default="", metavar="MÃ", help="chỉ một cá nhân (mã cá nhân) hoặc đơn vị")
    q.set_defaults(func=cmd_awards_history)

    p = sub.add_parser("progress", parents=[common], help="tiến độ thẩm định: mỗi cán bộ, việc được giao, đã xong, "
                       "còn lại")
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("lab", help="mở JupyterLab để thẩm định (sổ tay 01) và họp hội đồng, có mã truy cập")
    p.add_argument("--port", type=int, default=8888)
    p.set_defaults(func=cmd_lab)

    p = sub.add_parser("meeting", help="mở riêng màn hình họp hội đồng (Voilà), có mã truy cập")
    p.add_argument("--port", type=int, default=8866)
    p.set_defaults(func=cmd_meeting)

    p = sub.add_parser("hub", parents=[common], help="máy chủ nhiều người (JupyterHub): mỗi tài khoản đăng nhập, "
                       "làm việc trong máy chủ riêng")
    p.add_argument("--ip", default="127.0.0.1", help="địa chỉ nghe (mặc định 127.0.0.1: chỉ máy này; đặt sau "
                   "proxy HTTPS của cơ quan)")
    p.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    p.add_argument("--hub-port", type=int, default=8081, help="cổng nội bộ của JupyterHub (mặc định 8081)")
    p.add_argument("--api-port", type=int, default=8001, help="cổng nội bộ của bộ chuyển tiếp (mặc định 8001)")
    p.add_argument("--pam", action="store_true", help="đăng nhập bằng tài khoản của máy (mỗi người một tài khoản "
                   "hệ điều hành; chạy với quyền root)")
    p.add_argument("--idle", type=int, default=60, help="số phút không dùng trước khi dừng máy chủ của một người")
    p.add_argument("--state", type=Path, help="thư mục của JupyterHub (mặc định .hub)")
    p.set_defaults(func=cmd_hub)

    p = sub.add_parser("demo", parents=[common], help="chạy toàn bộ trên đợt thi đua minh họa")
    p.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument("--no-render", action="store_true", help="chỉ kiểm tra và tính kết quả, không tạo báo cáo")
    p.add_argument("--jobs", type=int, help="số tiến trình tạo báo cáo (mặc định: số nhân CPU)")
    p.add_argument("--force", action="store_true", help="tạo lại mọi báo cáo (mặc định: chỉ báo cáo có thay đổi)")
    p.set_defaults(func=cmd_demo)
    add_init_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")  # Vietnamese on Windows consoles
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "typed_actor", None) is not None:
            raise KitError("Không còn ghi tên người thực hiện bằng --by hay --evaluator: kit ghi nhận tài khoản đang "
                           "đăng nhập (xem \"Tài khoản và vai trò\" trong README). Hãy bỏ tùy chọn này rồi chạy lại "
                           "bằng tài khoản của người thực hiện.")
        return args.func(args)
    except (GradebookError, StorageError) as exc:  # the data cannot be trusted or stored: like a failed check, exit 1
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KitError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
