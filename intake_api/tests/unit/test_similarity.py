"""intake_api.petitions.similarity: repeat-petition detection on realistic Chinese petitions and on edge cases."""

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from intake_api.petitions import similarity
from intake_api.petitions.similarity import (
    DEFAULT_THRESHOLD,
    MIN_CONTAINED_WORDS,
    SIGNATURE_VERSION,
    SKETCH_SIZE,
    STOP_WORDS,
    Signature,
    containment,
    find_repeat,
    normalise,
    repeat_score,
    signature,
    signature_of_words,
    tokens,
    warm_up,
)

ROOF = "柳岸社区3号楼屋顶漏水两年，物业不修"
ROOF_LONG = (
    "尊敬的领导：我是柳岸社区3号楼602室的住户。从2024年夏天开始，我家顶楼屋顶就开始漏水，每逢下雨卧室和客厅的天花板都往下"
    "滴水，墙皮大面积脱落，家具和电器都被泡坏了。我多次找柳岸物业公司要求维修屋顶防水层，物业每次都说要等维修基金审批，一拖就是"
    "两年，至今没有任何人来修。现在墙面发霉，老人孩子经常咳嗽。恳请领导督促物业尽快维修屋顶，并赔偿我家的损失。"
)
ROOF_LONG_REWORDED = (
    "我家住柳岸社区3号楼顶层602。两年前屋顶防水层老化开始漏水，下雨天卧室天花板滴水，墙皮脱落发霉，电视和衣柜都泡坏了。"
    "找过物业公司不下十次，物业一直推说维修基金没批下来，始终没人上门维修。家里老人孩子因为潮湿经常生病。"
    "请求责令物业马上修好屋顶漏水，赔偿泡坏的家具家电。"
)
ROOF_FOLLOW_UP = (
    "我于2026年3月反映过柳岸社区3号楼屋顶漏水的问题，到现在还是没有解决，物业仍然不来维修，下雨家里照样漏水。"
)
PARKING = (
    "柳岸社区3号楼602室住户反映：小区物业公司今年擅自把停车费从每月100元涨到300元，既没有召开业主大会，也没有在小区公示收费"
    "依据。我们多次要求物业公开停车收费的审批文件和账目，物业拒绝提供，还说不交钱就不让车辆进小区。恳请领导查处物业违规涨价的"
    "行为，公开收费账目。"
)
WAGE = "我在宏达建筑公司工地干了8个月，老板拖欠工资43000元至今未付，请求帮助追讨。"
WAGE_LONG = (
    "我叫王某，是河南来的农民工。2025年3月到10月，我跟着包工头李某在宏达建筑公司承建的滨江花园工地干木工，一共干了8个月，"
    "按约定每天工钱280元，总共应得工资6万多元，包工头只给了我2万元生活费，剩下43000元一直拖欠不给。我去找宏达建筑公司，"
    "公司说工程款已经付给包工头了，让我找包工头；包工头又说公司没结账。现在快过年了，家里老人看病、孩子上学都等着用钱，"
    "请求帮我追讨被拖欠的工资。"
)
WAGE_LONG_REWORDED = (
    "反映宏达建筑公司滨江花园项目拖欠农民工工资的问题。我在这个工地做木工8个月，包工头李某只付了2万元，还欠我43000元工资。"
    "公司和包工头互相推诿，公司说钱给了包工头，包工头说公司没给他结算。我多次讨要无果，马上要过年了，家里急需用钱，"
    "希望劳动监察部门帮忙讨薪。"
)
LAND = "东郊村征地补偿款至今没有发放到位，我家3亩承包地被征收，只拿到一半补偿。"
LAND_LONG = (
    "我是东郊村村民，我家3亩承包地在2025年被区里征收用于修建物流园。按照公布的征地补偿标准，每亩补偿5万元，我家应得15万元，"
    "但村委会只发了7万5千元，剩下的一半至今没有发放。村干部说剩下的钱要用于村里修路，但没有开过村民代表大会，也没有公示账目。"
    "请求查清征地补偿款的去向，把剩余补偿款发放到位。"
)
LAND_LONG_REWORDED = (
    "东郊村村委会截留我家的征地补偿款。2025年我家3亩承包地被征收修物流园，每亩补偿标准5万元，应得15万元，实际只拿到7万5千元。"
    "村干部说另一半留作修路，既没开村民代表大会也没公示。请求上级查清补偿款去向，把剩下的7万5千元发给我家。"
)
RESETTLEMENT = (
    "我家是东郊村的拆迁户，2023年分到安置小区5号楼的安置房。交房不到两年，墙体大面积开裂，卫生间漏水到楼下，窗户密封不好冬天"
    "透风。我们多次找开发商和村委会，开发商说过了保修期不管，村委会说这是开发商的责任。请求有关部门组织检测房屋质量，责令开发商维修。"
)
HEATING = "锦绣花园小区冬季供暖温度不达标，室内只有十二度，供热公司不解决。"
ALLOWANCE = "我家低保被取消了，街道说家庭收入超标，但我丈夫常年卧病在床没有收入。"

