"""PolNeAR attribution scoring: Source / Cue / Content spans and whole attributions.

PolNeAR (networkdynamics/PolNeAR) marks, in political news, every attribution as a Source span
(who), a Cue span (the verb or phrase that attributes: "said", "according to", ":") and a
Content span (what was said), in brat standoff files next to the raw ``.txt`` article.

Metrics follow ``shared/benchmarks/README.md`` (section PolNeAR). Choices the README leaves open
are fixed here and listed once, so the numbers are reproducible:

* **Gold file per article.** A few articles were annotated by several annotators (agreement
  checks). One file is used per article: the lexicographically first ``<name>_<annotator>.ann``.
* **Gold attributions.** One per ``E`` line. Arguments are taken by their role in the ``E`` line
  (``Content`` and ``Content2`` pieces are joined into one content); references to ``T`` ids
  that do not exist are dropped; an ``E`` line that is left without a cue or without a content
  (a few empty shells) is skipped and counted. ``Attribution-no-source`` gives an attribution
  without source (the one such line that still names a source keeps it). ``T`` spans that no
  ``E`` line uses, and ``Discard`` / ``Discuss`` spans, are ignored.
* **Normalising a span.** Each piece is stripped at both ends of whitespace, quote marks
  (" ' “ ” ‘ ’ « » „ `) and punctuation (, . : ; ! ? … and dashes); pieces that are then empty
  are dropped, and neighbouring pieces whose gap holds only such characters are merged. A span
  made only of punctuation (PolNeAR uses ":" and "―" as cues) keeps its punctuation.
* **Discontinuous spans** (``a b;c d``) are compared as the *set of normalised pieces*, not as the
  union range: a contiguous prediction that also covers the words between two quoted pieces
  ("... ," he said, "...") is not an exact match for the content, but it does overlap it.
* **Tokens.** ``\\w+`` words (with inner ' ’ . - joined) and single punctuation marks, with
  character offsets. A span's tokens are those that overlap one of its normalised pieces.
* **Role P/R/F1.** Per article and role, the distinct normalised spans of the gold attributions
  are compared with the distinct normalised spans of the predicted ones (a source shared by two
  attributions counts once on each side). *Exact*: identical normalised pieces. *Overlap*: at
  least one shared token, one-to-one, assigned greedily by best token F1 (ties broken by text
  order; scipy's Hungarian solver is not a dependency). Micro-averaged over articles.
* **Relation P/R/F1.** A predicted attribution is correct when matched one-to-one with a gold
  one such that the cues share a token, the sources share a token (when the gold has *no*
  source, the prediction must have none either: an outlet-level claim with no source mention),
  and the contents have token F1 >= 0.5. Pairs are assigned greedily by content F1, then cue
  F1, then source F1.
* Figures are percentages; P, R or F1 with an empty denominator is 0.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Piece = tuple[int, int]
Span = tuple[Piece, ...]

ROLES = ("source", "cue", "content")
CONTENT_F1_THRESHOLD = 0.5
OBTAIN = (
    "PolNeAR is not in {where}.\n"
    "Get it from https://github.com/networkdynamics/PolNeAR (data/{{train,dev}}/text/*.txt and\n"
    "data/{{train,dev}}/attributions/*.ann), e.g.\n"
    "    git clone https://github.com/networkdynamics/PolNeAR ../shared/benchmarks/polnear\n"
    "and pass its folder with --data. Do not copy the data into this repository."
)

_QUOTES = "\"'“”‘’«»„‟`"
_PUNCT = ",.:;!?…—–―-"
_STRIP = frozenset(_QUOTES + _PUNCT)
TOKEN_RE = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution: each role a tuple of ``(start, end)`` pieces, or None where absent."""

    cue: Span | None
    content: Span | None
    source: Span | None = None
    id: str = ""


@dataclass(frozen=True, slots=True)
class GoldArticle:
    name: str
    text: str
    attributions: tuple[Attribution, ...]
    annotator: str | None = None
    skipped: int = 0  # E lines left without cue or content
    dangling: int = 0  # E-line references to T ids that do not exist


@dataclass(frozen=True, slots=True)
class ArticleFiles:
    name: str
    txt: Path
    ann: Path  # the annotator file used (lexicographically first)
    others: tuple[Path, ...] = ()  # further annotator files for the same text, unused


