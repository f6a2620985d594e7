"""Event coreference: the scores (hand-computed and textbook cases), the clustering, the shipped
weights, linking claimscope events, and bench/coreference.py on a tiny synthetic ECB+-style
corpus. Nothing here needs ../shared."""

from __future__ import annotations

import itertools
import json
import random
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimscope.corroborate import coref_metrics as M
from claimscope.corroborate.coref import (
    BASE_FEATURES, CorefModel, Mention, agglomerate, cluster_documents, mention_from_event,
    sentence_around, sentence_names, tfidf_vectors,
)
from claimscope.records import (
    Actor, ActorRole, Certainty, Event, EventTime, Place, TextSpan, TimePrecision,
)

# --- metrics ---------------------------------------------------------------------------------

# Pradhan et al. (2014), "Scoring coreference partitions of predicted mentions: a reference
# implementation", figure 1; also the running example of Moosavi and Strube (2016) for LEA.
KEY = [set("abc"), set("defg")]
RESPONSE = [set("ab"), set("cd"), set("fghi")]


def approx(value):
    return pytest.approx(value, abs=1e-9)


def test_muc_textbook():
    # recall: K1 split in {a,b},{c} -> 3-2; K2 in {d},{e},{f,g} -> 4-3; (1+1)/(2+3)
    # precision: R1 whole -> 1; R2 {c},{d} -> 0; R3 {f,g},{h},{i} -> 1; (1+0+1)/(1+1+3)
    score = M.muc(KEY, RESPONSE)
    assert (score.recall, score.precision, score.f1) == (approx(0.4), approx(0.4), approx(0.4))


def test_b_cubed_textbook():
    # recall: (2^2/3 + 1^2/3 + 1^2/4 + 2^2/4) / 7 = 35/12 / 7 = 0.41667 (paper: 41.67)
    # precision: (2^2/2 + 1^2/2 + 1^2/2 + 2^2/4) / 8 = 4/8 (paper: 50.00)
    score = M.b_cubed(KEY, RESPONSE)
    assert score.recall == approx(35 / 12 / 7)
    assert score.precision == approx(0.5)
    assert score.f1 == approx(2 * (35 / 84) * 0.5 / (35 / 84 + 0.5))


def test_ceaf_e_textbook():
    # phi4: K1-R1 4/5, K1-R2 2/5, K2-R2 2/6, K2-R3 4/8; best alignment K1-R1 + K2-R3 = 1.3
    score = M.ceaf_e(KEY, RESPONSE)
    assert score.recall == approx(1.3 / 2)  # paper: 65.00
    assert score.precision == approx(1.3 / 3)  # paper: 43.33
    assert score.f1 == approx(0.52)  # paper: 52.00


def test_lea_textbook():
    # recall: K1 (3 links) keeps a-b: 3 * 1/3; K2 (6 links) keeps f-g: 4 * 1/6; / 7
    # precision: R1 keeps its link: 2 * 1; R2 none: 0; R3 keeps f-g of 6: 4 * 1/6; / 8
    score = M.lea(KEY, RESPONSE)
    assert score.recall == approx((1 + 4 / 6) / 7)
    assert score.precision == approx((2 + 4 / 6) / 8)


def test_evaluate_reports_conll_mean_on_a_0_100_scale():
    out = M.evaluate(KEY, RESPONSE)
    assert out["muc"] == approx(40.0)
    assert out["ceafe"] == approx(52.0)
    assert out["conll_f1"] == approx((out["muc"] + out["b3"] + out["ceafe"]) / 3)
    assert out["b3_r"] == approx(100 * 35 / 84)


def test_hand_computed_over_merge():
    key = [{"a", "b"}, {"c"}]
    response = [{"a", "b", "c"}]
    assert M.muc(key, response).recall == approx(1.0)
    assert M.muc(key, response).precision == approx(0.5)  # (3 - 2) / (3 - 1)
    assert M.b_cubed(key, response).recall == approx(1.0)
    assert M.b_cubed(key, response).precision == approx((4 / 3 + 1 / 3) / 3)
    ceaf = M.ceaf_e(key, response)  # phi4(K1, R1) = 2*2/5; {c} has no partner left
    assert (ceaf.recall, ceaf.precision) == (approx(0.4), approx(0.8))
    lea = M.lea(key, response)
    assert lea.recall == approx(2 / 3)  # a-b kept (2 * 1), singleton c not alone any more
    assert lea.precision == approx(1 / 3)  # 1 of the 3 links of {a,b,c} is right


