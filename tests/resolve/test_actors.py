"""Actor resolution through the alias table kept as data (resolve/actors.py)."""

from __future__ import annotations

import os

import pytest

from claimscope.records import Actor, ActorRole, TextSpan
from claimscope.resolve.actors import ACTORS_ENV, ActorTable, demonym_country

KP_FORCES = ("Military Forces of North Korea", "KP", ActorRole.STATE_FORCES)
RU_FORCES = ("Military Forces of Russia", "RU", ActorRole.STATE_FORCES)
UA_FORCES = ("Military Forces of Ukraine", "UA", ActorRole.STATE_FORCES)
GUR = ("Main Directorate of Intelligence of Ukraine", "UA", ActorRole.INTELLIGENCE)
NIS = ("National Intelligence Service of South Korea", "KR", ActorRole.INTELLIGENCE)
ISLAMIC_STATE = ("Islamic State", None, ActorRole.REBELS)


@pytest.fixture(scope="module")
def table() -> ActorTable:
    return ActorTable.load()


def resolved(table: ActorTable, text: str, context: tuple[str, ...] = ()):
    actor = table.resolve(Actor(text=text, span=None), context=context)
    return actor.name, actor.country, actor.role


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # North Korea: aliases, determiners, quantifiers, singular, metonyms
        ("North Korean troops", KP_FORCES),
        ("North Korean soldiers", KP_FORCES),
        ("North Korean forces", KP_FORCES),
        ("DPRK forces", KP_FORCES),
        ("Pyongyang's soldiers", KP_FORCES),
        ("Pyongyang’s soldiers", KP_FORCES),  # typographic apostrophe
        ("Korean People's Army", KP_FORCES),
        ("the Korean People's Army", KP_FORCES),
        ("KPA", KP_FORCES),
        ("kpa", KP_FORCES),
        ("the North Korean soldiers", KP_FORCES),
        ("some North Korean troops", KP_FORCES),
        ("eight North Korean soldiers", KP_FORCES),
        ("several hundred North Korean soldiers", KP_FORCES),
        ("at least 1,500 North Korean troops", KP_FORCES),
        ("a North Korean soldier", KP_FORCES),
        ("North Korean soldier", KP_FORCES),
        ("NORTH KOREAN TROOPS", KP_FORCES),
        ("units of the Korean People's Army", KP_FORCES),
        ("troops from North Korea", KP_FORCES),
        ("North Korean soldiers captured by Ukraine's GUR", KP_FORCES),
        ("North Korean paratroopers", KP_FORCES),
        # Russia and Ukraine
        ("Russian forces", RU_FORCES),
        ("Kremlin troops", RU_FORCES),
        ("Moscow's forces", RU_FORCES),
        ("Russian servicemen", RU_FORCES),
        ("soldiers of the Russian army", RU_FORCES),
        ("Ukrainian forces", UA_FORCES),
        ("Kyiv's troops", UA_FORCES),
        ("Kiev's troops", UA_FORCES),
        ("AFU", UA_FORCES),
        ("ZSU", UA_FORCES),
        ("Ukrainian marines", UA_FORCES),
        # intelligence
        ("GUR", GUR),
        ("HUR", GUR),
        ("Ukraine's Main Directorate of Intelligence", GUR),
        ("Ukraine's military intelligence", GUR),
        ("Ukraine's GUR", GUR),
        ("NIS", NIS),
        ("National Intelligence Service", NIS),
        ("South Korean intelligence", NIS),
        ("Seoul's spy agency", NIS),
        ("the FSB", ("Federal Security Service of Russia", "RU", ActorRole.INTELLIGENCE)),
        ("Russia's FSB", ("Federal Security Service of Russia", "RU", ActorRole.INTELLIGENCE)),
        ("SBU", ("Security Service of Ukraine", "UA", ActorRole.INTELLIGENCE)),
        ("Ukraine's security service",
         ("Security Service of Ukraine", "UA", ActorRole.INTELLIGENCE)),
        # private military companies
        ("Wagner Group", ("Wagner Group", "RU", ActorRole.PMC)),
        ("Wagner mercenaries", ("Wagner Group", "RU", ActorRole.PMC)),
        ("Africa Corps", ("Africa Corps", "RU", ActorRole.PMC)),
        # Middle East
        ("IDF", ("Military Forces of Israel", "IL", ActorRole.STATE_FORCES)),
        ("IDF soldiers", ("Military Forces of Israel", "IL", ActorRole.STATE_FORCES)),
        ("Israeli troops", ("Military Forces of Israel", "IL", ActorRole.STATE_FORCES)),
        ("Hamas", ("Hamas", "PS", ActorRole.REBELS)),
        ("Hamas militants", ("Hamas", "PS", ActorRole.REBELS)),
        ("members of Hamas", ("Hamas", "PS", ActorRole.REBELS)),
        ("Hezbollah", ("Hezbollah", "LB", ActorRole.MILITIA)),
        ("Hezbollah fighters", ("Hezbollah", "LB", ActorRole.MILITIA)),
        ("the Houthis", ("Houthis (Ansar Allah)", "YE", ActorRole.REBELS)),
        ("Houthi rebels", ("Houthis (Ansar Allah)", "YE", ActorRole.REBELS)),
        ("Ansar Allah", ("Houthis (Ansar Allah)", "YE", ActorRole.REBELS)),
        ("Iran-backed Houthi rebels", ("Houthis (Ansar Allah)", "YE", ActorRole.REBELS)),
        ("Syrian army", ("Military Forces of Syria", "SY", ActorRole.STATE_FORCES)),
        # Islamic State: no country; "IS" only in capitals
        ("Islamic State", ISLAMIC_STATE),
        ("the Islamic State group", ISLAMIC_STATE),
        ("IS", ISLAMIC_STATE),
        ("IS fighters", ISLAMIC_STATE),
        ("ISIS", ISLAMIC_STATE),
        ("ISIL", ISLAMIC_STATE),
        ("Daesh", ISLAMIC_STATE),
        ("fighters from the Islamic State group", ISLAMIC_STATE),
        # Afghanistan, Pakistan, Somalia, Sudan, DR Congo, Myanmar
        ("the Taliban", ("Taliban", "AF", ActorRole.STATE_FORCES)),
        ("Pakistani Taliban", ("Tehrik-i-Taliban Pakistan", "PK", ActorRole.REBELS)),
        ("al-Shabaab", ("al-Shabaab", "SO", ActorRole.REBELS)),
        ("al-Shabab militants", ("al-Shabaab", "SO", ActorRole.REBELS)),
        ("RSF", ("Rapid Support Forces", "SD", ActorRole.MILITIA)),
        ("the Rapid Support Forces", ("Rapid Support Forces", "SD", ActorRole.MILITIA)),
        ("SAF", ("Military Forces of Sudan", "SD", ActorRole.STATE_FORCES)),
        ("Sudanese army", ("Military Forces of Sudan", "SD", ActorRole.STATE_FORCES)),
        ("M23", ("M23", "CD", ActorRole.REBELS)),
        ("M23 rebels", ("M23", "CD", ActorRole.REBELS)),
        ("Tatmadaw", ("Military Forces of Myanmar", "MM", ActorRole.STATE_FORCES)),
        ("the Myanmar military", ("Military Forces of Myanmar", "MM", ActorRole.STATE_FORCES)),
    ],
)
def test_named_actors(table, text, expected):
    assert resolved(table, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "<demonym or country> <head>" -> state forces
        ("French soldiers", ("Military Forces of France", "FR", ActorRole.STATE_FORCES)),
        ("US troops", ("Military Forces of United States", "US", ActorRole.STATE_FORCES)),
        ("U.S. forces", ("Military Forces of United States", "US", ActorRole.STATE_FORCES)),
        ("American soldiers", ("Military Forces of United States", "US", ActorRole.STATE_FORCES)),
        ("British paratroopers",
         ("Military Forces of United Kingdom", "GB", ActorRole.STATE_FORCES)),
        ("Chinese military", ("Military Forces of China", "CN", ActorRole.STATE_FORCES)),
        ("Beijing's army", ("Military Forces of China", "CN", ActorRole.STATE_FORCES)),
        ("Iranian troops", ("Military Forces of Iran", "IR", ActorRole.STATE_FORCES)),
        ("Congolese soldiers",
         ("Military Forces of Democratic Republic of Congo", "CD", ActorRole.STATE_FORCES)),
        ("Washington", ("Military Forces of United States", "US", ActorRole.STATE_FORCES)),
        ("Pyongyang", KP_FORCES),
        # police, intelligence, government
        ("Russian police", ("Police Forces of Russia", "RU", ActorRole.POLICE)),
        ("Ukrainian police officers", ("Police Forces of Ukraine", "UA", ActorRole.POLICE)),
        ("Georgian riot police", ("Police Forces of Georgia", "GE", ActorRole.POLICE)),
        ("Chinese intelligence", ("Intelligence Services of China", "CN", ActorRole.INTELLIGENCE)),
        ("Iran's spy agency", ("Intelligence Services of Iran", "IR", ActorRole.INTELLIGENCE)),
        ("Ukrainian officials", ("Government of Ukraine", "UA", ActorRole.GOVERNMENT)),
        ("the Israeli government", ("Government of Israel", "IL", ActorRole.GOVERNMENT)),
        ("Russia's defence ministry", ("Government of Russia", "RU", ActorRole.GOVERNMENT)),
        ("the Kremlin", ("Government of Russia", "RU", ActorRole.GOVERNMENT)),
        ("Pentagon officials", ("Government of United States", "US", ActorRole.GOVERNMENT)),
        # mercenaries keep their own nationality; the employer is not taken from the mention
        ("Chinese mercenary fighting for Russia", ("Mercenaries (China)", "CN", ActorRole.PMC)),
        ("Chinese mercenaries", ("Mercenaries (China)", "CN", ActorRole.PMC)),
        ("mercenaries", ("Mercenaries", None, ActorRole.PMC)),
        ("foreign contractors", ("Mercenaries", None, ActorRole.PMC)),
        # rebels, militia, unidentified armed groups
        ("rebels", ("Rebels", None, ActorRole.REBELS)),
        ("insurgents", ("Rebels", None, ActorRole.REBELS)),
        ("Palestinian militants", ("Rebels (Palestine)", "PS", ActorRole.REBELS)),
        ("separatists", ("Rebels", None, ActorRole.REBELS)),
        ("Islamist militants in Burkina Faso", ("Rebels (Burkina Faso)", "BF", ActorRole.REBELS)),
        ("Russian-backed separatists", ("Rebels", None, ActorRole.REBELS)),  # a sponsor
        ("militia", ("Militia", None, ActorRole.MILITIA)),
        ("militiamen", ("Militia", None, ActorRole.MILITIA)),
        ("Iraqi militias", ("Militia (Iraq)", "IQ", ActorRole.MILITIA)),
        ("gunmen", ("Unidentified Armed Group", None, ActorRole.MILITIA)),
    ],
)
def test_generic_patterns(table, text, expected):
    assert resolved(table, text) == expected


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("civilians", ("UA", "RU"), ("Civilians (Ukraine)", "UA", ActorRole.CIVILIANS)),
        ("residents", ("ru",), ("Civilians (Russia)", "RU", ActorRole.CIVILIANS)),
        ("villagers", ("SD",), ("Civilians (Sudan)", "SD", ActorRole.CIVILIANS)),
        ("children", ("PS",), ("Civilians (Palestine)", "PS", ActorRole.CIVILIANS)),
        ("women and children", ("PS",), ("Civilians (Palestine)", "PS", ActorRole.CIVILIANS)),
        ("civilians", (), ("Civilians", None, ActorRole.CIVILIANS)),
        # the mention's own country beats the article's context
        ("Ukrainian civilians", ("RU",), ("Civilians (Ukraine)", "UA", ActorRole.CIVILIANS)),
        ("residents of Kyiv", ("RU",), ("Civilians (Ukraine)", "UA", ActorRole.CIVILIANS)),
        ("civilians in Gaza", ("IL",), ("Civilians (Palestine)", "PS", ActorRole.CIVILIANS)),
        ("protesters", ("GE",), ("Protesters (Georgia)", "GE", ActorRole.PROTESTERS)),
        ("demonstrators", (), ("Protesters", None, ActorRole.PROTESTERS)),
        ("Serbian protesters", ("XK",), ("Protesters (Serbia)", "RS", ActorRole.PROTESTERS)),
        ("rioters", ("FR",), ("Rioters (France)", "FR", ActorRole.RIOTERS)),
        ("a mob", ("IN",), ("Rioters (India)", "IN", ActorRole.RIOTERS)),
        # context does not give soldiers or rebels a side
        ("troops", ("UA",), (None, None, None)),
        ("militants", ("IL",), ("Rebels", None, ActorRole.REBELS)),
    ],
)
def test_context_country(table, text, context, expected):
    assert resolved(table, text, context) == expected


