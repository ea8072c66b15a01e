"""Every "…" a document prints is listed with what fills it (#22): not only the values the kit knows it lacks
(``Missing``: the number, the signer), but also the blanks inside text the configuration gives — "Điều …" in a rule's
basis, "ngày … tháng …" in a legal text of the rule pack. Such text is printed as the office wrote it; this module
finds its blanks in a document's values and names the setting that fills each, so that nothing is left blank
unseen.
"""

from __future__ import annotations

from collections.abc import Iterator

from kit.config.campaign import Campaign
from kit.config.rules import RulePack
from kit.outputs.official import GAP, Missing


def known_gaps(campaign: Campaign, pack: RulePack | None) -> list[tuple[str, str]]:
    """(text with a "…", the setting that fills it) for the configuration a run uses: the plan, and the rule pack
    applied (``pack``: its legal texts, its articles, the basis of each of its rules)."""
    found: list[tuple[str, str]] = []
    if GAP in campaign.plan:
        found.append((campaign.plan, "kế hoạch phát động phong trào còn \"…\" (plan trong campaign.yml)"))
    if pack is None:
        return found
    where = f"bộ quy định {pack.code or 'duy nhất'} trong commendation.yml"
    for text in (*pack.basis, pack.short, pack.name):
        if GAP in text:
            found.append((text, f"căn cứ pháp lý còn \"…\": «{text[:60]}» (basis của {where}"
                                + (f", dòng {pack.row})" if pack.row else ")")))
    for key, text in pack.articles.items():
        if GAP in text:
            found.append((text, f"điều khoản còn \"…\": «{text}» (articles: {key} của {where})"))
    rules: dict[str, list[int]] = {}
    for rule in (*pack.yearly, *pack.final):
        if GAP in rule.basis:
            rules.setdefault(rule.basis, []).extend([rule.row] if rule.row else [])
    for text, rows in rules.items():
        lines = ", ".join(str(r) for r in sorted(set(rows)))
        found.append((text, f"điều khoản làm căn cứ còn \"…\": «{text}» (basis của quy định trong {where}"
                            + (f", dòng {lines})" if lines else ")")))
    return sorted(found, key=lambda pair: -len(pair[0]))  # the longest text first: it says most precisely


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def gaps_in(context: dict, known: list[tuple[str, str]]) -> list[str]:
    """What fills each "…" inside the text of a document's values (``Missing`` values are listed by the renderer);
    a blank of no known origin is listed with the words around it."""
    out = []
    for text in _texts(context):
        if GAP not in text or isinstance(text, Missing):
            continue
        what = next((what for fragment, what in known if fragment in text), None)
        if what:
            out.append(what)
        elif text.startswith(f"{GAP}/"):  # "…/TTr-PNV": the number of the document it cites
            out.append(f"số của văn bản được dẫn «{text}» (điền khi văn bản đó vào sổ văn bản đi)")
        else:
            at = text.index(GAP)
            out.append(f"chỗ còn \"…\" trong văn bản: «{text[max(0, at - 50):at + 20].strip()}»")
    return list(dict.fromkeys(out))