def test_singletons_are_scored():
    key = [{"a"}, {"b"}, {"c"}]
    perfect = M.evaluate(key, key)
    assert perfect["muc"] == 0.0  # no links: 0, as the reference scorer
    assert perfect["b3"] == approx(100.0)
    assert perfect["ceafe"] == approx(100.0)
    assert perfect["lea"] == approx(100.0)
    merged = M.evaluate(key, [{"a", "b"}, {"c"}])
    assert merged["lea_r"] == approx(100 / 3)  # only c is still alone
    assert merged["b3_p"] == approx(100 * (1 / 2 + 1 / 2 + 1) / 3)


def test_perfect_response_scores_100():
    key = [set("abc"), set("de"), {"f"}]
    out = M.evaluate(key, [set(c) for c in key])
    for name in ("muc", "b3", "ceafe", "lea", "conll_f1"):
        assert out[name] == approx(100.0)


def test_mentions_missing_from_the_response():
    key = [{"a", "b", "c"}]
    response = [{"a", "b"}]  # c was not predicted
    assert M.muc(key, response).recall == approx(0.5)  # parts {a,b}, {c}
    assert M.b_cubed(key, response).recall == approx((4 / 3) / 3)
    assert M.b_cubed(key, response).precision == approx(1.0)


def test_a_mention_in_two_clusters_is_rejected():
    with pytest.raises(ValueError):
        M.muc([{"a", "b"}, {"b"}], [{"a"}])


def test_max_weight_matching_against_brute_force():
    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        w = [[rng.choice([0.0, rng.random()]) for _ in range(m)] for _ in range(n)]
        best = 0.0
        if n <= m:
            for cols in itertools.permutations(range(m), n):
                best = max(best, sum(w[i][c] for i, c in enumerate(cols)))
        else:
            for rows in itertools.permutations(range(n), m):
                best = max(best, sum(w[r][j] for j, r in enumerate(rows)))
        assert M.max_weight_matching(w) == approx(best)


def test_source_count_errors_by_hand():
    # mentions are (doc, n); gold cluster G spans docs 1, 2, 3; H spans docs 1, 2
    doc_of = lambda mention: mention[0]  # noqa: E731
    g = {(1, 0), (2, 0), (3, 0)}
    h = {(1, 1), (2, 1)}
    single = {(4, 0)}
    key = [g, h, single]
    # system: G's best match {(1,0),(2,0)} (2 docs), H lumped with a mention of doc 4 (3 docs)
    response = [{(1, 0), (2, 0)}, {(3, 0)}, {(1, 1), (2, 1), (4, 0)}]
    errors = M.source_count_errors(key, response, doc_of)
    assert errors == [-1, 1]  # the single-document gold cluster is not counted
    out = M.evaluate(key, response, doc_of=doc_of)
    assert out["source_clusters"] == 2
    assert out["source_count_mae"] == approx(1.0)
    assert out["source_count_exact"] == approx(0.0)
    assert M.evaluate(key, key, doc_of=doc_of)["source_count_exact"] == approx(100.0)


# --- clustering ------------------------------------------------------------------------------


def test_agglomerate_average_single_and_constraints():
    s = np.array([
        [0.0, 0.9, 0.6, 0.1],
        [0.9, 0.0, 0.1, 0.1],
        [0.6, 0.1, 0.0, 0.8],
        [0.1, 0.1, 0.8, 0.0],
    ])
    # average: {0,1} (0.9), {2,3} (0.8); between them (0.6+0.1+0.1+0.1)/4 = 0.225
    assert agglomerate(s, 0.5) == [0, 0, 1, 1]
    # single: the 0.6 link joins everything
    assert agglomerate(s, 0.5, linkage="single") == [0, 0, 0, 0]
    # complete: the worst pair between {0,1} and {2,3} is 0.1
    assert agglomerate(s, 0.5, linkage="complete") == [0, 0, 1, 1]
    allowed = np.ones((4, 4), dtype=bool)
    allowed[0, 1] = allowed[1, 0] = False
    # 0 and 1 may not meet: {2,3} forms, then 0 joins it at (0.6+0.1)/2 = 0.35 above 0.3
    assert agglomerate(s, 0.5, allowed=allowed) == [0, 1, 2, 2]
    assert agglomerate(s, 0.3, allowed=allowed) == [0, 1, 0, 0]
    assert agglomerate(s, 0.3) == [0, 0, 1, 1]
    assert agglomerate(np.zeros((0, 0)), 0.5) == []


