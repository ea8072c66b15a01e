"""The committed demo campaign is exactly what the generator makes."""

import pandas as pd

from kit.store.gradebook import Gradebook
from kit.store.ledger import LEDGER_FILE, LedgerFile
from tests.helpers import DEMO
from tools.demogen.generate import _split, generate

SKIP = {"README.md"}


def _decisions(root):
    with Gradebook(f"sqlite:///{(root / 'gradebook.sqlite').resolve()}", readonly=True) as gb:
        return pd.concat([gb.history(y) for y in (2022, 2023, 2024, 2025)], ignore_index=True)


def test_generator_reproduces_committed_demo(tmp_path):
    generate(tmp_path)

    def files(root):
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name not in SKIP
                      and not p.name.startswith("gradebook."))

    assert files(tmp_path) == files(DEMO)
    for rel in files(tmp_path):
        assert (tmp_path / rel).read_bytes() == (DEMO / rel).read_bytes(), rel
    pd.testing.assert_frame_equal(_decisions(tmp_path), _decisions(DEMO))  # chains included
    assert LedgerFile(tmp_path / LEDGER_FILE).read()[1] == LedgerFile(DEMO / LEDGER_FILE).read()[1]  # (ids differ)


def test_demo_decisions_tell_a_story():
    d = _decisions(DEMO)
    assert set(d["evaluator"]) == {"lan.nt", "minh.tv", "bao.pq", "ha.ln"}  # accounts of the demo's registry
    assert set(d[d["stage"].isin(["explanation", "final", "reconciliation"])]["evaluator"]) == {"ha.ln"}  # secretary
    assert set(d["stage"]) == {"appraisal", "explanation", "final", "second", "reconciliation"}
    first = d[d["stage"] == "appraisal"].set_index(["year", "unit", "code"])["evaluator"]
    second = d[d["stage"] == "second"].set_index(["year", "unit", "code"])["evaluator"]
    assert len(second) > 100 and (first.reindex(second.index) != second).all()  # never the first evaluator again
    assert (d[d["stage"] == "reconciliation"]["comment"].str.len() > 0).all()  # each with its reason
    assert (d["created_at"].str.len() > 0).all() and (d["source"] == "demo").all()
    per_year = d[d["stage"] == "appraisal"].groupby("year").size()
    assert per_year[2025] < per_year[2024]  # 2025 is appraised in part
    open_2024 = d[(d["year"] == 2024) & (d["stage"] == "explanation")]
    assert len(open_2024) == 6 and len(d[(d["year"] == 2024) & (d["stage"] == "final")]) == 4


def test_split_shares_points_exactly():
    parts = _split(12, [2, 1, 3, 1.5, 2, 1.5, 1])
    assert sum(parts) == 12 and all(p > 0 and p * 2 == int(p * 2) for p in parts)
