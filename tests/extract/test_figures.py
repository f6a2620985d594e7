"""Figures and their low / best / high values, one row of labels.md's table per case."""

from __future__ import annotations

import pytest

from claimscope.extract.figures import find_figures, parse_number


def figures_of(nlp, text):
    doc = nlp(text)
    return [(f.type.value, f.low, f.best, f.high, f.approx) for f in find_figures(doc[:])]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Eight soldiers were killed near the bridge.", ("killed", 8, 8, 8, False)),
        ("At least 1,500 fighters were captured.", ("captured", 1500, 1500, None, False)),
        ("Between 10,000 and 12,000 troops were deployed.", ("deployed", 10000, 11000, 12000, False)),
        ("The ministry sent 10,000 to 12,000 troops to the border.", ("deployed", 10000, 11000, 12000, False)),
        ("Several hundred people were arrested in the capital.", ("arrested", 200, 300, 900, True)),
        ("Dozens of soldiers deserted their posts.", ("deserted", 24, 36, 99, True)),
        ("Nearly 1,000 civilians are missing.", ("missing", None, 1000, 1000, True)),
        ("About 100 people were injured in the blast.", ("wounded", 100, 100, 100, True)),
        ("Several soldiers were arrested after the mutiny.", ("arrested", 3, 5, 9, True)),
        ("Up to 40 sailors died when the ship sank.", ("killed", None, 40, 40, False)),
        ("Hundreds of conscripts fled their units.", ("deserted", 200, 300, 900, True)),
        ("The brigade lost 30 men killed or wounded.", ("casualties", 30, 30, 30, False)),
        ("Thousands of troops were dispatched to the front.", ("deployed", 2000, 3000, 9000, True)),
        ("The death toll rose to 27 on Sunday.", ("killed", 27, 27, 27, False)),
    ],
)
def test_value_table(nlp, text, expected):
    assert expected in figures_of(nlp, text)


def test_hedge_applies_only_to_the_next_number(nlp):
    found = figures_of(nlp, "Some 300 were killed and 2,700 wounded in the fighting.")
    assert ("killed", 300, 300, 300, True) in found
    assert ("wounded", 2700, 2700, 2700, False) in found


def test_vague_quantifier_without_value(nlp):
    found = figures_of(nlp, "Some soldiers stationed near the border have attempted to flee.")
    assert found == [("deserted", None, None, None, False)]


def test_civilians_fleeing_are_not_deserters(nlp):
    assert figures_of(nlp, "Hundreds of residents fled the shelling.") == []


def test_years_and_dates_are_not_counts(nlp):
    assert figures_of(nlp, "In 2023 the unit was deployed on 12 March.") == []


def test_numbers_without_a_figure_word_are_ignored(nlp):
    assert figures_of(nlp, "The convoy travelled 300 kilometres along the river.") == []


@pytest.mark.parametrize(
    "words, value",
    [(["eight"], 8), (["1,500"], 1500), (["2.5", "million"], 2_500_000), (["twenty-five"], 25),
     (["several"], None)],
)
def test_parse_number(words, value):
    assert parse_number(words) == value


def test_no_more_than_is_an_upper_bound_not_more_than():
    from claimscope.extract import extract_text

    found = [(f.low, f.best, f.high) for c in extract_text(
        "The ministry said that no more than 20 soldiers were killed.").claims for f in c.figures]
    assert found == [(None, 20, 20)]
