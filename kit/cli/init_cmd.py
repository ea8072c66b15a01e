"""``kit init``: start a new campaign, by questions in Vietnamese (a terminal) or by flags (scripts, tests).

Kept apart from kit.cli.commands so that other subcommands' changes and this one merge cleanly.
"""

from __future__ import annotations

import argparse
import calendar
import re
import sys
from pathlib import Path

from kit.app.init.settings import DEADLINE_NAMES, DEFAULT_BANDS, DEFAULT_DEADLINES, Settings
from kit.core import vn
from kit.core.errors import UsageError

DEFAULT_GROUPS = {"XA": "UBND xã, phường", "SO": "Sở, ban, ngành"}


def add_init_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="tạo một đợt thi đua mới trong một thư mục mới (hỏi lần lượt, hoặc theo tham số)")
    p.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục của đợt thi đua mới (chưa có, hoặc trống)")
    p.add_argument("--example", choices=["tinh"], help="tạo đợt thi đua minh họa: tinh = tỉnh 96 xã, phường và 14 "
                   "sở, năm 2026, có phiếu đã nộp (Dữ liệu minh họa)")
    p.add_argument("--no-submissions", action="store_true", help="cùng --example: chưa có phiếu nào được nộp")
    p.add_argument("--name", help="tên phong trào thi đua")
    p.add_argument("--body", help="cơ quan ban hành văn bản, ví dụ \"Sở Nội vụ\"")
    p.add_argument("--parent", default=None, help="cơ quan chủ quản, ví dụ \"UBND tỉnh Tây Ninh\"")
    p.add_argument("--place", help="địa danh ghi ở dòng ngày tháng văn bản, ví dụ \"Tây Ninh\"")
    p.add_argument("--province", help="tỉnh (mặc định: như --place)")
    p.add_argument("--district", default="", help="huyện (chỉ khi phong trào của một huyện)")
    p.add_argument("--signer", default="", help="chức danh ký văn bản, ví dụ \"GIÁM ĐỐC\"")
    p.add_argument("--plan", default="", help="kế hoạch phát động phong trào (số, ngày), nếu đã có")
    p.add_argument("--years", help="các năm, ví dụ 2026-2030 hoặc 2026,2027")
    p.add_argument("--group", action="append", metavar="MÃ=TÊN", help="một nhóm đơn vị, ví dụ XA=\"UBND xã, phường\" "
                   "(lặp lại cho mỗi nhóm; mặc định: XA và SO)")
    p.add_argument("--bands", metavar="TÊN=TỪ,…", help="các mức xếp loại, ví dụ \"Xuất sắc=90,Tốt=80,Khá=65,Trung "
                   "bình=50,Yếu=0\"")
    p.add_argument("--deadline", action="append", metavar="VIỆC=THÁNG-NGÀY", help="hạn mỗi năm: registration, "
                   "submission, explanation, awards; ví dụ submission=11-30 (lặp lại được)")
    p.add_argument("--units", type=Path, metavar="TỆP", help="danh sách đơn vị chính thức (.xlsx, .ods, .csv; cột "
                   "Tên đơn vị, Loại, Nhóm)")
    p.add_argument("--frameworks-from", type=Path, metavar="THƯ_MỤC_CŨ", help="mang bộ tiêu chí của đợt thi đua cũ "
                   "sang (theo khóa tiêu chí), cùng --year")
    p.add_argument("--year", type=int, help="cùng --frameworks-from: năm của bộ tiêu chí cũ, ví dụ 2025")
    p.set_defaults(func=cmd_init)


def _years(text: str) -> list[int]:
    try:
        if "-" in text:
            first, last = (int(t) for t in text.split("-", 1))
            years = list(range(first, last + 1))
        else:
            years = [int(t) for t in text.replace(";", ",").split(",") if t.strip()]
    except ValueError:
        years = []
    if not years or any(not 1900 < y < 2200 for y in years) or len(years) > 20:
        raise UsageError(f"Các năm \"{text}\" không hợp lệ; ghi ví dụ 2026-2030 hoặc 2026,2027.")
    return years


