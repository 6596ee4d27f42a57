"""The printed 信访事项转送单 (transfer form) as an A4 PDF.

Pure rendering: a :class:`TransferForm` in, PDF bytes out. No database, no network; the only I/O is reading the font
from its package once per process.

Font: WenQuanYi Micro Hei 0.2.0-beta (文泉驿微米黑), a TrueType face covering GB 2312 and GBK, licensed Apache-2.0
(or GPL-3.0-or-later with the font embedding exception). It comes from the PyPI package ``paperang-p2-fonts-cjk``,
whose ``wqy-microhei.ttc`` is byte-identical to the upstream release (the same file as Debian's fonts-wqy-microhei).
reportlab embeds only the glyphs a form uses (``/FontFile2``) with a ``/ToUnicode`` map, so the PDF shows and copies
as Chinese on a machine without any CJK font. A character the font lacks prints as 〓 (the printers' mark for a
missing character) instead of an empty box; :func:`unsupported_characters` tells the caller which ones.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import paragraph as reportlab_paragraph

__all__ = [
    "MAX_LENGTHS",
    "NO_LINE_START",
    "PLACEHOLDER",
    "TransferForm",
    "chinese_date",
    "feedback_instruction",
    "form_problems",
    "is_masked_name",
    "is_masked_phone",
    "render_transfer_form",
    "unsupported_characters",
]

FONT_NAME = "WenQuanYiMicroHei"
FONT_PACKAGE = "paperang_p2_fonts_cjk"
FONT_RESOURCE = "fonts/wqy-microhei.ttc"
PLACEHOLDER = "〓"
NO_LINE_START = "，。、；：？！”’）》」』】〕〗…—·％"  # GB/T 15834: closing marks never start a line
MAX_LENGTHS = {  # the fields printed in the table's cells; content and requests flow over as many pages as they need
    "bureau_name": 30,
    "tracking_number": 40,
    "petitioner_name": 20,
    "petitioner_phone": 20,
    "category_name": 60,
    "summary": 200,
    "receiving_unit": 100,
    "reception_staff": 40,
    "deadline_basis": 100,
}

_REQUIRED = ("bureau_name", "tracking_number", "petitioner_name", "category_name", "receiving_unit", "reception_staff")
_UNMASKED_DIGITS = re.compile(r"\d{5,}")
_MARGIN_X = 25 * mm
_MARGIN_Y = 22 * mm
_GREY = colors.Color(0.35, 0.35, 0.35)
_LIGHT = colors.Color(0.93, 0.93, 0.93)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferForm:
    """What a transfer form prints. Names and phone numbers arrive already masked (``services.pii``)."""

    bureau_name: str
    tracking_number: str
    petitioner_name: str
    petitioner_phone: str
    category_name: str
    summary: str
    content: str
    receiving_unit: str
    deadline: date
    issued_on: date
    reception_staff: str
    requests: str = ""
    deadline_basis: str = ""

    def __post_init__(self) -> None:
        problems = form_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


def form_problems(form: TransferForm) -> list[str]:
    """Why a form must not be printed: a blank required field, a table field too long for its cell, unmasked
    personal data, a deadline before the day of issue. Empty when the form is fine."""
    problems = [f"{field} is blank" for field in _REQUIRED if not getattr(form, field).strip()]
    problems += [
        f"{field} is longer than {limit} characters"
        for field, limit in MAX_LENGTHS.items()
        if len(getattr(form, field)) > limit
    ]
    if not (form.summary.strip() or form.content.strip()):
        problems.append("summary and content are both blank")
    if not is_masked_name(form.petitioner_name):
        problems.append("petitioner_name must be masked (e.g. 张*)")
    if not is_masked_phone(form.petitioner_phone):
        problems.append("petitioner_phone must be masked (e.g. 139****0001) or empty")
    if form.deadline < form.issued_on:
        problems.append("deadline is before issued_on")
    return problems


def is_masked_name(name: str) -> bool:
    """A name of two or more characters shows at least one ``*`` (``张*``, ``欧阳**``); one character is left as is."""
    name = name.strip()
    return len(name) <= 1 or "*" in name


def is_masked_phone(phone: str) -> bool:
    """Empty (no phone given), or masked: some ``*`` and no run of five or more digits left readable."""
    phone = phone.strip()
    return not phone or ("*" in phone and not _UNMASKED_DIGITS.search(phone))


def chinese_date(value: date) -> str:
    """``2026年3月17日``: the way Chinese official documents write a date."""
    return f"{value.year}年{value.month}月{value.day}日"


def feedback_instruction(deadline: date) -> str:
    """The instruction printed with the deadline, e.g. ``请于 2026年3月17日 前将办理情况反馈``."""
    return f"请于 {chinese_date(deadline)} 前将办理情况反馈"


def unsupported_characters(form: TransferForm) -> frozenset[str]:
    """The characters of the form that the font cannot draw; they print as :data:`PLACEHOLDER`."""
    covered = _font_codepoints()
    return frozenset(
        char for text in _texts(form) for char in _clean(text) if char != "\n" and ord(char) not in covered
    )


def render_transfer_form(form: TransferForm) -> bytes:
    """The transfer form as A4 PDF bytes; the same form always gives the same bytes."""
    _font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_Y,
        bottomMargin=_MARGIN_Y,
        title=f"信访事项转送单 {form.tracking_number}",
        author=form.bureau_name,
        subject=f"转送至{form.receiving_unit}",
        creator="xinfang intake_api",
        invariant=True,
    )
    footer = f"编号：{_printable(form.tracking_number)}"
    document.build(_story(form, document.width), canvasmaker=functools.partial(_NumberedCanvas, footer=footer))
    return buffer.getvalue()


# -- layout -----------------------------------------------------------------------------------------------------


def _story(form: TransferForm, width: float) -> list[Flowable]:
    styles = _styles()
    deadline_text = _lines(
        chinese_date(form.deadline),
        feedback_instruction(form.deadline) + (f"（{form.deadline_basis}）" if form.deadline_basis.strip() else ""),
    )
    rows: list[list[Any]] = [
        [
            _cell("信访人", styles["label"]),
            _cell(form.petitioner_name, styles["value"]),
            _cell("联系电话", styles["label"]),
            _cell(form.petitioner_phone.strip() or "—", styles["value"]),
        ],
        [_cell("事项类别", styles["label"]), _cell(form.category_name, styles["value"]), "", ""],
        [_cell("事项摘要", styles["label"]), _cell(form.summary.strip() or "—", styles["value"]), "", ""],
        [_cell("接收单位", styles["label"]), _cell(form.receiving_unit, styles["value"]), "", ""],
        [_cell("办理时限", styles["label"]), Paragraph(deadline_text, styles["value"]), "", ""],
        [
            _cell("转送日期", styles["label"]),
            _cell(chinese_date(form.issued_on), styles["value"]),
            _cell("接待人员", styles["label"]),
            _cell(form.reception_staff, styles["value"]),
        ],
    ]
    label_width = 26 * mm
    value_width = (width - 2 * label_width) / 2
    table = Table(
        rows,
        colWidths=[label_width, value_width, label_width, value_width],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), _LIGHT),
                ("BACKGROUND", (2, 0), (2, 0), _LIGHT),
                ("BACKGROUND", (2, -1), (2, -1), _LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                *[("SPAN", (1, row), (3, row)) for row in range(1, 5)],
            ]
        ),
    )
    story: list[Flowable] = [
        Paragraph(_markup(form.bureau_name), styles["bureau"]),
        _Title("信访事项转送单"),
        Paragraph(_markup(f"编号：{form.tracking_number}"), styles["number"]),
        Paragraph(_markup(f"{form.receiving_unit}："), styles["body"]),
        Paragraph(
            _markup("根据《信访工作条例》有关规定，现将下列信访事项转送你单位，请依法依规办理。"), styles["indented"]
        ),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 5 * mm),
        Paragraph("信访事项内容", styles["heading"]),
        *_paragraphs(form.content or form.summary, styles["indented"]),
    ]
    if form.requests.strip():
        story += [Paragraph("信访人诉求", styles["heading"]), *_paragraphs(form.requests, styles["indented"])]
    story += [Spacer(1, 6 * mm), _SealArea(form)]
    return story


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=11, leading=17, wordWrap="CJK", alignment=TA_LEFT)
    return {
        "bureau": ParagraphStyle("bureau", base, fontSize=15, leading=22, alignment=TA_CENTER),
        "number": ParagraphStyle("number", base, fontSize=10.5, alignment=TA_RIGHT, spaceBefore=2, spaceAfter=6),
        "body": ParagraphStyle("body", base, fontSize=12, leading=20),
        "indented": ParagraphStyle("indented", base, fontSize=12, leading=20, firstLineIndent=24),
        "heading": ParagraphStyle("heading", base, fontSize=12.5, leading=22, spaceBefore=2, spaceAfter=2),
        "label": ParagraphStyle("label", base, alignment=TA_CENTER),
        "value": base,
    }


class _Title(Flowable):
    """The title, centred, letter-spaced and emboldened by stroking the glyphs (the font has no bold face)."""

    size = 22.0
    spacing = 6.0

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.available = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available = available_width
        return available_width, self.size * 1.7

    def draw(self) -> None:
        canvas = self.canv
        text_width = pdfmetrics.stringWidth(self.text, FONT_NAME, self.size) + self.spacing * (len(self.text) - 1)
        canvas.saveState()
        canvas.setLineWidth(0.5)
        text = canvas.beginText((self.available - text_width) / 2, self.size * 0.45)
        text.setFont(FONT_NAME, self.size)
        text.setCharSpace(self.spacing)
        text.setTextRenderMode(2)
        text.textOut(self.text)
        canvas.drawText(text)
        canvas.restoreState()


class _SealArea(Flowable):
    """The receipt lines for the receiving unit on the left; the bureau's seal circle, name and date on the right."""

    area_height = 58 * mm
    radius = 19 * mm

    def __init__(self, form: TransferForm) -> None:
        super().__init__()
        self.form = form
        self.available = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available = available_width
        return available_width, self.area_height

    def draw(self) -> None:
        canvas = self.canv
        top = self.area_height
        centre_x = self.available - 40 * mm
        centre_y = top - self.radius - 2 * mm
        canvas.saveState()
        canvas.setFont(FONT_NAME, 11.5)
        canvas.drawString(0, top - 8 * mm, "接收单位签收：")
        canvas.drawString(0, top - 20 * mm, "签收人：____________________")
        canvas.drawString(0, top - 32 * mm, "签收日期：______年____月____日")
        canvas.setStrokeColor(_GREY)
        canvas.setDash(3, 2)
        canvas.circle(centre_x, centre_y, self.radius)
        canvas.setFillColor(_GREY)
        canvas.setFont(FONT_NAME, 10)
        canvas.drawCentredString(centre_x, centre_y - 3.5, "（盖章）")
        canvas.setFillColor(colors.black)
        bureau = _printable(self.form.bureau_name)
        size = 12.0
        while size > 7.5 and pdfmetrics.stringWidth(bureau, FONT_NAME, size) > 80 * mm:
            size -= 0.5
        canvas.setFont(FONT_NAME, size)
        canvas.drawCentredString(centre_x, 9 * mm, bureau)
        canvas.setFont(FONT_NAME, 12)
        canvas.drawCentredString(centre_x, 2 * mm, chinese_date(self.form.issued_on))
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end so that every footer can say ``第 n 页 共 N 页``."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for state in self._held:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(FONT_NAME, 9)
            self.setFillColor(_GREY)
            self.drawString(_MARGIN_X, _MARGIN_Y / 2, self._footer)
            self.drawRightString(A4[0] - _MARGIN_X, _MARGIN_Y / 2, f"第 {self._pageNumber} 页 共 {total} 页")
            self.restoreState()
            super().showPage()
        super().save()


