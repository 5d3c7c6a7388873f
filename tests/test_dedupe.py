"""Near-duplicate grouping: the threshold in campaign.toml is tuned on the pairs below."""

from __future__ import annotations

from docpipe.outputs.similar import group_similar, load_dedupe_settings, similarity, tune_threshold

# (a, b, same opinion?) written for this test: paraphrases of one opinion, and opinions that
# share a topic or words but ask for different things.
PAIRS = [
    ("会议太多太长，希望精简会议、压缩文件。", "开会太多太长，建议精简会议压缩文件。", True),
    ("会议太多、文件太多，建议精简会议，压缩文件。", "希望精简会议、压缩文件。", True),
    ("窗口工作人员门难进、脸难看、事难办。", "办事窗口门难进、脸难看、事难办，群众来回跑。", True),
    ("检查评比过多，基层疲于迎检。", "各类检查评比太多，基层疲于应付迎检。", True),
    ("有的干部上班时间炒股、玩网络游戏。", "个别干部上班时间玩网络游戏、炒股。", True),
    ("节日期间用公款购买购物卡发放。", "逢年过节用公款购买购物卡。", True),
    ("公务用车超标准配备。", "建议清理超标准配备的公务用车。", True),
    ("领导干部下基层调研走过场。", "有的领导下基层调研走过场，听汇报多。", True),
    ("食堂饭菜价格偏高，希望改善伙食。", "食堂饭菜价格偏高。", True),
    ("办公用房超标，装修豪华。", "有的办公用房超标准，装修豪华。", True),
    ("科室之间推诿扯皮，群众的问题得不到解决。",
     "部门之间推诿扯皮，群众反映的问题得不到解决。", True),
    ("迟到早退现象时有发生。", "有的同志迟到早退。", True),
    ("会议太多太长，希望精简会议。", "会议室的投影仪坏了，希望尽快维修。", False),
    ("公务用车超标准配备。", "单位停车位不足，建议增加停车位。", False),
    ("检查评比过多，基层疲于迎检。", "对群众反映问题的检查督办不到位。", False),
    ("食堂饭菜价格偏高，希望改善伙食。", "公务接待大吃大喝，讲排场。", False),
    ("有的干部上班时间炒股、玩网络游戏。", "有的干部工作拖拉，群众办事来回跑。", False),
    ("窗口工作人员门难进、脸难看、事难办。", "窗口设施陈旧，建议更新排队叫号设备。", False),
    ("节日期间用公款购买购物卡发放。", "建议提高职工节日慰问标准。", False),
    ("领导干部下基层调研走过场。", "希望多组织干部外出培训学习。", False),
    ("文件太多，以文件落实文件。", "建议文件办理实行网上流转。", False),
    ("办公用房超标，装修豪华。", "办公用房紧张，建议调剂办公室。", False),
    ("有的领导一言堂，拍脑袋决策。", "希望领导多听取基层意见。", False),
    ("会议太多太长，希望精简会议、压缩文件。", "会议纪要印发不及时。", False),
    ("上班时间玩网络游戏。", "单位网络经常掉线，建议网络提速。", False),
    ("公务用车超标准配备。", "公务用车不足，下乡办事不便。", False),
    ("精简会议，压缩文件。", "压缩会议经费，会议安排在内部会议室。", False),
    ("领导干部下基层调研走过场。", "领导干部下基层调研次数太少。", False),
]


def test_configured_threshold_is_the_tuned_one() -> None:
    tuned, f1 = tune_threshold(PAIRS)
    configured = load_dedupe_settings().threshold
    assert f1 >= 0.9
    assert abs(tuned - configured) <= 0.1, (tuned, configured)


def test_configured_threshold_separates_the_pairs() -> None:
    threshold = load_dedupe_settings().threshold
    wrong = [(a, b) for a, b, same in PAIRS if (similarity(a, b) >= threshold) != same]
    assert len(wrong) <= 2, wrong


def test_groups_cover_every_text_once_largest_first() -> None:
    texts = [a for a, _, _ in PAIRS[:4]] + [b for _, b, _ in PAIRS[:4]]
    groups = group_similar(texts)
    members = sorted(i for g in groups for i in g.members)
    assert members == list(range(len(texts)))
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    meetings = next(g for g in groups if 0 in g.members)
    assert {0, 1, 4, 5} <= set(meetings.members)


def test_framing_words_alone_do_not_make_opinions_alike() -> None:
    assert similarity("希望领导进一步", "建议个别同志能够") == 0.0
    assert similarity("", "会议太多") == 0.0


def test_no_chaining_through_a_middle_text() -> None:
    """A~B and B~C must not put A and C, which share nothing, into one group."""
    texts = ["甲乙丙丁", "丙丁戊己", "戊己庚辛"]
    groups = group_similar(texts, threshold=0.4, tokenize=list, stopwords=frozenset())
    assert all(not {0, 2} <= set(g.members) for g in groups)


def test_custom_tokenizer_and_representative_is_central() -> None:
    texts = ["a b c", "a b c d", "a b c e", "x y"]
    groups = group_similar(texts, tokenize=str.split, stopwords=frozenset(), threshold=0.7)
    assert groups[0].members[0] == 0 and groups[0].count == 3
    assert groups[1].members == (3,)


def test_repeated_texts_are_segmented_once_and_grouped_together() -> None:
    segmented: list[str] = []

    def tokenize(text: str) -> list[str]:
        segmented.append(text)
        return text.split()

    texts = ["a b c", "x y", "a b c", "a b c d", "x y"]
    groups = group_similar(texts, tokenize=tokenize, stopwords=frozenset(), threshold=0.7)
    assert sorted(segmented) == sorted(set(texts))
    # 0 and 2 are equally central (ties go to the earlier), 3 is less so
    assert [g.members for g in groups] == [(0, 2, 3), (1, 4)]


def test_representative_is_the_most_central_as_by_comparing_every_pair() -> None:
    import random
    from collections import Counter

    from docpipe.outputs.similar import _central_first, _cosine, _norm

    rng = random.Random(7)
    for _ in range(200):
        vectors = [Counter(rng.choices("abcdefg", k=rng.randint(0, 6))) for _ in range(8)]
        members = rng.sample(range(8), rng.randint(3, 8))
        norms = [_norm(v) for v in vectors]

        def pairwise(i: int, members: list[int] = members, vectors: list = vectors) -> tuple:
            total = sum(_cosine(vectors[i], vectors[j]) for j in members if j != i)
            return (-round(total, 9), sum(vectors[i].values()), i)  # rounded: float noise

        rep = _central_first(members, vectors, norms)[0]
        assert pairwise(rep) == min(pairwise(i) for i in members)
