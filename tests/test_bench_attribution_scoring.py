"""The PolNeAR scorer (claimscope.evaluation.polnear) and bench/attribution.py, on hand-made spans.

Nothing here needs the real extractor or the shared data, except the one test marked
``needs_shared`` (gold fed back on the real dev split), which is skipped where it is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimscope.evaluation import polnear as P
from claimscope.evaluation.polnear import Attribution, GoldArticle, span

POLNEAR = REPO.parent / "shared" / "benchmarks" / "polnear"


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    """(start, end) of the nth occurrence of phrase in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def one(text: str, phrase: str, nth: int = 0):
    return span(at(text, phrase, nth))


def article(text: str, *atts: Attribution, name: str = "a") -> dict[str, GoldArticle]:
    return {name: GoldArticle(name=name, text=text, attributions=tuple(atts))}


TEXT = (
    '"We do not see a link to terrorism," the mayor said on Monday. '
    "Police said the suspect fled. "
    "The army claimed, according to state media, that 40 soldiers were killed."
)


def gold_atts() -> list[Attribution]:
    t = TEXT
    return [
        Attribution(cue=one(t, "said"), content=one(t, '"We do not see a link to terrorism,"'),
                    source=one(t, "the mayor")),
        Attribution(cue=one(t, "said", 1), content=one(t, "the suspect fled"),
                    source=one(t, "Police")),
        Attribution(cue=one(t, "according to"), content=one(t, "The army claimed"),
                    source=None),
    ]


# --------------------------------------------------------------------------- normalising


def test_normalise_strips_quotes_whitespace_and_edge_punctuation():
    t = '  "Hello, world," he said: ‘fine.’ '
    assert P.normalise(t, span((0, 16))) == (at(t, "Hello, world"),)
    assert P.normalise(t, span(at(t, "‘fine.’ "))) == (at(t, "fine"),)


def test_normalise_keeps_punctuation_only_spans():
    t = 'Trump: "We will win."'
    assert P.normalise(t, one(t, ":")) == (at(t, ":"),)
    assert P.normalise(t, span((5, 7))) == ((5, 6),)  # ": " -> ":"


def test_normalise_merges_pieces_separated_only_by_quotes_or_punctuation():
    t = '"First part," "second part."'
    pieces = span(at(t, '"First part,"'), at(t, '"second part."'))
    assert P.normalise(t, pieces) == ((1, at(t, "second part")[1]),)


def test_normalise_keeps_real_discontinuity():
    t = '"First part," he said, "second part."'
    pieces = span(at(t, '"First part,"'), at(t, '"second part."'))
    assert P.normalise(t, pieces) == (at(t, "First part"), at(t, "second part"))


def test_tokens_overlap_pieces():
    t = "Hello, U.S. world's end"
    assert [tok for _, _, tok in P.tokenize(t)] == ["Hello", ",", "U.S", ".", "world's", "end"]
    index = P.TokenIndex(t)
    assert index.tokens(span((0, 3))) == {0}  # a partial token counts
    assert index.tokens(span((5, 6), (19, 23))) == {1, 5}


# --------------------------------------------------------------------------- roles


def test_exact_and_overlap_roles():
    gold = gold_atts()
    t = TEXT
    pred = [
        # source "mayor" (overlap only), cue exact, content exact after quote stripping
        Attribution(cue=one(t, "said"), content=one(t, "We do not see a link to terrorism"),
                    source=one(t, "mayor")),
    ]
    s = P.score(article(t, *gold), {"a": pred})
    assert s["source"]["exact"]["tp"] == 0 and s["source"]["overlap"]["tp"] == 1
    assert s["cue"]["exact"]["tp"] == 1 and s["cue"]["overlap"]["tp"] == 1
    assert s["content"]["exact"]["tp"] == 1
    assert s["source"]["overlap"]["gold"] == 2  # the no-source attribution adds no source span
    assert s["cue"]["exact"]["gold"] == 3 and s["cue"]["exact"]["pred"] == 1
    assert s["cue"]["exact"]["p"] == 100.0
    assert s["cue"]["exact"]["r"] == pytest.approx(100 / 3)
    assert s["relation"]["tp"] == 1
    assert s["relation"]["p"] == 100.0 and s["relation"]["r"] == pytest.approx(100 / 3)


