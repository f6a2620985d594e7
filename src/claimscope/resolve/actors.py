"""Actor mentions normalised through an alias table kept as data.

``data/actors/aliases.toml`` holds named actors (``[[actor]]``), generic patterns
(``[[pattern]]``: "<demonym> troops" -> "Military Forces of <Country>") and the word lists the
matcher uses (``[grammar]``); ``data/actors/demonyms.toml`` holds demonyms, extra country names and
capital metonyms (``[[country]]``). Users add or override any of these with TOML files listed in
``CLAIMSCOPE_ACTORS`` (separated by ``os.pathsep``); later files win over earlier ones and all
user files win over the packaged ones.

Resolution order, most specific first: an alias equal to the whole mention, an alias equal to its
head phrase (the words before "in", "captured by", ...), an alias inside the head ("Hamas
militants"), a group named after a member noun ("units of the Korean People's Army"), then a
generic pattern. A mention nothing matches comes back unchanged.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pycountry

from claimscope.records import Actor, ActorRole

ACTORS_ENV = "CLAIMSCOPE_ACTORS"
_PACKAGED = ("data/actors/demonyms.toml", "data/actors/aliases.toml")

# Numbers with separators first ("1,500"), then words (letters and digits: "M23", "U.S."),
# then the punctuation that ends a head phrase. Hyphens split words so "Russian-backed" is two.
_TOKEN = re.compile(r"\d+(?:[,.]\d+)+|[^\W_]+(?:['’.][^\W_]+)*\.?|[,;:()/]")
_NUMBER = re.compile(r"[\d,.]+")
_PUNCT = frozenset(",;:()/")
# Plurals that the suffix rules below would mangle or merge with another name ("ISIS" / "ISI").
_IRREGULAR = {"children": "child", "people": "person", "isis": "isis", "spies": "spy"}

Key = tuple[str, ...]
_Found = tuple[str, str | None, ActorRole]  # name, country, role


def _stem(word: str) -> str:
    """A crude singular, applied alike to mentions and entries: only consistency matters."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("men") and len(word) > 4:
        return word[:-3] + "man"  # servicemen, militiamen, women
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # mercenaries, militaries
    if word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "as")):
        return word[:-1]  # "as" keeps Hamas apart from the city of Hama
    return word


def _tokens(text: str) -> tuple[Key, Key]:
    """(stemmed lower-case keys, words as written) with dots and possessive 's removed."""
    raw = []
    for token in _TOKEN.findall(text.replace("’", "'")):
        token = token.rstrip(".")
        if token.lower().endswith("'s"):
            token = token[:-2]
        if token:
            raw.append(token)
    return tuple(_stem(t.lower()) for t in raw), tuple(raw)


def _key(text: str) -> Key:
    return _tokens(text)[0]


@dataclass(frozen=True, slots=True)
class _Named:
    name: str
    role: ActorRole
    country: str | None


@dataclass(frozen=True, slots=True)
class _Pattern:
    role: ActorRole
    name: str
    name_without_country: str | None
    use_context: bool
    tail_preps: frozenset[str]


