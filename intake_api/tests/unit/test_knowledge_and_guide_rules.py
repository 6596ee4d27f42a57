"""Pure rules of the knowledge base (terms and weights from Chinese text) and of the guide (content negotiation,
HTML rendering, the seeded first version)."""

from datetime import UTC, datetime

import pytest

from intake_api.guide import rules as guide
from intake_api.guide.content import FIRST_GUIDE
from intake_api.guide.schemas import GuidePublish
from intake_api.onsite.knowledge import rules as knowledge

# -- knowledge base -----------------------------------------------------------------------------------------


def test_terms_are_content_words_of_the_question() -> None:
    terms = knowledge.terms("被拖欠工资应当向哪里投诉？")
    assert "拖欠" in terms and "工资" in terms
    assert "投诉" not in terms  # a stop word of every petition
    assert all(len(term) > 1 for term in terms)


def test_index_weights_question_keywords_and_answer() -> None:
    weights = knowledge.index_terms(
        question="物业维修资金怎么使用", answer="维修资金须经业主表决", keywords=["电梯维修"]
    )
    assert weights["维修"] == 3 + 3 + 1  # question, the keyword's parts, the answer
    assert weights["资金"] == 3 + 1
    assert weights["电梯维修"] == 3  # the keyword itself
    assert weights["业主"] == 1


def test_index_of_nothing_is_empty() -> None:
    assert knowledge.index_terms(question="？？", answer="！！", keywords=[]) == {}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("欠薪", ["欠薪"]),
        ("工资，工资。工资", ["工资", "工资工资工资"]),  # distinct terms, then the whole query
        ("ＡＢＣ维修", ["abc", "维修", "abc维修"]),  # full-width folded, latin lower-cased
        ("，。！", []),
        ("的", []),  # one character: not a term, not a whole-query term
    ],
)
def test_query_terms(query: str, expected: list[str]) -> None:
    assert knowledge.query_terms(query) == expected


def test_query_terms_are_bounded() -> None:
    query = "".join(f"{word}，" for word in ["工资", "维修", "复查", "复核", "医疗", "教育", "住房", "养老"] * 10)
    terms = knowledge.query_terms(query + "蓝鲸长颈鹿河马")
    assert len(terms) <= knowledge.MAX_QUERY_TERMS and len(terms) == len(set(terms))
    assert all(len(term) <= knowledge.MAX_TERM_LENGTH for term in terms)


def test_keyword_terms_include_the_whole_keyword() -> None:
    assert {"拖欠工资", "拖欠", "工资"} <= knowledge.keyword_terms("拖欠工资")
    assert knowledge.keyword_terms("a" * 65) == set()  # too long to index, whole or as a word


# -- guide: content negotiation -----------------------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("text/html", True),
        ("TEXT/HTML", True),
        (BROWSER, True),
        ("text/html;q=0.5, application/json", False),
        ("text/html, application/json;q=0.5", True),
        ("application/json;q=0.9, text/*", True),
        ("text/html;q=0", False),
        ("text/html;q=abc", False),
        ("text/html;level=1;q=0.7, */*;q=0.6", True),
        ("text/html;q=0.5, */*;q=0.5", False),  # a tie keeps JSON
        (",,;", False),
    ],
)
def test_wants_html(accept: str | None, html: bool) -> None:
    assert guide.wants_html(accept) is html


def test_accept_weights_clamp_quality() -> None:
    assert guide.accept_weights("text/html;q=2, application/json;q=-1") == {"text/html": 1.0, "application/json": 0.0}


# -- guide: rendering ---------------------------------------------------------------------------------------


def test_render_html_escapes_everything() -> None:
    sections = [{"key": "x", "title": "<b>标题</b>", "paragraphs": ["a & b", '<script>alert("x")</script>']}]
    page = guide.render_html(
        version=3, title="指南<", sections=sections, published_at=datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<h2>&lt;b&gt;标题&lt;/b&gt;</h2>" in page and "<p>a &amp; b</p>" in page
    assert "<title>指南&lt;</title>" in page
    assert "第 3 版，2026年3月2日发布" in page  # the date in Beijing


def test_first_guide_is_a_valid_publication() -> None:
    """Version 1 (seeded by the migration) passes the same checks as a published version."""
    request = GuidePublish.model_validate({"based_on": 1, **FIRST_GUIDE})
    assert [section.key for section in request.sections] == ["channels", "time_limits", "review", "rights", "duties"]