def test_document_clusters_follow_shared_vocabulary():
    texts = [
        "Drone strike hits Odesa port grain terminal overnight",
        "Overnight drone strike on the Odesa port damages grain terminal",
        "Earthquake of magnitude 6 shakes eastern Turkey villages",
        "Eastern Turkey earthquake destroys villages, magnitude 6",
    ]
    labels = cluster_documents(texts, 0.1)
    assert labels[0] == labels[1] != labels[2] == labels[3]
    assert len(tfidf_vectors(texts)) == 4


def test_sentence_helpers():
    text = "First sentence here. Russian drones struck Odesa on Monday. Last one."
    start = text.index("struck")
    assert sentence_around(text, start, start + 6) == "Russian drones struck Odesa on Monday."
    assert sentence_names("Russian drones struck Odesa on 12 June.") == {"odesa", "june", "12"}


def _mentions() -> list[Mention]:
    strike_a = ("Russian drones struck the grain terminal of Odesa port overnight, officials said. "
                "Two workers were killed in the attack on the Odesa port.")
    strike_b = ("A drone attack on Odesa port overnight hit a grain terminal, killing two workers, "
                "the governor of Odesa said.")
    quake = "A strong earthquake struck eastern Turkey on Monday, killing 12 villagers in Malatya."
    return [
        Mention("a", "struck", ("strike",), strike_a.split(". ")[0], strike_a, sent_id=0,
                args=("drone", "terminal", "odesa")),
        Mention("a", "attack", ("attack",), strike_a.split(". ")[1], strike_a, sent_id=1,
                args=("odesa", "port")),
        Mention("b", "attack", ("attack",), strike_b, strike_b, sent_id=0,
                args=("drone", "odesa", "port")),
        Mention("b", "hit", ("hit",), strike_b, strike_b, sent_id=0, args=("terminal",)),
        Mention("c", "earthquake", ("earthquake",), quake, quake, sent_id=0,
                args=("strong", "turkey")),
        Mention("c", "struck", ("strike",), quake, quake, sent_id=0, args=("turkey",)),
    ]


def test_shipped_model_links_two_reports_of_one_strike():
    model = CorefModel.load()
    mentions = _mentions()
    for doc_clustering in (True, False):
        labels = model.cluster(mentions, doc_clustering=doc_clustering)
        assert labels[1] == labels[2]  # "the attack on the Odesa port" in both articles
        assert labels[4] not in {labels[0], labels[1], labels[2], labels[3]}  # the earthquake
        assert labels[5] not in {labels[0], labels[1], labels[2], labels[3]}
    scores = model.pair_scores(mentions)
    assert scores.shape == (6, 6)
    assert np.allclose(scores, scores.T)
    assert scores[1, 2] > scores[0, 5]  # same lemma "strike" in unrelated stories scores low


def test_blocks_keep_mentions_apart():
    model = CorefModel.load()
    mentions = _mentions()
    labels = model.cluster(mentions, blocks=["x", "y", "x", "x", "x", "x"])
    assert labels[1] not in {labels[i] for i in (0, 2, 3, 4, 5)}


def test_assign_links_a_new_mention_incrementally():
    model = CorefModel.load()
    mentions = _mentions()
    clusters = [[mentions[1], mentions[2]], [mentions[4]]]
    new = Mention("d", "attack", ("attack",),
                  "The overnight drone attack on Odesa port killed two workers at a grain terminal.",
                  "The overnight drone attack on Odesa port killed two workers at a grain terminal.",
                  args=("drone", "odesa", "port"))
    index, probability = model.assign(new, clusters)
    assert index == 0 and probability > model.threshold
    lonely = Mention("e", "election", ("election",), "Voters in Chile elected a new senate.",
                     "Voters in Chile elected a new senate.")
    assert model.assign(lonely, clusters)[0] is None
    assert model.assign(new, []) == (None, 0.0)


def test_priors_from_structured_fields():
    model = CorefModel.load()
    base = _mentions()[1:3]
    same = [Mention(**{**_fields(m), "code": "air_strike", "country": "UA"}) for m in base]
    other = [Mention(**{**_fields(base[0]), "code": "air_strike", "country": "UA"}),
             Mention(**{**_fields(base[1]), "code": "protest", "country": "RU"})]
    dated = [Mention(**{**_fields(base[0]), "date": date(2024, 5, 1)}),
             Mention(**{**_fields(base[1]), "date": (date(2024, 6, 1), date(2024, 6, 2))})]
    p_plain = model.pair_scores(base)[0, 1]
    assert model.pair_scores(same)[0, 1] > p_plain
    assert model.pair_scores(other)[0, 1] < p_plain
    assert model.pair_scores(dated)[0, 1] < p_plain