def span(*pieces: Piece | Sequence[int]) -> Span:
    """``span((0, 4), (9, 12))`` -> a sorted tuple of pieces (helper for tests and callers)."""
    return tuple(sorted((int(a), int(b)) for a, b in pieces))


# --------------------------------------------------------------------------- reading


_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


def _pieces(offsets: str) -> Span:
    return span(*(tuple(int(x) for x in part.split()) for part in offsets.split(";")))


def parse_ann(ann: str) -> tuple[list[Attribution], Counter]:
    """Attributions of a brat ``.ann`` text (gold or written by :func:`format_ann`).

    Returns the attributions in file order and a Counter of what was dropped
    (``skipped``: no cue or no content; ``dangling``: a reference to a missing T id).
    """
    spans: dict[str, Span] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for line in ann.split("\n"):
        line = line.rstrip("\r")
        if m := _T_LINE.match(line):
            spans[m.group(1)] = _pieces(m.group(3))
        elif m := _E_LINE.match(line):
            args = [tuple(a.split(":", 1)) for a in m.group(2).split() if ":" in a]
            events.append((m.group(1), args))  # type: ignore[arg-type]
        # anything else: notes (#), relations, continuation lines of multi-line span texts
    stats: Counter = Counter()
    out: list[Attribution] = []
    for eid, args in events:
        roles: dict[str, list[Piece]] = defaultdict(list)
        for role, tid in args[1:] if args and args[0][0].startswith("Attribution") else args:
            if tid not in spans:
                stats["dangling"] += 1
                continue
            key = "content" if role.startswith("Content") else role.lower()
            if key in ROLES:
                roles[key].extend(spans[tid])
        if not roles.get("cue") or not roles.get("content"):
            stats["skipped"] += 1
            continue
        out.append(
            Attribution(
                cue=span(*roles["cue"]),
                content=span(*roles["content"]),
                source=span(*roles["source"]) if roles.get("source") else None,
                id=eid,
            )
        )
    return out, stats


def read_text(path: Path | str) -> str:
    """The article text exactly as the offsets count it (UTF-8, newlines untranslated)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def load_article(txt_path: Path | str, ann_path: Path | str) -> GoldArticle:
    txt_path, ann_path = Path(txt_path), Path(ann_path)
    attributions, stats = parse_ann(read_text(ann_path))
    name = txt_path.name.removesuffix(".txt")
    suffix = ann_path.name.removesuffix(".ann")
    annotator = suffix[len(name) + 1 :] if suffix.startswith(name + "_") else None
    return GoldArticle(
        name=name,
        text=read_text(txt_path),
        attributions=tuple(attributions),
        annotator=annotator,
        skipped=stats["skipped"],
        dangling=stats["dangling"],
    )


def resolve_data_dir(path: Path | str, split: str = "dev") -> Path | None:
    """The PolNeAR root (the folder holding ``data/``) from a forgiving ``--data`` value.

    Accepts the PolNeAR root, the benchmarks root (``benchmarks`` -> ``benchmarks/polnear``), the
    ``data`` folder itself, or a split folder. None when no split folder is found.
    """
    path = Path(path).expanduser()
    candidates = [path, path / "polnear", path.parent, path.parent.parent]
    for root in candidates:
        if (root / "data" / split / "text").is_dir():
            return root
    return None


def list_articles(root: Path | str, split: str = "dev") -> list[ArticleFiles]:
    """The split's articles sorted by name, each with its chosen annotator file."""
    base = Path(root) / "data" / split
    by_name: dict[str, list[Path]] = defaultdict(list)
    for ann in (base / "attributions").glob("*.ann"):
        stem = ann.name.removesuffix(".ann")
        name = stem.rsplit("_", 1)[0] if "_" in stem else stem
        by_name[name].append(ann)
    out = []
    for txt in sorted((base / "text").glob("*.txt")):
        name = txt.name.removesuffix(".txt")
        anns = sorted(by_name.get(name, []), key=lambda p: p.name)
        if not anns:
            continue
        out.append(ArticleFiles(name=name, txt=txt, ann=anns[0], others=tuple(anns[1:])))
    return out


# --------------------------------------------------------------------------- spans and tokens


