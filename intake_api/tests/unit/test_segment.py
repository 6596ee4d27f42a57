"""The fast paths of the signature must not change it: ``segment.cut`` (rjieba) must give jieba's ``cut(HMM=False)``
words in the same order, the signature with remembered word hashes must be the one of ``tokens``, and
``normalise`` must keep what the character-by-character filter kept, or stored signatures would stop matching new
ones; stored signatures are read back without a second sort, other bytes are still checked in full."""

import random
import unicodedata

import pytest

from intake_api.petitions import segment, similarity

PETITIONS = [
    "柳岸社区3号楼屋顶漏水两年，多次向物业反映未修，请求维修。",
    "我3月反映的屋顶漏水还没修",
    "东湖街道某建筑工地拖欠农民工工资三个月共计4.5万元，包工头失联，请求协调发放。",
    "新城街道锦绣路夜间渣土车频繁通行，噪音和扬尘严重影响居民休息，请求限制通行时间（22:00-6:00）。",
    "ABC物业公司WiFi收费2024年涨价30%，业主委员会不同意，要求退还多收的费用。",
    "长桥街道征地补偿款至今未到位，村委会称镇政府未拨付，镇政府称已拨付给村委会。",
    "",
    "！！！",
    "a1b2c3 x y z 123 4 5",
]
# CJK characters common in petitions, some outside jieba's Han range, kana, full-width and ASCII letters and digits
ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "物业小区业主维修漏水拖欠工资补偿征地拆迁社区街道办事处噪音污染医疗纠纷学校入学"
    "abcXYZ0123456789ａｂ１２ーカタ〇々𠀀丂"
)


def generated(count: int, seed: int = 20261129) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80))) for _ in range(count)]


def jieba_and_segment(text: str) -> tuple[list[str], list[str]]:
    tokenizer, normalised = similarity.tokenizer(), similarity.normalise(text)
    return list(tokenizer.cut(normalised, HMM=False)), segment.cut(normalised)


@pytest.mark.parametrize("text", PETITIONS)
def test_segment_cut_equals_jieba_on_petition_texts(text: str) -> None:
    expected, found = jieba_and_segment(text)
    assert found == expected


def test_segment_cut_equals_jieba_on_generated_texts() -> None:
    differing = [text for text in generated(5000) if len(set(map(tuple, jieba_and_segment(text)))) != 1]
    assert differing == []


def test_signature_with_remembered_word_hashes_is_the_signature_of_the_tokens(monkeypatch) -> None:
    monkeypatch.setattr(similarity, "_HASHED_WORDS_KEPT", 50)  # the memory is also emptied and refilled here
    for text in [*PETITIONS, *generated(2000, seed=7)] * 2:  # the second pass reads remembered hashes
        found, expected = similarity.signature(text), similarity.signature_of_words(similarity.tokens(text))
        assert (found.to_bytes(), found.word_count) == (expected.to_bytes(), expected.word_count)
    assert 0 < len(similarity._hashes_by_word) <= 50


def _whole_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LNM")


BMP = [chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF]
AROUND_MARKS = ["e", "\u0301", "\u0323", "\u0b47", "\u0b3e", "가", "\u11a8", "\u1161", "ㄱ", "Σ", "Α", "，", "﹐", "ǅ"]


def test_normalise_equals_the_whole_text_normalisation() -> None:
    """Every BMP character alone and between neighbours it could act on, random strings of BMP characters, and
    petition-like texts: the character-by-character table and its fallback give what NFKC of the whole text gives."""
    rng = random.Random(13)
    texts = [*PETITIONS, *generated(2000, seed=11), "（一）Ⅻ ½ ①\u0301é\u200b\t！？《》—…·ΑΣ，Β"]
    texts += BMP
    texts += ["".join(rng.choice(BMP) for _ in range(rng.randint(2, 8))) for _ in range(20000)]
    texts += [a + b + c for a in AROUND_MARKS for b in rng.sample(BMP, 200) for c in AROUND_MARKS]
    texts += [a + c for a in AROUND_MARKS for c in AROUND_MARKS]
    texts += ["ΑΣ，Β", "ΑΣ", "ΑΣΒ", "가，\u11a8", "가\u11a8", "ᄀ，ᅡ"]  # final sigma; Hangul composed across a comma
    differing = [text for text in texts if similarity.normalise(text) != _whole_text(text)]
    assert differing == []


def test_from_bytes_of_unsorted_hashes_still_gives_the_sorted_signature() -> None:
    """Stored signatures are sorted (a fast path skips the sort); other bytes are checked in full as before."""
    unsorted = bytes([similarity.SIGNATURE_VERSION]) + (3).to_bytes(4, "little")
    unsorted += b"".join(value.to_bytes(4, "little") for value in (30, 10, 20))
    assert similarity.Signature.from_bytes(unsorted) == similarity.Signature([10, 20, 30], 3)
    repeated = bytes([similarity.SIGNATURE_VERSION]) + (3).to_bytes(4, "little")
    repeated += b"".join(value.to_bytes(4, "little") for value in (10, 10, 20))
    with pytest.raises(ValueError):
        similarity.Signature.from_bytes(repeated)


def _stored(hashes: list[int], word_count: int, *, version: int = similarity.SIGNATURE_VERSION) -> bytes:
    return bytes([version]) + word_count.to_bytes(4, "little") + b"".join(h.to_bytes(4, "little") for h in hashes)


def test_stored_score_is_the_repeat_score_of_the_stored_signature() -> None:
    """Whole and truncated sketches, empty ones, related and unrelated texts, and stored bytes that ``from_bytes``
    refuses (the same ValueError) or accepts only after sorting."""
    rng = random.Random(5)
    texts = [*PETITIONS, *generated(300, seed=3)]
    signatures = [similarity.signature(text) for text in texts]
    signatures += [similarity.signature_of_words(f"词{n}" for n in range(start, start + size))
                   for start, size in ((0, 300), (100, 400), (0, 40), (20, 256), (0, 257))]  # fmt: skip
    stored = [signature.to_bytes() for signature in signatures]
    stored += [_stored([30, 10, 20], 3), _stored([10, 10, 20], 3), _stored([1, 2], 3), _stored([1, 2], 2, version=9)]
    stored += [_stored([], 0), b"\x01\x00", stored[0] + b"\x00"]
    pairs = [(candidate, data) for candidate in signatures for data in rng.sample(stored, 40)]
    pairs += [(candidate, data) for candidate in signatures[:5] for data in stored[-7:]]
    for candidate, data in pairs:
        try:
            expected: float | type[ValueError] = similarity.repeat_score(
                candidate, similarity.Signature.from_bytes(data)
            )
        except ValueError:
            expected = ValueError
        try:
            found: float | type[ValueError] = similarity.stored_score(candidate, data)
        except ValueError:
            found = ValueError
        assert found == expected, (candidate, data[:12])
