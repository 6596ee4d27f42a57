"""Pure decisions of the knowledge base: which terms index an entry and with what weight, which terms a query
searches for. Chinese text is segmented with jieba through the petitions' similarity module (same normalisation:
full-width folded, latin lower-cased, punctuation dropped, stop words left out)."""

from collections import Counter

from intake_api.petitions import similarity

QUESTION_WEIGHT, KEYWORD_WEIGHT, ANSWER_WEIGHT = 3, 3, 1
MAX_TERM_LENGTH = 64
MAX_QUERY_TERMS = 32


def terms(text: str) -> list[str]:
    """The search terms of a text in reading order (repeats kept), each at most 64 characters."""
    return [term for term in similarity.tokens(text) if len(term) <= MAX_TERM_LENGTH]


def keyword_terms(keyword: str) -> set[str]:
    """A keyword indexes as itself (normalised) and as the words inside it."""
    whole = similarity.normalise(keyword)
    found = set(terms(keyword))
    if 1 <= len(whole) <= MAX_TERM_LENGTH:
        found.add(whole)
    return found


def index_terms(*, question: str, answer: str, keywords: list[str]) -> dict[str, int]:
    """Term → weight: each occurrence in the question and each keyword counts 3, each in the answer 1."""
    weights: Counter[str] = Counter()
    for term in terms(question):
        weights[term] += QUESTION_WEIGHT
    for keyword in keywords:
        for term in keyword_terms(keyword):
            weights[term] += KEYWORD_WEIGHT
    for term in terms(answer):
        weights[term] += ANSWER_WEIGHT
    return dict(weights)


def query_terms(query: str) -> list[str]:
    """The distinct terms of a search query, first occurrence first, at most 32; the whole query (normalised) is
    one of them when short enough, so that a keyword typed as it is stored is found."""
    found = dict.fromkeys(terms(query))
    whole = similarity.normalise(query)
    if 2 <= len(whole) <= MAX_TERM_LENGTH:
        found.setdefault(whole)
    return list(found)[:MAX_QUERY_TERMS]