def _strip(text: str, start: int, end: int) -> Piece:
    while start < end and (text[start].isspace() or text[start] in _STRIP):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _STRIP):
        end -= 1
    return start, end


def _strippable(chunk: str) -> bool:
    return all(ch.isspace() or ch in _STRIP for ch in chunk)


def normalise(text: str, pieces: Span | None) -> Span:
    """The span's pieces with quotes, punctuation and whitespace stripped (module docstring)."""
    if not pieces:
        return ()
    clipped = [(max(0, a), min(len(text), b)) for a, b in sorted(pieces)]
    kept = [p for p in (_strip(text, a, b) for a, b in clipped) if p[1] > p[0]]
    if not kept:  # punctuation-only span (":" cue): strip whitespace only
        kept = []
        for a, b in clipped:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                kept.append((a, b))
    merged: list[Piece] = []
    for a, b in kept:
        if merged and (a <= merged[-1][1] or _strippable(text[merged[-1][1] : a])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


class TokenIndex:
    """Token offsets of one text, for mapping spans to token-index sets."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(TOKEN_RE.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def tokens(self, pieces: Span) -> frozenset[int]:
        found: set[int] = set()
        for a, b in pieces:
            lo = bisect_right(self.ends, a)  # first token ending after a
            hi = bisect_left(self.starts, b)  # first token starting at or after b
            found.update(range(lo, hi))
        return frozenset(found)


def tokenize(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]


def token_f1(a: frozenset[int] | set[int], b: frozenset[int] | set[int]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def greedy_match(scores: Iterable[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs from ``(score, i, j)`` candidates: best score first, ties by (i, j)."""
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _score, i, j in sorted(scores, key=lambda t: (-t[0], t[1], t[2])):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return pairs


# --------------------------------------------------------------------------- scoring


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = 100.0 * tp / n_pred if n_pred else 0.0
    r = 100.0 * tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "p": p, "r": r, "f1": f}


def _role_units(text: str, attributions: Iterable[Attribution], role: str) -> list[Span]:
    seen: dict[Span, None] = {}
    for att in attributions:
        norm = normalise(text, getattr(att, role))
        if norm:
            seen.setdefault(norm, None)
    return sorted(seen)


def score_role(
    text: str, gold: Sequence[Attribution], pred: Sequence[Attribution], role: str,
    index: TokenIndex | None = None,
) -> dict[str, int]:
    """Counts for one article and role: ``gold``, ``pred``, ``exact`` and ``overlap`` matches."""
    index = index or TokenIndex(text)
    g_units = _role_units(text, gold, role)
    p_units = _role_units(text, pred, role)
    exact = len(set(g_units) & set(p_units))
    g_tok = [index.tokens(u) for u in g_units]
    p_tok = [index.tokens(u) for u in p_units]
    candidates = [
        (token_f1(gt, pt), i, j)
        for i, gt in enumerate(g_tok)
        for j, pt in enumerate(p_tok)
        if gt & pt
    ]
    overlap = len(greedy_match(candidates))
    return {"gold": len(g_units), "pred": len(p_units), "exact": exact, "overlap": overlap}


