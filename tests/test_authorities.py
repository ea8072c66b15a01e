"""Who decides, who proposes, who signs (#22): the demo's documents read as their reader would, and an authority table
that contradicts itself refused with file and line, every problem at once."""

import re
import shutil
from pathlib import Path

import pytest
from docx import Document as read_docx

from kit.cli import main
from kit.config.authorities import holder, same_body, signature_problem
from kit.config.campaign import load_campaign
from kit.core.errors import CampaignError
from tests.conftest import DOC_RUNS as RUNS
from tests.helpers import copy_demo


@pytest.fixture(scope="module")
def documents(demo_documents) -> dict[str, Path]:
    """The four runs of the done-when of #22 on the demo, each its own folder of documents."""
    return {name: reports / ("final" if name in ("final", "early") else name) / "van-ban"
            for name, reports in demo_documents.items()}


def _lines(cell) -> list[str]:
    return [p.text.strip() for p in cell.paragraphs if p.text.strip()]


def _read(path: Path) -> dict:
    """What a reader sees: the issuing body (last letterhead line above the number), the signature's title lines,
    Nơi nhận, the Kính gửi line, the deciding head line of a decision and the titles in the attached lists."""
    doc = read_docx(path)
    left = _lines(doc.tables[0].rows[0].cells[0])
    heading = [line for line in left if not line.startswith("Số:") and set(line) - {"—"}]
    closing = next((t for t in doc.tables if _lines(t.rows[0].cells[0])[:1] == ["Nơi nhận:"]), None)
    signature = [line for line in _lines(closing.rows[0].cells[1]) if line != "…"] if closing else []
    texts = [p.text.strip() for p in doc.paragraphs]
    titles = {row.cells[4].text for t in doc.tables for row in t.rows[1:]
              if len(row.cells) == 6 and t.rows[0].cells[4].text == "Hình thức khen thưởng"}
    return {"body": heading[-1] if heading else "", "signature": signature,
            "received": [line.removeprefix("- ").rstrip(";.") for line in _lines(closing.rows[0].cells[0])[1:]]
            if closing else [],
            "to": next((t.removeprefix("Kính gửi:").strip() for t in texts if t.startswith("Kính gửi:")), ""),
            "decides": next((t for t in texts if t.isupper() and t.startswith(("CHỦ TỊCH ", "GIÁM ĐỐC "))), ""),
            "titles": titles}


def test_every_decision_awards_only_its_own_titles_and_signs_as_itself(documents):
    decisions = {name: sorted(folder.glob("du-thao-quyet-dinh-*.docx")) for name, folder in documents.items()}
    # the district's final: the province's Bằng khen apart; the later final: only the Sở's Giấy khen (the period's
    # Bằng khen went with the district's final and are not proposed twice)
    assert [len(decisions[n]) for n in RUNS] == [1, 1, 1, 2]
    for path in (p for paths in decisions.values() for p in paths):
        seen = _read(path)
        assert seen["decides"] and seen["titles"], path.name
        for title in seen["titles"]:
            head, body = holder(title) or ("", "")
            assert same_body(seen["decides"]).startswith(same_body(f"{head} {body}")), (path.name, title)
        head = re.match(r"(CHỦ TỊCH|GIÁM ĐỐC)", seen["decides"])
        assert head and seen["signature"][0] in (head.group(1), f"KT. {head.group(1)}"), (path.name, seen)
    early = [_read(p)["decides"] for p in decisions["early"]]
    assert early == ["CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH TÂY NINH"]
    assert [_read(p)["titles"] for p in decisions["final"]] == [{"Giấy khen của Giám đốc Sở Nội vụ"}]
    assert [_read(p)["titles"] for p in decisions["early"]][1] == {"Bằng khen của Chủ tịch UBND tỉnh"}


def test_no_submission_is_signed_by_the_body_it_addresses(documents):
    submissions = [p for folder in documents.values() for p in sorted(folder.glob("to-trinh-*.docx"))]
    assert len(submissions) == 5
    for path in submissions:
        seen = _read(path)
        assert seen["to"] and seen["body"], path.name
        assert not same_body(seen["to"]).endswith(same_body(seen["body"])), (path.name, seen["to"], seen["body"])
        assert not signature_problem(seen["signature"], body=seen["body"].capitalize()), (path.name, seen)
    up = _read(documents["early"] / "to-trinh-khen-thuong-2022-20250630-ct-tinh.docx")
    assert up["to"] == "Chủ tịch UBND tỉnh Tây Ninh (qua Sở Nội vụ)" and up["body"] == "UBND HUYỆN CHÂU THÀNH"
    assert up["titles"] == {"Bằng khen của Chủ tịch UBND tỉnh"}  # never in the district's own decision


