"""The meeting view, in-kernel: ranking, drill-down with history, proposals, what-if without storing."""

from kit.store.gradebook import Gradebook
from kit.ui.meeting_panel import MeetingPanel
from tests.helpers import DEMO


def test_meeting_view_on_the_demo(tmp_path):
    before = (DEMO / "gradebook.sqlite").read_bytes()
    from kit.config.campaign import load_campaign

    campaign = load_campaign(DEMO)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:  # the bundled demo: read only
        m = MeetingPanel(campaign, gb, 2024)
        assert "Xếp hạng năm 2024" in m.ranking.value and "Phòng Tư pháp" in m.ranking.value
        assert m.unit.value and m.area.value and "Lịch sử quyết định" in m.detail.value
        assert "Thẩm định:" in m.detail.value
        assert any(name in m.detail.value for name in ("Nguyễn Thị Lan", "Trần Văn Minh"))
        assert "Đề nghị khen thưởng năm 2024" in m.awards.value
        m.band_sliders[0].value = 99.5  # almost nobody is "Xuất sắc" any more
        m.apply_button.click()
        assert "Đơn vị đổi xếp loại" in m.whatif.value and "Xuất sắc" in m.whatif.value
        assert "không được lưu" in m.whatif.value
        m.year.value = 2022
        assert "Xếp hạng năm 2022" in m.ranking.value and [s.description for s in m.band_sliders] == ["Tốt", "Khá"]
    assert (DEMO / "gradebook.sqlite").read_bytes() == before  # nothing stored


def test_what_if_refuses_thresholds_out_of_order():
    from kit.config.campaign import load_campaign

    campaign = load_campaign(DEMO)
    with Gradebook.for_campaign(campaign, readonly=True) as gb:  # the bundled demo: read only
        m = MeetingPanel(campaign, gb, 2024)
        names = [s.description for s in m.band_sliders]
        m.band_sliders[1].value = m.band_sliders[0].value + 5  # "Tốt" above "Xuất sắc"
        m.apply_button.click()
        assert f"Ngưỡng &quot;{names[1]}&quot;" in m.whatif.value and "phải thấp hơn" in m.whatif.value
        assert "Đơn vị đổi xếp loại" not in m.whatif.value