def match_relations(
    text: str, gold: Sequence[Attribution], pred: Sequence[Attribution],
    index: TokenIndex | None = None,
) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs that count as correct attributions."""
    index = index or TokenIndex(text)

    def toks(att: Attribution) -> dict[str, frozenset[int]]:
        return {role: index.tokens(normalise(text, getattr(att, role))) for role in ROLES}

    g_tok = [toks(a) for a in gold]
    p_tok = [toks(a) for a in pred]
    candidates = []
    for i, g in enumerate(g_tok):
        for j, p in enumerate(p_tok):
            if not (g["cue"] & p["cue"]):
                continue
            if g["source"]:
                if not (g["source"] & p["source"]):
                    continue
            elif p["source"]:
                continue
            content = token_f1(g["content"], p["content"])
            if content < CONTENT_F1_THRESHOLD:
                continue
            rank = (content, token_f1(g["cue"], p["cue"]), token_f1(g["source"], p["source"]))
            candidates.append((rank, i, j))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _rank, i, j in sorted(candidates, key=lambda t: (tuple(-x for x in t[0]), t[1], t[2])):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return pairs


def score(
    gold_by_article: Mapping[str, GoldArticle],
    pred_by_article: Mapping[str, Sequence[Attribution]],
) -> dict[str, Any]:
    """Micro-averaged scores over the gold articles (a missing prediction = no attributions).

    Returns ``{"source"|"cue"|"content": {"exact": prf, "overlap": prf}, "relation": prf,
    "articles": n, "gold_attributions": n, "pred_attributions": n}``; each ``prf`` holds
    ``tp, pred, gold`` counts and ``p, r, f1`` percentages.
    """
    role_counts = {role: Counter() for role in ROLES}
    rel_tp = n_gold = n_pred = 0
    for name, article in gold_by_article.items():
        text = article.text
        gold = list(article.attributions)
        pred = list(pred_by_article.get(name, ()))
        index = TokenIndex(text)
        for role in ROLES:
            role_counts[role].update(score_role(text, gold, pred, role, index))
        rel_tp += len(match_relations(text, gold, pred, index))
        n_gold += len(gold)
        n_pred += len(pred)
    out: dict[str, Any] = {}
    for role, c in role_counts.items():
        out[role] = {
            "exact": prf(c["exact"], c["pred"], c["gold"]),
            "overlap": prf(c["overlap"], c["pred"], c["gold"]),
        }
    out["relation"] = prf(rel_tp, n_pred, n_gold)
    out["articles"] = len(gold_by_article)
    out["gold_attributions"] = n_gold
    out["pred_attributions"] = n_pred
    return out


def summary(scores: Mapping[str, Any], split: str) -> dict[str, Any]:
    """The flat figures of the benchmark's final JSON line (0-100, one decimal)."""
    flat: dict[str, Any] = {"split": split, "articles": scores["articles"]}
    for role in ROLES:
        for mode in ("exact", "overlap"):
            flat[f"{role}_f1_{mode}"] = round(scores[role][mode]["f1"], 1)
    flat["relation_f1"] = round(scores["relation"]["f1"], 1)
    flat["relation_p"] = round(scores["relation"]["p"], 1)
    flat["relation_r"] = round(scores["relation"]["r"], 1)
    return flat


# --------------------------------------------------------------------------- predictions


def _as_piece(text_span: Any, text: str, stats: Counter, role: str) -> Span | None:
    if text_span is None:
        return None
    if getattr(text_span, "field", "text") != "text":
        stats[f"{role}_not_in_body"] += 1
        return None
    start, end = int(text_span.start), int(text_span.end)
    if not 0 <= start < end <= len(text):
        stats[f"{role}_out_of_range"] += 1
        return None
    if getattr(text_span, "text", None) is not None and text[start:end] != text_span.text:
        stats[f"{role}_text_mismatch"] += 1
    return ((start, end),)


def attributions_from_extraction(extraction: Any, text: str) -> tuple[list[Attribution], Counter]:
    """Scorable attributions of a ``claimscope.Extraction`` made from ``text``.

    Kept: claims whose content lies in the body (``field == "text"``), that have a cue, and whose
    kind is event or analysis; outlet-only statements without a cue are not attributions in
    PolNeAR's sense. The source is the mention in the claim's sentence (``source.span``, e.g. a
    pronoun), not the antecedent it was resolved from.
    """
    stats: Counter = Counter()
    article = getattr(extraction, "article", None)
    if article is not None and getattr(article, "text", text) != text:
        stats["article_text_differs"] += 1
    out = []
    for claim in extraction.claims:
        stats["claims"] += 1
        if getattr(claim.content, "field", "text") != "text":
            stats["skipped_not_body"] += 1
            continue
        if claim.cue is None:
            stats["skipped_no_cue"] += 1
            continue
        kind = getattr(claim.kind, "value", claim.kind)
        if kind not in ("event", "analysis"):
            stats["skipped_kind"] += 1
            continue
        content = _as_piece(claim.content, text, stats, "content")
        cue = _as_piece(claim.cue, text, stats, "cue")
        if content is None or cue is None:
            stats["skipped_bad_span"] += 1
            continue
        source_span = getattr(getattr(claim, "source", None), "span", None)
        source = _as_piece(source_span, text, stats, "source")
        out.append(Attribution(cue=cue, content=content, source=source, id=str(claim.id)))
    stats["attributions"] = len(out)
    return out, stats


