"""Repeat-petition detection: is a new petition the same matter as an earlier one of the same petitioner?

Pure functions (no database, no network). A text is normalised, segmented with jieba and reduced to its set of
content words; its ``Signature`` is a bottom-k MinHash sketch of that set: the 32-bit hashes of the words, smallest
first, at most ``SKETCH_SIZE`` of them, plus the number of distinct words. It is stored per petition as bytes
(5 bytes + 4 per word kept: about 200 bytes for a 200-character petition, at most 1,029 bytes). Up to 256 distinct
words (about 1,000-1,500 characters of petition) the sketch holds the whole set and the scores are exact; above that
they are the usual MinHash estimates from the hashes both sketches are known to cover.

Choices, measured on the realistic pairs in ``tests/unit/test_similarity.py``:

- Words come from jieba without HMM (``cut(HMM=False)``): without HMM an unknown word is always split the same way
  whatever surrounds it. Like jieba's search mode, each word brings the dictionary words inside it
  (拖欠工资 → 拖欠工资, 拖欠, 工资), so a re-worded petition keeps more words in common.
- Single characters are dropped with the stop words: they are mostly particles, or fragments of names jieba does not
  know (柳岸 → 柳, 岸), and in short texts they made different matters at the same address look alike.
- Token bigrams were tried and left out: they lowered the scores of re-worded petitions more than those of
  different matters.
- The Jaccard similarity alone misses the commonest repeat, a short follow-up ("我3月反映的屋顶漏水还没修") of a
  long first petition: their word sets differ in size, so the Jaccard stays near 0.1 although the short one is
  almost contained in the long one. ``repeat_score`` therefore averages the Jaccard with the containment of the
  smaller set in the larger; a text of fewer than ``MIN_CONTAINED_WORDS`` words counts as contained only in
  proportion, so that one or two common words ("物业", "补偿") do not link different matters.

The jieba dictionary takes one or two seconds to load: call ``warm_up()`` at service start. By default no cache
file is read or written (the prefix dictionary is built in memory from the dictionary inside the jieba package);
``warm_up(cache_dir=...)`` lets jieba keep its marshal cache in that directory instead, for faster restarts (the
directory must be writable by the service alone: the cache is loaded with ``marshal``). Nothing is downloaded.
"""

import hashlib
import logging
import os
import sys
import threading
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

import jieba
import numpy as np

from intake_api.petitions import segment

# On the test pairs the same matter re-worded scored 0.44-0.96 and different matters 0.00-0.29. The cut sits a
# little above the middle: a wrong link hides a new demand behind an old matter, a missed one only opens a second.
DEFAULT_THRESHOLD = 0.38
SKETCH_SIZE = 256
MIN_CONTAINED_WORDS = 4
SIGNATURE_VERSION = 1

STOP_WORDS = frozenset(
    """
    我们 你们 他们 她们 它们 咱们 大家 自己 本人 我家 家里 人家 别人
    这个 那个 这些 那些 这样 那样 这里 那里 这种 那种 什么 怎么 怎么办 为什么 如何 哪里
    已经 一直 多次 好几次 几次 再次 屡次 反复 始终 仍然 还是 依然 总是 经常 长期 常年 至今 目前 现在 当时
    非常 十分 特别 真的 根本 实在 确实 严重 完全 全部 所有 一些 一点 一下 一个 一次
    但是 可是 而且 并且 然后 因为 所以 如果 虽然 由于 关于 对于 导致 以及 或者 还有 就是 只是 不是 没有 没人
    可以 能够 应该 需要 希望 要求 请求 恳请 恳求 申请 反映 投诉 举报 信访 来信 来访 上访
    领导 政府 部门 相关 有关 单位 工作人员 人员 问题 情况 事情 事项 尽快 及时 帮助 帮忙 处理 解决
    落实 依法 协调 答复 回复 重视 关注 调查 核实 无果 未果 结果 谢谢 感谢 您好 尊敬
    """.split()
)

_Key = TypeVar("_Key")
_HEADER_BYTES = 5  # the version byte and the word count (uint32, little-endian)
_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def warm_up(*, cache_dir: str | os.PathLike[str] | None = None) -> None:
    """Load the jieba dictionary now rather than on the first petition; later calls do nothing."""
    _get_tokenizer(cache_dir)


