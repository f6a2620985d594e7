#!/usr/bin/env python
"""Event-type benchmark on CASE 2021 task 2: one fine-grained event type per news snippet.

    .venv/bin/python bench/event_types.py --split dev [--limit N] [--n-process 2]
                                          [--rule priority|first] [--show-errors N]

Every ``DIR/{split}*.tsv`` (columns ``id, EventSnippet, SubType``) is read. Each snippet is run
through ``claimscope.extract`` as an article body (no title, URL or date), then ``resolve``.
Of the events found, one is taken as the snippet's main event (``--rule``):

* ``priority`` (default): the event whose ontology kind has the highest ``priority``, ties to the
  first in the text. The ontology ranks specific events (suicide bombing, chemical weapon, air
  strike) above generic ones (deaths, diplomacy), as the extractor does when it folds mentions
  of one sentence, so a snippet that names a specific attack and its aftermath is typed by the
  attack.
* ``first``: the first event in the text (smallest trigger offset).

Both rules are always scored and shown; ``--rule`` picks the one the final JSON reports. The
event's code maps to the ontology's ``case2021`` label; codes without one (troop deployments,
desertions: ACLED "Strategic developments / Other") map to ``OTHER``. ``deaths`` (a bare "were
killed") becomes ``ATTACK`` when its victims look like civilians (the targets resolve to the
civilian role, or their words name civilians and none names combatants) and ``ARMED_CLASH``
otherwise. A snippet with no event is ``OTHER``.

Metrics (0-100, one decimal): weighted F1 (per-label F1 weighted by the label's gold support,
over the labels present in gold, as scikit-learn's ``f1_score(average="weighted")``), macro F1
over the gold labels and accuracy. A majority-class baseline (the most frequent gold label of
the split, predicted for every snippet) is scored in the same run. Last stdout line:
``{"weighted_f1", "macro_f1", "accuracy", "baseline_weighted_f1", "snippets", ...}``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import add_data_argument, fail_missing, print_final_json, print_notes, print_table

OBTAIN = ("CASE 2021 task 2 data not found under {where}.\n"
          "Expected {split}*.tsv with columns id, EventSnippet, SubType "
          "(github.com/emerging-welfare/case-2021-shared-task, task2).")

NOTHING = "OTHER"
RULES = ("priority", "first")

# Words that mark the victims of a bare "killed" as civilians or as people under arms.
CIVILIAN_WORDS = frozenset("""
civilian civilians villager villagers resident residents people person persons child children
kid kids boy boys girl girls woman women man men baby babies infant infants student students
pupil pupils teacher teachers worker workers farmer farmers herder herders passenger passengers
pilgrim pilgrims worshipper worshippers worshiper worshipers family families journalist
journalists doctor doctors nurse nurses patient patients refugee refugees shopper shoppers
tourist tourists bystander bystanders pedestrian pedestrians mourner mourners villages
protester protesters demonstrator demonstrators elder elders fisherman fishermen trader traders
""".split())
COMBATANT_WORDS = frozenset("""
soldier soldiers troop troops militant militants fighter fighters rebel rebels insurgent
insurgents jihadist jihadists terrorist terrorists gunman gunmen police policeman policemen
officer officers guard guards army military militia militiaman militiamen commander commanders
serviceman servicemen personnel combatant combatants trooper troopers paramilitary
paramilitaries mercenary mercenaries attacker attackers bandit bandits recruit recruits
""".split())
CIVILIAN_ROLES = {"civilians", "protesters"}


# --- data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snippet:
    id: str
    text: str
    label: str
    source: str  # file name


def resolve_data_dir(data: Path, split: str) -> tuple[Path, list[Path]]:
    """The folder holding ``{split}*.tsv`` (the data set's folder or the benchmarks root)."""
    for folder in (data, data / "case2021_task2"):
        files = sorted(folder.glob(f"{split}*.tsv")) if folder.is_dir() else []
        if files:
            return folder, files
    return data, []


def read_snippets(files: Iterable[Path]) -> list[Snippet]:
    snippets: list[Snippet] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                text, label = (row.get("EventSnippet") or "").strip(), (row.get("SubType") or "").strip()
                if text and label:
                    snippets.append(Snippet(str(row.get("id", "")).strip(), text, label, path.name))
    return snippets


# --- scoring ----------------------------------------------------------------------------------


def per_label_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 (0-1) and support for every label seen in gold or predictions."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    tp: Counter[str] = Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
    gold_n, pred_n = Counter(gold), Counter(pred)
    scores: dict[str, dict[str, float]] = {}
    for label in sorted(set(gold_n) | set(pred_n)):
        p = tp[label] / pred_n[label] if pred_n[label] else 0.0
        r = tp[label] / gold_n[label] if gold_n[label] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        scores[label] = {"p": p, "r": r, "f1": f1, "support": gold_n[label],
                         "predicted": pred_n[label], "tp": tp[label]}
    return scores


def weighted_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """sklearn ``f1_score(average="weighted")``: per-label F1 weighted by gold support (0-1).

    Labels only predicted (support 0) weigh nothing; an empty input scores 0.
    """
    if not gold:
        return 0.0
    scores = per_label_scores(gold, pred)
    return sum(s["f1"] * s["support"] for s in scores.values()) / len(gold)


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Unweighted mean F1 over the labels present in gold (0-1)."""
    scores = per_label_scores(gold, pred)
    labels = [label for label, s in scores.items() if s["support"]]
    return sum(scores[label]["f1"] for label in labels) / len(labels) if labels else 0.0


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def majority_label(gold: Sequence[str]) -> str:
    """The most frequent label; ties go to the alphabetically first (deterministic)."""
    counts = Counter(gold)
    return min(counts, key=lambda label: (-counts[label], label))


def confusions(gold: Sequence[str], pred: Sequence[str]) -> list[tuple[tuple[str, str], int]]:
    """(gold, predicted) pairs that differ, most frequent first."""
    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return sorted(pairs.items(), key=lambda item: (-item[1], item[0]))


# --- prediction -------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def civilian_victims(event, text: str, table=None) -> bool:
    """Do the victims of a ``deaths`` event look like civilians?

    Resolved roles first (the actor table says "civilians"), else the words of the targets and of
    the few words after each killed figure ("six civilians"): civilian words and no combatant word.
    """
    roles, words = set(), set()
    for actor in (*event.targets, *event.associated, event.actor2):
        if actor is None:
            continue
        words |= _words(actor.text)
        if table is not None:
            resolved = table.resolve(actor)
            if resolved.role is not None:
                roles.add(str(resolved.role))
    for figure in event.figures:
        if figure.span.field == "text":
            words |= _words(" ".join(text[figure.span.start:].split()[:4]))
    if roles:
        return bool(roles & CIVILIAN_ROLES) and not (roles - CIVILIAN_ROLES - {"other"})
    return bool(words & CIVILIAN_WORDS) and not words & COMBATANT_WORDS


def label_of(event, text: str, ontology, table=None) -> str:
    if event is None:
        return NOTHING
    if event.code == "deaths":
        return "ATTACK" if civilian_victims(event, text, table) else "ARMED_CLASH"
    try:
        label = ontology.by_code(event.code).case2021
    except KeyError:
        label = None
    return label or NOTHING


def main_event(events: Sequence, rule: str, ontology):
    """The snippet's main event under ``rule`` (body events only; None when there are none)."""
    body = [e for e in events if e.trigger.field == "text"] or list(events)
    if not body:
        return None
    if rule == "first":
        return min(body, key=lambda e: (e.trigger.start, -_priority(e, ontology)))
    return min(body, key=lambda e: (-_priority(e, ontology), e.trigger.start))


def _priority(event, ontology) -> int:
    try:
        return ontology.by_code(event.code).priority
    except KeyError:
        return 0


# --- main -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score claimscope's event types against CASE 2021 task 2 (weighted F1).")
    add_data_argument(parser, "case2021_task2")
    parser.add_argument("--split", default="dev", help="file prefix: DIR/{split}*.tsv (default: dev)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N snippets")
    parser.add_argument("--n-process", type=int, default=1, help="extraction processes (default 1)")
    parser.add_argument("--rule", choices=RULES, default="priority",
                        help="how the main event is chosen (both are shown; default: priority)")
    parser.add_argument("--show-errors", type=int, default=3, metavar="N",
                        help="example snippets printed for each of the most frequent confusions")
    parser.add_argument("--plain", action="store_true", help="plain-text tables instead of Rich")
    return parser


def predict(snippets: Sequence[Snippet], n_process: int) -> tuple[dict[str, list[str]], list]:
    from claimscope.extract import extract_many
    from claimscope.extract.ontology import load_ontology
    from claimscope.resolve.actors import ActorTable

    ontology, table = load_ontology(), ActorTable.default()
    predictions: dict[str, list[str]] = {rule: [] for rule in RULES}
    chosen = []
    from claimscope.resolve import resolve_extraction

    for snippet, raw in zip(snippets, extract_many([s.text for s in snippets], n_process=n_process)):
        extraction = resolve_extraction(raw)  # names the victims: attacks on armed actors are battles
        picks = {}
        for rule in RULES:
            event = main_event(extraction.events, rule, ontology)
            predictions[rule].append(label_of(event, snippet.text, ontology, table))
            picks[rule] = event
        chosen.append((picks, extraction.events))
    return predictions, chosen


def _pct(value: float) -> float:
    return round(100 * value, 1)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    folder, files = resolve_data_dir(args.data, args.split)
    if not files:
        fail_missing(OBTAIN.format(where=args.data, split=args.split))
    snippets = read_snippets(files)[: args.limit] if args.limit else read_snippets(files)
    if not snippets:
        fail_missing(f"no snippets in {', '.join(str(f) for f in files)}")

    started = time.perf_counter()
    predictions, chosen = predict(snippets, args.n_process)
    seconds = time.perf_counter() - started
    gold = [s.label for s in snippets]
    majority = majority_label(gold)
    baseline = [majority] * len(gold)

    rows = []
    systems = [(f"claimscope (main event: {rule})", predictions[rule]) for rule in RULES]
    systems.append((f"majority class ({majority})", baseline))
    for name, pred in systems:
        rows.append([name, _pct(weighted_f1(gold, pred)), _pct(macro_f1(gold, pred)),
                     _pct(accuracy(gold, pred)), sum(p == NOTHING for p in pred)])
    print_table(f"CASE 2021 task 2 {args.split} - {len(snippets)} snippets",
                ["System", "Weighted F1", "Macro F1", "Accuracy", "Pred OTHER"], rows, plain=args.plain)

    pred = predictions[args.rule]
    scores = per_label_scores(gold, pred)
    label_rows = [[label, _pct(s["p"]), _pct(s["r"]), _pct(s["f1"]), s["support"], s["predicted"]]
                  for label, s in sorted(scores.items(), key=lambda item: (-item[1]["support"], item[0]))]
    print_table(f"Per label (main event: {args.rule})", ["Label", "P", "R", "F1", "Gold", "Pred"],
                label_rows, plain=args.plain)

    errors = confusions(gold, pred)
    print_table("Most frequent errors (gold -> predicted)", ["Gold", "Predicted", "Count"],
                [[g, p, n] for (g, p), n in errors[:15]], plain=args.plain)
    if args.show_errors:
        for (g, p), n in errors[:10]:
            print(f"\n{g} -> {p} ({n}):")
            shown = 0
            for snippet, (picks, events), guess in zip(snippets, chosen, pred):
                if snippet.label != g or guess != p:
                    continue
                event = picks[args.rule]
                found = ", ".join(f"{e.code}:{e.trigger.text!r}" for e in events) or "no event"
                print(f"  [{snippet.id}] {snippet.text[:160]}{'...' if len(snippet.text) > 160 else ''}")
                print(f"      picked {event.code + ':' + repr(event.trigger.text) if event else '-'}; found {found}")
                shown += 1
                if shown >= args.show_errors:
                    break
        print()

    print_notes([
        f"snippets: {len(snippets)} from {', '.join(f.name for f in files)} in {folder}   "
        f"seconds: {seconds:.1f}",
        f"reported rule: {args.rule}; codes without a case2021 label and snippets without events "
        f"are OTHER; deaths -> ATTACK (civilian victims) or ARMED_CLASH",
    ])
    print_final_json({
        "weighted_f1": _pct(weighted_f1(gold, pred)),
        "macro_f1": _pct(macro_f1(gold, pred)),
        "accuracy": _pct(accuracy(gold, pred)),
        "baseline_weighted_f1": _pct(weighted_f1(gold, baseline)),
        "snippets": len(snippets),
        "rule": args.rule,
        "other_rule_weighted_f1": _pct(weighted_f1(gold, predictions[
            next(r for r in RULES if r != args.rule)])),
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