@pytest.mark.parametrize(
    "text",
    ["the weather", "troops", "the soldiers", "Kurdish fighters", "pro-Russian forces",
     "is", "us", "Russians", "victims of Hamas", "Hama", ""],
)
def test_unknown_mentions_unchanged(table, text):
    actor = Actor(text=text, span=TextSpan(0, len(text), text), name=None, country=None)
    assert table.resolve(actor) is actor


def test_resolve_returns_a_copy_and_keeps_the_span(table):
    span = TextSpan(10, 30, "North Korean troops")
    actor = Actor(text="North Korean troops", span=span)
    result = table.resolve(actor)
    assert result is not actor and actor.name is None
    assert result.span == span and result.text == actor.text
    assert isinstance(result.role, ActorRole)


def test_exact_alias_beats_generic_pattern(table):
    # "South Korean intelligence" would be "Intelligence Services of South Korea" by pattern
    assert resolved(table, "South Korean intelligence") == NIS
    assert resolved(table, "Japanese intelligence")[0] == "Intelligence Services of Japan"
    # longest alias first: "Pakistani Taliban" is not the Afghan Taliban
    assert resolved(table, "Pakistani Taliban fighters")[0] == "Tehrik-i-Taliban Pakistan"
    # the more specific alias wins over the shorter one it contains
    gru = "Main Intelligence Directorate of Russia"
    assert resolved(table, "Russian military intelligence")[0] == gru


