"""The previous campaign (``history_from:`` in campaign.yml): its results, bands, awards and lineage, for this one.

A 2026–2030 campaign's first years depend on 2024–2025 (a title needing earlier years in a band, a Bằng khen
needing consecutive Giấy khen). ``history_from`` names the previous campaign's folder or its handover archive
(``kit archive``); ``previous_of`` reads it through the kit's own composition, never around it:

- an archive is checked first (``kit.app.archive.check_archive``: seal and manifest) and unpacked once, by its
  SHA-256, into this campaign's hidden ``.kit-history/`` folder (not a shared temporary folder, where another
  account could plant a folder of the same name); a folder is used where it is;
- the previous campaign is loaded (``load_campaign``) and its gradebook opened read-only and verified (hash chain,
  ledger: ``kit.app.audit.verify``) before anything is taken from it;
- each year's results are those the previous campaign had on its own date for them — the year's ``awards`` deadline,
  when that year's commendations were proposed (``load_year(on=…)``), so a result is what it signed, the same
  every time, and not today's code's second opinion on later decisions. The archive stores the same folder and a
  verified copy of the gradebook, but no results of its own in a form to read back, so both sources are read the
  same way;
- its award register (``award_history.csv``) and award events (revocations applied) join each subject's history,
  titles matched to this campaign's rules by code or by name;
- a unit of this campaign continues the previous campaign's unit of the same code (or those ``history_from: units``
  names), and through the previous campaign's lineage the units that one took over (``kit.scoring.past``).

Whatever fails — nothing there, not a campaign, an archive or a gradebook that fails its checks, a unit whose
lineage cannot be traced — is a problem located at ``history_from``'s line of campaign.yml (``kit check`` lists
them), and the history it would have given is *unknown*: the titles that need it are not proposed, with the reason.
The result is cached on the digest of what it reads (``kit.app.fingerprint.history_digest``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kit.app.archive import DATA, GRADEBOOK, check_archive
from kit.app.audit import verify
from kit.app.fingerprint import files_digest, history_digest, input_files
from kit.app.year import _cached, campaign_span, check_files, load_year
from kit.config.campaign import Campaign, HistorySource, load_campaign
from kit.config.rules import Title
from kit.core import problems as P
from kit.core.errors import CampaignError, KitError
from kit.core.vocab import Kind
from kit.intake.records import _title as title_of
from kit.intake.records import decision_key, revoked_index
from kit.scoring.past import Past, lineage_lines, result_rows
from kit.store.gradebook import Gradebook
from kit.store.ledger import LEDGER_FILE

SUFFIX = "(chiến dịch trước)"
UNPACKED = ".kit-history"  # in the campaign folder: archives named by history_from, unpacked by their SHA-256


@dataclass
class Previous:
    """The previous campaign as this one sees it: the history it gives (``past``) and what went wrong."""

    source: HistorySource
    past: Past
    problems: list[P.Problem] = field(default_factory=list)
    name: str = ""  # the previous campaign's name ("" when it could not be read)
    digest: str = ""  # of what was read (kit.app.fingerprint.history_digest)


class _Refused(Exception):
    """The previous campaign cannot be used; the message says why, in Vietnamese."""


def previous_of(campaign: Campaign) -> Previous | None:
    """The previous campaign ``history_from`` names (None when it names none), read once per change of what it
    reads or of this campaign's configuration."""
    source = campaign.history_from
    if source is None:
        return None
    root = campaign.root.resolve()
    config = files_digest(root, input_files(root, []) + [p for p in [root / "lineage.csv"] if p.is_file()])
    digest = history_digest(campaign)
    found = _cached(("previous campaign", str(root), 0, digest + config), lambda: _read(campaign, source, digest))
    assert isinstance(found, Previous)
    return found


def _where(campaign: Campaign, source: HistorySource) -> P.AtRow:
    return {"file": campaign.root / "campaign.yml", "row": source.line}


def _read(campaign: Campaign, source: HistorySource, digest: str) -> Previous:
    first = min(campaign.years)
    try:
        old, gradebook_dir = _open(source, campaign.root)
        return _history(campaign, source, old, gradebook_dir, digest)
    except _Refused as exc:
        problem = P.make(P.Code.CONFIG_INVALID, **_where(campaign, source), detail=(
            f"history_from \"{source.written}\": {exc} Các điều kiện khen thưởng cần kết quả, khen thưởng trước năm "
            f"{first} sẽ không được xét (không đề nghị) cho đến khi sửa."))
        return Previous(source, Past(gap=f"không đọc được đợt thi đua trước ({source.written}): {exc}",
                                     first_year=first), [problem], digest=digest)