def test_overlap_is_one_to_one_and_greedy_by_best_overlap():
    t = "alpha beta gamma delta epsilon"
    gold = [
        Attribution(cue=one(t, "alpha"), content=one(t, "beta gamma delta")),
        Attribution(cue=one(t, "epsilon"), content=one(t, "delta epsilon")),
    ]
    # pred 1 overlaps both gold contents, best with the first; pred 2 only with the first.
    pred = [
        Attribution(cue=one(t, "alpha"), content=one(t, "gamma delta")),
        Attribution(cue=one(t, "alpha"), content=one(t, "beta")),
    ]
    c = P.score_role(t, gold, pred, "content")
    # greedy takes (gold0, pred0) at F1 .8 first; pred1 could only take gold0 and gold1 could
    # only take pred0, both used -> 1 match. (Hungarian would find 2; greedy is the documented
    # choice and can only under-count, never match one span twice.)
    assert c == {"gold": 2, "pred": 2, "exact": 0, "overlap": 1}


def test_duplicate_spans_count_once_per_side():
    t = "He said A. He said B."
    gold = [
        Attribution(cue=one(t, "said"), content=one(t, "A"), source=one(t, "He")),
        Attribution(cue=one(t, "said", 1), content=one(t, "B"), source=one(t, "He")),
    ]
    pred = [Attribution(cue=one(t, "said"), content=one(t, "A"), source=one(t, "He"))] * 3
    c = P.score_role(t, gold, pred, "source")
    assert c == {"gold": 1, "pred": 1, "exact": 1, "overlap": 1}


def test_discontinuous_gold_content_exact_only_with_same_pieces():
    t = '"We will win," he said, "and soon."'
    pieces = span(at(t, '"We will win,"'), at(t, '"and soon."'))
    gold = [Attribution(cue=one(t, "said"), content=pieces, source=one(t, "he"))]
    union = [Attribution(cue=one(t, "said"), content=span((0, len(t))), source=one(t, "he"))]
    same = [Attribution(cue=one(t, "said"), content=pieces, source=one(t, "he"))]
    c_union = P.score_role(t, gold, union, "content")
    assert c_union["exact"] == 0 and c_union["overlap"] == 1
    assert P.score_role(t, gold, same, "content")["exact"] == 1


# --------------------------------------------------------------------------- relations


def test_relation_needs_cue_source_and_content():
    t = TEXT
    g = gold_atts()[:1]
    good = Attribution(cue=one(t, "said"), content=one(t, "We do not see a link"),
                       source=one(t, "mayor"))
    assert len(P.match_relations(t, g, [good])) == 1
    wrong_cue = Attribution(cue=one(t, "Monday"), content=good.content, source=good.source)
    no_source = Attribution(cue=good.cue, content=good.content, source=None)
    wrong_source = Attribution(cue=good.cue, content=good.content, source=one(t, "Police"))
    short = Attribution(cue=good.cue, content=one(t, "terrorism"), source=good.source)
    for bad in (wrong_cue, no_source, wrong_source, short):
        assert P.match_relations(t, g, [bad]) == []


def test_relation_content_threshold_is_half_token_f1():
    t = "a b c d e f g h said X"
    g = [Attribution(cue=one(t, "said"), content=one(t, "a b c d"), source=one(t, "X"))]
    half = [Attribution(cue=one(t, "said"), content=one(t, "c d e f"), source=one(t, "X"))]
    less = [Attribution(cue=one(t, "said"), content=one(t, "d e f g"), source=one(t, "X"))]
    assert P.token_f1(frozenset({2, 3, 0, 1}), frozenset({2, 3, 4, 5})) == 0.5
    assert len(P.match_relations(t, g, half)) == 1
    assert P.match_relations(t, g, less) == []


