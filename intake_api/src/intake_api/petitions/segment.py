"""jieba's accurate mode without HMM (``Tokenizer.cut(text, HMM=False)``) for the normalised texts ``similarity``
signs, in one pass: the same words in the same order, at about half the CPU.

jieba builds a dict of every start's dictionary words (``get_DAG``), then scores the routes right to left
(``calc``), then walks them, each step a generator. Here each start's words are scored as they are found, right
to left, with the same arithmetic (``log(freq) - log(total) + best score after the word``) and the same tie rule
(the longest word wins a tie), and single ASCII letters or digits in a row are joined as jieba joins them.
Only runs of jieba's "Han" class (CJK ideographs, ASCII letters and digits) are cut; any other character comes out
alone, as jieba gives it (a normalised text holds no white space). ``tests/unit/test_similarity.py`` compares the
two on generated and real petition texts.
"""

import re
from collections.abc import Iterator
from math import log

import jieba

_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+)")  # jieba's re_han_default
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def cut(tokenizer: jieba.Tokenizer, text: str) -> Iterator[str]:
    """The words of ``text`` (without white space) as ``tokenizer.cut(text, HMM=False)`` yields them."""
    for number, block in enumerate(_HAN.split(text)):
        if not block:
            continue
        if number % 2:  # split() with one group: odd items are the matches
            yield from _cut_block(tokenizer.FREQ, log(tokenizer.total), block)
        else:
            yield from block


def _cut_block(freq: dict[str, int], log_total: float, block: str) -> Iterator[str]:
    size = len(block)
    score = [0.0] * (size + 1)
    end = list(range(size + 1))
    for start in range(size - 1, -1, -1):
        best, best_end = None, start
        stop, count = start, freq.get(block[start])
        while count is not None:  # a prefix of dictionary words (0: only a prefix), one look-up per fragment
            if count:
                candidate = log(count) - log_total + score[stop + 1]
                if best is None or candidate >= best:
                    best, best_end = candidate, stop
            stop += 1
            if stop >= size:
                break
            count = freq.get(block[start : stop + 1])
        if best is None:  # no dictionary word starts here: the character alone
            best = log(freq.get(block[start]) or 1) - log_total + score[start + 1]
        score[start], end[start] = best, best_end
    position, ascii_run = 0, ""
    while position < size:
        after = end[position] + 1
        word = block[position:after]
        if len(word) == 1 and word in _ASCII_ALNUM:
            ascii_run += word
        else:
            if ascii_run:
                yield ascii_run
                ascii_run = ""
            yield word
        position = after
    if ascii_run:
        yield ascii_run