def _open(source: HistorySource, campaign_root: Path) -> tuple[Campaign, Path]:
    """The previous campaign loaded, from its folder or its unpacked archive (with the gradebook's folder)."""
    if not source.path.exists():
        raise _Refused(f"không thấy {source.path}. Hãy ghi đúng đường dẫn (tính từ thư mục đợt thi đua này, hoặc "
                       "đường dẫn đầy đủ) tới thư mục đợt thi đua trước hoặc gói lưu trữ .zip của nó.")
    if source.path.is_file():
        if not zipfile.is_zipfile(source.path):
            raise _Refused("không phải thư mục đợt thi đua, cũng không phải gói lưu trữ .zip do kit archive tạo.")
        checked = check_archive(source.path)
        if not checked.ok:
            raise _Refused("gói lưu trữ không qua kiểm tra (kit archive --verify): " + "; ".join(checked.problems[:5])
                           + ".")
        folder = _unpacked(source.path, checked.sha256, campaign_root)
    else:
        folder = source.path
    if not (folder / "campaign.yml").is_file():
        raise _Refused(f"{source.path} không phải thư mục đợt thi đua (không có campaign.yml).")
    try:
        old = load_campaign(folder)
    except CampaignError as exc:
        raise _Refused("cấu hình của đợt thi đua trước có lỗi: " + "; ".join(
            f"{p.where()}: {p.message}" for p in exc.problems[:3]) + ".") from None
    except KitError as exc:
        raise _Refused(str(exc)) from None
    if source.archive:  # the archive's verified copy of the gradebook, whatever database the campaign used
        old.gradebook_url = ""
    return old, folder


def _unpacked(archive: Path, sha: str, campaign_root: Path) -> Path:
    """The archive's campaign folder, unpacked once per content, the gradebook's verified copy and ledger put back
    where the campaign reads them (as the archive's README says)."""
    target = campaign_root / UNPACKED / sha[:24]
    folder = target / DATA
    if (target / ".complete").is_file():
        return folder
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".tam-", dir=target.parent))
    except OSError as exc:
        raise _Refused(f"không tạo được thư mục giải nén {target.parent} ({exc}).") from None
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(work)  # names with ".." or a leading "/" are made safe by zipfile
        for name in ("gradebook.sqlite", LEDGER_FILE):
            if (work / GRADEBOOK / name).is_file():
                shutil.copy2(work / GRADEBOOK / name, work / DATA / name)
        (work / ".complete").write_text(sha, encoding="ascii")
        try:
            os.replace(work, target)
        except OSError:  # another process unpacked it meanwhile
            shutil.rmtree(work, ignore_errors=True)
    except (OSError, zipfile.BadZipFile) as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise _Refused(f"không giải nén được gói lưu trữ ({exc}).") from None
    return folder


def final_day(old: Campaign, year: int) -> dt.date:
    """The day a previous campaign's year was settled: the year's commendations were proposed on its results
    (``awards`` deadline), else the campaign's last day."""
    return old.deadline(year, "awards") or campaign_span(old)[1]


