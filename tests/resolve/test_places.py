"""The offline geocoder: ACLED precision, namesakes settled by context, nothing invented.

The first run in a fresh environment builds the gazetteer cache (about 20 seconds); later runs
open it in milliseconds.
"""

from __future__ import annotations

import time

import pytest

from claimscope.records import Place, TextSpan
from claimscope.resolve.gazetteer import CACHE_ENV, Gazetteer, cache_path, normalize
from claimscope.resolve.places import country_code, geocode


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def place(text: str, gaz: Gazetteer, *context: str) -> Place:
    return geocode(Place(text, None), context=context, gazetteer=gaz)


@pytest.mark.parametrize("text", ["the Kursk region", "Kursk region", "Kursk Oblast",
                                  "Kursk province", "the region of Kursk", "in the Kursk region"])
def test_region_wording_gives_the_oblast_not_the_city(gaz, text):
    found = place(text, gaz)
    assert (found.name, found.country, found.admin1_code) == ("Kursk Oblast", "RU", "RU-KRS")
    assert found.admin1 == "Kursk Oblast"
    assert found.feature == "region" and found.precision == 3
    assert found.geonameid is None  # the region centroid, not the city's point
    assert found.latitude == pytest.approx(51.73, abs=0.01)
    assert found.longitude == pytest.approx(36.19, abs=0.01)


def test_bare_kursk_is_the_city(gaz):
    found = place("Kursk", gaz, "RU")
    assert (found.name, found.feature, found.precision) == ("Kursk", "town", 1)
    assert found.geonameid == 538560 and found.admin1_code == "RU-KRS"
    assert place("the city of Kursk", gaz).geonameid == 538560


def test_part_of_a_region_is_precision_two(gaz):
    for text in ("northern Kursk region", "the northern part of the Kursk region"):
        found = place(text, gaz)
        assert (found.admin1_code, found.feature, found.precision) == ("RU-KRS", "region", 2)


def test_near_a_town_is_precision_two(gaz):
    near = place("near Sudzha", gaz, "RU", "UA")
    assert (near.name, near.country, near.admin1_code) == ("Sudzha", "RU", "RU-KRS")
    assert near.precision == 2 and near.feature == "town"
    assert place("Sudzha", gaz, "RU", "UA").precision == 1
    assert place("on the outskirts of Sudzha", gaz).precision == 2
    assert place("10 km north of Kharkiv", gaz).precision == 2
    assert place("the Bakhmut area", gaz, "UA").precision == 2


def test_village_missing_from_gazetteer_takes_the_enclosing_region(gaz):
    found = place("Plekhovo in the Kursk region", gaz, "RU")
    assert (found.admin1_code, found.feature, found.precision) == ("RU-KRS", "region", 3)
    assert found.latitude is not None
    assert "Plekhovo" in found.note and "not in gazetteer" in found.note
    assert found.text == "Plekhovo in the Kursk region"


def test_village_missing_without_an_area_gets_no_coordinates(gaz):
    # GeoNames knows a Ukrainian hamlet once called Plekhovo (716 people); in a story about
    # Russia that would be an invented location.
    found = place("near the village of Plekhovo", gaz, "RU")
    assert found.latitude is None and found.longitude is None and found.country is None
    assert found.precision is None
    assert "village 'Plekhovo' not in gazetteer" in found.note
    assert "Plekhiv (UA)" in found.note


def test_donetsk_follows_context_but_a_tenfold_population_wins(gaz):
    ukraine = place("Donetsk", gaz, "UA")
    assert (ukraine.country, ukraine.admin1, ukraine.admin1_code) == ("UA", "Donetsk Oblast",
                                                                     "UA-14")
    assert ukraine.geonameid == 709717
    # The Russian Donetsk (Rostov Oblast, 51k) is 18 times smaller: a context country is worth
    # a tenfold population, not more.
    assert place("Donetsk", gaz, "RU").geonameid == 709717


def test_context_picks_between_comparable_namesakes(gaz):
    assert place("Pokrovsk", gaz, "UA").geonameid == 704422  # not Engels, once "Pokrovsk"
    assert place("Pokrovsk", gaz, "UA").admin1_code == "UA-14"
    assert place("Georgia", gaz, "US").admin1_code == "US-GA"
    assert place("Georgia", gaz).country == "GE"
    assert place("Georgia", gaz).feature == "country"