def extract_attributions(
    texts: Sequence[str], n_process: int = 1
) -> Iterator[tuple[list[Attribution], Counter]]:
    """Run claimscope on each raw text (``extract_many`` when the package has it)."""
    import claimscope

    if hasattr(claimscope, "extract_many"):
        extractions: Iterable[Any] = claimscope.extract_many(list(texts), n_process=n_process)
    elif hasattr(claimscope, "extract"):
        extractions = (claimscope.extract(text) for text in texts)
    else:
        raise RuntimeError("claimscope.extract is not available (the extractor is not built yet)")
    count = 0
    for text, extraction in zip(texts, extractions, strict=True):
        count += 1
        yield attributions_from_extraction(extraction, text)
    if count != len(texts):  # pragma: no cover - zip(strict=True) already raises
        raise RuntimeError("the extractor returned fewer extractions than texts")


# --------------------------------------------------------------------------- writing


def _offsets(pieces: Span) -> str:
    return ";".join(f"{a} {b}" for a, b in pieces)


def _shown(text: str, pieces: Span) -> str:
    return " ".join(text[a:b] for a, b in pieces).replace("\r", " ").replace("\n", " ")


def format_ann(text: str, attributions: Sequence[Attribution]) -> str:
    """Brat standoff in PolNeAR's layout (T Source/Cue/Content/Attribution lines, E lines).

    A span used by several attributions (a shared source) is written once and referenced
    by each ``E`` line, as the gold files do.
    """
    lines: list[str] = []
    ids: dict[tuple[str, Span], str] = {}
    counter = 0

    def t_line(label: str, pieces: Span, reuse: bool = True) -> str:
        nonlocal counter
        key = (label, pieces)
        if reuse and key in ids:
            return ids[key]
        counter += 1
        tid = f"T{counter}"
        lines.append(f"{tid}\t{label} {_offsets(pieces)}\t{_shown(text, pieces)}")
        if reuse:
            ids[key] = tid
        return tid

    for n, att in enumerate(attributions, start=1):
        if not att.cue or not att.content:
            continue
        args = []
        source_id = t_line("Source", att.source) if att.source else None
        cue_id = t_line("Cue", att.cue)
        content_id = t_line("Content", att.content)
        label = "Attribution" if source_id else "Attribution-no-source"
        trigger = t_line(label, att.cue, reuse=False)
        args = [f"{label}:{trigger}", f"Content:{content_id}", f"Cue:{cue_id}"]
        if source_id:
            args.append(f"Source:{source_id}")
        lines.append(f"E{n}\t" + " ".join(args))
    return "\n".join(lines) + ("\n" if lines else "")


def write_ann(path: Path | str, text: str, attributions: Sequence[Attribution]) -> None:
    Path(path).write_text(format_ann(text, attributions), encoding="utf-8", newline="")


# --------------------------------------------------------------------------- baseline


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_CUE = re.compile(r"\b(?:said|says|told|(?i:according to))\b")
_NAME = r"(?:[A-Z][\w.'’&-]*)(?:\s+(?:[A-Z][\w.'’&-]*|of|de|van|von|al-\w+))*"
_PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|[Ii]t)"
_BEFORE = re.compile(rf"(?:\b{_PRONOUN}\b|{_NAME})(?=\s*(?:(?:also|has|have|had)\s+)?$)")
_AFTER = re.compile(rf"^\s*(?:the\s+)?({_NAME}|\b{_PRONOUN}\b)")


