"""Every tag of a Word template checked before it is rendered, so that an edited template never loses text unseen.

docxtpl joins the runs of a paragraph and hands the whole document to Jinja as one text. A tag typed in Word with
one brace missing ("Kính gửi: {{ kinh_gui }") is then closed by the next "}}" paragraphs further on: everything in
between becomes part of the tag and silently disappears from the document, and the run exits 0. Checked paragraph
by paragraph first, the same typo is found where the office typed it. Three things are checked:

- each tag opens and closes inside one paragraph ("{{ … }}", "{% … %}", "{# … #}");
- the blocks balance ("{%p for %}" … "{%p endfor %}", "{%tr if %}" … "{%tr endif %}"), and a block written without
  the paragraph or row letter ("{% if %}") closes in the paragraph it opened in (docxtpl cuts the XML there);
- every name the template reads is one the kit gives that document (a typo "{{ kinh_gu }}" is not a value left
  "…" to be filled: it is the template that is wrong).

Each problem names the paragraph by its text, as the office sees it in Word.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from functools import lru_cache

import jinja2
import jinja2.meta
from docx import Document as open_document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

DELIMITERS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
CLOSER = {"{{": "}}", "{%": "%}", "{#": "#}"}
PREFIX = re.compile(r"^(\{\{|\{%|\{#)(p|tr|tc|r)\s")  # docxtpl's paragraph, row, cell and run tags
BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans"}
MIDDLE = {"else": {"if", "for"}, "elif": {"if"}, "pluralize": {"trans"}}
CELL_VALUE = re.compile(r"\{%-?\s*(?:colspan|cellbg)\s+(.*?)-?%\}")
CELL_MERGE = re.compile(r"\{%-?\s*(?:vm|hm)\s*-?%\}")
SHOWN = 120  # characters of a paragraph quoted in a message


@dataclass(frozen=True)
class Checked:
    """What a template's text says, independent of the values: its problems, and the names it reads."""

    problems: tuple[str, ...]
    names: frozenset[str]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"«{text[:SHOWN]}{'…' if len(text) > SHOWN else ''}»"


def _paragraphs(template: bytes) -> list[str]:
    """The text of every paragraph of the body (tables included), the headers and the footers, in order."""
    document = open_document(io.BytesIO(template))
    roots = [document.element.body]
    roots += [rel.target_part.element for rel in document.part.rels.values()
              if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external]
    texts = []
    for root in roots:
        for p in root.iter(qn("w:p")):
            # a text box holds paragraphs of its own: each is counted once, as itself
            own = [t.text or "" for t in p.iter(qn("w:t")) if next(t.iterancestors(qn("w:p")), None) is p]
            texts.append("".join(own))
    return texts


def _tags(text: str) -> tuple[list[str], list[str]]:
    """The tags of one paragraph, and what is wrong with its braces (a tag left open, a closer without opener)."""
    tags, problems = [], []
    start, opener = -1, ""
    for m in DELIMITERS.finditer(text):
        token = m.group()
        if token in CLOSER:
            if opener:
                problems.append(f"thẻ \"{opener}\" chưa đóng bằng \"{CLOSER[opener]}\" trước thẻ \"{token}\" tiếp "
                                "theo")
            start, opener = m.start(), token
        elif not opener:
            problems.append(f"có \"{token}\" mà không có thẻ mở tương ứng")
        elif token != CLOSER[opener]:
            problems.append(f"thẻ mở bằng \"{opener}\" nhưng đóng bằng \"{token}\"")
            opener = ""
        else:
            tags.append(text[start:m.end()])
            opener = ""
    if opener:
        problems.append(f"thẻ \"{text[start:start + 30].strip()}\" thiếu \"{CLOSER[opener]}\" (mỗi thẻ phải mở và "
                        "đóng trong cùng một đoạn)")
    return tags, problems


def _statement(tag: str) -> tuple[str, str]:
    """("p", "for") for "{%p for x in xs %}"; ("", "endif") for "{% endif %}"."""
    m = PREFIX.match(tag)
    letter = m.group(2) if m else ""
    body = tag[len(m.group(0)) if m else 2:-2].strip().lstrip("-+").strip()
    word = body.split(maxsplit=1)[0] if body else ""
    if word == "set" and "=" not in body:
        return letter, "set-block"
    return letter, word


