"""Page furniture: lines a web page adds around an article that are not the article.

Text copied from a browser keeps captions, photo credits, share buttons, newsletter pitches
and "Trending" boxes. Every pattern here is generic web boilerplate, matched on a whole line.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
# A caption or credit: "Photo: X", "Image: X", "(Photo by X)", "X/AP Photo", "... Getty Images".
_PHOTO = re.compile(
    r"^\(?\s*(?:photo(?:graph)?s?|images?|pictures?|pictured|picture\s+credit|credits?|"
    r"video|illustration|graphic|file\s+photo)\s*(?:credit)?\s*(?::|by\b|courtesy\b|via\b)",
    _I,
)
_CREDIT_ANYWHERE = re.compile(
    r"\bAP Photo/|\bGetty Images\b|\bvia Getty\b|\(\s*(?:photo|image|picture)s?\s*(?::|by\b)|"
    r"\b(?:photo|image|picture|photograph)s?\s*(?:credit\s*)?:\s*[^.!?]{1,80}\)?\s*$",
    _I,
)
_MAX_CREDIT_LINE = 300
_PHRASES = re.compile(
    r"^(?:trending(?:\s+now|\s+stories|\s+news)?|read\s+more\b.*|read\s+also\b.*|"
    r"also\s+read\b.*|see\s+also\b.*|more\s+on\s+this\s+(?:story|topic)\b.*|"
    r"related(?:\s+(?:articles?|stories|coverage|content|news|topics|reading))?\s*[:\-].*|"
    r"related(?:\s+(?:articles?|stories|coverage|content|news|topics|reading))?|"
    r"recommended(?:\s+for\s+you)?|most\s+(?:read|popular|viewed|shared)|top\s+stories|"
    r"latest(?:\s+news|\s+stories)?|more\s+stories|you\s+may\s+also\s+like|"
    r"advertisement|advertising|sponsored(?:\s+content)?|ad|promoted|"
    r"share(?:\s+this)?(?:\s+(?:article|story|page|post))?(?:\s+on\b.*)?|share\s+via\b.*|"
    r"copy\s+link|link\s+copied|print(?:\s+this\s+(?:article|page))?|e-?mail|"
    r"comments?(?:\s+\(\d+\))?|"
    r"leave\s+a\s+comment|show\s+comments|"
    r"sign\s+up\b.*|subscribe\b.*|get\s+our\s+newsletter\b.*|newsletter\b.*|"
    r"follow\s+(?:us|@\w+)\b.*|like\s+us\s+on\b.*|join\s+us\s+on\b.*|"
    r"download\s+(?:our|the)\s+app\b.*|"
    r"listen\s+to\s+(?:this\s+)?(?:article|story)\b.*|\d+\s+min(?:ute)?s?\s+read|"
    r"skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|click\s+here\b.*|watch\s*:.*|video\s*:.*|"
    r"loading\.*|facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|"
    r"(?:additional\s+)?reporting\s+by\b.*|(?:writing|editing)\s+by\b.*|our\s+standards\s*:.*|"
    r"all\s+rights\s+reserved\.?|(?:\u00a9|\(c\)|copyright)\s.*)\s*[.:!]?$",
    _I,
)
# Consent banners: the wording varies, but they always talk about cookies and agreeing.
_COOKIE = re.compile(
    r"\bcookies?\b.*\b(?:use|accept|consent|agree|privacy|settings)\b|"
    r"\b(?:accept|reject)\s+(?:all|cookies)\b",
    _I,
)
_MAX_COOKIE_LINE = 400
_MARKDOWN_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")


_CREDIT_HINTS = ("photo", "image", "picture", "getty")


def _is_credit(text: str) -> bool:
    return bool(_PHOTO.match(text) or _CREDIT_ANYWHERE.search(text))


def is_furniture(line: str) -> bool:
    """True for a whole line of page furniture (credits, share prompts, banners, links)."""
    text = line.strip()
    if _PHRASES.match(text) or _MARKDOWN_IMAGE.match(text):
        return True
    lowered = text.lower()
    # Substring tests first: the credit and cookie searches scan the whole line (slow).
    credit_hint = any(hint in lowered for hint in _CREDIT_HINTS)
    if credit_hint and len(text) <= _MAX_CREDIT_LINE and _is_credit(text):
        return True
    return len(text) <= _MAX_COOKIE_LINE and "cookie" in lowered and bool(_COOKIE.search(text))
