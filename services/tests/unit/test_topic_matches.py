"""services.messaging.bus.topic_matches: AMQP topic semantics (``*`` one word, ``#`` zero or more)."""

import pytest

from services.messaging.bus import topic_matches

CASES = [
    # exact words
    ("xinfang.petition.registered.v1", "xinfang.petition.registered.v1", True),
    ("xinfang.petition.registered.v1", "xinfang.petition.registered.v2", False),
    ("xinfang.petition", "xinfang.petition.registered", False),
    ("xinfang.petition.registered", "xinfang.petition", False),
    # * is exactly one word
    ("xinfang.*.registered.v1", "xinfang.petition.registered.v1", True),
    ("xinfang.*.v1", "xinfang.petition.registered.v1", False),
    ("*", "xinfang", True),
    ("*", "xinfang.petition", False),
    ("*.*", "a.b", True),
    ("*.*", "a", False),
    # # at the end
    ("xinfang.#", "xinfang", True),
    ("xinfang.#", "xinfang.petition", True),
    ("xinfang.#", "xinfang.petition.registered.v1", True),
    ("xinfang.#", "other.petition", False),
    # # at the start
    ("#.v1", "v1", True),
    ("#.v1", "xinfang.case.opened.v1", True),
    ("#.v1", "xinfang.case.opened.v2", False),
    # # in the middle
    ("xinfang.#.v1", "xinfang.v1", True),
    ("xinfang.#.v1", "xinfang.case.v1", True),
    ("xinfang.#.v1", "xinfang.case.opened.v1", True),
    ("xinfang.#.v1", "xinfang.case.opened.v2", False),
    ("xinfang.#.v1", "other.case.v1", False),
    # # alone, and combined with *
    ("#", "", True),
    ("#", "anything", True),
    ("#", "a.b.c.d", True),
    ("#.*", "a", True),
    ("#.*", "", True),  # "" is one empty word
    ("#.*.*", "a", False),
    ("*.#", "a.b.c", True),
    ("a.#.#.b", "a.b", True),
    ("a.#.*.b", "a.b", False),
    ("a.#.*.b", "a.x.b", True),
    # empty words are words
    ("", "", True),
    ("", "a", False),
    ("a", "", False),
    ("a..b", "a..b", True),
    ("a.*.b", "a..b", True),
    ("a.b", "a..b", False),
    ("a.#", "a.", True),
    ("*", "", True),
]


@pytest.mark.parametrize(("pattern", "routing_key", "expected"), CASES)
def test_topic_matches(pattern: str, routing_key: str, expected: bool) -> None:
    assert topic_matches(pattern, routing_key) is expected