@pytest.mark.parametrize(
    ("word", "code"),
    [("North Korean", "KP"), ("South Korean", "KR"), ("Russian", "RU"), ("Ukrainian", "UA"),
     ("Chinese", "CN"), ("Israeli", "IL"), ("Palestinian", "PS"), ("Syrian", "SY"),
     ("Iranian", "IR"), ("American", "US"), ("US", "US"), ("U.S.", "US"), ("British", "GB"),
     ("Sudanese", "SD"), ("South Sudanese", "SS"), ("Afghans", "AF"), ("Pyongyang", "KP"),
     ("Moscow", "RU"), ("Kyiv", "UA"), ("Kiev", "UA"), ("Seoul", "KR"), ("Washington", "US"),
     ("Beijing", "CN"), ("Tehran", "IR"), ("Kremlin", "RU"), ("Burkinabè", "BF"),
     ("Russian Federation", "RU"), ("Mongolia", "MN"), ("Falkland Islands", "FK"),
     ("Jerusalem", None), ("us", None), ("Martian", None)],
)
def test_demonym_country(word, code):
    assert demonym_country(word) == code


_ACTOR = '[[actor]]\nname = "{name}"\nrole = "{role}"\naliases = ["{alias}"]\n'


def _write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_from_env_extends_and_overrides(tmp_path, monkeypatch):
    user = _write(tmp_path / "mine.toml", """
[[actor]]
name = "Azov Brigade"
country = "UA"
role = "state_forces"
aliases = ["Azov", "Azov Brigade", "Azov fighters"]

[[actor]]  # same name as a packaged entry: its role is replaced for all its aliases
name = "Hezbollah"
country = "LB"
role = "rebels"

[[actor]]  # an alias the packaged table gives to the GUR now means someone else
name = "Generic Unit Registry"
role = "other"
aliases = ["GUR"]

[[country]]
code = "XK"
demonyms = ["Kosovo Albanian"]

[[pattern]]
role = "militia"
name = "Volunteers ({country})"
name_without_country = "Volunteers"
heads = ["volunteers"]
""")
    monkeypatch.setenv(ACTORS_ENV, str(user))
    table = ActorTable.default()
    assert resolved(table, "Azov fighters") == ("Azov Brigade", "UA", ActorRole.STATE_FORCES)
    assert resolved(table, "Hezbollah fighters") == ("Hezbollah", "LB", ActorRole.REBELS)
    assert resolved(table, "GUR") == ("Generic Unit Registry", None, ActorRole.OTHER)
    assert resolved(table, "HUR") == GUR  # the packaged entry keeps its other aliases
    volunteers = ("Volunteers (Kosovo)", "XK", ActorRole.MILITIA)
    assert resolved(table, "Kosovo Albanian volunteers") == volunteers
    assert resolved(table, "North Korean troops") == KP_FORCES  # packaged entries still load

    monkeypatch.delenv(ACTORS_ENV)
    assert resolved(ActorTable.default(), "GUR") == GUR  # the cache follows the variable