def tokenizer() -> jieba.Tokenizer:
    """The loaded jieba tokenizer (loaded now if ``warm_up`` has not run)."""
    return _get_tokenizer(None)


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), latin lower-cased; only letters, digits and marks are kept."""
    folded = text.translate(_FOLDED)  # character by character, in C
    if _SLOW not in folded:
        return folded
    return unicodedata.normalize("NFKC", text).lower().translate(_KEPT)


_SLOW = "\ue000"  # a private-use character: the fast table drops it, so in its output it marks a slow one


class _KeptCharacters(dict):
    """``str.translate`` table: a letter, digit or mark maps to itself, anything else to None (dropped). Filled on
    first sight of each character, so a text is filtered in C rather than character by character in Python."""

    def __missing__(self, code: int) -> int | None:
        kept = code if unicodedata.category(chr(code))[0] in "LNM" else None
        self[code] = kept
        return kept


class _FoldedCharacters(dict):
    """``str.translate`` table giving each character what ``normalise`` makes of it alone: NFKC, lower case, and
    only letters, digits and marks kept. That equals ``normalise`` of a whole text when no character of the text
    can act on its neighbours: none whose compatibility decomposition holds a combining mark (composition and
    reordering happen only around those; Unicode's composition pairs all end in one), a Hangul jamo (composed
    algorithmically), or Σ (lowered by context, final sigma). Such characters map to ``_SLOW``, and a text with one
    takes the whole-text path. Filled on first sight of each character. ``tests/unit/test_segment.py`` checks the
    two paths against each other on every character of the Basic Multilingual Plane and around marks."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        if any(_acts_on_neighbours(part) for part in unicodedata.normalize("NFKD", char)):
            folded: str | None = _SLOW
        else:
            folded = unicodedata.normalize("NFKC", char).lower().translate(_KEPT) or None
        self[code] = folded
        return folded


def _acts_on_neighbours(char: str) -> bool:
    code = ord(char)
    jamo = 0x1100 <= code <= 0x11FF or 0xA960 <= code <= 0xA97F or 0xD7B0 <= code <= 0xD7FF
    return jamo or char == "\u03a3" or unicodedata.category(char)[0] == "M"  # every combining class but 0 is a mark


_KEPT = _KeptCharacters()
_FOLDED = _FoldedCharacters()


def tokens(text: str) -> list[str]:
    """The content words of ``text`` in reading order, repeats kept; empty when nothing is left.

    A word is followed by the dictionary words inside it, as in jieba's search mode; a stop word gives nothing.
    """
    tokenizer = _get_tokenizer(None)
    found: list[str] = []
    for word in segment.cut(normalise(text)):  # = tokenizer.cut(..., HMM=False), in native code
        if len(word) > 1 and word not in STOP_WORDS:
            found.append(word)
            found.extend(_dictionary_parts(tokenizer, word))
    return found


class Signature:
    """The sketch of a petition's word set; ``to_bytes()`` goes into the database, ``from_bytes()`` comes back."""

    __slots__ = ("_hashes", "_word_count")

    def __init__(self, hashes: Iterable[int], word_count: int) -> None:
        if not 0 <= word_count < 2**32:
            raise ValueError(f"word count {word_count} out of range")
        array = np.unique(np.fromiter(hashes, dtype=np.uint32))  # sorted, and a copy nobody else holds
        if array.size != min(word_count, SKETCH_SIZE):
            raise ValueError(f"{array.size} distinct hashes do not sketch a set of {word_count} words")
        array.setflags(write=False)
        self._hashes = array
        self._word_count = word_count

    @property
    def hashes(self) -> np.ndarray:
        return self._hashes

    @property
    def word_count(self) -> int:
        return self._word_count

    @property
    def is_empty(self) -> bool:
        """True for a text without content words (empty, only punctuation, single characters or stop words)."""
        return self._word_count == 0

    @property
    def is_complete(self) -> bool:
        return self._word_count == self._hashes.size

    def to_bytes(self) -> bytes:
        header = bytes([SIGNATURE_VERSION]) + self._word_count.to_bytes(4, "little")
        return header + self._hashes.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        """Raises ValueError for bytes that are not a signature of this version (re-sign such petitions)."""
        if len(data) < _HEADER_BYTES or data[0] != SIGNATURE_VERSION or (len(data) - _HEADER_BYTES) % 4:
            raise ValueError(f"not a version {SIGNATURE_VERSION} petition signature")
        hashes = np.frombuffer(data, dtype="<u4", offset=_HEADER_BYTES).astype(np.uint32)  # a copy, native order
        word_count = int.from_bytes(data[1:_HEADER_BYTES], "little")
        if hashes.size != min(word_count, SKETCH_SIZE) or not bool(np.all(hashes[1:] > hashes[:-1])):
            return cls(hashes.tolist(), word_count)  # not as ``to_bytes`` writes it: checked (and refused) in full
        signature = cls.__new__(cls)  # stored sorted and distinct: no second sort for every earlier petition
        hashes.setflags(write=False)
        signature._hashes, signature._word_count = hashes, word_count
        return signature

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Signature):
            return NotImplemented
        return self._word_count == other._word_count and bool(np.array_equal(self._hashes, other._hashes))

    def __hash__(self) -> int:
        return hash((self._word_count, self._hashes.tobytes()))

    def __repr__(self) -> str:
        return f"Signature(word_count={self._word_count}, hashes={self._hashes[:3].tolist()}...)"


