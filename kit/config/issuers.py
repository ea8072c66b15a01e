"""Who issues the campaign's documents on a given date, under what name, where, and who signs.

The district's People's Committee and its emulation council ceased on 30/6/2025; documents dated after that
are issued by the successor (a commune's People's Committee, or the new province's Department of Home
Affairs). ``issuers:`` in campaign.yml lists them with their validity; every proposal, report and document
takes the issuer of its own date. Without the key, the district's committee issues everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kit.core import problems as P
from kit.core.values import parse_date
from kit.core.yamlfile import line_of, unknown_keys

KEYS = {"name", "parent", "council", "place", "signer", "signer_name", "valid_from", "valid_to"}


@dataclass(frozen=True)
class Issuer:
    name: str  # "UBND HUYỆN CHÂU THÀNH", "SỞ NỘI VỤ"
    parent: str = ""  # the governing body above it (Decree 30/2020: cơ quan chủ quản), e.g. "UBND TỈNH TÂY NINH"
    council: str = ""  # the emulation council that proposes, e.g. "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"
    place: str = ""  # địa danh of the date line, e.g. "Châu Thành"
    signer: str = ""  # the signing block's title lines, e.g. "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    signer_name: str = ""  # who signs (printed "…" and listed while not configured)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    row: int | None = None  # its line in campaign.yml, to locate a problem

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def load_issuers(raw: object, district: str, path: Path, problems: list[P.Problem]) -> list[Issuer]:
    """``issuers:`` of campaign.yml; two issuers on one day is a problem (a gap is allowed: nobody issues then)."""
    if not raw:
        return [Issuer(f"UBND huyện {district}", council="Hội đồng Thi đua – Khen thưởng", place=district,
                       signer="TM. HỘI ĐỒNG\nCHỦ TỊCH")]  # the council signs its own documents
    if not isinstance(raw, list):
        problems.append(P.make(P.Code.CONFIG_INVALID, file=path,
                               detail="\"issuers\" phải là danh sách cơ quan ban hành"))
        return []
    found: list[Issuer] = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("name"):
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, row=line_of(item),
                                   detail="mỗi cơ quan ban hành (issuers) cần \"name\""))
            continue
        unknown_keys(item, KEYS, path, problems)
        dates = {}
        for key in ("valid_from", "valid_to"):
            dates[key] = parse_date(item[key]) if item.get(key) else None
            if item.get(key) and dates[key] is None:
                problems.append(P.make(P.Code.DATE_INVALID, file=path, row=line_of(item), value=item[key]))
        text = {k: str(item.get(k) or "") for k in ("name", "parent", "council", "place", "signer", "signer_name")}
        found.append(Issuer(**text, valid_from=dates["valid_from"], valid_to=dates["valid_to"], row=line_of(item)))
    ordered = sorted(found, key=lambda i: i.valid_from or dt.date.min)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.valid_to is None or (after.valid_from or dt.date.min) <= before.valid_to:
            problems.append(P.make(P.Code.CONFIG_INVALID, file=path, detail=f"hai cơ quan ban hành cùng hiệu lực: "
                                   f"\"{before.name}\" và \"{after.name}\"; hãy ghi valid_to / valid_from liền nhau"))
    return ordered


def letterhead(issuer: Issuer) -> tuple[str, str]:
    """The two lines at the top left of a document (Decree 30/2020): the body above, then the one that issues —
    the committee and its emulation council, or the province and its department."""
    above, body = (issuer.name, issuer.council) if issuer.council else (issuer.parent, issuer.name)
    return above.upper(), body.upper()  # names are configured as written in a sentence; headings are capitals


def issuer_on(issuers: list[Issuer], day: dt.date) -> Issuer | None:
    return next((i for i in issuers if i.valid_on(day)), None)