def sentences(text: str) -> list[Piece]:
    """Rough sentence spans: lines, split after . ! ? before a capital or quote."""
    out: list[Piece] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for boundary in _SENTENCE_END.finditer(line.group()):
            out.append((start, line.start() + boundary.start()))
            start = line.start() + boundary.end()
        out.append((start, line.end()))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _trim(text: str, a: int, b: int, chars: str = " \t,:;") -> Piece:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def said_verbs_baseline(text: str) -> list[Attribution]:
    """A trivial reference system: one attribution per sentence with said/says/told/according to.

    Source: the capitalised words or pronoun just before the cue (or just after it:
    ``"...," said Smith`` / ``according to Smith``). Content: the rest of the sentence after the
    cue (after the source for "according to"), or the part before the source when nothing
    follows (``"We will win," he said.``).
    """
    out = []
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        cue_m = _CUE.search(sentence)
        if not cue_m:
            continue
        cue = (s_start + cue_m.start(), s_start + cue_m.end())
        source: Piece | None = None
        after_from = cue[1]
        if not cue_m.group().lower().startswith("according"):
            before_m = None
            for m in _BEFORE.finditer(sentence[: cue_m.start()]):
                before_m = m
            if before_m:
                source = (s_start + before_m.start(), s_start + before_m.end())
        if source is None:
            after_m = _AFTER.match(sentence[cue_m.end() :])
            if after_m:
                source = (cue[1] + after_m.start(1), cue[1] + after_m.end(1))
                after_from = source[1]
        a, b = _trim(text, after_from, s_end)
        if text[a : a + 5].lower() == "that ":
            a += 5
        if len(TOKEN_RE.findall(text[a:b])) < 3:
            stop = min(cue[0], source[0]) if source else cue[0]
            a, b = _trim(text, s_start, stop)
        if b <= a:
            continue
        out.append(
            Attribution(
                cue=(cue,), content=((a, b),), source=(source,) if source else None,
                id=f"B{len(out) + 1}",
            )
        )
    return out


# --------------------------------------------------------------------------- running


def _predictor(
    system: str, gold: Mapping[str, GoldArticle], names: Sequence[str], n_process: int
) -> Predictor:
    def fed_back(texts: Sequence[str]) -> Iterator[tuple[list[Attribution], Counter]]:
        for name in names:
            yield list(gold[name].attributions), Counter()

    def baseline(texts: Sequence[str]) -> Iterator[tuple[list[Attribution], Counter]]:
        for text in texts:
            yield said_verbs_baseline(text), Counter()

    def extractor(texts: Sequence[str]) -> Iterator[tuple[list[Attribution], Counter]]:
        return extract_attributions(texts, n_process=n_process)

    systems = {"gold": fed_back, "said-verbs": baseline, "claimscope": extractor}
    if system not in systems:
        raise ValueError(f"unknown system {system!r}")
    return systems[system]


@dataclass
class BenchmarkRun:
    split: str
    gold: dict[str, GoldArticle]
    predictions: dict[str, list[Attribution]]
    scores: dict[str, Any]
    seconds: float
    files: list[ArticleFiles]
    prediction_stats: Counter = field(default_factory=Counter)

    @property
    def summary(self) -> dict[str, Any]:
        return summary(self.scores, self.split)


Predictor = Callable[[Sequence[str]], Iterable[tuple[list[Attribution], Counter]]]


def run_benchmark(
    root: Path | str,
    split: str = "dev",
    *,
    limit: int | None = None,
    system: str = "claimscope",
    n_process: int = 1,
    predictor: Predictor | None = None,
) -> BenchmarkRun:
    """Load the split (first ``limit`` articles by name), predict, score.

    ``system``: ``"claimscope"`` (the extractor), ``"gold"`` (gold fed back: must score 100),
    ``"said-verbs"`` (the regex baseline). ``predictor`` overrides ``system``.
    """
    import time

    files = list_articles(root, split)
    if limit is not None:
        files = files[:limit]
    gold = {f.name: load_article(f.txt, f.ann) for f in files}
    names = list(gold)
    texts = [gold[n].text for n in names]
    started = time.perf_counter()
    stats: Counter = Counter()
    if predictor is None:
        predictor = _predictor(system, gold, names, n_process)
    predictions: dict[str, list[Attribution]] = {}
    for name, (atts, st) in zip(names, predictor(texts), strict=True):
        predictions[name] = list(atts)
        stats.update(st)
    scores = score(gold, predictions)
    seconds = time.perf_counter() - started
    return BenchmarkRun(split, gold, predictions, scores, seconds, files, stats)


__all__ = [
    "OBTAIN",
    "ArticleFiles",
    "Attribution",
    "BenchmarkRun",
    "GoldArticle",
    "TokenIndex",
    "attributions_from_extraction",
    "extract_attributions",
    "format_ann",
    "greedy_match",
    "list_articles",
    "load_article",
    "match_relations",
    "normalise",
    "parse_ann",
    "read_text",
    "resolve_data_dir",
    "run_benchmark",
    "said_verbs_baseline",
    "score",
    "score_role",
    "sentences",
    "span",
    "summary",
    "token_f1",
    "tokenize",
    "write_ann",
]