# The same matter, written again by the same petitioner: must reach the default threshold.
SAME_MATTER = [
    (ROOF, "我家住柳岸社区3号楼，顶楼漏水已经两年了，找物业多次都没人来修"),
    (WAGE, "宏达建筑公司欠我8个月的工资共43000元，老板一直拖着不给，多次讨要无果，希望帮忙讨薪。"),
    (LAND, "我家在东郊村的3亩承包地去年被征收了，征地补偿款只发了一半，剩下的一直没有发放。"),
    (
        "楼下烧烤店每天营业到凌晨两点，油烟和噪音严重影响休息，多次投诉无果。",
        "小区楼下的烧烤店油烟大、噪音大，每天开到凌晨两点，我们投诉了好几次都没有用，无法正常休息。",
    ),
    (
        "我父亲退休后养老金一直按最低标准发放，社保局未认定他在国营纺织厂的工龄。",
        "父亲在国营纺织厂工作了二十年，社保局不认定这段工龄，导致退休养老金按最低标准发放。",
    ),
    (
        "孩子户口在青石街道，但入学被分到很远的学校，学区划分不合理。",
        "青石街道学区划分不合理，我家孩子户口在本街道却被分到离家很远的学校入学。",
    ),
    (
        "老旧小区改造施工队挖断了我家门口的下水管道，污水倒灌到一楼家里。",
        "小区改造的施工队把下水管道挖断了，现在污水倒灌进我家一楼，施工方不管。",
    ),
    (
        "在区人民医院做阑尾手术后伤口感染，医院拒绝承担责任。",
        "我在区人民医院做了阑尾手术，术后伤口感染住院半个月，医院不承认有责任也不赔偿。",
    ),
    (
        "邻居在楼顶违章搭建彩钢房，挡住采光，城管一直不处理。",
        "隔壁邻居在楼顶私自搭建彩钢房，属于违章建筑，挡住了我家采光，向城管举报多次都不处理。",
    ),
    (HEATING, "今年冬天锦绣花园供暖温度不达标，家里只有十二度左右，打电话给供热公司也没人解决。"),
    (ALLOWANCE, "街道取消了我家的低保，理由是家庭收入超标，可是我丈夫常年卧病在床，家里根本没有收入。"),
    (ROOF_LONG, ROOF_LONG_REWORDED),
    (WAGE_LONG, WAGE_LONG_REWORDED),
    (LAND_LONG, LAND_LONG_REWORDED),
    (ROOF_FOLLOW_UP, ROOF),
    (ROOF_FOLLOW_UP, ROOF_LONG),  # a short follow-up of a long first petition
    (ROOF, ROOF_LONG),
]

# Different matters of the same petitioner (often at the same address): must stay below the default threshold.
DIFFERENT_MATTERS = [
    (ROOF, "柳岸社区物业擅自上涨停车费，从每月100元涨到300元，没有经过业主大会。"),
    (ROOF, WAGE),
    (LAND, WAGE),
    (ROOF, "柳岸社区3号楼电梯经常故障停运，老人上下楼困难，物业一直不修。"),
    (ALLOWANCE, "我丈夫常年卧病在床，住院的医疗费用医保报销比例太低，医保局说药品不在目录内。"),
    (
        "楼下烧烤店每天营业到凌晨两点，油烟和噪音严重影响休息，多次投诉无果。",
        "楼下邻居养了三条大狗，每天晚上狂叫，还在楼道里随地大小便，多次投诉无果。",
    ),
    (
        "孩子户口在青石街道，但入学被分到很远的学校，学区划分不合理。",
        "青石街道的学校违规收取课后服务费，每学期每个孩子收费一千二百元，没有公示。",
    ),
    (HEATING, "锦绣花园小区经常停水，一个月停了五六次，自来水公司从不提前通知。"),
    (
        "我父亲退休后养老金一直按最低标准发放，社保局未认定他在国营纺织厂的工龄。",
        "我父亲住院的医疗费用医保报销比例太低，医保局说药品不在报销目录内。",
    ),
    (
        "邻居在楼顶违章搭建彩钢房，挡住采光，城管一直不处理。",
        "邻居长期占用楼道堆放杂物，还把电动车推进楼道充电，存在消防隐患，物业一直不处理。",
    ),
    (LAND, "东郊村拆迁安置房质量很差，墙体开裂，交房两年了开发商一直不维修。"),
    (ROOF_LONG, PARKING),
    (ROOF_LONG_REWORDED, PARKING),
    (LAND_LONG, RESETTLEMENT),
    (LAND_LONG_REWORDED, RESETTLEMENT),
    (WAGE_LONG, LAND_LONG),
    (ROOF, PARKING),
    (ROOF_FOLLOW_UP, PARKING),
    (ROOF_FOLLOW_UP, RESETTLEMENT),
]


