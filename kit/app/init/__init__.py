"""A new campaign in minutes (``kit init``): settings → campaign.yml, an official unit list → units.csv, the
frameworks (carried forward by key from an old campaign, or the starter sample), empty registers.

Modules: ``settings`` (what is asked, and campaign.yml), ``unit_list`` (the list importer), ``carry`` (the framework
carrier), ``starter`` (the sample framework), ``writer`` (the folder, whole or not at all), ``example`` (the
generated province, ``kit init --example tinh``).
"""

from __future__ import annotations

from pathlib import Path

from kit.app.init.carry import carry_frameworks
from kit.app.init.settings import Settings
from kit.app.init.unit_list import ListedUnit, read_unit_list
from kit.app.init.writer import NewCampaign, refuse_nonempty
from kit.core import problems as P
from kit.core.errors import CampaignError

SAMPLE_UNIT = "Đơn vị mẫu nhóm {group} (thay bằng danh sách chính thức: kit init --units)"


class InputError(CampaignError):
    """The inputs of ``kit init`` (unit list, old framework) have problems: all of them, nothing written."""

    def __init__(self, problems: list[P.Problem]):
        super().__init__(problems)
        self.args = ("Chưa tạo đợt thi đua (không ghi tệp nào) vì dữ liệu đầu vào có lỗi; sửa rồi chạy lại:\n"
                     + "\n".join(p.format() for p in problems),)


def sample_units(groups: dict[str, str]) -> list[ListedUnit]:
    """One placeholder unit per group when no list is given, so ``kit forms`` shows the office a form at once."""
    return [ListedUnit(f"MAU{code}"[:20], SAMPLE_UNIT.format(group=code), code, "", "", 0) for code in groups]


def plan(settings: Settings, folder: Path, *, units: Path | None = None, frameworks_from: Path | None = None,
         from_year: int | None = None) -> NewCampaign:
    """What ``kit init`` will write, with every problem of its inputs raised at once (``CampaignError``: the unit
    list's and the old framework's together); nothing is written here."""
    refuse_nonempty(folder)
    problems: list[P.Problem] = []
    report: list[str] = []
    listed = read_unit_list(units, settings.groups) if units else None
    if listed is not None:
        problems += listed.problems
        if listed.renamed:
            report.append("Mã đơn vị trùng nhau khi suy từ tên, đã thêm số để phân biệt:")
            report += [f"  - {line}" for line in listed.renamed]
    kinds = None
    if listed is not None and not P.has_errors(listed.problems):
        kinds = {g: {u.kind for u in listed.units if u.group == g} for g in settings.groups}
    carried = None
    if frameworks_from is not None:
        carried = carry_frameworks(frameworks_from, from_year or settings.years[0] - 1, settings.years,
                                   settings.groups, kinds)
        problems += carried.problems
        report += carried.report
    if P.has_errors(problems):
        raise InputError([p for p in problems if p.is_error])
    if listed is None:
        report.append("Chưa có danh sách đơn vị: units.csv có một đơn vị mẫu mỗi nhóm (mã MAU…); hãy thay bằng "
                      "danh sách chính thức.")
    return NewCampaign(settings, listed.units if listed else sample_units(settings.groups),
                       carried.frameworks if carried else {}, report)