def _fields(m: Mention) -> dict:
    return {name: getattr(m, name) for name in Mention.__slots__}


# --- shipped weights -------------------------------------------------------------------------


def test_trained_weights_load():
    path = REPO / "src" / "claimscope" / "data" / "coref" / "event_coref.json"
    assert path.stat().st_size < 300_000  # small JSON
    model = CorefModel.load()
    assert model.features == BASE_FEATURES
    assert len(model.weights) == len(model.features)
    assert np.all(np.isfinite(model.weights))
    assert 0.0 < model.threshold < 1.0
    assert model.doc_threshold is None or 0.0 < model.doc_threshold < 1.0
    assert 0.0 < model.meta["threshold_without_doc_clustering"] < 1.0
    assert model.lemma_pairs["="] > model.lemma_pairs[""]  # same lemma corefers more often
    assert model.meta["train_oof_conll_f1"] > 60
    weight = dict(zip(model.features, model.weights))
    assert weight["doc_cos"] > 0 and weight["lemma_pair"] > 0
    again = CorefModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.features == model.features and np.allclose(again.weights, model.weights, atol=1e-5)


# --- our events ------------------------------------------------------------------------------


def _event(eid: str, article: str, trigger: str, start: int, code: str, country: str,
           day: date | None) -> Event:
    return Event(
        id=eid, article_id=article, code=code, event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike", plover="ASSAULT",
        trigger=TextSpan(start, start + len(trigger), trigger), certainty=Certainty.REPORTED,
        time=EventTime(day, day, TimePrecision.DAY if day else TimePrecision.UNKNOWN),
        actor1=Actor("Russian forces", None, name="Military Forces of Russia", country="RU",
                     role=ActorRole.STATE_FORCES),
        place=Place("Odesa", None, name="Odesa", country=country, precision=1),
    )  # fmt: skip


def test_mention_from_event_and_linking():
    text_a = "Officials said on Tuesday. Russian drones struck Odesa port overnight. More later."
    text_b = "Russian forces launched a drone strike on Odesa port overnight, the governor said."
    a = _event("e1", "A", "struck", text_a.index("struck"), "air_drone_strike", "UA",
               date(2024, 5, 1))
    b = _event("e2", "B", "strike", text_b.index("strike"), "air_drone_strike", "UA",
               date(2024, 5, 1))
    ma = mention_from_event(a, text_a)
    mb = mention_from_event(b, text_b, lemmas=("strike", "drone"))
    assert ma.sentence == "Russian drones struck Odesa port overnight."
    assert ma.head == "struck"  # no lemmas, no nlp: the word as written
    assert ma.country == "UA" and ma.code == "air_drone_strike"
    assert ma.date == (date(2024, 5, 1), date(2024, 5, 1))
    assert "Military Forces of Russia" in ma.names and "odesa" in ma.args
    assert mb.head == "strike" and mb.doc_id == "B" and mb.id == "e2"
    model = CorefModel.load()
    labels = model.cluster([ma, mb], doc_clustering=False)
    assert labels[0] == labels[1]


def test_mention_from_event_with_spacy_lemmas(nlp):
    text = "Russian drones struck Odesa port overnight."
    event = _event("e1", "A", "struck", text.index("struck"), "air_drone_strike", "UA", None)
    mention = mention_from_event(event, text, nlp=nlp)
    assert mention.head == "strike"
    assert mention.date is None  # unknown precision: no date


# --- bench/coreference.py on a synthetic corpus ----------------------------------------------

SENTENCES = {
    ("1_1ecb", 0): "Russian drones struck the Odesa port overnight , killing two workers .",
    ("1_1ecb", 1): "The attack damaged a grain terminal .",
    ("1_2ecb", 0): "A drone attack hit Odesa port overnight and killed two workers .",
    ("1_1ecbplus", 0): "An earthquake struck eastern Turkey on Monday .",
    ("2_1ecb", 0): "Voters in Chile elected a new senate on Sunday .",
    ("2_2ecb", 0): "Chile held a senate election on Sunday .",
}
GOLD = [  # (doc, sent, token numbers, chain)
    ("1_1ecb", 0, [2], "STRIKE"), ("1_1ecb", 0, [8], "KILL"), ("1_1ecb", 1, [1], "STRIKE"),
    ("1_2ecb", 0, [2], "STRIKE"), ("1_2ecb", 0, [8], "KILL"), ("1_1ecbplus", 0, [2], "QUAKE"),
    ("2_1ecb", 0, [3], "ELECT"), ("2_2ecb", 0, [4], "ELECT"), ("2_2ecb", 0, [1], "HOLD"),
]