def test_gold_without_source_needs_prediction_without_source():
    t = TEXT
    g = [gold_atts()[2]]
    none = Attribution(cue=one(t, "according"), content=one(t, "army claimed"), source=None)
    some = Attribution(cue=none.cue, content=none.content, source=one(t, "state media"))
    assert len(P.match_relations(t, g, [none])) == 1
    assert P.match_relations(t, g, [some]) == []


def test_relation_one_to_one():
    t = TEXT
    g = gold_atts()[:1]
    p = Attribution(cue=one(t, "said"), content=one(t, "We do not see a link to terrorism"),
                    source=one(t, "the mayor"))
    s = P.score(article(t, *g), {"a": [p, p]})
    assert s["relation"]["tp"] == 1 and s["relation"]["pred"] == 2
    assert s["relation"]["p"] == 50.0


def test_empty_and_missing_predictions_score_zero():
    s = P.score(article(TEXT, *gold_atts()), {})
    assert s["relation"]["f1"] == 0.0 and s["cue"]["overlap"]["f1"] == 0.0
    assert s["pred_attributions"] == 0 and s["gold_attributions"] == 3


def test_gold_fed_back_scores_100():
    gold = article(TEXT, *gold_atts())
    flat = P.summary(P.score(gold, {"a": gold_atts()}), "dev")
    assert flat["split"] == "dev" and flat["articles"] == 1
    assert all(v == 100.0 for k, v in flat.items() if k not in ("split", "articles"))


# --------------------------------------------------------------------------- brat files


ANN = (
    "T1\tSource 37 46\tthe mayor\n"
    "T2\tCue 47 51\tsaid\n"
    "T3\tContent 0 36;60 63\t\"We do not see a link to terrorism,\" day\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1 Content2:T9\n"
    "T4\tAttribution 47 51\tsaid\n"
    "T9\tContent 0 3\tline one\nline two of the same span text\n"
    "T5\tCue 70 74\tsaid\n"
    "T6\tContent 80 95\tthe suspect fle\n"
    "T7\tAttribution-no-source 70 74\tsaid\n"
    "E2\tAttribution-no-source:T7 Cue:T5 Content:T6\n"
    "E3\tAttribution-no-source:T8 \n"
    "T8\tAttribution-no-source 1 2\tx\n"
    "T10\tDiscard 0 5\tjunk\n"
    "#1\tAnnotatorNotes T1\ta note\n"
)


def test_parse_ann_roles_discontinuous_content2_forward_refs_and_shells():
    atts, stats = P.parse_ann(ANN)
    assert [a.id for a in atts] == ["E1", "E2"]
    first, second = atts
    assert first.source == ((37, 46),) and first.cue == ((47, 51),)
    assert first.content == ((0, 3), (0, 36), (60, 63))  # Content + Content2 pieces
    assert second.source is None and second.content == ((80, 95),)
    assert stats["skipped"] == 1 and stats["dangling"] == 0


def test_parse_ann_drops_dangling_references():
    atts, stats = P.parse_ann("T1\tCue 0 4\tsaid\nT2\tContent 5 9\tthat\n"
                              "E1\tAttribution:T3 Cue:T1 Content:T2 Source:T99\n")
    assert atts == [Attribution(cue=((0, 4),), content=((5, 9),), source=None, id="E1")]
    assert stats["dangling"] == 1


def test_format_ann_round_trips_and_shares_source_ids():
    t = TEXT + "\nSecond line."
    atts = gold_atts() + [
        Attribution(cue=one(t, "claimed"), content=span(at(t, "40 soldiers"),
                                                        at(t, "Second line")),
                    source=one(t, "the mayor")),
    ]
    ann = P.format_ann(t, atts)
    back, stats = P.parse_ann(ann)
    assert [(a.cue, a.content, a.source) for a in back] == [
        (a.cue, a.content, a.source) for a in atts
    ]
    assert not stats
    assert ann.count("\tSource ") == 2  # "the mayor" written once, used by two E lines
    assert "\tAttribution-no-source " in ann
    for line in ann.splitlines():
        assert line.split("\t")[0][0] in "TE"
        if line.startswith("T"):
            offsets = line.split("\t")[1].split(" ", 1)[1]
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            assert line.split("\t")[2] == " ".join(t[a:b] for a, b in pieces).replace("\n", " ")