def _pairs(items: list[str], what: str, example: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{what} \"{item}\" phải có dạng {example}.")
        out[key.strip()] = value.strip()
    return out


def _bands(text: str) -> list[tuple[str, float]]:
    # Bands are separated by ";" or by a comma before a name: "Khá=72,5" keeps its decimal comma.
    pairs = _pairs([t for t in re.split(r";|,(?=\s*[^\d\s])", text) if t.strip()], "Mức xếp loại", "Tốt=80")
    try:
        return [(name, float(value.replace(",", "."))) for name, value in pairs.items()]
    except ValueError:
        raise UsageError(f"Các mức xếp loại \"{text}\": sau dấu = phải là số, ví dụ \"Xuất sắc=90,Tốt=80,Yếu=0\".") \
            from None


def _deadlines(items: list[str]) -> dict[str, tuple[int, int]]:
    out = dict(DEFAULT_DEADLINES)
    for what, value in _pairs(items, "Hạn", "submission=11-30").items():
        if what not in DEFAULT_DEADLINES:
            raise UsageError(f"Hạn \"{what}\" không có; dùng: {', '.join(DEFAULT_DEADLINES)}.")
        try:
            month, day = (int(t) for t in value.replace("/", "-").split("-"))
            if not (1 <= month <= 12 and 1 <= day <= 31):
                raise ValueError
        except ValueError:
            raise UsageError(f"Hạn {what}=\"{value}\" phải có dạng THÁNG-NGÀY, ví dụ 11-30.") from None
        # Refused rather than clamped to the month's last day (02-30 silently became 02-28); 02-29 too, since a
        # deadline repeats every year and three years in four have no 29 February.
        if month == 2 and day == 29:
            raise UsageError(f"Hạn {what}=\"{value}\": ngày 29 tháng 2 chỉ có trong năm nhuận, hạn lặp lại hằng năm; "
                             "hãy chọn 02-28 hoặc 03-01.")
        if day > calendar.monthrange(2001, month)[1]:
            raise UsageError(f"Hạn {what}=\"{value}\": ngày {day} tháng {month} không có; hãy chọn một ngày có thật.")
        out[what] = (month, day)
    return out


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"\"{text}\" không phải một năm, ví dụ 2025.") from None


def _ask(prompt: str, default: str = "") -> str:
    shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
    while True:
        answer = input(shown).strip()
        if answer or default:
            return answer or default
        print("  (cần trả lời)")


def _interactive(args: argparse.Namespace) -> None:
    """Ask for what the flags did not give, in Vietnamese, with defaults in brackets."""
    print("Tạo đợt thi đua mới — trả lời từng câu (Enter: lấy giá trị trong ngoặc vuông).")
    args.name = args.name or _ask("Tên phong trào thi đua")
    args.body = args.body or _ask("Cơ quan ban hành văn bản (ví dụ: Sở Nội vụ)")
    if args.parent is None:
        args.parent = _ask("Cơ quan chủ quản (ví dụ: UBND tỉnh Tây Ninh; Enter nếu không có)", "-")
        args.parent = "" if args.parent == "-" else args.parent
    args.place = args.place or _ask("Địa danh ghi ở dòng ngày tháng (ví dụ: Tây Ninh)")
    args.province = args.province or _ask("Tỉnh", args.place)
    args.years = args.years or _ask("Các năm chấm điểm (ví dụ 2026-2030)")
    if not args.group:
        groups = _ask("Nhóm đơn vị (MÃ=Tên; cách nhau bởi dấu chấm phẩy)",
                      "; ".join(f"{c}={n}" for c, n in DEFAULT_GROUPS.items()))
        args.group = [g for g in groups.split(";") if g.strip()]
    if not args.bands:
        args.bands = _ask("Các mức xếp loại (Tên=từ %)", "; ".join(f"{n}={vn.points(v)}" for n, v in DEFAULT_BANDS))
    if not args.deadline:
        asked = []
        for what, (month, day) in DEFAULT_DEADLINES.items():
            value = _ask(f"Hạn {DEADLINE_NAMES[what]} hằng năm (THÁNG-NGÀY)", f"{month:02d}-{day:02d}")
            asked.append(f"{what}={value}")
        args.deadline = asked
    if args.units is None:
        units = _ask("Tệp danh sách đơn vị (.xlsx, .csv: cột Tên đơn vị, Loại, Nhóm; Enter nếu chưa có)", "-")
        args.units = None if units == "-" else Path(units)
    if args.frameworks_from is None:
        old = _ask("Thư mục đợt thi đua cũ để mang bộ tiêu chí sang (Enter nếu không)", "-")
        if old != "-":
            args.frameworks_from = Path(old)
            args.year = args.year or _int(_ask("Năm của bộ tiêu chí cũ (ví dụ 2025)"))