def test_later_user_files_win(tmp_path, monkeypatch):
    first = _write(tmp_path / "a.toml", _ACTOR.format(name="First", role="other", alias="Unit"))
    second = _write(tmp_path / "b.toml", _ACTOR.format(name="Second", role="militia", alias="Unit"))
    monkeypatch.setenv(ACTORS_ENV, f"{first}{os.pathsep}{second}")
    assert resolved(ActorTable.default(), "the unit") == ("Second", None, ActorRole.MILITIA)
    assert resolved(ActorTable.load(second, first), "unit") == ("First", None, ActorRole.OTHER)


def test_load_without_packaged_entries(tmp_path):
    user = _write(tmp_path / "only.toml", _ACTOR.format(name="X Force", role="rebels", alias="X"))
    table = ActorTable.load(user, packaged=False)
    assert resolved(table, "X") == ("X Force", None, ActorRole.REBELS)
    assert resolved(table, "North Korean troops") == (None, None, None)


@pytest.mark.parametrize(
    ("entry", "message"),
    [('[[actor]]\nname = "Y"\nrole = "army"\n', "role 'army'"),
     ('[[actor]]\nname = "Y"\nrole = "rebels"\ncountry = "Russia"\n', "alpha-2")],
)
def test_bad_user_entries_are_reported(tmp_path, entry, message):
    user = _write(tmp_path / "bad.toml", entry)
    with pytest.raises(ValueError, match=message):
        ActorTable.load(user)


def test_packaged_roles_are_actor_roles(table):
    assert {named.role for named in table.names.values()} <= set(ActorRole)
    assert all(named.country is None or len(named.country) == 2 for named in table.names.values())