@pytest.mark.parametrize("text,code", [
    ("Wilmington, N.C.", "US-NC"), ("Wilmington, North Carolina", "US-NC"),
    ("Wilmington, Delaware", "US-DE"), ("Wilmington, Del.", "US-DE"),
    ("in Chicago, Ill.", "US-IL"), ("Paris, TX", "US-TX"), ("Washington, D.C.", "US-DC"),
])
def test_us_state_after_comma_constrains_the_town(gaz, text, code):
    found = place(text, gaz, "US")
    assert found.admin1_code == code and found.country == "US"
    assert found.feature == "town" and found.precision == 1


def test_country_and_part_of_country(gaz):
    whole = place("Ukraine", gaz)
    assert (whole.country, whole.feature, whole.precision) == ("UA", "country", 3)
    assert whole.admin1 is None and whole.latitude is not None
    part = place("eastern Ukraine", gaz)
    assert (part.country, part.feature, part.precision) == ("UA", "country", 3)
    assert "part of the country" in part.note
    assert place("Western Sahara", gaz).country == "EH"  # a name, not "western" + "Sahara"


@pytest.mark.parametrize("text,code,feature", [
    ("Gaza City", "PS", "town"), ("Khan Younis", "PS", "town"), ("Zaporizhzhia", "UA", "town"),
    ("Zaporizhia", "UA", "town"), ("Kharkiv Oblast", "UA", "region"),
    ("Kharkiv region", "UA", "region"), ("Donetsk Oblast", "UA", "region"),
    ("Donetsk region", "UA", "region"), ("Zaporozhye region", "UA", "region"),
    ("Kyiv region", "UA", "region"), ("Crimea", "UA", "region"),
])
def test_conflict_names(gaz, text, code, feature):
    found = place(text, gaz)
    assert (found.country, found.feature) == (code, feature)
    assert found.latitude is not None


def test_region_codes(gaz):
    assert place("Kharkiv Oblast", gaz).admin1_code == "UA-63"
    assert place("Kharkiv region", gaz).admin1_code == "UA-63"
    assert place("Donetsk region", gaz).admin1_code == "UA-14"
    assert place("Kyiv region", gaz).admin1_code == "UA-32"  # the oblast, not Kyiv city (UA-30)
    assert place("Khan Younis", gaz).admin1_code == "PS-KYS"
    assert place("Zaporizhzhia", gaz).geonameid == place("Zaporizhia", gaz).geonameid == 687700


def test_spelling_variants_reach_the_same_place(gaz):
    assert place("Kiev", gaz).geonameid == place("Kyiv", gaz).geonameid == 703448
    assert place("Kharkov", gaz).geonameid == place("Kharkiv", gaz).geonameid


def test_descriptive_words_before_a_settlement(gaz):
    found = place("the eastern Ukrainian city of Pokrovsk", gaz)
    assert (found.geonameid, found.precision) == (704422, 1)  # "eastern" describes the city
    assert place("the Russian border village of Tetkino", gaz).admin1_code == "RU-KRS"


def test_unknown_name_is_returned_unchanged_with_a_note(gaz):
    span = TextSpan(10, 24, "Atlantis Prime")
    original = Place("Atlantis Prime", span, precision=1)
    found = geocode(original, context=["UA"], gazetteer=gaz)
    assert found.note == "'Atlantis Prime' not in gazetteer"
    assert found.precision is None
    assert (found.text, found.span, found.name, found.latitude) == ("Atlantis Prime", span,
                                                                   None, None)


@pytest.mark.parametrize("text", ["Russian", "Ukrainian", "Israeli", "Chinese", "North Korean"])
def test_demonyms_are_not_places(gaz, text):
    found = place(text, gaz, "RU", "UA")
    assert found.country is None and found.latitude is None
    assert "demonym" in found.note


def test_geocode_returns_a_copy(gaz):
    original = Place("near Sudzha", TextSpan(0, 11, "near Sudzha"))
    found = geocode(original, gazetteer=gaz)
    assert original.latitude is None and found.latitude is not None
    assert found.span == original.span


