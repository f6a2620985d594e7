"""Scorers that compare claimscope's output with public gold data (see ``bench/``).

Nothing here imports the extractor: the scorers take plain records, so they can be tested
with hand-made spans and reused by the benchmark scripts.
"""