@dataclass
class ActorTable:
    """Named actors, generic patterns and country references, merged from one or more files."""

    names: dict[str, _Named] = field(default_factory=dict)  # actor name -> entry
    aliases: dict[Key, str] = field(default_factory=dict)  # alias key -> actor name
    cased: dict[Key, str] = field(default_factory=dict)  # alias as written -> actor name
    countries: dict[Key, tuple[str, str]] = field(default_factory=dict)  # key -> (code, kind)
    cased_countries: dict[Key, tuple[str, str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)  # alpha-2 -> "North Korea"
    patterns: dict[Key, _Pattern] = field(default_factory=dict)  # head noun key -> pattern
    bare: dict[str, _Pattern] = field(default_factory=dict)  # reference kind -> pattern
    grammar: dict[str, set[str]] = field(default_factory=dict)

    # --- loading ------------------------------------------------------------------------------

    @classmethod
    def default(cls) -> ActorTable:
        """The packaged table plus the files in ``CLAIMSCOPE_ACTORS``; cached per its value."""
        return _default(os.environ.get(ACTORS_ENV, ""))

    @classmethod
    def load(cls, *paths: str | Path, packaged: bool = True) -> ActorTable:
        """The packaged table (unless ``packaged=False``) extended by ``paths``; later ones win."""
        table = cls()
        table._add_pycountry()
        if packaged:
            for name in _PACKAGED:
                data = resources.files("claimscope").joinpath(name).read_bytes().decode("utf-8")
                table._add(tomllib.loads(data), name)
        for path in paths:
            table._add(tomllib.loads(Path(path).read_text(encoding="utf-8")), str(path))
        return table

    def _add_pycountry(self) -> None:
        # ISO names give every country a name reference; demonyms.toml adds the news wording.
        # Comma names ("Korea, Republic of") are left to demonyms.toml; "(Malvinas)" is dropped.
        for country in pycountry.countries:
            names = [re.sub(r"\s*\(.*?\)", "", getattr(country, attr, None) or "")
                     for attr in ("common_name", "name", "official_name")]
            for name in names:
                if name and "," not in name:
                    self.countries[_key(name)] = (country.alpha_2, "name")
            self.display[country.alpha_2] = names[0] or names[1].split(",")[0]

    def _add(self, data: dict, origin: str) -> None:
        for words, values in data.get("grammar", {}).items():
            self.grammar.setdefault(words, set()).update(
                word for value in values for word in _key(value))
        for entry in data.get("country", ()):
            self._add_country(entry, origin)
        for entry in data.get("actor", ()):
            self._add_actor(entry, origin)
        for entry in data.get("pattern", ()):
            self._add_pattern(entry, origin)

    def _add_country(self, entry: dict, origin: str) -> None:
        code = _code(entry.get("code"), origin)
        if entry.get("name"):
            self.display[code] = entry["name"]
            self.countries[_key(entry["name"])] = (code, "name")
        for kind in ("demonym", "name", "metonym", "institution", "place"):
            for text in entry.get(kind + "s", ()):
                self.countries[_key(text)] = (code, kind)
        for text in entry.get("cased", ()):
            self.cased_countries[_tokens(text)[1]] = (code, "demonym")

    def _add_actor(self, entry: dict, origin: str) -> None:
        name = entry["name"]
        country = _code(entry["country"], origin) if entry.get("country") else None
        self.names[name] = _Named(name, _role(entry.get("role"), origin), country)
        for text in [name, *entry.get("aliases", ())]:
            self.aliases[_key(text)] = name
        for text in entry.get("cased_aliases", ()):
            self.cased[_tokens(text)[1]] = name

    def _add_pattern(self, entry: dict, origin: str) -> None:
        pattern = _Pattern(
            role=_role(entry.get("role"), origin),
            name=entry["name"],
            name_without_country=entry.get("name_without_country"),
            use_context=bool(entry.get("use_context", False)),
            tail_preps=frozenset(_key(" ".join(entry.get("tail_preps", ("of", "from"))))),
        )
        for kind in entry.get("bare", ()):
            self.bare[kind] = pattern
        for head in entry.get("heads", ()):
            self.patterns[_key(head)] = pattern

    # --- resolving ----------------------------------------------------------------------------

    def resolve(self, actor: Actor, *, context: Sequence[str] = ()) -> Actor:
        """A copy of ``actor`` with name, country and role filled, or ``actor`` itself if unknown.

        ``context`` lists ISO alpha-2 codes salient in the article, most salient first; it gives
        civilians, protesters and rioters a country when the mention names none.
        """
        written = _tokens(actor.text)
        named = self._named(*written)  # before stripping, for aliases that begin with "the"
        low, raw = self._strip(*written)
        if named is None and not low:
            return actor
        found = ((named.name, named.country, named.role) if named else
                 self._resolve(low, raw, [c.upper() for c in context if c]))
        if found is None:
            return actor
        name, country, role = found
        return replace(actor, name=name, country=country or actor.country, role=role)

    def demonym_country(self, word: str) -> str | None:
        """The alpha-2 code a demonym, country name or metonym stands for ("Pyongyang" -> "KP")."""
        low, raw = _tokens(word)
        hit = self.cased_countries.get(raw) or self.countries.get(low)
        return hit[0] if hit else None

    def _resolve(self, low: Key, raw: Key, context: list[str]) -> _Found | None:
        named = self._named(low, raw)  # the whole mention is an alias
        cut = next((i for i in range(1, len(low)) if low[i] in self._words("tail_words")
                    or low[i] in _PUNCT), len(low))
        head, tail, raw_head = low[:cut], low[cut:], raw[:cut]
        named = named or self._inside(head, raw_head)  # the head itself is the first span
        if named is None and tail and tail[0] in {"of", "from"} and self._is_member(head):
            rest_low, rest_raw = self._strip(tail[1:], raw[cut + 1:])
            named = self._inside(rest_low, rest_raw, at_start=True)
        if named is not None:
            return named.name, named.country, named.role
        return self._pattern(head, tail, raw, context)

    def _named(self, low: Key, raw: Key) -> _Named | None:
        name = self.cased.get(raw) or self.aliases.get(low)
        return self.names.get(name) if name else None

    def _inside(self, low: Key, raw: Key, *, at_start: bool = False) -> _Named | None:
        """The earliest, then longest, alias inside the phrase that is not a sponsor's name."""
        for start, end in _spans(len(low), 1 if at_start else len(low)):
            if self._sponsored(low, start, end):
                continue
            named = self._named(low[start:end], raw[start:end])
            if named is not None:
                return named
        return None

    def _pattern(self, head: Key, tail: Key, raw: Key, context: list[str]) -> _Found | None:
        suffix = next((n for n in range(len(head), 0, -1) if head[-n:] in self.patterns), 0)
        if not suffix:
            hit = self._country_at(head, raw, 0)
            if hit and hit[1] == len(head) and hit[2] in self.bare:
                return self._named_by(self.bare[hit[2]], hit[0])
            return None
        pattern = self.patterns[head[-suffix:]]
        code = self._country_in(head[:-suffix], raw)
        for i, word in enumerate(tail):
            if code is None and word in pattern.tail_preps:
                rest_low, rest_raw = self._strip(tail[i + 1:], raw[len(head) + i + 1:])
                hit = self._country_at(rest_low, rest_raw, 0)
                code = hit[0] if hit else None
        if code is None and pattern.use_context and context:
            code = context[0]
        return self._named_by(pattern, code)

    def _named_by(self, pattern: _Pattern, code: str | None) -> _Found | None:
        if code is None:
            if pattern.name_without_country is None:
                return None  # "troops" alone: whose cannot be told from the mention
            return pattern.name_without_country, None, pattern.role
        return pattern.name.format(country=self.display.get(code, code)), code, pattern.role

    def _country_in(self, low: Key, raw: Key) -> str | None:
        """The first country reference among the modifiers that is not a sponsor's."""
        for start in range(len(low)):
            hit = self._country_at(low, raw, start)
            if hit and not self._sponsored(low, start, hit[1]):
                return hit[0]
        return None

    def _country_at(self, low: Key, raw: Key, start: int) -> tuple[str, int, str] | None:
        """(code, end, kind) of the longest country reference beginning at ``start``."""
        for end in range(len(low), start, -1):
            hit = self.cased_countries.get(raw[start:end]) or self.countries.get(low[start:end])
            if hit:
                return hit[0], end, hit[1]
        return None

    def _sponsored(self, low: Key, start: int, end: int) -> bool:
        # "Russian-backed", "pro-Russian", "Hamas-run": a patron, not the actor itself.
        after = end < len(low) and low[end] in self._words("sponsor_words")
        before = start > 0 and low[start - 1] in self._words("sponsor_prefixes")
        return after or before

    def _is_member(self, head: Key) -> bool:
        return bool(head) and (head[-1] in self._words("member_nouns") or head in self.patterns)

    def _strip(self, low: Key, raw: Key) -> tuple[Key, Key]:
        """Drop leading determiners, numbers and quantifiers ("at least 1,500", "the")."""
        determiners = self._words("determiners")
        i = 0
        while i < len(low) and (low[i] in determiners or _NUMBER.fullmatch(low[i])):
            i += 1
        return low[i:], raw[i:]

    def _words(self, kind: str) -> set[str]:
        return self.grammar.get(kind, set())


def _spans(length: int, starts: int) -> Iterable[tuple[int, int]]:
    for start in range(min(starts, length)):
        for end in range(length, start, -1):
            yield start, end


def _role(value: str | None, origin: str) -> ActorRole:
    try:
        return ActorRole(value)
    except ValueError:
        roles = ", ".join(role.value for role in ActorRole)
        raise ValueError(f"{origin}: role {value!r} is not one of {roles}") from None


def _code(value: str | None, origin: str) -> str:
    if not value or not re.fullmatch(r"[A-Za-z]{2}", value):
        raise ValueError(f"{origin}: country {value!r} is not an ISO 3166-1 alpha-2 code")
    return value.upper()


@lru_cache(maxsize=4)
def _default(env_value: str) -> ActorTable:
    return ActorTable.load(*filter(None, env_value.split(os.pathsep)))


def demonym_country(word: str) -> str | None:
    """The alpha-2 code ``word`` (a demonym, country name or capital metonym) stands for."""
    return ActorTable.default().demonym_country(word)


def resolve_actor(actor: Actor, *, context: Sequence[str] = ()) -> Actor:
    """``ActorTable.default().resolve(actor, context=context)``."""
    return ActorTable.default().resolve(actor, context=context)


__all__ = ["ACTORS_ENV", "ActorTable", "demonym_country", "resolve_actor"]
