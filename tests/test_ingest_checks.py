"""Bad and awkward inputs: empty, binary, huge, legacy and mixed encodings, other languages."""

from __future__ import annotations

import pathlib
import random
import time

import pytest

from claimscope.errors import Code
from claimscope.ingest import read_items
from claimscope.ingest.checks import Problem, check_bytes, detect_language
from claimscope.records import Article, Rejected

LIMIT = 20_000_000
ENGLISH = (
    "Ukrainian officials said on Tuesday that a Russian missile had struck a grain terminal in "
    "the port of Izmail, damaging two warehouses and injuring a security guard. The regional "
    "governor said air defence units had shot down most of the drones launched overnight."
)
GERMAN = (
    "Die ukrainische Armee hat nach eigenen Angaben in der Nacht mehrere Angriffe russischer "
    "Truppen im Osten des Landes abgewehrt. Nach Angaben des Generalstabs wurden dabei "
    "zahlreiche Fahrzeuge zerstört, während die Zivilbevölkerung in den umkämpften Dörfern "
    "weiterhin unter ständigem Beschuss leidet und kaum Zugang zu Wasser und Strom hat."
)
FRENCH = (
    "Les autorités ukrainiennes ont annoncé mardi qu'un missile russe avait frappé un terminal "
    "céréalier dans le port d'Izmaïl, endommageant deux entrepôts. Selon le gouverneur de la "
    "région, la défense aérienne a abattu la plupart des drones lancés pendant la nuit, mais "
    "les habitants craignent de nouvelles attaques avant l'arrivée de l'hiver."
)


def rejected_code(data: bytes) -> str:
    result = check_bytes(data, max_bytes=LIMIT)
    assert isinstance(result, Problem), f"expected a rejection, got text {result[:40]!r}"
    return result.code.value


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def only(items) -> Article | Rejected:
    results = list(items)
    assert len(results) == 1, results
    return results[0]


@pytest.mark.parametrize("data", [b"", b"   \n\t \r\n", b"\xef\xbb\xbf  \n"])
def test_empty(data: bytes) -> None:
    assert rejected_code(data) == Code.EMPTY.value


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        bytes(range(1, 9)) * 200 + b"some text",
        b"Headline\n\nBody text with a NUL\x00 byte in it.",
    ],
)
def test_binary(data: bytes) -> None:
    assert rejected_code(data) == Code.BINARY.value


def test_undecodable() -> None:
    rng = random.Random(0)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    assert rejected_code(noise) == Code.UNDECODABLE.value


def test_too_large_bytes() -> None:
    result = check_bytes(b"x" * 101, max_bytes=100)
    assert isinstance(result, Problem) and result.code is Code.TOO_LARGE


def test_huge_file_is_rejected_by_size_without_reading(tmp_path, monkeypatch) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs in no time
    opened = []
    real_open = pathlib.Path.open

    def spy(self, *args, **kwargs):
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy)
    start = time.perf_counter()
    result = only(read_items([str(path)]))
    assert time.perf_counter() - start < 1.0
    assert isinstance(result, Rejected)
    assert result.code == Code.TOO_LARGE.value  # a read would have said E002 (NUL bytes)
    assert result.item == str(path) and result.stage == "ingest"
    assert path not in opened
    assert "\n" not in result.reason


def test_utf8_with_bom() -> None:
    text = check_bytes(("\ufeff" + ENGLISH).encode("utf-8"), max_bytes=LIMIT)
    assert text == ENGLISH


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(encoding: str) -> None:
    source = "Zelensky’s office said “14 drones” were downed.\n" + ENGLISH
    assert check_bytes(source.encode(encoding), max_bytes=LIMIT) == source


def test_cp1252_file(tmp_path) -> None:
    source = (
        "Kyiv Café Reopens After Strike\n\nThe owner said the café’s windows were “blown "
        "out” by the blast — nobody was hurt. "
    ) + ENGLISH
    article = only(read_items([write(tmp_path, "a.txt", source.encode("cp1252"))]))
    assert isinstance(article, Article)
    assert article.title == "Kyiv Café Reopens After Strike"
    assert "the café’s windows were “blown out” by the blast — nobody" in article.text


def test_bytes_undefined_in_cp1252_are_not_lost() -> None:
    # 0x81 has no cp1252 meaning: the line is decoded some other single-byte way, never dropped
    data = "Caf\u00e9 line one.\n".encode("cp1252") + b"Odd byte \x81 here.\n"
    text = check_bytes(data, max_bytes=LIMIT)
    assert isinstance(text, str) and "\ufffd" not in text
    first, second = text.splitlines()
    assert first == "Café line one."
    assert len(second) == len("Odd byte \x81 here.") and second.startswith("Odd byte ")


def test_mixed_utf8_and_cp1252_lines() -> None:
    utf8_part = "Headline: “Shelling” near Kupiansk — officials\n\n".encode()
    cp1252_part = "The mayor said the caf\u00e9 was \u201cdestroyed\u201d.\n".encode("cp1252")
    tail = "Residents of Kupiansk’s centre were evacuated.\n".encode()
    text = check_bytes(utf8_part + cp1252_part + tail, max_bytes=LIMIT)
    assert text == (
        "Headline: “Shelling” near Kupiansk — officials\n\n"
        "The mayor said the café was “destroyed”.\n"
        "Residents of Kupiansk’s centre were evacuated.\n"
    )


@pytest.mark.parametrize(("body", "lang"), [(GERMAN, "de"), (FRENCH, "fr")])
def test_non_english_is_rejected(tmp_path, body: str, lang: str) -> None:
    result = only(read_items([write(tmp_path, "x.txt", f"Schlagzeile\n\n{body}".encode())]))
    assert isinstance(result, Rejected)
    assert result.code == Code.NOT_ENGLISH.value
    assert lang in result.reason


def test_short_non_english_text_passes(tmp_path) -> None:
    result = only(read_items([write(tmp_path, "x.txt", b"Kurz\n\nDie Armee meldet Angriffe.")]))
    assert isinstance(result, Article)


def test_language_detection() -> None:
    assert detect_language(ENGLISH) == "en"
    assert detect_language(GERMAN) == "de"
    assert detect_language(FRENCH) == "fr"
    assert detect_language("Too short to judge.") is None
    assert detect_language(GERMAN) == detect_language(GERMAN)  # seeded: always the same
