"""Corroboration parts on hand-made inputs: copies, quantities, roots, groups, ledger, drift."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from claimscope.corroborate.copies import best_original, from_bytes, signature
from claimscope.corroborate.drift import headline_drift
from claimscope.corroborate.quantities import Quantity, Reading, compatible, contradicts
from claimscope.corroborate.roots import provenance, root_key
from claimscope.corroborate.views import Member, certainty_upgrades, group, ledger
from claimscope.records import (
    Article, Certainty, ChainLink, Claim, ClaimKind, Figure, FigureType, Origin, Source,
    SourceType, TextSpan,
)

WIRE = ("Ukraine's military intelligence said on Monday that about 100 North Korean soldiers "
        "were killed in the Kursk region last week, in a post on Telegram. The agency did not "
        "say how it counted the dead, and its figures could not be independently verified. "
        "Russia has not commented on the presence of North Korean troops on its soil, and "
        "Pyongyang's state media have made no mention of the deployment. Western officials "
        "estimate that about 11,000 North Korean troops were sent to Russia in the autumn. "
        "Kyiv says they have been thrown into assaults in small groups with little support.")


def test_a_retitled_trimmed_copy_is_found_and_an_unrelated_text_is_not():
    original = signature("a", WIRE)
    trimmed = signature("b", WIRE.rsplit(". ", 1)[0] + ".")  # the last sentence cut
    other = signature("c", "Protesters marched through the capital on Sunday demanding new "
                           "elections, and police said the rally passed off peacefully.")
    assert best_original(trimmed, [original, other])[0] == "a"
    assert best_original(other, [original]) is None
    assert from_bytes("a", original.to_bytes()).similarity(original) == 1.0


KILLED = Quantity(FigureType.KILLED, "KP", "RU")


def reading(claim_id, low, best, high, start=date(2025, 1, 6), end=date(2025, 1, 12),
            quantity=KILLED):
    return Reading(claim_id, quantity, low, best, high, start, end)


def test_compatible_and_contradicting_figures():
    about_100 = reading("a", 100, 100, 100)
    assert compatible(about_100, reading("b", 90, 90, None))  # "more than 90"
    assert contradicts(about_100, reading("c", None, 20, 20))  # "no more than 20", same week
    assert not contradicts(about_100, reading("d", None, 20, 20, date(2025, 3, 1), date(2025, 3, 7)))
    assert not contradicts(about_100, reading("e", None, 20, 20, None, None))  # period unknown
    casualties = Quantity(FigureType.CASUALTIES, "KP", "RU")
    assert not contradicts(about_100, reading("f", 400, 400, 400, quantity=casualties))


def claim(claim_id, source, source_type, chain=(), certainty=Certainty.ASSERTED,
          origin=Origin.BODY, restates=None, text="about 100 soldiers were killed", figures=()):
    return Claim(claim_id, "a1", TextSpan(0, len(text), text), Source(source, source_type, None),
                 None, certainty, ClaimKind.EVENT, chain=chain, figures=figures, origin=origin,
                 restates=restates)


def test_root_is_the_original_speaker_through_relays():
    article = Article(id="a1", text="", outlet="herald.example")
    relayed = claim("c1", "HUR", SourceType.INTELLIGENCE,
                    chain=(ChainLink("source", "HUR"), ChainLink("intermediary", "Daily Times"),
                           ChainLink("outlet", "herald.example")))
    found = provenance(relayed, article)
    assert found.root_key == root_key("Ukraine's military intelligence") == root_key("GUR")
    assert found.path == ("HUR", "Daily Times", "herald.example")
    own = provenance(claim("c2", "herald.example", SourceType.OUTLET), article)
    assert own.root_type is SourceType.OUTLET and own.root_key == "herald example"


def member(claim_id, article, outlet, root, best, when, certainty=Certainty.ASSERTED, copy_of=None,
           low=None, high=None):
    return Member(claim_id, "g1", article, copy_of or article, KILLED, root.lower(), root,
                  SourceType.INTELLIGENCE, (root, outlet), outlet,
                  datetime(2025, 1, when, tzinfo=timezone.utc), certainty, "body",
                  best if low is None else low, best, best if high is None else high,
                  date(2025, 1, 6), date(2025, 1, 12), "text")


def test_many_outlets_one_root_is_circular_and_copies_count_once():
    members = [member(f"c{i}", f"a{i}", f"outlet{i}.example", "HUR", 100, 13) for i in range(4)]
    members.append(member("c9", "a9", "mirror.example", "HUR", 100, 13, copy_of="a0"))
    found = group("g1", members)
    assert found.independent_roots == 1 and found.circular
    assert len(found.outlets) == 4  # the mirror is outlet0 again


def test_two_roots_are_independent_and_not_circular():
    found = group("g1", [member("c1", "a1", "x.example", "HUR", 100, 13),
                         member("c2", "a2", "y.example", "Governor", 100, 13)])
    assert found.independent_roots == 2 and not found.circular


def test_ledger_marks_contradictions_and_says_how_it_derives_its_range():
    rows = [member("c1", "a1", "x.example", "HUR", 100, 13),
            member("c2", "a2", "y.example", "Ministry", 20, 14, low=None),
            member("c3", "a3", "z.example", "Officials", 110, 15)]
    rows[1] = replace(rows[1], low=None)  # "no more than 20"
    found = ledger(FigureType.KILLED, rows)
    flagged = {row.member.claim_id: row.contradicted_by for row in found.rows}
    assert set(flagged["c2"]) == {"c1", "c3"} and flagged["c1"] == ("c2",)
    assert (found.low, found.best, found.high) == (20, 100, 110)
    assert "median" in found.derivation and "3 root(s)" in found.derivation


def test_claimed_then_confirmed_by_another_outlet_is_an_upgrade():
    first = member("c1", "a1", "x.example", "HUR", 100, 13, certainty=Certainty.CLAIMED)
    later = member("c2", "a2", "y.example", "HUR", 100, 16, certainty=Certainty.CONFIRMED)
    same = member("c3", "a3", "z.example", "HUR", 100, 17, certainty=Certainty.CLAIMED)
    assert [(u.before.claim_id, u.after.claim_id) for u in certainty_upgrades([first, later, same])] == [("c1", "c2")]


def test_headline_that_counts_officers_where_the_body_counts_people_drifts():
    body_text = "eight people died, including senior officers"
    body = claim("b", "x", SourceType.COMBATANT, text=body_text,
                 figures=(Figure(FigureType.KILLED, 8, 8, 8, False, TextSpan(0, 5, "eight")),))
    head_text = "Eight Officers Die"
    headline = claim("h", "x", SourceType.OUTLET, origin=Origin.HEADLINE, restates="b", text=head_text,
                     figures=(Figure(FigureType.KILLED, 8, 8, 8, False, TextSpan(0, 5, "Eight", "title")),))
    drift = headline_drift(headline, body)
    assert drift is not None and "officers" in drift.reason and "people" in drift.reason
    same = claim("h2", "x", SourceType.OUTLET, origin=Origin.HEADLINE, restates="b", text="Eight people die",
                 figures=(Figure(FigureType.KILLED, 8, 8, 8, False, TextSpan(0, 5, "Eight", "title")),))
    assert headline_drift(same, body) is None


def test_a_running_tally_is_not_a_figure_for_one_week_inside_it():
    week = reading("a", 100, 100, 100)
    tally = reading("b", 300, 300, 300, date(2025, 1, 1), date(2025, 3, 20))
    assert not contradicts(week, tally)
    assert contradicts(week, reading("c", 300, 300, 300, date(2025, 1, 5), date(2025, 1, 12)))


def test_troops_in_the_headline_over_soldiers_in_the_body_is_no_drift():
    body = claim("b", "x", SourceType.INTELLIGENCE, text="about 100 soldiers were killed",
                 figures=(Figure(FigureType.KILLED, 100, 100, 100, True, TextSpan(6, 9, "100")),))
    headline = claim("h", "x", SourceType.OUTLET, origin=Origin.HEADLINE, restates="b",
                     text="100 troops killed",
                     figures=(Figure(FigureType.KILLED, 100, 100, 100, True, TextSpan(0, 3, "100", "title")),))
    assert headline_drift(headline, body) is None
