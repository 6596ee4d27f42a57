"""The printed transfer form: rules on what it accepts, and the PDF read back by pdfium as text and as pixels."""

import dataclasses
import hashlib
import io
import itertools
import os
import time
from datetime import date
from importlib import resources

import pypdfium2 as pdfium
import pytest
import reportlab
from PIL import Image, ImageChops, ImageStat
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from intake_api.transfers.pdf import (
    FONT_PACKAGE,
    FONT_RESOURCE,
    MAX_LENGTHS,
    NO_LINE_START,
    PLACEHOLDER,
    TransferForm,
    chinese_date,
    feedback_instruction,
    form_problems,
    is_masked_name,
    is_masked_phone,
    render_transfer_form,
    unsupported_characters,
)

TITLE = "信访事项转送单"
SCALE = 2.0  # 144 dpi
# wqy-microhei.ttc of WenQuanYi Micro Hei 0.2.0-beta, the same bytes as Debian's fonts-wqy-microhei 0.2.0-beta-3.1
FONT_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"
CONTENT = (
    "本人系梅园新村小区业主，小区3号楼电梯自2025年10月起多次故障停运，老人上下楼十分困难。"
    "业主多次向物业公司反映，物业以维修基金申请程序复杂为由拖延至今；社区曾组织协调一次，未有结果。"
)


def make_form(**changes: object) -> TransferForm:
    form = TransferForm(
        bureau_name="玄武区信访局",
        tracking_number="2026-320599-000001",
        petitioner_name="张*",
        petitioner_phone="139****0001",
        category_name="城乡建设 · 物业管理",
        summary="小区电梯长期故障，物业不履行维修义务",
        content=CONTENT,
        receiving_unit="玄武区梅园新村街道办事处",
        deadline=date(2026, 3, 17),
        issued_on=date(2026, 2, 15),
        reception_staff="王**",
        requests="请求督促物业公司尽快修复电梯，并公开维修基金使用情况。",
        deadline_basis="《信访工作条例》第二十二条",
    )
    return dataclasses.replace(form, **changes)


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [document[index].get_textpage().get_text_range() for index in range(len(document))]


def body_text(pdf: bytes) -> str:
    """All pages' text without line breaks and page footers (and so without the number line under the title)."""
    lines = [line for text in page_texts(pdf) for line in text.splitlines()]
    return "".join(line for line in lines if not line.startswith("编号："))


def rasterise(pdf: bytes, page: int = 0) -> Image.Image:
    return pdfium.PdfDocument(pdf)[page].render(scale=SCALE).to_pil().convert("L")


