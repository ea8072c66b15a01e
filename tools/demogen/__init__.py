"""The demo campaign generator (Dữ liệu minh họa): ``python -m tools.demogen data``.

Maintainers' tool, not installed with the kit: the committed ``data/`` folder is its output
(tests/test_demogen.py checks they are byte-identical).
"""

from tools.demogen.generate import generate

__all__ = ["generate"]
