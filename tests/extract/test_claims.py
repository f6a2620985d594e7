"""Attribution, sources, chains and certainty on short passages written for the project."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import claimscope

PUBLISHED = datetime(2025, 3, 4, 14, 20, tzinfo=timezone.utc)


def claims(text):
    return claimscope.extract(text, published=PUBLISHED).claims


def only(found, needle):
    matches = [c for c in found if needle in c.content.text]
    assert matches, f"no claim contains {needle!r}: {[c.content.text for c in found]}"
    return matches[0]


@pytest.mark.parametrize(
    "text, needle, source, source_type, cue, certainty",
    [
        ("The defence ministry confirmed that two battalions crossed the river.",
         "two battalions", "defence ministry", "military", "confirmed", "confirmed"),
        ("A volunteer fighter, Marek Dolan, claimed that his unit shot down a drone.",
         "shot down a drone", "Marek Dolan", "combatant", "claimed", "claimed"),
        ("According to people familiar with the matter, the convoy turned back.",
         "the convoy turned back", "people familiar with the matter", "official_anonymous",
         "According to", "asserted"),
        ("The army denied that its artillery hit the market.",
         "its artillery hit the market", "army", "military", "denied", "denied"),
        ("Analysts at the Institute for Conflict Studies estimated that 400 vehicles were lost.",
         "400 vehicles", "Analysts", "expert", "estimated", "estimated"),
        ('"The bridge is gone," the regional governor said.',
         "The bridge is gone", "regional governor", "government", "said", "asserted"),
        ("Rebel commanders allegedly ordered the looting, the envoy said.",
         "ordered the looting", "envoy", "government", "said", "alleged"),
    ],
)
def test_attributed_claims(text, needle, source, source_type, cue, certainty):
    claim = only(claims(text), needle)
    assert source.lower() in claim.source.name.lower()
    assert claim.source.type.value == source_type
    assert claim.cue is not None and claim.cue.text == cue
    assert claim.certainty.value == certainty


def test_pronoun_resolves_to_the_named_speaker():
    found = claims("Colonel Ilse Varga, a brigade commander, said the line held. "
                   "She added that reinforcements arrived overnight.")
    claim = only(found, "reinforcements arrived")
    assert claim.source.name == "Ilse Varga"
    assert claim.source.span.text == "She"
    assert claim.source.resolved_from is not None


def test_negated_confirmation_is_not_confirmed():
    claim = only(claims("The navy did not confirm that the frigate was damaged."), "frigate")
    assert claim.certainty.value != "confirmed"


def test_closing_disclaimer_covers_the_figures_before_it():
    found = claims("Local officials said 12 people were killed in the strike. "
                   "The figure could not be independently verified.")
    claim = only(found, "12 people")
    assert claim.certainty.value == "unverified_flagged"
    assert not any("could not be independently verified" in c.content.text for c in found)


def test_relay_citing_a_source_keeps_the_chain():
    claim = only(claims("State television reported, citing police, that 40 protesters were detained."),
                 "40 protesters")
    assert claim.source.name.lower() == "police"
    roles = [link.role for link in claim.chain]
    assert roles[:2] == ["source", "intermediary"] and roles[-1] == "outlet"
    assert claim.certainty.value == "reported"


def test_channel_in_the_chain():
    claim = only(claims("The general staff said on Telegram that 90 drones were launched overnight."),
                 "90 drones")
    assert any(link.role == "channel" and "Telegram" in link.name for link in claim.chain)


def test_outlet_statements_and_reportedly():
    found = claims("Two villages were shelled on Monday. "
                   "The deserters were reportedly sent to a penal unit.")
    plain = only(found, "Two villages")
    assert plain.source.type.value == "outlet" and plain.certainty.value == "asserted"
    hedged = only(found, "penal unit")
    assert hedged.certainty.value == "reported"


def test_analysis_is_not_an_event_claim():
    found = claims("The offensive underscores the growing reliance on drones. "
                   "The move may also reflect a shortage of artillery shells.")
    assert only(found, "underscores").kind.value == "analysis"
    speculative = only(found, "may also reflect")
    assert speculative.kind.value == "analysis" and speculative.certainty.value == "speculative"


def test_quotation_running_over_two_sentences_keeps_the_speaker():
    found = claims('"We held the village for three days," the sergeant told the radio station. '
                   '"Then the ammunition ran out."')
    follow = only(found, "ammunition ran out")
    assert "sergeant" in follow.source.name.lower()


def test_ids_are_deterministic():
    text = "The ministry said that 30 soldiers were captured."
    first = [c.id for c in claims(text)]
    assert first == [c.id for c in claims(text)]


def test_headline_style_colon_attribution():
    claim = only(claims("Kremlin: No troops crossed the border into the Kharkiv region."), "No troops")
    assert claim.source.name == "Kremlin" and claim.cue.text == ":"
    assert claim.source.type.value == "government"


def test_interpretive_verb_without_a_speaker_stays_analysis():
    found = claims("A mercenary said that eight soldiers died. "
                   "This information, shared on social media, further emphasizes the challenges these troops face.")
    claim = only(found, "the challenges")
    assert claim.kind.value == "analysis" and claim.cue is None


def test_trailing_according_to_on_a_relayed_report_is_the_root():
    from claimscope.extract import extract_text

    (claim,) = extract_text(
        "The Hanbando Daily, citing the Meridian news agency, reported that about 100 soldiers "
        "were killed last week, according to Ukraine's military intelligence.").claims
    assert claim.source.name == "Ukraine's military intelligence"
    assert [(link.role, link.name) for link in claim.chain][:3] == [
        ("source", "Ukraine's military intelligence"), ("intermediary", "Meridian news agency"),
        ("intermediary", "Hanbando Daily")]
    assert claim.certainty.value == "reported"  # the only verb is the relay's