def settings_from(args: argparse.Namespace) -> Settings:
    missing = [flag for flag, value in (("--name", args.name), ("--body", args.body), ("--place", args.place),
                                        ("--years", args.years)) if not value]
    if missing:
        raise UsageError(f"Thiếu {', '.join(missing)}. Chạy kit init trong cửa sổ lệnh để được hỏi lần lượt, hoặc ghi "
                         "đủ tham số (xem kit init --help).")
    groups = _pairs(args.group, "Nhóm", "XA=\"UBND xã, phường\"") if args.group else dict(DEFAULT_GROUPS)
    bad = [code for code in groups if not code.isalnum() or not code.isascii()]
    if bad:
        raise UsageError(f"Mã nhóm {', '.join(bad)} chỉ được gồm chữ không dấu và số (ví dụ XA, SO).")
    return Settings(name=args.name, body=args.body, place=args.place, years=_years(args.years), groups=groups,
                    parent=args.parent or "", province=args.province or args.place, district=args.district,
                    signer=args.signer.replace("\\n", "\n"), plan=args.plan,
                    bands=_bands(args.bands) if args.bands else list(DEFAULT_BANDS),
                    deadlines=_deadlines(args.deadline or []))


def cmd_init(args: argparse.Namespace) -> int:
    from kit.app.init import plan
    from kit.app.init.example import create_example
    from kit.app.init.writer import REPORT_FILE, create_campaign, refuse_nonempty

    folder: Path = args.folder
    refuse_nonempty(folder)  # before any question is asked
    if args.example:
        given = [flag for flag in ("name", "body", "place", "years", "group", "bands", "deadline", "units",
                                   "frameworks_from") if getattr(args, flag)]
        if given:
            raise UsageError(f"--example tạo sẵn mọi thứ nên không dùng cùng --{given[0].replace('_', '-')}.")
        campaign = create_example(args.example, folder, submissions=not args.no_submissions)
        report = folder / REPORT_FILE
    else:
        if args.frameworks_from is not None and args.year is None:
            raise UsageError("--frameworks-from cần --year: năm của bộ tiêu chí cũ, ví dụ --year 2025.")
        if sys.stdin.isatty():
            _interactive(args)
        new = plan(settings_from(args), folder, units=args.units, frameworks_from=args.frameworks_from,
                   from_year=args.year)
        campaign = create_campaign(folder, new)
        report = folder / REPORT_FILE
        for line in new.report:
            print(line)
    groups = ", ".join(f"{code} ({len(campaign.units_in(code))} đơn vị)" for code in campaign.groups)
    print(f"Đã tạo đợt thi đua \"{campaign.name}\" trong {folder}: năm {', '.join(map(str, campaign.years))}; "
          f"nhóm {groups}.")
    if report.exists():
        print(f"Báo cáo khởi tạo: {report}")
    first = campaign.years[0]
    print(f"Bước tiếp theo: kit forms --campaign {folder} --year {first} (tạo phiếu gửi đơn vị), rồi "
          f"kit check --campaign {folder} --year {first}.")
    return 0