def signature(text: str) -> Signature:
    """``signature_of_words(tokens(text))``, the same bytes, with each word's hashes (its own and its dictionary
    parts') remembered per process: a petition's words are mostly words earlier petitions had."""
    hashes: set[int] = set()
    for word in segment.cut(normalise(text)):
        found = _hashes_by_word.get(word)
        if found is None:
            found = _word_hashes(word)
        hashes.update(found)
    return _of_distinct(hashes)


def signature_of_words(words: Iterable[str]) -> Signature:
    return _of_distinct({_word_hash(word) for word in words})


def _of_distinct(hashes: set[int]) -> Signature:
    array = np.fromiter(hashes, dtype=np.uint32, count=len(hashes))
    array.sort()
    kept = array[:SKETCH_SIZE].copy()  # a copy nobody else holds
    kept.setflags(write=False)
    signature = Signature.__new__(Signature)  # distinct and sorted already: no second check
    signature._hashes, signature._word_count = kept, len(hashes)
    return signature


_hashes_by_word: dict[str, tuple[int, ...]] = {}
_HASHED_WORDS_KEPT = 200_000  # about 40 MB at most; a petition bureau's vocabulary is far smaller


def _word_hashes(word: str) -> tuple[int, ...]:
    """The hashes a word of the segmentation adds to the set: none for a single character or a stop word, else
    its own and those of the dictionary words inside it (as ``tokens``)."""
    if len(word) > 1 and word not in STOP_WORDS:
        found = tuple(_word_hash(each) for each in (word, *_dictionary_parts(_get_tokenizer(None), word)))
    else:
        found = ()
    if len(_hashes_by_word) >= _HASHED_WORDS_KEPT:
        _hashes_by_word.clear()
    _hashes_by_word[word] = found
    return found


def similarity(a: Signature, b: Signature) -> float:
    """The (estimated) Jaccard similarity of the two word sets in [0, 1]; 0.0 when either has no content words."""
    return _scores(a, b)[0]


def containment(a: Signature, b: Signature) -> float:
    """The (estimated) share of the smaller word set found in the larger, damped below ``MIN_CONTAINED_WORDS``."""
    return _scores(a, b)[1]


def repeat_score(a: Signature, b: Signature) -> float:
    """How likely ``b`` raises the same matter as ``a``, in [0, 1]: 1.0 for the same words, 0.0 for none in common."""
    return _repeat(*_scores(a, b))


def _repeat(jaccard: float, contained: float) -> float:
    return max(jaccard, (jaccard + contained) / 2)


def _scores(a: Signature, b: Signature) -> tuple[float, float]:
    """Jaccard and containment from one intersection of the comparable samples."""
    if a.is_empty or b.is_empty:
        return 0.0, 0.0
    a_sample, b_sample = _comparable_samples(a, b)
    common = _common_count(a_sample, b_sample)
    smaller, smaller_sample = (a, a_sample) if a.word_count <= b.word_count else (b, b_sample)
    return _combined(common, a_sample.size, b_sample.size, smaller_sample.size, smaller.word_count)


def _combined(common: int, a_size: int, b_size: int, smaller_size: int, smaller_words: int) -> tuple[float, float]:
    """Jaccard and the damped containment of the smaller set, from the sizes of the compared samples."""
    jaccard = common / (a_size + b_size - common)
    if smaller_size == 0:
        return jaccard, 0.0
    return jaccard, common / smaller_size * min(1.0, smaller_words / MIN_CONTAINED_WORDS)