def _score(first: str, second: str) -> float:
    return repeat_score(signature(first), signature(second))


@pytest.mark.parametrize(("first", "second"), SAME_MATTER)
def test_same_matter_reaches_the_default_threshold(first: str, second: str) -> None:
    assert _score(first, second) >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("first", "second"), DIFFERENT_MATTERS)
def test_different_matters_stay_below_the_default_threshold(first: str, second: str) -> None:
    assert _score(first, second) < DEFAULT_THRESHOLD


@pytest.mark.parametrize(("first", "second"), SAME_MATTER + DIFFERENT_MATTERS)
def test_scores_are_symmetric_and_bounded(first: str, second: str) -> None:
    a, b = signature(first), signature(second)
    assert repeat_score(a, b) == repeat_score(b, a)
    assert similarity.similarity(a, b) == similarity.similarity(b, a)
    assert 0.0 <= similarity.similarity(a, b) <= repeat_score(a, b) <= 1.0


def test_every_same_matter_pair_scores_above_every_different_matters_pair() -> None:
    assert min(_score(*pair) for pair in SAME_MATTER) > max(_score(*pair) for pair in DIFFERENT_MATTERS)


def test_find_repeat_links_the_follow_up_to_the_earlier_petition_of_the_same_matter() -> None:
    earlier = [("wage", signature(WAGE_LONG)), ("roof", signature(ROOF_LONG)), ("parking", signature(PARKING))]
    match = find_repeat(signature(ROOF_FOLLOW_UP), earlier)
    assert match is not None
    assert match[0] == "roof"
    assert match[1] == repeat_score(signature(ROOF_FOLLOW_UP), signature(ROOF_LONG))


def test_find_repeat_opens_a_new_matter_when_nothing_is_similar_enough() -> None:
    earlier = [(1, signature(WAGE_LONG)), (2, signature(PARKING)), (3, signature(RESETTLEMENT))]
    assert find_repeat(signature(ROOF), earlier) is None
    assert find_repeat(signature(ROOF), []) is None


def test_find_repeat_picks_the_best_and_keeps_the_first_of_equals() -> None:
    roof = signature(ROOF)
    earlier = iter([("weak", signature(ROOF_LONG)), ("same", roof), ("same again", roof)])
    assert find_repeat(roof, earlier) == ("same", 1.0)


