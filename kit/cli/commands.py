"""What each ``kit`` subcommand does: read its arguments, call the Python API, print in Vietnamese.

A user's mistake raises ``KitError`` (exit status 2, a clear message; ``kit.cli.main`` prints it), never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from kit.config.campaign import Campaign, load_campaign
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import GradebookError, KitError
from kit.core.vocab import Outcome

if TYPE_CHECKING:
    from kit.app.documents import Batch
    from kit.outputs.render import Rendered


def _operator(campaign: Campaign, act: str) -> None:
    """The operator's commands (forms, check, results, render, documents, archive) run for the operator role only
    (kit.app.actor: the login mapped to the campaign's accounts; every role when the campaign has none)."""
    from kit.app.actor import current_actor
    from kit.core.vocab import Role

    current_actor(campaign).require(Role.OPERATOR, act=act)


def _years(campaign: Campaign, year: int | None) -> list[int]:
    if year is None:
        return campaign.years
    campaign.require_year(year)
    return [year]


def cmd_forms(args: argparse.Namespace) -> int:
    from kit.outputs.forms import write_forms

    campaign = load_campaign(args.campaign)
    _operator(campaign, "tạo phiếu tự đánh giá")
    out = args.out or args.reports / "forms" / str(args.year)
    campaign.require_year(args.year)
    units = campaign.units_of(args.year)  # a unit formed later, or merged before, gets no form of that year
    if args.units:
        wanted = {c.strip().upper() for c in args.units.split(",")}
        unknown = wanted - {u.code for u in campaign.units}
        if unknown:
            raise KitError(f"Mã đơn vị không có trong units.csv: {', '.join(sorted(unknown))}")
        absent = sorted(wanted - {u.code for u in units})
        if absent:
            raise KitError(f"Đơn vị không tham gia chấm điểm năm {args.year} nên không có phiếu: "
                           + "; ".join(f"{code} ({_absence(campaign, code, args.year)})" for code in absent))
        units = [u for u in units if u.code in wanted]
    paths = write_forms(campaign, args.year, Path(out), units)
    print(f"Đã tạo {len(paths)} phiếu tự đánh giá năm {args.year} trong {out}")
    return 0


def _absence(campaign: Campaign, code: str, year: int) -> str:
    """Why a unit of units.csv takes no part in ``year``, in the words of units.csv's dates."""
    departure = campaign.departed(year).get(code)
    if departure is not None:
        return departure.text[0].lower() + departure.text[1:]
    unit = campaign.units_by_code[code]
    if unit.valid_from is not None and unit.valid_from.year > year:
        return f"thành lập từ {unit.valid_from:%d/%m/%Y}"
    return f"hoạt động đến {unit.valid_to:%d/%m/%Y}" if unit.valid_to else "không có trong năm"


def cmd_check(args: argparse.Namespace) -> int:
    from kit.app.previous import history_problems
    from kit.app.year import check_files
    from kit.intake.check import format_json, format_text
    from kit.scoring.feed_checks import disagreement_problems, linked
    from kit.scoring.results import year_results

    campaign = load_campaign(args.campaign)
    _operator(campaign, "kiểm tra phiếu")
    status = 0
    outputs = []
    for i, year in enumerate(_years(campaign, args.year)):
        checked, report, movement = check_files(campaign, year)
        # claims a source (feed: lines, e.g. the 766 index) does not support: warnings listed with the forms
        disagree = disagreement_problems(checked, year_results(checked, report).long,
                                         {s.unit: s.label for s in report.submissions if s.unit}) \
            if linked(checked, year) else []
        # The campaign's own files are checked with the same reporting: configuration warnings, the rules,
        # registrations, the initiatives registry, the people's records, the accounts and the assignments once (with
        # the first year shown), nominations and the inspection register per year.
        rules = campaign.rules.problems if campaign.rules else []
        shared = campaign.warnings + rules + movement.registrations.problems + movement.initiatives.problems \
            + movement.records.problems + movement.registry.problems + movement.assignments.problems \
            + history_problems(campaign) if i == 0 else []
        shown = dataclasses.replace(report, problems=report.problems + disagree + shared + movement.nominations.problems
                                    + movement.inspections.problems)
        outputs.append(format_json(shown) if args.format == "json" else format_text(shown))
        status = status or (0 if shown.ok else 1)
    if args.format == "json" and len(outputs) > 1:
        print("[" + ",\n".join(outputs) + "]")
    else:
        print("\n\n".join(outputs))
    return status


def cmd_results(args: argparse.Namespace) -> int:
    from kit.app.year import load_year
    from kit.outputs.results_book import results_path, write_results

    campaign = load_campaign(args.campaign)
    _operator(campaign, "ghi bảng kết quả")
    campaign.require_year(args.year)
    out = Path(args.out) if args.out else results_path(args.reports, args.year)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise KitError(f"Tệp kết quả phải có đuôi .xlsx hoặc .csv (đang là \"{out.name}\").")
    state = load_year(campaign, args.year)
    write_results(campaign, state.check, state.results, out)
    errors = sum(p.is_error for p in state.check.all_problems)
    print(f"Đã ghi kết quả năm {args.year}: {out}")
    if errors:
        print(f"Lưu ý: {errors} lỗi trong phiếu; các dòng/phiếu lỗi không được tính. Xem: kit check --year {args.year}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from kit.app.appraisal import Workspace
    from kit.app.offline import export_workbook
    from kit.store.gradebook import Gradebook

    campaign = load_campaign(args.campaign)
    campaign.require_year(args.year)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        ws = Workspace.open(campaign, args.year, gb)
        units = [c.strip().upper() for c in args.units.split(",")] if args.units else None
        missing = [u for u in units or [] if u not in ws.rows]
        if missing:
            raise KitError(f"Các đơn vị này chưa có phiếu được chấp nhận năm {args.year}: {', '.join(missing)}")
        export_workbook(ws, args.out, units)
    print(f"Đã xuất phiếu thẩm định năm {args.year} cho {ws.actor.name} ({ws.actor.account}): {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kit.app.offline import import_workbook
    from kit.store.gradebook import Gradebook

    campaign = load_campaign(args.campaign)
    with Gradebook.for_campaign(campaign) as gb:
        report = import_workbook(campaign, gb, args.file)
    print(P.to_json(report.problems, file=report.file, recorded=report.recorded, unchanged=report.unchanged,
                    rows_read=report.rows_read, ok=report.ok) if args.format == "json" else report.format())
    return 0 if report.ok else 1


def cmd_docs(args: argparse.Namespace) -> int:
    from kit.app.documents import documents_folder, final_documents, year_documents
    from kit.app.year import load_year, load_years
    from kit.core.values import parse_date
    from kit.outputs.doc_templates import FOLDER, export_templates
    from kit.scoring.awards import proposals_date

    campaign = load_campaign(args.campaign)
    _operator(campaign, "lập văn bản")
    if args.templates:
        exported, kept = export_templates(args.out or campaign.root / FOLDER)
        for path in exported:
            print(f"Đã ghi mẫu {path}")
        for path in kept:
            print(f"Giữ nguyên mẫu đã có {path} (mẫu đơn vị đã sửa; xóa tệp để lấy lại mẫu mặc định)")
        return 0
    if sum(map(bool, (args.year and not args.units, args.final, args.units))) != 1:
        raise KitError("Hãy chọn một trong ba: --year NĂM, --final, hoặc --units [--year NĂM] (thông báo kết quả "
                       "cho từng đơn vị).")
    on = parse_date(args.on) if args.on else None
    if args.on and on is None:
        raise KitError(f"--on \"{args.on}\": cần một ngày dạng ngày/tháng/năm (ví dụ 30/06/2025).")
    years = [args.year] if args.year else campaign.years
    for year in years:
        campaign.require_year(year)
        # a year's documents dated before the year began would be plausible, signable and empty: a typo
        if on is not None and not args.final and on < dt.date(year, 1, 1):
            raise KitError(f"--on {on:%d/%m/%Y}: văn bản của năm {year} không thể ghi ngày trước năm đó "
                           f"(khi đó chưa có gì của năm {year}); hãy ghi một ngày từ 01/01/{year}.")

    def folder(year: int | None) -> Path:
        """reports/<year>/van-ban; a provisional set beside it in van-ban-tam-tinh, never over the official one."""
        default = documents_folder(args.reports, year)
        return args.out or (default.with_name(f"{default.name}-tam-tinh") if args.provisional else default)

    batches = []
    # every document says what was known on its date (--on, or the day the proposals are made): the year
    # states are composed as of that day
    if args.final:
        day = on or proposals_date(campaign, "final", years)
        batches.append(final_documents(load_years(campaign, years, on=day), folder(None), on=on,
                                       provisional=args.provisional))
    else:
        for year in years:
            day = on or proposals_date(campaign, "yearly", [year])
            batches.append(year_documents(load_year(campaign, year, on=day), folder(year), notices_only=args.units,
                                          provisional=args.provisional))
    return _documents_done(batches, args.pdf)


def _documents_done(batches: list[Batch], pdf: bool) -> int:
    """Say what ``kit docs`` wrote, the values left "…" (once each, with how many documents lack it) and the
    templates that failed; make the PDFs. Exit status 1 when a template failed."""
    written = [w for b in batches for w in b.written]
    folders = sorted({str(w.path.parent.parent if w.path.parent.name in ("thong-bao", "thanh-tich") else w.path.parent)
                      for w in written})
    print(f"Đã tạo {len(written)} văn bản (.docx, thể thức Nghị định 30/2020) trong: {', '.join(folders)}")
    own = sorted({w.template for w in written if w.template != "mẫu mặc định"})
    if own:
        print(f"Dùng mẫu của đơn vị: {', '.join(own)}")
    missing: Counter[str] = Counter()
    for b in batches:
        missing.update(b.missing())
    for what, n in missing.items():
        print(f"  ! Chưa có {what}: để \"…\" trong {n} văn bản — điền trước khi trình ký.")
    for b in (b for b in batches if b.not_sent and b.day):
        print(f"  · Không lập thông báo kết quả cho {len(b.not_sent)} đơn vị đã thôi hoạt động trước ngày "
              f"{vn.date(b.day)} của thông báo (kết quả của các đơn vị này vẫn có trong báo cáo năm): "
              + ", ".join(b.not_sent) + ".")
    failed = [f for b in batches for f in b.failed]
    by_message: dict[str, list[str]] = {}  # one broken template fails a hundred notices: said once
    for line in failed:
        name, _, message = line.partition(": ")
        by_message.setdefault(message, []).append(name)
    for message, names in by_message.items():
        shown = names[0] if len(names) == 1 else f"{len(names)} văn bản ({names[0]}, …)"
        print(f"  ✗ {shown}: {message}", file=sys.stderr)
    if written:
        from kit.outputs.official import remove_stale_pdfs, to_pdf

        # first: a PDF of the previous version never stays beside the new .docx, even if LibreOffice then fails
        stale = remove_stale_pdfs([w.path for w in written])
        if pdf:
            pdfs = to_pdf([w.path for w in written])
            print(f"Đã tạo {len(pdfs)} bản PDF bên cạnh các tệp .docx.")
        elif stale:
            print(f"Đã xóa {len(stale)} bản PDF cũ của các văn bản vừa tạo lại (không còn khớp với tệp .docx mới); "
                  "thêm --pdf để tạo lại bản PDF.")
    return 1 if failed else 0


def cmd_archive(args: argparse.Namespace) -> int:
    from kit.app.archive import check_archive, write_archive

    if args.verify:
        found = check_archive(args.verify, args.expect or "")
    elif args.out:
        campaign = load_campaign(args.campaign)
        _operator(campaign, "tạo gói lưu trữ")
        out, found = write_archive(campaign, args.reports, args.out)
        print(f"Đã tạo gói lưu trữ bàn giao {out}.")
    else:
        raise KitError("Hãy chọn: --out TỆP.zip (tạo gói) hoặc --verify TỆP.zip (kiểm tra gói).")
    print(found.format())
    return 0 if found.ok else 1


def cmd_gradebook_init(args: argparse.Namespace) -> int:
    from kit.app.anchors import issued_in
    from kit.store.gradebook import SCHEMA_VERSION, Gradebook, shown

    if args.url:  # a database for a campaign to name in campaign.yml (gradebook: URL); no ledger file of its own
        with Gradebook(args.url) as gb:
            print(f"Sổ điểm {shown(gb.url)} sẵn sàng (lược đồ {SCHEMA_VERSION}, {gb.count()} quyết định).")
        return 0
    campaign = load_campaign(args.campaign)
    if args.adopt:
        from kit.app.audit import adopt

        print(adopt(campaign))
        return 0
    cited = [i for i in (issued_in(args.reports) if args.reports.is_dir() else []) if i.anchor.decisions]
    if cited:  # what was issued was made from a gradebook: it is restored, never begun again empty
        raise GradebookError(f"Các văn bản, báo cáo đã ban hành trong {args.reports} ghi mã của một sổ điểm đã có "
                             f"{max(i.anchor.decisions for i in cited)} quyết định (ví dụ {cited[0].source}): không "
                             "tạo sổ điểm mới rỗng. Hãy khôi phục sổ điểm đó (kit gradebook restore TỆP_SAO_LƯU).")
    with Gradebook.initialize(campaign) as gb:
        print(f"Đã tạo sổ điểm {shown(gb.url)} (lược đồ {SCHEMA_VERSION}) và tệp đầu chuỗi "
              f"{gb.ledger.path if gb.ledger else ''}.")
    return 0


def cmd_gradebook_verify(args: argparse.Namespace) -> int:
    from kit.app.audit import against, verify
    from kit.store.gradebook import Gradebook

    campaign = load_campaign(args.campaign)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        found = verify(campaign, gb)
        against(found, gb, args.against or [], args.against_head or [])
    print(P.to_json(found.problems, gradebook=found.url, decisions=found.counts, anchors=found.anchors, ok=found.ok)
          if args.format == "json" else found.format())
    return 0 if found.ok else 1


def cmd_gradebook_backup(args: argparse.Namespace) -> int:
    from kit.app.audit import backup_path, verify
    from kit.store.gradebook import Gradebook

    campaign = load_campaign(args.campaign)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:
        target = gb.backup(args.out or backup_path(campaign, gb))
        found = verify(campaign, gb)
    print(f"Đã sao lưu sổ điểm ({sum(found.counts.values())} quyết định) vào {target}.")
    if not found.ok:
        print("Lưu ý: sổ điểm được sao lưu đang có vấn đề — đừng dùng bản này để khôi phục:\n" + found.format())
    return 0 if found.ok else 1


def cmd_gradebook_grant(args: argparse.Namespace) -> int:
    from kit.app.grants import grant_campaign

    done = grant_campaign(load_campaign(args.campaign), args.credentials, new_passwords=args.new_passwords)
    for title, names in (("Tài khoản mới", done.created), ("Tài khoản cập nhật", done.updated),
                         ("Tài khoản đã khóa (không còn trong accounts.csv)", done.disabled)):
        if names:
            print(f"{title}: {', '.join(names)}")
    print(f"Đã đồng bộ {done.assignments} tiêu chí được phân công vào sổ điểm.")
    for account, path in sorted(done.credentials.items()):
        print(f"  Tệp kết nối của {account}: {path} (chỉ trao cho người đó; đặt làm KIT_GRADEBOOK_URL của họ)")
    return 0


def cmd_gradebook_restore(args: argparse.Namespace) -> int:
    from kit.app.audit import restore

    done = restore(load_campaign(args.campaign), args.file)
    print(f"Đã khôi phục sổ điểm từ {args.file}: {sum(done.counts.values())} quyết định.")
    if done.replaced:
        print(f"Tệp sổ điểm cũ được giữ lại ở {done.replaced}.")
    for year, count in sorted(done.lost.items()):
        print(f"  ! Năm {year}: {count} quyết định ghi sau bản sao lưu này không còn — hãy nhập lại (xem phiếu "
              "kết quả hoặc tệp thẩm định Excel đã gửi).")
    return 0


def _render(campaign: Campaign, args: argparse.Namespace, *, years: list[int], final: bool, units: bool,
            yearly: bool, tables: bool = True) -> int:
    """Render with a progress bar (notebooks per second, time left), then say what was made, what was unchanged
    and what failed (and where to look)."""
    from kit.app.reports import render_reports

    bar_format = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]"
    start = started = time.perf_counter()
    # shown after a second: a run with nothing to make just says so
    with tqdm(desc="Tạo báo cáo", unit="báo cáo", disable=args.quiet, bar_format=bar_format, delay=1) as bar:
        def progress(o: Rendered) -> None:
            if bar.disable:
                return
            bar.update(1)
            rate = bar.n / (time.perf_counter() - started)
            left = (bar.total - bar.n) / rate
            bar.set_postfix_str(f"{vn.number(rate, 1)} báo cáo/giây, còn khoảng {vn.number(left, 0)} giây — "
                                f"{o.job.label}")

        def planned(total: int) -> None:
            nonlocal started
            started = time.perf_counter()  # the rate counts notebooks from when they were handed out
            bar.reset(total=total)

        done = render_reports(campaign, args.reports, years=years, final=final, units=units, yearly=yearly,
                              jobs=args.jobs, progress=progress, planned=planned, tables=tables, force=args.force)
        wall = time.perf_counter() - start
    outcomes = done.outcomes
    if not outcomes:
        print(f"Không có báo cáo nào cần tạo lại ({done.unchanged} báo cáo không đổi; {vn.number(wall, 1)} giây). "
              "Dùng --force để tạo lại tất cả.")
        return 0
    failed = [o for o in outcomes if not o.ok]
    rate = f", {vn.number(len(outcomes) / wall, 1)} báo cáo/giây" if wall > 0 else ""
    same = f"; {done.unchanged} báo cáo không đổi, không tạo lại" if done.unchanged else ""
    print(f"Đã tạo {len(outcomes) - len(failed)}/{len(outcomes)} báo cáo trong {args.reports} "
          f"({vn.number(wall, 0)} giây{rate}{same}; lượt tạo {done.run}).")
    for o in failed:
        print(f"  ✖ {o.job.output}: {o.error} — xem ô báo lỗi ở đầu notebook này (lần chạy sau sẽ tạo lại).")
    return 1 if failed else 0


def cmd_render(args: argparse.Namespace) -> int:
    campaign = load_campaign(args.campaign)
    _operator(campaign, "tạo báo cáo")
    if not (args.year or args.final or args.units or args.all):
        raise KitError("Hãy chọn báo cáo: --year NĂM, --final, --units hoặc --all.")
    if args.year:
        campaign.require_year(args.year)
    years = campaign.years if args.all or (args.units and not args.year) else ([args.year] if args.year else [])
    return _render(campaign, args, years=years, final=args.final or args.all, units=args.units or args.all,
                   yearly=args.all or (args.year is not None and not args.units))


def cmd_awards(args: argparse.Namespace) -> int:
    from kit.app.pipeline import write_proposals
    from kit.app.year import load_years
    from kit.core.values import parse_date
    from kit.outputs.proposals import PROVISIONAL, PROVISIONAL_NOTE, period_text

    campaign = load_campaign(args.campaign)
    _operator(campaign, "lập danh sách đề nghị khen thưởng")
    if bool(args.year) == bool(args.final):
        raise KitError("Hãy chọn một trong hai: --year NĂM (khen thưởng hằng năm) hoặc --final (tổng kết).")
    years = [args.year] if args.year else campaign.years
    for year in years:
        campaign.require_year(year)
    if campaign.rules is None:
        raise KitError(f"Không có tệp quy định khen thưởng {campaign.root / 'commendation.yml'}.")
    level = "yearly" if args.year else "final"
    on = None
    if args.on:
        on = parse_date(args.on)
        if on is None:
            raise KitError(f"--on \"{args.on}\": cần một ngày dạng ngày/tháng/năm (ví dụ 30/06/2025).")
        if not args.final:
            raise KitError("--on chỉ dùng cùng --final (tổng kết đến một ngày, ví dụ của cơ quan tổ chức phong trào "
                           "trước khi giải thể); danh sách năm dùng ngày xét khen thưởng của năm đó.")
    # with --on, the lists say only what was known that day (the working list otherwise: everything known now)
    awards, out, roll = write_proposals(load_years(campaign, years, on=on), level, args.reports, args.out,
                                        args.provisional, on)
    period = period_text(awards)
    if awards.on:
        print(f"Ngày xét khen thưởng: {awards.on:%d/%m/%Y} (các hình thức còn hiệu lực ngày này; tổng kết: các đơn "
              "vị còn tồn tại ngày này)")
    for p in awards.problems:
        print(p.format())
    counts = {k: sum(f.outcome == k for f in awards.findings) for k in Outcome}
    print(f"Đề nghị khen thưởng {period}: {counts[Outcome.PROPOSED]} đề nghị, {counts[Outcome.CUT]} đạt nhưng vượt "
          f"chỉ tiêu, {counts[Outcome.NEAR]} chưa đạt do thiếu một điều kiện, {counts[Outcome.UNAPPRAISED]} chưa xét "
          "vì kết quả chưa thẩm định đủ" + (" (dùng --provisional để lập danh sách tạm tính)"
                                              if counts[Outcome.UNAPPRAISED] else "")
          + f", {counts[Outcome.HELD]} tạm dừng xét (đang xem xét kỷ luật, thanh tra, khiếu nại… hoặc kỷ luật), "
          f"{counts[Outcome.REVOKED]} có khen thưởng đã bị hủy bỏ"
          + (f", {counts[Outcome.COVERED]} đã được đề nghị hoặc khen thưởng cho giai đoạn này (không đề nghị lại)"
             if counts[Outcome.COVERED] else "") + ".")
    if awards.pack is not None and awards.pack.code:
        print(awards.pack_text + ". Căn cứ: " + "; ".join(awards.legal_basis))
    if awards.provisional:
        print(PROVISIONAL_NOTE)
    for f in awards.proposed():
        print(f"  • {f.rule.title_name}: {f.candidate['name']} ({f.candidate['unit']})"
              + (f" — {PROVISIONAL}" if f.provisional else ""))
    print(f"Danh sách: {out}\nBảng vàng (công khai): {roll}")
    return 1 if P.has_errors(awards.problems) else 0


def cmd_awards_revoke(args: argparse.Namespace) -> int:
    from kit.app.actor import current_actor
    from kit.app.revocation import revoke
    from kit.core.values import parse_date

    campaign = load_campaign(args.campaign)
    day = parse_date(args.date) if args.date else None
    if args.date and day is None:
        raise KitError(f"--date \"{args.date}\": cần một ngày dạng ngày/tháng/năm, ví dụ 15/03/2025.")
    actor = current_actor(campaign)
    for a in revoke(campaign, args.decision, args.reason, subject=args.subject, number=args.number, effective=day,
                    actor=actor):
        print(f"Đã ghi nhận hủy bỏ: {a['title']} ({a['subject']}, năm {a['year']}) theo quyết định {a['decision']} — "
              f"lý do: {args.reason}; người ghi nhận: {actor.name} ({actor.account}).")
    print("Khen thưởng này không còn trong bảng vàng và không được tính trong các điều kiện khen thưởng sau; "
          "hãy tạo lại danh sách (kit awards --year NĂM hoặc kit render --all).")
    return 0


def cmd_awards_history(args: argparse.Namespace) -> int:
    from kit.app.revocation import history
    from kit.intake.accounts import load_accounts

    campaign = load_campaign(args.campaign)
    rows = history(campaign, args.subject)
    who = load_accounts(campaign).name_of
    if not rows:
        print("Chưa có khen thưởng nào trong lịch sử (award_history.csv).")
    for a in rows:
        theme = ", theo chuyên đề" if a["thematic"] else ""
        print(f"{a['date']:%d/%m/%Y}  {a['subject']}: {a['title']} (năm {a['year']}{theme}) — quyết định "
              f"{a['decision']}" + (f", {a['issuer']}" if a["issuer"] else ""))
        e = a["revocation"]
        if e:
            print(f"{'':12}↳ HỦY BỎ lúc {e['created_at'][:16].replace('T', ' ')} bởi {who(e['evaluator'])}: "
                  f"{e['reason']}"
                  + (f" (quyết định {e['number']})" if e["number"] else ""))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    campaign = load_campaign(args.campaign)
    with _as_demo_operator(campaign):
        _operator(campaign, "chạy đợt thi đua minh họa")
        return _demo(campaign, args)


def _as_demo_operator(campaign: Campaign) -> AbstractContextManager:
    """``kit demo`` acts as the demo's own operator account, said aloud: the demo is invented data, and whoever
    runs it (a CI job, a newcomer) is not in its registry. Only for a campaign marked ``demo: true``; any other
    campaign is run by the login, like every command."""
    from kit.app.actor import signed_in
    from kit.core.vocab import Role
    from kit.intake.accounts import load_accounts

    operators = load_accounts(campaign).with_role(Role.OPERATOR) if campaign.demo else []
    if not operators:
        return nullcontext()
    print(f"Đợt thi đua minh họa: chạy với tài khoản vận hành của dữ liệu minh họa, {operators[0].name} "
          f"({operators[0].account}).")
    return signed_in(operators[0].account)


def _demo(campaign: Campaign, args: argparse.Namespace) -> int:
    from kit.app.pipeline import run_tables, summary_lines
    from kit.intake.check import submission_files

    total = sum(len(submission_files(campaign.submissions_dir(y))) for y in campaign.years)
    with tqdm(total=total, desc="Đọc phiếu", unit="tệp", disable=args.quiet) as bar:
        outcomes = run_tables(campaign, args.reports, progress=bar.update)
    print("\n".join(summary_lines(campaign, outcomes)))
    if args.no_render:
        return 0
    code = _render(campaign, args, years=campaign.years, final=True, units=True, yearly=True, tables=False)
    from kit.app.documents import documents_folder, final_documents, year_documents
    from kit.app.year import load_year, load_years

    batches = [year_documents(load_year(campaign, y), documents_folder(args.reports, y)) for y in campaign.years]
    states = load_years(campaign, campaign.years)
    for end in ([campaign.own_end] if campaign.own_end else []) + [None]:  # the district's own final, then the last
        batches.append(final_documents(states, documents_folder(args.reports, None), on=end))
    return max(code, _documents_done(batches, pdf=False))


def cmd_progress(args: argparse.Namespace) -> int:
    """Who is working on what: every evaluator's assignment of the year, done and left, from the ledger."""
    from kit.app.actor import current_actor
    from kit.app.progress import team_progress
    from kit.app.year import load_year

    campaign = load_campaign(args.campaign)
    campaign.require_year(args.year)
    current_actor(campaign)  # any account of the campaign may read it; a login it does not know may not
    table = team_progress(load_year(campaign, args.year))
    if table.empty:
        print(f"Năm {args.year} chưa có phân công thẩm định (assignments.csv).")
        return 0
    print(f"TIẾN ĐỘ THẨM ĐỊNH NĂM {args.year} (theo phân công, tính từ sổ điểm)")
    lines = [("Cán bộ thẩm định", "Lượt", "Được giao", "Đã xong", "Còn lại")]
    for t in table.itertuples(index=False):
        who = f"{t.name} ({t.evaluator})" if t.name != t.evaluator else t.evaluator or "(chưa phân công)"
        lines.append((who, "lần 2 (độc lập)" if t.round == 2 else "thẩm định", str(t.given), str(t.done),
                      str(t.left)))
    width = [max(len(line[i]) for line in lines) for i in range(5)]
    for line in lines:
        print("  ".join(cell.ljust(n) if i < 2 else cell.rjust(n) for i, (cell, n) in enumerate(zip(line, width,
                                                                                                   strict=True))))
    return 0


def _serve(command: list[str], token: str, address: str, what: str) -> int:
    import subprocess

    from kit.app.serve import environment

    print(f"{what}: mở trình duyệt tại địa chỉ\n    {address}\n(địa chỉ có mã truy cập riêng; nhấn Ctrl+C để dừng)")
    try:
        return subprocess.call(command, env=environment(token))
    except KeyboardInterrupt:
        return 0


def cmd_lab(args: argparse.Namespace) -> int:
    from kit.app.serve import lab_command

    command, token = lab_command(Path.cwd().resolve(), args.port)
    base = f"http://127.0.0.1:{args.port}"
    print(f"Họp hội đồng (trong cùng JupyterLab): {base}/voila/render/notebooks/40-hop-hoi-dong.ipynb?token={token}")
    return _serve(command, token, f"{base}/lab/tree/notebooks/01-tham-dinh.ipynb?token={token}", "Thẩm định")


def cmd_hub(args: argparse.Namespace) -> int:
    """The team server: checks what it needs, writes its config in its state folder, runs JupyterHub there."""
    import os

    from kit.app.hub import (
        Auth,
        HubSettings,
        find_proxy,
        gradebook_warnings,
        hub_command,
        missing_parts,
        registry,
        registry_problems,
        write_config,
    )

    project = Path.cwd().resolve()
    state = (args.state or project / ".hub").resolve()
    settings = HubSettings(project=str(project), campaign=str(args.campaign.resolve()), state=str(state),
                           ip=args.ip, port=args.port, hub_port=args.hub_port, api_port=args.api_port,
                           auth=Auth.PAM if args.pam else Auth.NATIVE, idle_timeout=args.idle * 60,
                           proxy=find_proxy())
    accounts = registry(settings.campaign)
    blocking = missing_parts(settings.proxy) + registry_problems(accounts)
    for problem in accounts.problems:
        print(problem.format())
    for warning in gradebook_warnings(settings):
        print(warning)
    if blocking:
        print("Chưa mở được máy chủ nhiều người:\n" + "\n".join(f"  - {line}" for line in blocking))
        return 2
    config = write_config(settings)
    shown = "127.0.0.1" if args.ip in ("", "0.0.0.0") else args.ip
    base = f"http://{shown}:{args.port}/hub"
    print(f"Máy chủ nhiều người (JupyterHub): {base}/login\n"
          + ("" if args.pam else f"  Đăng ký tài khoản: {base}/signup — cán bộ vận hành duyệt tại {base}/authorize\n")
          + f"  Tài khoản được phép: {len(accounts.entries)} (danh sách {accounts.file}); máy chủ của mỗi người "
          f"tự dừng sau {args.idle} phút không dùng.\n  Thư mục của máy chủ: {state}\n(nhấn Ctrl+C để dừng)",
          flush=True)
    # the hub replaces this process: a stop signal (Ctrl+C, systemd's SIGTERM) reaches it, and it stops the proxy
    # and every single-user server it started; a parent that died would leave them running
    command = hub_command(settings, config)
    os.chdir(state)
    os.execv(command[0], command)
    return 0  # not reached


def cmd_meeting(args: argparse.Namespace) -> int:
    from kit.app.serve import meeting_command

    command, token = meeting_command(Path.cwd().resolve(), args.port)
    return _serve(command, token, f"http://127.0.0.1:{args.port}/?token={token}", "Họp hội đồng")