@pytest.mark.parametrize("name,code", [
    ("North Korea", "KP"), ("South Korea", "KR"), ("DPRK", "KP"), ("Russia", "RU"),
    ("Britain", "GB"), ("the US", "US"), ("U.S.", "US"), ("United States", "US"),
    ("Iran", "IR"), ("Syria", "SY"), ("Ukraine", "UA"), ("eastern Ukraine", "UA"),
    ("Russian Federation", "RU"), ("Western Sahara", "EH"),
])
def test_country_code(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize("name", ["Russian", "the Kursk region", "Kursk", "near Kyiv", ""])
def test_country_code_refuses_non_countries(name):
    assert country_code(name) is None


def test_normalize_folds_spellings():
    assert normalize("L’gov") == "lgov"
    assert normalize("Khān Yūnis") == normalize("khan yunis") == "khan yunis"
    assert normalize("N.C.") == "nc"
    assert normalize("Rostov-on-Don") == "rostov on don"


def test_cache_path_is_versioned_and_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    path = cache_path()
    assert path.parent == tmp_path
    assert path.name.startswith("gazetteer-") and path.suffix == ".sqlite3"


def test_opening_the_built_cache_is_fast(gaz):
    start = time.perf_counter()
    opened = Gazetteer.open(gaz.path)
    assert opened.lookup("Sudzha")
    opened.close()
    assert time.perf_counter() - start < 1.0
    assert Gazetteer.default() is gaz  # one per process


def test_loosely_named_containers_and_country_namesakes(gaz):
    # "Gaza" after the comma means the Strip; Rafah lies in the next governorate.
    rafah = place("Rafah, Gaza", gaz, "IL")
    assert (rafah.country, rafah.feature, rafah.precision) == ("PS", "town", 1)
    # Towns named after countries (Lebanon, Ohio) do not displace the country.
    assert place("Lebanon", gaz, "US", "IL").feature == "country"
    # A village not in the named region is not swapped for a namesake elsewhere in Russia.
    other = place("Martynovka in the Kursk region", gaz, "RU")
    assert (other.admin1_code, other.feature, other.precision) == ("RU-KRS", "region", 3)
    assert "not in gazetteer" in other.note


def test_context_flips_namesakes_within_a_tenfold_population(gaz):
    assert place("Odessa", gaz).country == "UA"  # Odesa respelled, not an unrelated name
    assert place("Odessa", gaz, "US").admin1_code == "US-TX"  # 118k against 1M: context wins
    assert place("Odessa", gaz, "UA", "RU", "US").country == "UA"
    assert place("Pokrovsk", gaz).geonameid == 704422  # Engels' old name costs a point


def test_dateline_gives_the_place_of_events_whose_text_names_none():
    from claimscope.extract import extract_text
    from claimscope.resolve import dateline_place, resolve_extraction

    assert dateline_place("AURORA, Colo. -- Two people").text == "Aurora, Colo."
    assert dateline_place("Russian drones struck - at night") is None
    extraction = resolve_extraction(extract_text("ROCKFORD, Ill. — A man was shot and killed on Tuesday."))
    (event,) = extraction.events
    assert (event.place.name, event.place.country, event.place.note) == ("Rockford", "US", "place from the dateline")
    assert [(f.type.value, f.best, f.derived) for f in event.figures] == [("killed", 1, True)]


@pytest.mark.parametrize("text, code", [
    ("Government forces recaptured the town of Kidal on Monday.", "government_regains_territory"),
    ("Malian troops seized the town of Kidal on Monday.", "government_regains_territory"),
    ("Rebels seized the town of Kidal on Monday.", "non_state_actor_overtakes_territory"),
    ("Rebels attacked Malian soldiers near Kidal on Monday, killing three.", "armed_clash"),
    ("Police opened fire on protesters in Nairobi, killing two.", "excessive_force_against_protesters"),
])
def test_acled_types_follow_who_takes_part(text, code):
    from claimscope.extract import extract_text
    from claimscope.resolve import resolve_extraction

    codes = [e.code for e in resolve_extraction(extract_text(text)).events]
    assert code in codes, codes