# -- text -------------------------------------------------------------------------------------------------------


def _texts(form: TransferForm) -> tuple[str, ...]:
    return (
        form.bureau_name,
        form.tracking_number,
        form.petitioner_name,
        form.petitioner_phone,
        form.category_name,
        form.summary,
        form.content,
        form.receiving_unit,
        form.reception_staff,
        form.requests,
        form.deadline_basis,
    )


def _clean(text: str) -> str:
    """Line breaks as ``\\n``, tabs as spaces, other control and format characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(char for char in text if char == "\n" or unicodedata.category(char) not in ("Cc", "Cf", "Cs"))


def _printable(text: str) -> str:
    covered = _font_codepoints()
    return "".join(char if char == "\n" or ord(char) in covered else PLACEHOLDER for char in _clean(text))


def _markup(text: str) -> str:
    """Text made safe for a reportlab paragraph: missing glyphs replaced, markup characters escaped."""
    return escape(_printable(text)).replace("\n", "<br/>")


def _lines(*lines: str) -> str:
    return "<br/>".join(_markup(line) for line in lines)


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(text), style)


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """One paragraph per non-blank line, so that long content flows and splits across pages."""
    return [Paragraph(_markup(line.strip()), style) for line in _clean(text).split("\n") if line.strip()]


# -- font -------------------------------------------------------------------------------------------------------


@functools.cache
def _font() -> TTFont:
    """Reads the font from its package and registers it with reportlab, once per process."""
    data = resources.files(FONT_PACKAGE).joinpath(FONT_RESOURCE).read_bytes()
    font = TTFont(FONT_NAME, io.BytesIO(data), subfontIndex=0)
    pdfmetrics.registerFont(font)
    _teach_chinese_line_breaking()
    return font


def _teach_chinese_line_breaking() -> None:
    """reportlab's CJK wrapping keeps Japanese closing marks off the start of a line but not ，；：？！ and the
    other closing marks of GB/T 15834; add them so that a line never starts with one (the mark hangs instead)."""
    for module in (textsplit, reportlab_paragraph):  # both hold their own copy of the string
        known = module.ALL_CANNOT_START
        module.ALL_CANNOT_START = known + "".join(mark for mark in NO_LINE_START if mark not in known)


@functools.cache
def _font_codepoints() -> frozenset[int]:
    return frozenset(_font().face.charToGlyph)