def write_dataset(root: Path, split: str = "dev") -> Path:
    base = root / "polnear" / "data" / split
    (base / "text").mkdir(parents=True)
    (base / "attributions").mkdir(parents=True)
    texts = {"b_article": TEXT, "a_article": "Nothing attributed here."}
    for name, text in texts.items():
        (base / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    (base / "attributions" / "b_article_zz99.ann").write_text(
        "T1\tCue 0 4\tjunk\nT2\tContent 5 9\tjunk\n"
        "E1\tAttribution-no-source:T3 Cue:T1 Content:T2\n",
        encoding="utf-8")
    P.write_ann(base / "attributions" / "b_article_aa11.ann", TEXT, gold_atts())
    (base / "attributions" / "a_article_cc00.ann").write_text("", encoding="utf-8")
    return root / "polnear"


def test_list_articles_uses_lexicographically_first_annotator(tmp_path):
    root = write_dataset(tmp_path)
    files = P.list_articles(root, "dev")
    assert [f.name for f in files] == ["a_article", "b_article"]
    assert files[1].ann.name == "b_article_aa11.ann"
    assert [p.name for p in files[1].others] == ["b_article_zz99.ann"]
    gold = P.load_article(files[1].txt, files[1].ann)
    assert gold.annotator == "aa11" and len(gold.attributions) == 3


def test_resolve_data_dir_is_forgiving(tmp_path):
    root = write_dataset(tmp_path)
    for given in (root, tmp_path, root / "data", root / "data" / "dev"):
        assert P.resolve_data_dir(given, "dev") == root
    assert P.resolve_data_dir(tmp_path / "missing", "dev") is None
    assert P.resolve_data_dir(root, "train") is None


# --------------------------------------------------------------------------- the script


def run_cli(capsys, *argv: str) -> tuple[int, list[str], str]:
    from bench import attribution

    try:
        code = attribution.main(["--plain", *argv])
    except SystemExit as exc:  # fail_missing
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out.strip().splitlines(), captured.err


JSON_KEYS = [
    "split", "articles", "source_f1_exact", "source_f1_overlap", "cue_f1_exact",
    "cue_f1_overlap", "content_f1_exact", "content_f1_overlap", "relation_f1",
    "relation_p", "relation_r",
]


def test_cli_gold_as_predictions_scores_100(tmp_path, capsys):
    write_dataset(tmp_path)
    out_dir = tmp_path / "pred"
    code, out, _ = run_cli(capsys, "--data", str(tmp_path), "--gold-as-predictions",
                        "--predictions", str(out_dir))
    assert code == 0
    figures = json.loads(out[-1])
    assert list(figures) == JSON_KEYS
    assert figures["articles"] == 2 and figures["split"] == "dev"
    assert all(figures[k] == 100.0 for k in JSON_KEYS[2:])
    assert any("lexicographically first" in line for line in out)
    assert sorted(p.name for p in out_dir.iterdir()) == ["a_article.ann", "b_article.ann"]
    back, _ = P.parse_ann((out_dir / "b_article.ann").read_text(encoding="utf-8"))
    assert [(a.cue, a.content, a.source) for a in back] == [
        (a.cue, a.content, a.source) for a in gold_atts()
    ]


def test_cli_missing_data_exits_2_with_instructions(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--data", str(tmp_path / "nothing"),
                             "--baseline", "said-verbs")
    assert code == 2 and out == []
    assert "github.com/networkdynamics/PolNeAR" in err


def test_cli_with_fake_extractor(tmp_path, capsys, monkeypatch):
    """The pipeline end to end with claimscope.extract replaced by a hand-made one."""
    import claimscope
    from claimscope import records as R

    def fake_extract(text, *, published=None, url=None):
        art = R.Article(id="x", text=text)
        claims = []
        if "mayor" in text:
            def ts(phrase, field="text"):
                a, b = at(text, phrase)
                return R.TextSpan(a, b, text[a:b], field)

            def claim(i, content, cue, source, kind=R.ClaimKind.EVENT):
                return R.Claim(
                    id=f"c{i}", article_id="x", content=content, cue=cue,
                    source=R.Source(name="s", type=R.SourceType.POLITICIAN, span=source),
                    certainty=R.Certainty.CLAIMED, kind=kind,
                )

            claims = [
                claim(1, ts('"We do not see a link to terrorism,"'), ts("said"), ts("the mayor")),
                claim(2, ts("the suspect fled"), ts("Police said"), ts("Police"),
                      R.ClaimKind.ANALYSIS),
                claim(3, ts("40 soldiers were killed"), None, None),  # outlet-only: skipped
                claim(4, ts("The army", "title"), ts("said"), None),  # not in the body: skipped
            ]
        return R.Extraction(article=art, claims=tuple(claims))

    monkeypatch.setattr(claimscope, "extract", fake_extract, raising=False)
    monkeypatch.delattr(claimscope, "extract_many", raising=False)
    write_dataset(tmp_path)
    code, out, _ = run_cli(capsys, "--data", str(tmp_path / "polnear"),
                        "--predictions", str(tmp_path / "pred"))
    assert code == 0
    figures = json.loads(out[-1])
    assert figures["relation_p"] == 100.0
    assert figures["relation_r"] == pytest.approx(66.7)
    assert figures["cue_f1_exact"] == 40.0  # P 1/2 ("Police said" is not exact), R 1/3
    assert any("skipped_no_cue=1" in line and "skipped_not_body=1" in line for line in out)
    written, _ = P.parse_ann((tmp_path / "pred" / "b_article.ann").read_text(encoding="utf-8"))
    assert [a.id for a in written] == ["E1", "E2"]


def test_attributions_from_extraction_uses_mention_not_antecedent():
    from claimscope import records as R

    t = "Smith arrived. He said the bridge fell."
    he, said, content, smith = (at(t, p) for p in ("He", "said", "the bridge fell", "Smith"))
    claim = R.Claim(
        id="c1", article_id="x",
        content=R.TextSpan(*content, t[content[0]:content[1]]),
        cue=R.TextSpan(*said, "said"),
        source=R.Source(name="Smith", type=R.SourceType.POLITICIAN,
                        span=R.TextSpan(*he, "He"),
                        resolved_from=R.TextSpan(*smith, "Smith")),
        certainty=R.Certainty.CLAIMED, kind=R.ClaimKind.EVENT,
    )
    atts, stats = P.attributions_from_extraction(
        R.Extraction(article=R.Article(id="x", text=t), claims=(claim,)), t)
    assert atts == [Attribution(cue=(said,), content=(content,), source=(he,), id="c1")]
    assert stats["attributions"] == 1 and not stats["content_text_mismatch"]


def test_said_verbs_baseline():
    t = ('"We will win," Donald Trump said. According to the Post, the plan failed. '
         "Officials said that the vote was fair.")
    atts = P.said_verbs_baseline(t)
    shown = [(t[a.cue[0][0]:a.cue[0][1]], t[a.source[0][0]:a.source[0][1]] if a.source else None,
              t[a.content[0][0]:a.content[0][1]]) for a in atts]
    assert shown == [
        ("said", "Donald Trump", '"We will win,"'),
        ("According to", "Post", "the plan failed."),
        ("said", "Officials", "the vote was fair."),
    ]


@pytest.mark.needs_shared
@pytest.mark.skipif(not (POLNEAR / "data" / "dev").is_dir(),
                    reason=f"PolNeAR not found at {POLNEAR}")
def test_real_dev_gold_fed_back_scores_100():
    run = P.run_benchmark(POLNEAR, "dev", system="gold")
    assert run.scores["articles"] == len(list((POLNEAR / "data" / "dev" / "text").glob("*.txt")))
    flat = run.summary
    assert all(v == 100.0 for k, v in flat.items() if k not in ("split", "articles"))
