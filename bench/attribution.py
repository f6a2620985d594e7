#!/usr/bin/env python
"""Attribution benchmark on PolNeAR: Source / Cue / Content spans and whole attributions.

    .venv/bin/python bench/attribution.py --split dev [--limit N] [--predictions OUTDIR]
                                          [--n-process 2] [--baseline said-verbs]

Scoring lives in ``claimscope.evaluation.polnear`` (its docstring lists every metric choice);
this script loads the data, runs the extractor (or a baseline), prints a table and, as its last
line, one JSON object with the figures (0-100, one decimal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (
    DEFAULT_BENCHMARKS,
    add_data_argument,
    fail_missing,
    print_final_json,
    print_notes,
    print_table,
)
from claimscope.evaluation import polnear


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score claimscope's attributions against PolNeAR (Source / Cue / Content)."
    )
    add_data_argument(parser, "polnear")
    parser.add_argument("--split", default="dev", help="train or dev (default: dev)")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N articles (sorted by file name)")
    parser.add_argument("--predictions", type=Path, default=None, metavar="OUTDIR",
                        help="write one <article>.ann per article (brat, PolNeAR layout)")
    parser.add_argument("--n-process", type=int, default=1,
                        help="processes for claimscope.extract_many (when it exists)")
    parser.add_argument("--baseline", choices=["said-verbs"], default=None,
                        help="score a trivial regex baseline instead of claimscope")
    parser.add_argument("--tagger", choices=["cnn", "transformer", "none"], default=None,
                        help="attribution tagger for the claimscope run (default: "
                             "$CLAIMSCOPE_TAGGER, else cnn); transformer needs "
                             "pip install -e '.[transformer]'")
    parser.add_argument("--gold-as-predictions", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help="plain-text table instead of Rich")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = polnear.resolve_data_dir(args.data, args.split)
    if root is None:
        where = args.data if args.data else DEFAULT_BENCHMARKS / "polnear"
        fail_missing(polnear.OBTAIN.format(where=where) + f"\n(no data/{args.split}/text found)")
    if args.gold_as_predictions:
        system = "gold"
    elif args.baseline:
        system = args.baseline
    else:
        system = "claimscope"
        import claimscope
        from claimscope.extract.nlp import check_tagger, tagger_choice, use_tagger

        if args.tagger:
            use_tagger(args.tagger)
        try:
            check_tagger()
        except OSError as exc:
            print(exc, file=sys.stderr)
            return 3

        if not (hasattr(claimscope, "extract_many") or hasattr(claimscope, "extract")):
            print("claimscope.extract is not available yet; try --baseline said-verbs",
                  file=sys.stderr)
            return 3

    run = polnear.run_benchmark(
        root, args.split, limit=args.limit, system=system, n_process=args.n_process
    )
    if not run.gold:
        fail_missing(f"no annotated articles in {root / 'data' / args.split}")

    if args.predictions is not None:
        args.predictions.mkdir(parents=True, exist_ok=True)
        for name, atts in run.predictions.items():
            polnear.write_ann(args.predictions / f"{name}.ann", run.gold[name].text, atts)

    s = run.scores
    rows = []
    for role in polnear.ROLES:
        for mode in ("exact", "overlap"):
            m = s[role][mode]
            rows.append([role.capitalize(), mode, m["p"], m["r"], m["f1"],
                         m["tp"], m["pred"], m["gold"]])
    rel = s["relation"]
    rows.append(["Relation", "content F1>=.5", rel["p"], rel["r"],
                 rel["f1"], rel["tp"], rel["pred"], rel["gold"]])
    label = {"gold": "gold fed back", "claimscope": "claimscope"}.get(system, f"baseline {system}")
    print_table(
        f"PolNeAR {args.split} - {label}",
        ["Role", "Match", "P", "R", "F1", "TP", "Pred", "Gold"],
        rows,
        plain=args.plain,
    )
    multi = [f for f in run.files if f.others]
    notes = [
        (
            f"articles: {s['articles']}   gold attributions: {s['gold_attributions']}   "
            f"predicted attributions: {s['pred_attributions']}   seconds: {run.seconds:.1f}"
        ),
        (
            f"gold: one annotator file per article, the lexicographically first; "
            f"{len(multi)} article(s) had several"
            + (f" (e.g. {multi[0].ann.name} used, {len(multi[0].others)} other(s) ignored)"
               if multi else "")
        ),
    ]
    skipped = sum(a.skipped for a in run.gold.values())
    dangling = sum(a.dangling for a in run.gold.values())
    if skipped or dangling:
        notes.append(f"gold E lines skipped (no cue or no content): {skipped}; "
                     f"references to missing T ids dropped: {dangling}")
    if run.prediction_stats:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(run.prediction_stats.items()))
        notes.append(f"predictions: {shown}")
    if args.predictions is not None:
        notes.append(f"predictions written to {args.predictions}")
    if system == "claimscope":
        notes.append(f"attribution tagger: {tagger_choice()}")
    print_notes(notes)
    summary = dict(run.summary)
    if system == "claimscope":
        summary["tagger"] = tagger_choice()
    print_final_json(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
