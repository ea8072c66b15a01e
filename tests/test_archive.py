"""The handover archive: what it holds, and that any changed byte is found."""

import json
import random
import zipfile

import pytest

from kit.app.archive import MANIFEST, README, check_archive
from kit.cli import main


@pytest.fixture
def packed(demo_copy, tmp_path, capsys):
    reports = tmp_path / "reports"
    (reports / "2024").mkdir(parents=True)
    (reports / "2024" / "bao-cao-nam-2024.html").write_text("<p>Dữ liệu minh họa</p>", encoding="utf-8")
    (reports / "2024" / ".tam-xyz.html").write_text("half-written", encoding="utf-8")
    out = tmp_path / "ban-giao.zip"
    assert main(["archive", "--campaign", str(demo_copy), "--reports", str(reports), "--out", str(out)]) == 0
    assert "nguyên vẹn" in capsys.readouterr().out
    return out


def test_the_archive_holds_data_a_verified_gradebook_and_reports(packed, demo_copy, capsys):
    with zipfile.ZipFile(packed) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(MANIFEST))
        readme = zf.read(README).decode("utf-8")
    assert {"du-lieu/campaign.yml", "du-lieu/lineage.csv", "du-lieu/submissions/2024/NV_2024.xlsx",
            "so-diem/gradebook.sqlite", "so-diem/gradebook.ledger.json", "bao-cao/2024/bao-cao-nam-2024.html"} <= names
    assert not any(n.startswith("du-lieu/gradebook") or ".tam-" in n for n in names)  # live db, temp files: no
    assert manifest["gradebook"]["verified"] and sum(manifest["gradebook"]["decisions"].values()) > 3000
    assert len(manifest["files"]) == len(names) - 2
    assert "DỮ LIỆU MINH HỌA" in readme and "kit archive --verify" in readme
    assert main(["archive", "--verify", str(packed)]) == 0
    assert f"{len(names) - 2} tệp khớp" in capsys.readouterr().out


def test_any_changed_byte_is_found(packed, tmp_path):
    original = packed.read_bytes()
    rng = random.Random(7)
    spots = [rng.randrange(len(original)) for _ in range(40)] + [0, len(original) // 2, len(original) - 1,
                                                                 len(original) - 70]
    for at in spots:
        broken = bytearray(original)
        broken[at] ^= 1 << rng.randrange(8)
        copy = tmp_path / "hong.zip"
        copy.write_bytes(bytes(broken))
        found = check_archive(copy)
        assert not found.ok, f"byte {at} changed, archive said sound"
        assert "KHÔNG nguyên vẹn" in found.format()


def test_a_changed_member_is_named(packed, tmp_path):
    rebuilt = tmp_path / "sua.zip"
    with zipfile.ZipFile(packed) as src, zipfile.ZipFile(rebuilt, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "du-lieu/units.csv":
                data = data.replace(b"Ph\xc3\xb2ng N\xe1\xbb\x99i v\xe1\xbb\xa5", b"Phong Noi vu")
            dst.writestr(item, data)
        dst.comment = src.comment
    found = check_archive(rebuilt)
    assert "nội dung du-lieu/units.csv khác bảng kê" in found.problems


def test_a_damaged_gradebook_is_not_archived(demo_copy, tmp_path, capsys):
    from sqlalchemy import text

    from kit.store.gradebook import Gradebook

    with Gradebook(f"sqlite:///{demo_copy / 'gradebook.sqlite'}") as gb, gb.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER decisions_no_update"))
        conn.execute(text("UPDATE decisions SET score = score + 1 WHERE id = 5"))
    out = tmp_path / "x.zip"
    assert main(["archive", "--campaign", str(demo_copy), "--reports", str(tmp_path), "--out", str(out)]) == 1
    assert "không đóng gói" in capsys.readouterr().err and not out.exists()


def test_a_damaged_compressed_stream_is_a_problem_not_a_crash(packed, tmp_path):
    """Some flipped bytes make zlib itself fail (not zipfile): still one listed problem."""
    import zlib

    original = packed.read_bytes()
    with zipfile.ZipFile(packed) as zf:
        info = max(zf.infolist(), key=lambda i: i.compress_size)  # a deflated member with a long stream
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    copy = tmp_path / "hong.zip"
    for at in range(start + 16, start + info.compress_size, 97):
        broken = bytearray(original)
        broken[at] ^= 0xFF
        copy.write_bytes(bytes(broken))
        try:
            with zipfile.ZipFile(copy) as zf:
                zf.read(info.filename)
        except zlib.error:
            break
        except (zipfile.BadZipFile, ValueError, EOFError):
            continue
    else:
        pytest.skip("no flip made zlib fail")
    found = check_archive(copy)
    assert not found.ok and any(info.filename in p for p in found.problems)


def test_an_unknown_compression_method_is_a_problem_not_a_crash(packed, tmp_path):
    """A changed byte can land on a member's compression method (found when the demo's layout moved): zipfile then
    raises NotImplementedError, which the check let through as a traceback."""
    data = bytearray(packed.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry; its method is at offset 10
    data[entry + 10:entry + 12] = (99).to_bytes(2, "little")
    broken = tmp_path / "hong.zip"
    broken.write_bytes(bytes(data))
    found = check_archive(broken)
    assert not found.ok and any(p.startswith("không đọc được") for p in found.problems), found.problems
