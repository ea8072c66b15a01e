"""The demo's accounts (invented people): who may act in the demo campaign, written as ``accounts.csv``.

Three evaluators (the assignments and the recorded appraisals name them by account), the council's secretary (the
units' explanations, the decisions on them, the reconciliations and the revocation are recorded under her account),
two council members (who read and record nothing) and an operator (``kit demo`` runs as this account, said aloud).
"""

from __future__ import annotations

import csv
from pathlib import Path

LAN, MINH, BAO = "lan.nt", "minh.tv", "bao.pq"
SECRETARY = "ha.ln"
OPERATOR = "tam.hm"
ACCOUNTS = [
    (LAN, "Nguyễn Thị Lan", "Chuyên viên Phòng Nội vụ", "evaluator"),
    (MINH, "Trần Văn Minh", "Chuyên viên Phòng Nội vụ", "evaluator"),
    (BAO, "Phạm Quốc Bảo", "Chuyên viên chính Phòng Nội vụ", "evaluator"),
    (SECRETARY, "Lê Ngọc Hà", "Thư ký Hội đồng Thi đua – Khen thưởng huyện", "secretary"),
    ("hung.vv", "Võ Văn Hùng", "Thành viên Hội đồng Thi đua – Khen thưởng huyện", "council"),
    ("mai.dt", "Đỗ Thị Mai", "Thành viên Hội đồng Thi đua – Khen thưởng huyện", "council"),
    (OPERATOR, "Huỳnh Minh Tâm", "Cán bộ vận hành bộ công cụ", "operator"),
]


def write_accounts(root: Path) -> None:
    with open(root / "accounts.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("Tài khoản", "Họ tên", "Chức vụ", "Vai trò"), *ACCOUNTS])