def _write_corpus(root: Path) -> Path:
    folder = root / "interim"
    folder.mkdir(parents=True)
    lines = []
    for (doc, sent), text in SENTENCES.items():
        for i, token in enumerate(text.split()):
            lines.append(f"{doc}\t{sent}\t{i}\t{token}\t-")
        lines.append("")
    (folder / "ECB_Dev_corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = []
    for doc, sent, numbers, chain in GOLD:
        tokens = SENTENCES[doc, sent].split()
        gold.append({"coref_chain": chain, "doc_id": doc, "sent_id": sent,
                     "tokens_number": numbers, "tokens_str": " ".join(tokens[i] for i in numbers),
                     "mention_type": "ACT", "is_singleton": False, "is_continuous": True,
                     "score": -1.0})
    (folder / "ECB_Dev_Event_gold_mentions.json").write_text(json.dumps(gold), encoding="utf-8")
    return root


def test_bench_predictions_file(tmp_path, capsys, nlp):
    from bench import coreference as B

    data = _write_corpus(tmp_path / "ecbplus")
    out = tmp_path / "pred" / "dev.jsonl"
    assert B.main(["--data", str(data), "--split", "dev", "--predictions", str(out), "--plain"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    final = json.loads(lines[-1])
    for key in ("muc", "b3", "ceafe", "conll_f1", "lea", "source_count_mae",
                "source_count_exact", "lemma_conll_f1", "singletons_conll_f1"):
        assert key in final
    assert final["mentions"] == len(GOLD)
    assert final["conll_f1"] == pytest.approx(
        round((final["muc"] + final["b3"] + final["ceafe"]) / 3, 1), abs=0.11)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(GOLD)
    for row, (doc, sent, numbers, _) in zip(rows, GOLD):
        assert set(row) == {"doc_id", "sent_id", "tokens_number", "cluster"}
        assert (row["doc_id"], row["sent_id"], row["tokens_number"]) == (doc, sent, numbers)
        assert isinstance(row["cluster"], int)
    by_key = {(r["doc_id"], r["sent_id"], tuple(r["tokens_number"])): r["cluster"] for r in rows}
    # topics never share a cluster
    topic_clusters = {doc.split("_")[0]: set() for doc, *_ in GOLD}
    for (doc, _, _), cluster in by_key.items():
        topic_clusters[doc.split("_")[0]].add(cluster)
    assert not topic_clusters["1"] & topic_clusters["2"]
    # rescoring the file gives the figures printed
    keys = [(d, s, tuple(n)) for d, s, n, _ in GOLD]
    rescored = M.evaluate(M.clusters_from_labels(keys, [c for *_, c in GOLD]),
                          M.clusters_from_labels(keys, [by_key[k] for k in keys]),
                          doc_of=lambda k: k[0])
    assert round(rescored["conll_f1"], 1) == final["conll_f1"]


def test_bench_reader_and_baselines(tmp_path, nlp):
    from bench import coreference as B

    data = _write_corpus(tmp_path / "ecbplus")
    corpus, gold = B.load_split(data, "dev")
    assert B.topic_of("36_1ecbplus") == "36"
    assert corpus["1_1ecb"][1] == "The attack damaged a grain terminal .".split()
    mentions = B.build_mentions(corpus, gold, nlp)
    assert [m.trigger for m in mentions][:3] == ["struck", "killing", "attack"]
    assert mentions[0].head == "strike" and mentions[1].head == "kill"
    blocks = [g.topic for g in gold]
    lemma = B.same_lemma_labels(mentions, blocks)
    assert lemma[0] == lemma[5]  # "struck" (strike) in the same topic, different events
    assert lemma[0] != lemma[2]
    singletons = B.score(gold, list(range(len(gold))))
    assert singletons["muc"] == 0.0


def test_bench_missing_data_exits_2(tmp_path):
    from bench import coreference as B

    with pytest.raises(SystemExit) as stop:
        B.main(["--data", str(tmp_path), "--split", "dev"])
    assert stop.value.code == 2