def test_no_list_of_recipients_names_its_issuer(documents):
    for path in (p for folder in documents.values() for p in folder.rglob("*.docx")):
        seen = _read(path)
        assert not [r for r in seen["received"] if same_body(r).startswith(same_body(seen["body"]))], path.name
    report = _read(documents["final"] / "bao-cao-tong-ket-2022-2025.docx")
    assert report["body"] == "SỞ NỘI VỤ" and report["received"][0] == "UBND tỉnh Tây Ninh"


BAD_TABLE = """
authorities:
  decide:
    - {code: CT_HUYEN, head: "Chủ tịch", body: "UBND huyện Châu Thành", signer: "TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH",
       titles: [GK_TAPTHE, GK_CANHAN, GKS_TAPTHE], valid_to: 2025-06-30}
    - {code: CT_TINH, head: "Chủ tịch", body: "UBND tỉnh Tây Ninh", titles: [BK_TAPTHE, BK_CANHAN]}
  propose:
    - {to: CT_HUYEN, by: "UBND huyện Châu Thành", signer: "CHỦ TỊCH"}
    - {to: CT_TINH, by: "Hội đồng Thi đua – Khen thưởng", signer: "TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH"}
"""


def _campaign_with(tmp_path: Path, text: str, drop: tuple[str, ...] = ()) -> Path:
    """The demo with its authority table replaced by ``text`` and the top-level keys ``drop`` removed."""
    camp = Path(copy_demo(tmp_path / "data", ignore=shutil.ignore_patterns("gradebook.*")))
    lines = (camp / "campaign.yml").read_text(encoding="utf-8").split("\n")
    for key in ("authorities", *drop):
        start = lines.index(f"{key}:") if f"{key}:" in lines else next(i for i, x in enumerate(lines)
                                                                       if x.startswith(f"{key}:"))
        end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "#")))
        lines[start:end] = text.strip().split("\n") if key == "authorities" and text.strip() else []
    (camp / "campaign.yml").write_text("\n".join(lines), encoding="utf-8")
    return camp


def test_a_table_that_contradicts_itself_is_refused_with_every_line(tmp_path, capsys):
    camp = _campaign_with(tmp_path, BAD_TABLE)
    start = (camp / "campaign.yml").read_text(encoding="utf-8").split("\n").index("authorities:") + 1
    with pytest.raises(CampaignError) as caught:
        load_campaign(camp)
    said = "\n".join(p.message for p in caught.value.problems)
    rows = {p.row for p in caught.value.problems}
    assert "phải ký \"CHỦ TỊCH\"" in said and "TM.\" là chữ ký thay mặt tập thể" in said  # the committee's form
    assert "không quyết định được \"Giấy khen của Giám đốc Sở Nội vụ\"" in said  # a title bearing another's name
    assert "UBND huyện Châu Thành trình chính mình" in said  # a body proposing to itself
    assert "là ký thay mặt ủy ban nhân dân, không phải của Hội đồng Thi đua – Khen thưởng" in said  # for another
    assert "GKS_CANHAN) không có cấp quyết định từ 01/07/2025 đến 31/12/2025" in said  # a title with no authority
    assert "hai cơ quan cùng trình" not in said and {start + 1, start + 2, start + 6, start + 7} == rows  # each located
    assert main(["check", "--campaign", str(camp), "--year", "2024"]) != 0
    err = capsys.readouterr()
    assert "Traceback" not in err.err + err.out and "trình chính mình" in err.err + err.out


def test_a_campaign_without_the_table_reads_it_off_the_titles(tmp_path):
    camp = _campaign_with(tmp_path / "a", "")
    with pytest.raises(CampaignError) as caught:  # the Sở Nội vụ (issuer from 1/7/2025) would propose to itself
        load_campaign(camp)
    (problem,) = caught.value.problems
    lines = (camp / "campaign.yml").read_text(encoding="utf-8").split("\n")
    assert "Sở Nội vụ trình chính mình" in problem.message and "authorities: propose" in problem.message
    assert lines[problem.row - 1].strip().startswith('- {name: "Sở Nội vụ"')  # located on its issuer's line
    campaign = load_campaign(_campaign_with(tmp_path / "b", "", drop=("issuers",)))  # an older campaign file
    table = {a.name: a.titles for a in campaign.authorities.decide}
    assert table == {"Chủ tịch UBND huyện Châu Thành": ("GK_TAPTHE", "GK_CANHAN"),
                     "Chủ tịch UBND tỉnh Tây Ninh": ("BK_TAPTHE", "BK_CANHAN"),
                     "Giám đốc Sở Nội vụ": ("GKS_TAPTHE", "GKS_CANHAN")}
    assert {r.by for r in campaign.authorities.propose} == {"Hội đồng Thi đua – Khen thưởng"}  # the issuer proposes
    assert campaign.issuers[0].signer == "TM. HỘI ĐỒNG\nCHỦ TỊCH"  # and signs as the council, not the committee