def stored_score(candidate: Signature, stored: bytes, *, candidate_set: frozenset[int] | None = None) -> float:
    """``repeat_score(candidate, Signature.from_bytes(stored))`` without building the stored signature when both
    sketches hold their whole word sets (up to ``SKETCH_SIZE`` words, nearly every petition): one set intersection.
    ``candidate_set``: ``frozenset(candidate.hashes.tolist())``, made once for many stored signatures. Raises
    ValueError as ``from_bytes`` does."""
    count = len(stored) - _HEADER_BYTES
    if candidate.is_complete and count >= 0 and count <= 4 * SKETCH_SIZE and stored[0] == SIGNATURE_VERSION:
        hashes = _stored_hashes(stored)
        word_count = int.from_bytes(stored[1:_HEADER_BYTES], "little")
        if hashes is not None and len(hashes) == word_count:  # complete, and every hash distinct
            if candidate.is_empty or not hashes:
                return 0.0
            mine = candidate_set if candidate_set is not None else frozenset(candidate.hashes.tolist())
            common, smaller = len(mine.intersection(hashes)), min(candidate.word_count, word_count)
            return _repeat(*_combined(common, candidate.word_count, word_count, smaller, smaller))
    return repeat_score(candidate, Signature.from_bytes(stored))


def _stored_hashes(stored: bytes) -> set[int] | None:
    """The stored hashes as a set (None if the bytes are not whole 32-bit words)."""
    if (len(stored) - _HEADER_BYTES) % 4:
        return None
    if sys.byteorder == "little":
        return set(memoryview(stored)[_HEADER_BYTES:].cast("I"))
    return set(np.frombuffer(stored, dtype="<u4", offset=_HEADER_BYTES).tolist())


def find_repeat(
    candidate: Signature,
    earlier: Iterable[tuple[_Key, Signature]],
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[_Key, float] | None:
    """The earlier petition with the highest ``repeat_score`` if it reaches ``threshold``, else None.

    Ties keep the first in ``earlier``'s order. A candidate without content words never matches (its score is 0.0).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the threshold lies in (0, 1]")
    best: tuple[_Key, float] | None = None
    for key, earlier_signature in earlier:
        score = repeat_score(candidate, earlier_signature)
        if score >= threshold and (best is None or score > best[1]):
            best = (key, score)
    return best


def _comparable_samples(a: Signature, b: Signature) -> tuple[np.ndarray, np.ndarray]:
    """The hashes both sketches are known to cover: those up to the largest hash kept by a truncated sketch."""
    cuts = [sketch.hashes[-1] for sketch in (a, b) if not sketch.is_complete]
    if not cuts:
        return a.hashes, b.hashes
    cut = min(cuts)
    return a.hashes[: np.searchsorted(a.hashes, cut, side="right")], b.hashes[
        : np.searchsorted(b.hashes, cut, side="right")
    ]


def _common_count(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.intersect1d(a, b, assume_unique=True).size)


def _dictionary_parts(tokenizer: jieba.Tokenizer, word: str) -> list[str]:
    """The two- and three-character dictionary words inside a longer word (what ``cut_for_search`` adds)."""
    return [
        part
        for size in (2, 3)
        if len(word) > size
        for part in (word[start : start + size] for start in range(len(word) - size + 1))
        if tokenizer.FREQ.get(part) and part not in STOP_WORDS
    ]


def _word_hash(word: str) -> int:
    """blake2b, never ``hash()``: a signature must mean the same in every process and every release."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")


def _get_tokenizer(cache_dir: str | os.PathLike[str] | None) -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            _tokenizer = _load_tokenizer(cache_dir)
        return _tokenizer


def _load_tokenizer(cache_dir: str | os.PathLike[str] | None) -> jieba.Tokenizer:
    logging.getLogger("jieba").setLevel(logging.WARNING)  # jieba logs every dictionary load at DEBUG to stderr
    tokenizer = jieba.Tokenizer()
    if cache_dir is not None:
        tokenizer.tmp_dir = os.fspath(cache_dir)
        tokenizer.initialize()
        return tokenizer
    with tokenizer.get_dict_file() as dictionary:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(dictionary)
    tokenizer.initialized = True
    return tokenizer
