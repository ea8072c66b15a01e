from kit.config.framework import load_framework, parse
from tests.helpers import FRAMEWORK_YML, write_campaign


def codes(problems):
    return [p.code for p in problems]


def test_tiny_framework_is_valid(tmp_path):
    root = write_campaign(tmp_path)
    fw, problems = load_framework(root, 2024, "A")
    assert problems == []
    assert [c.code for c in fw.criteria] == ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1"]
    assert fw.by_code()["1.5"].min == -1


def test_points_that_do_not_add_up_name_the_line(tmp_path):
    root = write_campaign(tmp_path, framework=FRAMEWORK_YML.replace("max: 6", "max: 7"))
    _, problems = load_framework(root, 2024, "A")
    assert codes(problems) == ["POINTS_MISMATCH", "POINTS_MISMATCH"]
    assert problems[0].row == 6 and "lĩnh vực 1" in problems[0].message
    assert problems[0].file.endswith("2024-A.yml")


def test_unknown_answer_type(tmp_path):
    root = write_campaign(tmp_path, framework=FRAMEWORK_YML.replace("type: judgement", "type: essay"))
    _, problems = load_framework(root, 2024, "A")
    assert "ANSWER_TYPE_UNKNOWN" in codes(problems)
    assert "essay" in problems[0].message


def test_bad_tiers_and_duplicates(tmp_path):
    bad = FRAMEWORK_YML.replace("{{min: 90, points: 2}}, {{min: 50, points: 1}}", "{{min: 50, points: 1}}, "
                                "{{min: 90, points: 2}}").replace('code: "1.3"', 'code: "1.1"')
    root = write_campaign(tmp_path, framework=bad)
    _, problems = load_framework(root, 2024, "A")
    messages = " | ".join(p.message for p in problems)
    assert "giảm dần" in messages and "bị trùng" in messages


def test_missing_and_malformed_files(tmp_path):
    fw, problems = load_framework(tmp_path, 2024, "A")
    assert fw is None and codes(problems) == ["CONFIG_MISSING"]
    fw, problems = parse({"areas": "x"}, tmp_path / "x.yml", 2024, "A")
    assert fw is None and codes(problems) == ["CONFIG_INVALID"]
