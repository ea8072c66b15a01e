"""The committed demo campaign is exactly what the generator makes."""

from kit.demogen import _split, generate
from tests.conftest import DEMO


def test_generator_reproduces_committed_demo_byte_for_byte(tmp_path):
    generate(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file() and p.name != "README.md")
    assert made == committed
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (DEMO / rel).read_bytes(), rel


def test_split_shares_points_exactly():
    parts = _split(12, [2, 1, 3, 1.5, 2, 1.5, 1])
    assert sum(parts) == 12 and all(p > 0 and p * 2 == int(p * 2) for p in parts)
