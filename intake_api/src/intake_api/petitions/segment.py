"""jieba's accurate mode without HMM (``Tokenizer.cut(text, HMM=False)``) for the normalised texts ``similarity``
signs, by ``rjieba`` (jieba-rs, the same algorithm and dictionary compiled to native code): the same words in the
same order, at about a tenth of the CPU of jieba's Python.

Stored signatures were made from jieba's words, so a difference would stop old and new petitions from matching:
``tests/unit/test_segment.py`` compares the two on petition texts and on generated texts of CJK ideographs (also
outside jieba's Han range), kana, full-width and ASCII letters and digits. Should a release of either package
change the words, that test fails, and the way out is to pin the other or to re-sign the stored petitions.
"""

import rjieba


def cut(text: str) -> list[str]:
    """The words of ``text`` (normalised: no white space) as ``jieba.Tokenizer().cut(text, HMM=False)`` yields
    them."""
    return rjieba.cut(text, False)