def _history(campaign: Campaign, source: HistorySource, old: Campaign, folder: Path, digest: str) -> Previous:
    where = _where(campaign, source)
    label = f"{old.name} {SUFFIX}"
    problems: list[P.Problem] = []
    first = min(campaign.years)
    if max(old.years) >= first:  # this campaign's own years are its own: never read twice from the previous one
        problems.append(P.make(P.Code.CONFIG_INVALID, P.WARNING, **where, detail=(
            f"history_from: {old.name} có các năm {', '.join(str(y) for y in old.years if y >= first)} trùng với "
            f"đợt thi đua này (từ năm {first}); chỉ dùng kết quả các năm trước năm {first}. Hãy kiểm tra "
            "history_from có chỉ đúng đợt thi đua liền trước không")))
    try:
        with Gradebook.for_campaign(old, readonly=True) as gradebook:
            found = verify(old, gradebook)
            if not found.ok:
                raise _Refused("sổ điểm của đợt thi đua trước không nguyên vẹn (kit gradebook verify): " + "; ".join(
                    p.message for p in found.problems[:3]))
            states = [load_year(old, y, gradebook=gradebook, on=final_day(old, y)) for y in old.years if y < first]
            events = gradebook.award_events().to_dict("records")
    except KitError as exc:
        raise _Refused(f"không đọc được sổ điểm của đợt thi đua trước: {exc}") from None
    records = check_files(old, old.years[-1])[2].records  # the register as kept: awards decided after the years too
    rows = result_rows([s.results for s in states], source=label)
    titles = campaign.rules.titles if campaign.rules else {}
    revoked = revoked_index(events)
    past = Past(label=label, first_year=min(campaign.years))
    starts = dt.date(min(campaign.years), 1, 1)
    unknown_units = []
    for unit in campaign.units:
        named = dict(source.units).get(unit.code)
        olds = [c for c in source.continued(unit.code) if c in old.units_by_code]
        if named and len(olds) < len(named):
            missing = ", ".join(c for c in named if c not in old.units_by_code)
            problems.append(P.make(P.Code.CONFIG_INVALID, **where, detail=(
                f"history_from, units: {unit.code} tiếp nối {missing}, nhưng {old.name} không có đơn vị mã đó "
                f"(xem units.csv của đợt trước)")))
            past.untraced[unit.code] = f"không truy được đơn vị tiền thân {missing} trong {label}"
            continue
        if not olds:
            if unit.valid_from is None or unit.valid_from < starts:
                unknown_units.append(unit.code)
                past.untraced[unit.code] = (f"{unit.code} không có trong {label}; hãy ghi đơn vị tiền thân ở "
                                            "history_from: units trong campaign.yml")
            continue
        lines = [line for code in olds for line in lineage_lines(code, old.roster, rows, lambda _: [])]
        if lines:
            past.lines[unit.code] = lines
        for code in _ancestors(old, olds):
            past.awards.setdefault((Kind.COLLECTIVE, unit.code), []).extend(
                _award(a, titles, label, code) for a in records.history_of(Kind.COLLECTIVE, code, revoked))
    for a in records.history.rows:
        if a["kind"] == Kind.INDIVIDUAL:
            past.awards.setdefault((Kind.INDIVIDUAL, a["subject"]), []).append(
                _award({**a, **_revocation(a, revoked)}, titles, label, a["unit"]))
    if max(old.years) < min(campaign.years) - 1:  # years between the two campaigns: nobody knows them
        missing = ", ".join(map(str, range(max(old.years) + 1, min(campaign.years))))
        past.gap = f"{old.name} kết thúc năm {max(old.years)}, không có kết quả năm {missing}"
        problems.append(P.make(P.Code.CONFIG_INVALID, P.WARNING, **where, detail=(
            f"history_from: {past.gap}. Các danh hiệu cần kết quả, khen thưởng năm {missing} không được đề nghị; "
            "hãy chỉ tới đợt thi đua liền trước")))
    if unknown_units:
        problems.append(P.make(P.Code.CONFIG_INVALID, P.WARNING, **where, detail=(
            f"history_from: {len(unknown_units)} đơn vị có từ trước đợt thi đua này nhưng không có trong {old.name}: "
            f"{', '.join(unknown_units)}. Kết quả và khen thưởng trước năm {min(campaign.years)} của các đơn vị này "
            "không xác định nên các danh hiệu cần chúng không được đề nghị; hãy ghi đơn vị tiền thân ở "
            "history_from: units (MÃ_MỚI: MÃ_CŨ)")))
    return Previous(source, past, problems, old.name, digest)


def _ancestors(old: Campaign, codes: list[str]) -> list[str]:
    """``codes`` and every unit they took over in the previous campaign, transitively."""
    seen: list[str] = []
    todo = list(codes)
    while todo:
        code = todo.pop(0)
        if code in seen:
            continue
        seen.append(code)
        todo += [x.predecessor for x in old.roster.predecessors(code) if x.predecessor]
    return seen


def _revocation(award: dict, revoked: dict[str, dict]) -> dict:
    event = revoked.get(f"{decision_key(award['decision'])}|{award['subject']}")
    return {"revoked": event is not None, "revocation": event}


def _award(award: dict, titles: dict[str, Title], label: str, via: str) -> dict:
    """An award of the previous campaign's register as this campaign counts it: its title matched to this
    campaign's by code or name (a title this campaign does not know is kept, never counted)."""
    title = title_of(award["code"], award["kind"], titles) if award["code"] else None
    title = title or title_of(award["title"], award["kind"], titles)
    return {**award, "code": title.code if title else "", "previous": label, "via": via}


def history_problems(campaign: Campaign) -> list[P.Problem]:
    """What ``kit check`` reports about ``history_from`` (nothing when campaign.yml names no previous campaign)."""
    found = previous_of(campaign)
    return found.problems if found else []


def past_for(campaign: Campaign) -> Past | None:
    """The previous campaign's history for the proposals (None when none is named)."""
    found = previous_of(campaign)
    return found.past if found else None
