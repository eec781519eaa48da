"""Bad files against the parsers behind the uploads (a first part of issue 16's corpus: BPMN XML attacks)."""

import resource

from plandesk.workflow.engine import check_process

BPMN_HEAD = ('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
             'targetNamespace="http://plandesk/x">')


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_it_refuses_a_bpmn_with_an_external_entity_without_reading_the_file():
    xml = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + BPMN_HEAD +
           '<process id="p" name="&xxe;" isExecutable="true"><startEvent id="s"/></process></definitions>')
    parsed, problems = check_process(xml)
    text = " ".join(problems) + (str(getattr(parsed, "name", "")) if parsed else "")
    assert "root:" not in text


def test_it_survives_a_billion_laughs_bpmn_with_bounded_memory():
    entities = '<!ENTITY l0 "ha">' + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>' + BPMN_HEAD +
           '<process id="p" name="&l9;" isExecutable="true"><startEvent id="s"/></process></definitions>')
    before = _peak_rss_mb()
    _parsed, problems = check_process(xml)
    assert _peak_rss_mb() - before < 200  # 10⁹ "ha" expanded would need gigabytes
    assert "haha" * 1000 not in " ".join(problems)


def test_it_refuses_garbage_as_bpmn_with_a_chinese_message():
    parsed, problems = check_process(b"\x00\xff%PDF-1.7 not xml at all")
    assert parsed is None
    assert problems and problems[0].startswith("XML 格式错误")
