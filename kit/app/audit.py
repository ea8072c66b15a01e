"""The gradebook's custody: a full check (``kit gradebook verify``), consistent copies and their restore.

Reading a year already checks its chain (``Gradebook.history``); this walks every year, asks the database
engine to check its own pages, and checks each decision against the campaign: a known unit and criterion,
a score inside the criterion's range. A restore keeps the replaced file and says how many decisions the
backup does not hold, so evaluators know what to enter again. The check also says who did what: every act
recorded, counted by account (shown with the registry's họ tên) and kind, so an author the registry does not know
(an old row with a typed name, a row written outside the kit) stands out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kit.config.answers import na_problem
from kit.config.campaign import Campaign
from kit.core import problems as P
from kit.core import vn
from kit.core.errors import UsageError
from kit.core.values import cell_text
from kit.core.vocab import Stage
from kit.intake.accounts import load_accounts
from kit.store.gradebook import Gradebook, default_url, shown, sqlite_path
from kit.store.ledger import LEDGER_FILE, Head, LedgerFile


@dataclass
class Verification:
    url: str
    counts: dict[int, int] = field(default_factory=dict)
    problems: list[P.Problem] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # each issued anchor checked (kit.app.anchors), as lines
    authors: list[str] = field(default_factory=list)  # who recorded what, one line per author (``_authors``)

    @property
    def ok(self) -> bool:
        return not P.has_errors(self.problems)

    def format(self) -> str:
        total = sum(self.counts.values())
        per_year = ", ".join(f"năm {y}: {n}" for y, n in sorted(self.counts.items())) or "chưa có quyết định nào"
        head = f"Sổ điểm {self.url}: {total} quyết định ({per_year})."
        checked = [f"Đối chiếu {len(self.anchors)} mã sổ điểm đã ban hành:", *self.anchors] if self.anchors else []
        checked += ["Người ghi (theo tài khoản):", *self.authors] if self.authors else []
        if self.ok:
            return "\n".join([head, "Chuỗi kiểm chứng nguyên vẹn; mọi quyết định đều đúng đơn vị, tiêu chí và mức "
                               "điểm.", *checked])
        return "\n".join([head, *(p.format() for p in self.problems), *checked])


def verify(campaign: Campaign, gradebook: Gradebook) -> Verification:
    """Every check the gradebook can be put through, every problem listed (not only the first)."""
    found = Verification(shown(gradebook.url))
    where = found.url
    acts: Counter[tuple[str, str]] = Counter()
    pages = gradebook.integrity()
    if pages != "ok":
        found.problems.append(P.make(P.Code.GRADEBOOK_DAMAGED, file=where, detail=pages))
    for year in gradebook.years():
        frame, recorded = gradebook.unchecked_history(year)
        found.counts[year] = len(frame)
        damage = gradebook.damage(year, frame, recorded)
        if damage:
            found.problems.append(P.make(P.Code.LEDGER_BROKEN, file=where, detail=damage))
        found.problems += _against_campaign(campaign, year, frame.to_dict("records"), where)
        acts.update(zip(frame["evaluator"], (Stage(s).label.lower() for s in frame["stage"]), strict=True))
    events, recorded = gradebook.unchecked_award_events()
    if len(events):
        acts.update((who, "hủy bỏ khen thưởng") for who in events["evaluator"])
    found.authors = _authors(campaign, acts)
    damage = gradebook.award_damage(events, recorded)
    if damage:
        found.problems.append(P.make(P.Code.LEDGER_BROKEN, file=where, detail=damage))
    return found


def _authors(campaign: Campaign, acts: Counter[tuple[str, str]]) -> list[str]:
    """One line per recorded author: họ tên (account) and how many acts of each kind; an author the account
    registry does not know is said (a campaign without a registry has none to compare with)."""
    accounts = load_accounts(campaign)
    lines = []
    for who in sorted({w for w, _ in acts}):
        found = accounts.get(who)
        name = f"{found.name} ({who})" if found else who
        unknown = " — KHÔNG có trong danh sách tài khoản" if accounts.present and found is None else ""
        kinds = ", ".join(f"{vn.integer(n)} {kind}" for (w, kind), n in sorted(acts.items()) if w == who)
        lines.append(f"    {name}: {kinds}{unknown}")
    return lines


def against(found: Verification, gradebook: Gradebook, paths: list[Path], heads: list[str]) -> None:
    """Add to ``found`` the gradebook checked against the anchors of issued files and typed from signed papers
    (``kit gradebook verify --against``): one that is behind or was rewritten is an error."""
    from kit.app.anchors import compare, issued_in, typed

    issued = []
    for path in paths:
        here = issued_in(path)
        if not here:
            found.problems.append(P.make(P.Code.ANCHOR_NOT_FOUND, P.WARNING, value=str(path)))
        issued += here
    issued += [typed(h) for h in heads]
    for compared in compare(gradebook, issued):
        problem = compared.problem()
        if problem is not None:
            found.problems.append(problem)
        else:
            found.anchors.append(compared.format())


def adopt(campaign: Campaign) -> str:
    """Write a lost ledger file again from the gradebook's own heads (``kit gradebook init --adopt``): the heads
    are then only as good as the database, which is why the message sends the operator to the issued anchors."""
    ledger = LedgerFile(campaign.root / LEDGER_FILE)
    if ledger.path.exists():
        raise UsageError(f"Đã có tệp {ledger.path}: không ghi lại. Kiểm tra bằng kit gradebook verify.")
    url = default_url(campaign.root, campaign.gradebook_url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise UsageError(f"Không thấy tệp sổ điểm {path}: không có gì để nhận lại.")
    with Gradebook(url, readonly=True) as gb:
        ledger.write(gb.id, gb.heads(), replace=True, awards=gb.award_head())
        return (f"Đã ghi lại {ledger.path} từ sổ điểm {shown(gb.url)} ({gb.count()} quyết định; {gb.anchor().line}). "
                "Hãy đối chiếu ngay với các văn bản đã ban hành: kit gradebook verify --against reports.")


def _against_campaign(campaign: Campaign, year: int, rows: list[dict], where: str) -> list[P.Problem]:
    if year not in campaign.years:
        return [P.make(P.Code.DECISION_UNKNOWN, file=where, value=rows[0]["id"] if rows else "?",
                       detail=f"năm {year}", expected="các năm của đợt thi đua")] if rows else []
    out = []
    for r in rows:
        unit = campaign.unit(r["unit"])
        if unit is None:
            out.append(P.make(P.Code.DECISION_UNKNOWN, file=where, value=r["id"], detail=f"đơn vị \"{r['unit']}\"",
                              expected="danh sách đơn vị (units.csv)"))
            continue
        criterion = campaign.framework(year, unit.group).by_code().get(r["code"])
        if criterion is None:
            out.append(P.make(P.Code.DECISION_UNKNOWN, file=where, value=r["id"], detail=f"tiêu chí {r['code']}",
                              expected=f"khung tiêu chí năm {year} của nhóm {campaign.groups.get(unit.group, '')}"))
            continue
        low, high = min(criterion.min, 0.0), criterion.max
        what = f"năm {year}, đơn vị {r['unit']}, tiêu chí {r['code']}"
        refused = na_problem(criterion.na, criterion.counts_in_max, cell_text(r.get("comment"))) if r["na"] else None
        if refused:
            out.append(P.make(P.Code.DECISION_OUT_OF_RANGE, file=where, value=r["id"],
                              detail=f"{what}: \"Không áp dụng\"", expected=refused))
        elif not bool(r["na"]) and not low - 1e-9 <= float(r["score"]) <= high + 1e-9:
            out.append(P.make(P.Code.DECISION_OUT_OF_RANGE, file=where, value=r["id"], detail=f"{what}: {r['score']}",
                              expected=f"từ {vn.points(low)} đến {vn.points(high)}"))
    return out


def backup_path(campaign: Campaign, gradebook: Gradebook) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = ".sqlite" if gradebook.engine.dialect.name == "sqlite" else ".sql"
    return campaign.root / "backups" / f"gradebook-{stamp}{suffix}"


@dataclass
class Restored:
    replaced: Path | None  # where the file that was there is kept
    counts: dict[int, int]
    lost: dict[int, int]  # per year, decisions the ledger file had recorded that the backup does not hold


def restore(campaign: Campaign, source: Path) -> Restored:
    """Put a backup in the gradebook's place, after checking it whole; the file it replaces is kept beside it."""
    target = sqlite_path(default_url(campaign.root, campaign.gradebook_url))
    if target is None:
        raise UsageError("Chỉ khôi phục được sổ điểm dạng tệp SQLite. Sổ điểm PostgreSQL: nhờ người quản trị cơ sở dữ "
                         "liệu nạp bản sao lưu (psql -f TỆP.sql) vào một cơ sở dữ liệu mới.")
    if not source.is_file():
        raise UsageError(f"Không thấy tệp sao lưu {source}.")
    with Gradebook(f"sqlite:///{source.resolve()}", readonly=True) as backup:
        check = verify(campaign, backup)
        if not check.ok:
            raise UsageError(f"Bản sao lưu {source} cũng không dùng được:\n{check.format()}")
        heads = backup.heads()
        awards = backup.award_head()
        backup_id = backup.id
    ledger = LedgerFile(campaign.root / LEDGER_FILE)
    known_id, known = ledger.read()
    if known_id and known_id != backup_id and any(h.count for h in known.values()):
        raise UsageError(f"Tệp {source} là bản sao lưu của một sổ điểm khác (không phải sổ điểm của đợt thi đua "
                         "này); không khôi phục.")
    replaced = None
    if target.exists():
        replaced = target.with_name(f"{target.stem}.truoc-khoi-phuc-{dt.datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
        for companion in ("", "-wal", "-shm"):  # the journal files belong to the replaced file
            old = Path(f"{target}{companion}")
            if old.exists():
                old.rename(Path(f"{replaced}{companion}"))
    with Gradebook(f"sqlite:///{source.resolve()}", readonly=True) as backup:
        backup.backup(target)
    ledger.write(backup_id, heads, replace=True, awards=awards)
    lost = {y: h.count - heads.get(y, Head()).count for y, h in known.items() if h.count > heads.get(y, Head()).count}
    return Restored(replaced, {y: h.count for y, h in heads.items()}, lost)

