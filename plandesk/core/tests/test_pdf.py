from plandesk.core import pdf


def test_it_renders_chinese_that_reads_back():
    data = pdf.render(
        [pdf.para("立案回执", "title"), pdf.field_table([("案件编号", "2026000123"), ("申请人", "某某置业有限公司")]),
         pdf.qr_code("http://127.0.0.1:8000/")],
        title="立案回执",
    )
    assert data.startswith(b"%PDF")
    text = pdf.extract_text(data)
    assert "立案回执" in text
    assert "2026000123" in text
    assert "某某置业有限公司" in text


def test_it_embeds_the_font():
    data = pdf.render([pdf.para("城乡规划局")], title="x")
    assert b"/FontFile2" in data


def test_applicant_text_cannot_inject_markup():
    text = pdf.extract_text(pdf.render([pdf.para("<b>粗体</b> & <font size=40>大</font>")], title="x"))
    assert "<b>粗体</b>" in text