def glyph_boxes(pdf: bytes, text: str | None = None, *, count: int = 0) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (left, top, right, bottom) of the characters of the first occurrence of ``text`` on the first
    page, or of its first ``count`` characters."""
    pdf_page = pdfium.PdfDocument(pdf)[0]
    height = pdf_page.get_height()
    text_page = pdf_page.get_textpage()
    start = text_page.get_text_range().index(text) if text else 0
    boxes = []
    for index in range(start, start + (len(text) if text else count)):
        left, bottom, right, top = text_page.get_charbox(index)
        boxes.append(
            (int(left * SCALE), int((height - top) * SCALE), int(right * SCALE), int((height - bottom) * SCALE))
        )
    return boxes


def closest_pair(glyphs: list[Image.Image]) -> float:
    """How alike the two most alike pictures are: distinct characters stay far apart, missing-glyph boxes do not."""
    return min(difference(first, second) for first, second in itertools.combinations(glyphs, 2))


def ink(image: Image.Image) -> float:
    """The share of dark pixels."""
    histogram = image.point(lambda value: 255 if value < 128 else 0).histogram()
    return histogram[255] / (image.width * image.height)


def difference(first: Image.Image, second: Image.Image) -> float:
    """Mean absolute pixel difference, 0 (same) to 255."""
    second = second.resize(first.size)
    return ImageStat.Stat(ImageChops.difference(first, second)).mean[0]


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_transfer_form(make_form())


# -- rules -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(2026, 3, 17), "2026年3月17日"), (date(2026, 12, 1), "2026年12月1日"), (date(2027, 1, 31), "2027年1月31日")],
)
def test_chinese_date_has_no_leading_zeros(value: date, expected: str) -> None:
    assert chinese_date(value) == expected


def test_feedback_instruction_names_the_deadline() -> None:
    assert feedback_instruction(date(2026, 3, 17)) == "请于 2026年3月17日 前将办理情况反馈"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张*", True),
        ("欧阳**", True),
        ("张", True),
        ("", True),
        ("张三", False),
        (" 张三 ", False),
        ("欧阳娜娜", False),
    ],
)
def test_is_masked_name(name: str, masked: bool) -> None:
    assert is_masked_name(name) is masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("139****0001", True),
        ("0755-******12", True),
        ("", True),
        ("   ", True),
        ("13900000001", False),
        ("139-0000-0001", False),
        ("1390000****", False),
        ("****0000001", False),
    ],
)
def test_is_masked_phone(phone: str, masked: bool) -> None:
    assert is_masked_phone(phone) is masked


def test_a_complete_form_has_no_problems() -> None:
    assert form_problems(make_form()) == []


@pytest.mark.parametrize(
    "field", ["bureau_name", "tracking_number", "petitioner_name", "category_name", "receiving_unit", "reception_staff"]
)
def test_a_blank_required_field_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=f"{field} is blank"):
        make_form(**{field: "  "})


def test_summary_or_content_is_required_but_either_is_enough() -> None:
    with pytest.raises(ValueError, match="summary and content are both blank"):
        make_form(summary="", content=" \n")
    assert make_form(summary="").summary == ""
    assert make_form(content="").content == ""


@pytest.mark.parametrize(("field", "limit"), sorted(MAX_LENGTHS.items()))
def test_table_fields_have_a_length_limit(field: str, limit: int) -> None:
    at_limit = "2026-" + "1" * (limit - 5) if field == "tracking_number" else "某" * limit
    if field == "petitioner_name":
        at_limit = "张" + "*" * (limit - 1)
    if field == "petitioner_phone":
        at_limit = "*" * limit
    assert getattr(make_form(**{field: at_limit}), field) == at_limit
    with pytest.raises(ValueError, match=f"{field} is longer than {limit} characters"):
        make_form(**{field: at_limit + "*"})


def test_unmasked_personal_data_is_refused() -> None:
    with pytest.raises(ValueError, match="petitioner_name must be masked"):
        make_form(petitioner_name="张三")
    with pytest.raises(ValueError, match="petitioner_phone must be masked"):
        make_form(petitioner_phone="13900000001")


def test_a_form_without_phone_prints_a_dash() -> None:
    assert "信访人 张* 联系电话 —" in page_texts(render_transfer_form(make_form(petitioner_phone="")))[0].splitlines()


def test_the_deadline_may_be_the_issue_day_but_not_before() -> None:
    assert make_form(deadline=date(2026, 2, 15)).deadline == date(2026, 2, 15)
    with pytest.raises(ValueError, match="deadline is before issued_on"):
        make_form(deadline=date(2026, 2, 14))


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ValueError) as raised:
        make_form(bureau_name="", petitioner_name="张三", deadline=date(2026, 1, 1))
    assert str(raised.value).count(";") == 2


def test_the_form_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_form().summary = "改"  # type: ignore[misc]


def test_unsupported_characters_are_those_the_font_lacks() -> None:
    assert unsupported_characters(make_form()) == frozenset()
    form = make_form(content="电梯故障😀，另有𠀀字", requests="诉求\t\r\n\x07完")
    assert unsupported_characters(form) == {"😀", "𠀀"}


# -- the PDF -----------------------------------------------------------------------------------------------------


def test_the_pdf_is_one_a4_page(pdf: bytes) -> None:
    document = pdfium.PdfDocument(pdf)
    assert pdf.startswith(b"%PDF-")
    assert len(document) == 1
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)


def test_every_field_reads_back_exactly(pdf: bytes) -> None:
    lines = page_texts(pdf)[0].splitlines()
    assert lines[:4] == ["玄武区信访局", TITLE, "编号：2026-320599-000001", "玄武区梅园新村街道办事处："]
    table = lines.index("信访人 张* 联系电话 139****0001")
    assert lines[table : table + 7] == [
        "信访人 张* 联系电话 139****0001",
        "事项类别 城乡建设 · 物业管理",
        "事项摘要 小区电梯长期故障，物业不履行维修义务",
        "接收单位 玄武区梅园新村街道办事处",
        "办理时限 2026年3月17日",
        "请于 2026年3月17日 前将办理情况反馈（《信访工作条例》第二十二条）",
        "转送日期 2026年2月15日 接待人员 王**",
    ]
    assert lines[-7:] == [
        "接收单位签收：",
        "签收人：____________________",
        "签收日期：______年____月____日",
        "（盖章）",
        "玄武区信访局",
        "2026年2月15日",
        "编号：2026-320599-000001 第 1 页 共 1 页",
    ]
    assert CONTENT in body_text(pdf)
    assert "信访人诉求请求督促物业公司尽快修复电梯，并公开维修基金使用情况。" in body_text(pdf)


def test_the_font_is_embedded_as_a_subset_with_a_unicode_map(pdf: bytes) -> None:
    assert b"/FontFile2" in pdf
    assert b"/ToUnicode" in pdf
    assert b"+WenQuanYiMicroHei" in pdf
    assert len(pdf) < 200_000  # a subset, not the 5 MB font


def test_the_installed_font_is_the_upstream_file() -> None:
    data = resources.files(FONT_PACKAGE).joinpath(FONT_RESOURCE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == FONT_SHA256


def test_the_title_glyphs_are_drawn_and_all_different(pdf: bytes) -> None:
    """Seven distinct characters give seven distinct pictures; missing glyphs would all be the same box."""
    page = rasterise(pdf)
    glyphs = [page.crop(box) for box in glyph_boxes(pdf, TITLE)]
    for glyph in glyphs:
        assert 0.15 < ink(glyph) < 0.9  # drawn, and not a filled block
    assert closest_pair(glyphs) > 50


def test_the_glyph_check_tells_missing_glyphs_apart() -> None:
    """The control: the title set in a Latin-only font (reportlab's Vera) is seven like boxes, which the check
    above would reject, and which pdfium cannot read back as text."""
    vera = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    pdfmetrics.registerFont(TTFont("VeraControl", vera))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("VeraControl", 22)
    canvas.drawString(200, 700, TITLE)
    canvas.save()
    tofu = buffer.getvalue()
    page = rasterise(tofu)
    assert closest_pair([page.crop(box) for box in glyph_boxes(tofu, count=len(TITLE))]) < 50
    assert TITLE not in page_texts(tofu)[0]


def test_different_chinese_text_renders_differently() -> None:
    """Two bureau names of the same length at the same place: different pixels where the characters differ."""
    first, second = (render_transfer_form(make_form(bureau_name=name)) for name in ("玄武区信访局", "秦淮区信访局"))
    boxes = glyph_boxes(first, "玄武区信访局") + glyph_boxes(second, "秦淮区信访局")
    top, bottom = min(box[1] for box in boxes), max(box[3] for box in boxes)
    region = (min(box[0] for box in boxes), top, max(box[2] for box in boxes), bottom)
    first_page, second_page = rasterise(first), rasterise(second)
    assert ink(first_page.crop(region)) > 0.05
    assert ink(second_page.crop(region)) > 0.05
    assert ImageChops.difference(first_page.crop(region), second_page.crop(region)).getbbox() is not None
    # while the shared ending 区信访局 is the same picture in both
    shared = (min(boxes[2][0], boxes[8][0]), top, region[2], bottom)
    assert ImageChops.difference(first_page.crop(shared), second_page.crop(shared)).getbbox() is None


def test_long_content_wraps_over_pages_without_losing_a_character() -> None:
    content = "".join(
        chr(0x4E00 + (index * 7919) % 20902) + ("，" if index % 13 == 12 else "") for index in range(3000)
    )
    pdf = render_transfer_form(make_form(content=content))
    pages = page_texts(pdf)
    assert len(pages) >= 3
    assert content in body_text(pdf)
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "编号：2026-320599-000001" in text
        assert max(len(line) for line in text.splitlines()) < 45  # wrapped, not one endless line


def test_no_line_starts_with_a_closing_mark() -> None:
    content = "".join(f"第{index}项，反映情况：属实。" for index in range(200))
    lines = [
        line for text in page_texts(render_transfer_form(make_form(content=content))) for line in text.splitlines()
    ]
    assert len(lines) > 40
    assert [line for line in lines if line[:1] in NO_LINE_START] == []


def test_line_breaks_in_the_content_start_new_paragraphs() -> None:
    pdf = render_transfer_form(make_form(content="第一段内容。\r\n\r\n第二段内容。\n  \n第三段内容。"))
    lines = page_texts(pdf)[0].splitlines()
    assert [line for line in lines if line.endswith("段内容。")] == ["第一段内容。", "第二段内容。", "第三段内容。"]


def test_markup_in_the_text_is_printed_literally() -> None:
    pdf = render_transfer_form(make_form(content="<b>加粗</b> & <br/> &amp; 完"))
    assert "<b>加粗</b> & <br/> &amp; 完" in body_text(pdf)


def test_characters_the_font_lacks_print_as_the_placeholder() -> None:
    pdf = render_transfer_form(make_form(content="电梯故障😀，另有𠀀字。"))
    text = body_text(pdf)
    assert f"电梯故障{PLACEHOLDER}，另有{PLACEHOLDER}字。" in text
    assert "😀" not in text


def test_the_same_form_gives_the_same_bytes(pdf: bytes) -> None:
    assert render_transfer_form(make_form()) == pdf
    assert render_transfer_form(make_form(tracking_number="2026-320599-000002")) != pdf


def test_rendering_is_fast(pdf: bytes) -> None:
    started = time.perf_counter()
    for _ in range(5):
        render_transfer_form(make_form())
    assert (time.perf_counter() - started) / 5 < 0.5