def test_find_repeat_threshold_is_inclusive_and_configurable() -> None:
    score = _score(ROOF, ROOF_LONG)
    earlier = [("roof", signature(ROOF_LONG))]
    assert find_repeat(signature(ROOF), earlier, threshold=score) == ("roof", score)
    assert find_repeat(signature(ROOF), earlier, threshold=min(1.0, score + 0.01)) is None
    assert find_repeat(signature(ROOF), earlier, threshold=1.0) is None


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.01, float("nan")])
def test_find_repeat_rejects_a_threshold_outside_zero_to_one(threshold: float) -> None:
    with pytest.raises(ValueError):
        find_repeat(signature(ROOF), [("roof", signature(ROOF))], threshold=threshold)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("ＡＢＣ１２３", "abc123"),
        ("柳岸社区　３号楼", "柳岸社区3号楼"),
        ("漏水！！（两年）……物业“不修”。", "漏水两年物业不修"),
        ("Hello, World!\n\t第2次", "helloworld第2次"),
        ("《信访工作条例》第19条", "信访工作条例第19条"),
        ("，。、；：？！—…·「」『』【】", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_tokens_drop_stop_words_and_single_characters_and_add_inner_words() -> None:
    words = tokens("我们已经多次反映，老板拖欠工资，希望领导尽快解决。")
    assert words == ["老板", "拖欠工资", "拖欠", "工资"]
    assert not set(words) & STOP_WORDS
    assert all(len(word) > 1 for word in words)


@pytest.mark.parametrize("word", sorted(STOP_WORDS))
def test_a_stop_word_alone_gives_no_tokens(word: str) -> None:
    assert tokens(word) == []


@pytest.mark.parametrize(
    "variant",
    [
        "柳岸社区3号楼屋顶漏水两年物业不修",
        "柳岸社区 3 号楼 屋顶漏水两年 , 物业不修 !",
        "柳岸社区３号楼，屋顶漏水两年！物业不修。",
        "\n柳岸社区3号楼\t屋顶漏水“两年”；物业……不修？\n",
    ],
)
def test_punctuation_whitespace_and_width_do_not_change_the_signature(variant: str) -> None:
    assert tokens(variant) == tokens(ROOF)
    assert signature(variant).to_bytes() == signature(ROOF).to_bytes()


def test_latin_case_does_not_change_the_signature() -> None:
    assert signature("ABC物业公司乱收费").to_bytes() == signature("abc物业公司乱收费").to_bytes()


@pytest.mark.parametrize("text", [ROOF, WAGE_LONG, LAND_LONG_REWORDED, "漏水", ROOF_LONG * 3])
def test_identical_text_scores_one(text: str) -> None:
    assert similarity.similarity(signature(text), signature(text)) == 1.0
    assert containment(signature(text), signature(text)) == 1.0 or signature(text).word_count < MIN_CONTAINED_WORDS
    assert repeat_score(signature(text), signature(text)) == 1.0


@pytest.mark.parametrize("text", ["", "   \n", "，。！？", "的了吗呢", "我们已经多次反映问题，希望领导尽快解决。"])
def test_a_text_without_content_words_is_empty_and_never_matches(text: str) -> None:
    empty = signature(text)
    assert empty.is_empty and empty.word_count == 0
    assert empty.to_bytes() == bytes([SIGNATURE_VERSION]) + bytes(4)
    for other in (empty, signature(ROOF)):
        assert similarity.similarity(empty, other) == containment(empty, other) == repeat_score(other, empty) == 0.0
    assert find_repeat(empty, [("empty", empty), ("roof", signature(ROOF))]) is None


@pytest.mark.parametrize("text", ["物业", "屋顶漏水", "漏水补偿"])
def test_one_or_two_words_alone_do_not_link_a_petition(text: str) -> None:
    assert signature(text).word_count < 3
    assert containment(signature(text), signature(ROOF_LONG)) < 1.0
    assert find_repeat(signature(text), [("roof", signature(ROOF_LONG)), ("parking", signature(PARKING))]) is None


def test_three_words_all_found_in_one_earlier_petition_link_to_it() -> None:
    earlier = [("roof", signature(ROOF_LONG)), ("parking", signature(PARKING))]
    jaccard = 3 / signature(ROOF_LONG).word_count  # 屋顶, 漏水, 物业 all occur in the long petition
    expected = (jaccard + 3 / MIN_CONTAINED_WORDS) / 2
    assert find_repeat(signature("屋顶漏水，物业"), earlier) == ("roof", pytest.approx(expected))
    assert find_repeat(signature("物业乱涨停车费"), earlier)[0] == "parking"


def test_containment_of_a_subset_is_one_and_damped_for_tiny_sets() -> None:
    big = signature_of_words(f"词{index}" for index in range(40))
    assert containment(signature_of_words(f"词{index}" for index in range(10)), big) == 1.0
    for size in range(1, MIN_CONTAINED_WORDS):
        small = signature_of_words(f"词{index}" for index in range(size))
        assert containment(small, big) == pytest.approx(size / MIN_CONTAINED_WORDS)


@pytest.mark.parametrize(
    ("first", "second"),
    [(range(0, 30), range(10, 50)), (range(0, 5), range(0, 200)), (range(0, 100), range(100, 200))],
)
def test_small_sets_are_sketched_whole_and_scored_exactly(first: range, second: range) -> None:
    a_words, b_words = {f"词{i}" for i in first}, {f"词{i}" for i in second}
    a, b = signature_of_words(a_words), signature_of_words(b_words)
    assert a.is_complete and b.is_complete
    common = len(a_words & b_words)
    assert similarity.similarity(a, b) == common / len(a_words | b_words)
    assert containment(a, b) == common / min(len(a_words), len(b_words))


def test_large_sets_are_truncated_and_estimated_closely() -> None:
    a = signature_of_words(f"词{index}" for index in range(0, 1200))
    b = signature_of_words(f"词{index}" for index in range(600, 1800))
    assert a.word_count == 1200 and a.hashes.size == SKETCH_SIZE and not a.is_complete
    assert similarity.similarity(a, b) == pytest.approx(600 / 1800, abs=0.08)
    assert containment(a, b) == pytest.approx(0.5, abs=0.08)
    inside = signature_of_words(f"词{index}" for index in range(0, 60))
    assert containment(inside, a) == 1.0
    assert similarity.similarity(inside, a) == pytest.approx(60 / 1200, abs=0.05)


def test_word_hashes_are_blake2b_so_signatures_mean_the_same_everywhere() -> None:
    expected = int.from_bytes(hashlib.blake2b("漏水".encode(), digest_size=4).digest(), "little")
    assert signature_of_words(["漏水", "漏水"]).hashes.tolist() == [expected]


def test_signatures_are_the_same_in_another_process_with_another_hash_seed() -> None:
    script = (
        "import sys\n"
        "from intake_api.petitions.similarity import signature\n"
        "print(signature(sys.argv[1]).to_bytes().hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, ROOF_LONG], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == signature(ROOF_LONG).to_bytes().hex()


@pytest.mark.parametrize("text", ["", "漏水", ROOF, ROOF_LONG, WAGE_LONG + LAND_LONG + ROOF_LONG + PARKING * 4])
def test_signature_round_trips_through_bytes(text: str) -> None:
    original = signature(text)
    data = original.to_bytes()
    assert len(data) == 5 + 4 * min(original.word_count, SKETCH_SIZE)
    restored = Signature.from_bytes(data)
    assert restored == original and hash(restored) == hash(original)
    assert restored.word_count == original.word_count
    assert restored.to_bytes() == data


def test_signature_is_immutable_and_compares_by_value() -> None:
    roof = signature(ROOF)
    with pytest.raises(ValueError):
        roof.hashes[0] = 0
    assert roof == signature(ROOF) and roof != signature(WAGE) and roof != ROOF
    assert "word_count=" in repr(roof)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        bytes([SIGNATURE_VERSION, 0, 0, 0]),
        bytes([SIGNATURE_VERSION + 1]) + bytes(4),
        bytes([SIGNATURE_VERSION]) + (1).to_bytes(4, "little") + b"\x01\x00\x00",
        bytes([SIGNATURE_VERSION]) + (2).to_bytes(4, "little") + (7).to_bytes(4, "little"),
        bytes([SIGNATURE_VERSION]) + (2).to_bytes(4, "little") + (7).to_bytes(4, "little") * 2,
        bytes([SIGNATURE_VERSION]) + (300).to_bytes(4, "little") + (7).to_bytes(4, "little"),
    ],
)
def test_from_bytes_rejects_what_is_not_a_signature(data: bytes) -> None:
    with pytest.raises(ValueError):
        Signature.from_bytes(data)


@pytest.mark.parametrize(("hashes", "word_count"), [([1, 2, 3], 2), ([1, 2], 3), ([1], -1), ([], 2**32)])
def test_signature_rejects_hashes_that_do_not_match_the_word_count(hashes: list[int], word_count: int) -> None:
    with pytest.raises(ValueError):
        Signature(hashes, word_count)


def test_warm_up_without_cache_dir_writes_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(similarity, "_tokenizer", None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    warm_up()
    assert tokens(ROOF_LONG) and list(tmp_path.iterdir()) == []
    warm_up(cache_dir=tmp_path)  # already loaded: does nothing
    assert list(tmp_path.iterdir()) == []


def test_warm_up_with_cache_dir_keeps_jieba_cache_there(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    temp_dir, cache_dir = tmp_path / "temp", tmp_path / "cache"
    temp_dir.mkdir()
    cache_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    expected = tokens(ROOF_LONG)
    monkeypatch.setattr(similarity, "_tokenizer", None)
    warm_up(cache_dir=cache_dir)
    assert [path.name for path in cache_dir.iterdir()] == ["jieba.cache"]
    assert list(temp_dir.iterdir()) == []
    assert tokens(ROOF_LONG) == expected