@lru_cache(maxsize=32)
def check_text(template: bytes) -> Checked:
    """Check the tags of a template (the bytes of a .docx); the result is cached, since one template renders
    a hundred notices."""
    problems: list[str] = []
    texts = _paragraphs(template)
    stack: list[tuple[str, str, int]] = []  # (letter, block, paragraph)
    lines = []
    for i, text in enumerate(texts):
        tags, wrong = _tags(text)
        problems += [f"{w}, ở đoạn {_quote(text)}" for w in wrong]
        for tag in tags if not wrong else []:
            if not tag.startswith("{%"):
                continue
            letter, word = _statement(tag)
            block = "set" if word == "set-block" else word
            if block in BLOCKS or word == "set-block":  # "{% set x %}…{% endset %}" opens; "{% set x = 1 %}" does not
                stack.append((letter, block, i))
            elif word in MIDDLE:
                if not stack or stack[-1][1] not in MIDDLE[word]:
                    problems.append(f"thẻ \"{tag}\" không nằm trong khối nào, ở đoạn {_quote(text)}")
            elif word.startswith("end"):
                if not stack or stack[-1][1] != word[3:]:
                    problems.append(f"thẻ \"{tag}\" không có thẻ mở tương ứng, ở đoạn {_quote(text)}")
                    continue
                opened_letter, _, opened = stack.pop()
                if not opened_letter and opened != i:
                    problems.append(f"khối \"{texts[opened].strip()[:40]}\" mở ở đoạn {_quote(texts[opened])} nhưng "
                                    f"đóng ở đoạn khác {_quote(text)}: khối trải qua nhiều đoạn phải viết "
                                    "\"{%p … %}\" (hoặc \"{%tr … %}\" trong bảng)")
        # for Jinja: one line per paragraph, docxtpl's letters dropped, a paragraph with a brace problem left out
        lines.append("" if wrong else _plain(text, tags))
    for _, block, opened in stack:
        problems.append(f"khối \"{block}\" mở ở đoạn {_quote(texts[opened])} chưa có thẻ đóng \"end{block}\"")
    names: frozenset[str] = frozenset()
    if not problems:
        try:
            names = frozenset(jinja2.meta.find_undeclared_variables(jinja2.Environment().parse("\n".join(lines))))
        except jinja2.TemplateSyntaxError as exc:
            where = texts[exc.lineno - 1] if 0 < exc.lineno <= len(texts) else ""
            problems.append(f"thẻ viết sai cú pháp ({exc.message}), ở đoạn {_quote(where)}")
    return Checked(tuple(problems), names)


def _plain(text: str, tags: list[str]) -> str:
    """The paragraph as Jinja reads it: docxtpl's "p", "tr", "tc", "r" letters taken out of its tags, and its
    table-cell tags ("{% colspan n %}", "{% cellbg c %}", "{% vm %}", "{% hm %}") as docxtpl rewrites them."""
    for tag in tags:
        text = text.replace(tag, PREFIX.sub(r"\1 ", tag), 1)
    text = CELL_VALUE.sub(r"{{ \1 }}", text)
    return CELL_MERGE.sub("", text)


def check(template: bytes, name: str, given: set[str], known: set[str] | None = None) -> list[str]:
    """Every problem of a template, each a Vietnamese sentence naming the template and the paragraph; ``given``:
    the names the kit gives this document, ``known``: names Jinja itself provides (its globals)."""
    checked = check_text(template)
    problems = [f"Mẫu văn bản {name}: {p}." for p in checked.problems]
    for unknown in sorted(checked.names - given - (known or set())):
        where = next((t for t in _paragraphs(template) if re.search(r"\b" + re.escape(unknown) + r"\b", t)), "")
        close = difflib.get_close_matches(unknown, sorted(given), n=1)
        problems.append(f"Mẫu văn bản {name}: trường \"{unknown}\" không có trong dữ liệu của văn bản này"
                        + (f" (có phải \"{close[0]}\"?)" if close else "") + f", ở đoạn {_quote(where)}.")
    return problems
