"""Word lists behind the rules, kept together so they can be read and extended in one place.

Every list follows ``labels.md``: figure wording, hedges for certainty, source types.
"""

from __future__ import annotations

from claimscope.records import FigureType, SourceType

# Verbs whose subject is a speaker and whose complement is what was said, thought or found.
# Lemmas, as spaCy's lemmatizer gives them.
SPEECH_VERBS = frozenset(
    """
    say tell add claim confirm reveal deny estimate report state write announce acknowledge
    note warn insist allege assert explain argue admit stress declare disclose suggest indicate
    show find conclude believe think fear predict promise pledge vow threaten accuse blame
    describe call urge demand ask reply respond recall testify repeat reiterate affirm contend
    maintain concede emphasise emphasize observe tweet post publish quote cite relay dismiss
    reject refute dispute question agree counter learn understand hear detail document record
    verify corroborate assess caution complain point announce brief mention
    """.split()
)

# Verbs that only count as a cue when they take a clause ("X found that ..."), never alone.
CLAUSE_ONLY_VERBS = frozenset(
    "show find believe think fear understand learn hear suggest indicate conclude assess".split()
)

# Cue lemma -> certainty when no hedge applies (labels.md step 4).
CONFIRMING = frozenset({"confirm", "acknowledge", "corroborate", "verify", "admit", "concede"})
DENYING = frozenset({"deny", "reject", "refute", "dismiss", "dispute"})
REPORTING = frozenset({"report"})

# Hedges (labels.md step 3), strongest first. Matched on lower-cased lemmas or phrases.
HEDGES: tuple[tuple[str, frozenset[str]], ...] = (
    ("alleged", frozenset({"allegedly", "purportedly", "alleged", "allege", "accuse", "purported"})),
    ("claimed", frozenset({"claim"})),
    (
        "estimated",
        frozenset(
            {
                "believe", "estimate", "assess", "likely", "preliminary", "suggest",
                "indication", "probably", "presumably", "could", "might", "may",
            }
        ),
    ),
    ("reported", frozenset({"reportedly", "rumour", "rumor", "reputedly", "supposedly"})),
)
REPORTED_PHRASES = ("according to reports", "it emerged", "is said to", "are said to", "was said to",
                    "were said to", "it was reported", "it is reported", "reports say",
                    "reports suggest", "reportedly")
UNVERIFIED_PHRASES = (
    "could not be independently verified", "could not independently verify",
    "could not be verified", "cannot be verified", "can not be verified", "not been verified",
    "could not verify", "has not been able to verify", "unable to verify",
    "was unable to verify", "could not immediately verify", "if confirmed", "unverified",
    "could not be independently confirmed", "could not independently confirm",
    "not independently verified", "not be independently confirmed",
)

# Analysis and opinion: the outlet interprets rather than reports (labels.md: speculative).
ANALYSIS_VERBS = frozenset(
    """
    underscore highlight emphasize emphasise reflect signal illustrate demonstrate complicate
    symbolize symbolise mark represent deepen reinforce exemplify underline
    """.split()
)
# Verbs of consequence or motive: with "may" or "could" they are conjecture, not estimates.
CONJECTURE_VERBS = frozenset(
    "reflect signal indicate suggest mean prompt undermine complicate raise point embolden".split()
)
CONJECTURE_PHRASES = ("raising concerns", "raises concerns", "raising questions", "raises questions",
                      "could signal", "may signal", "may reflect", "might reflect", "may also reflect",
                      "could reflect", "may indicate", "could indicate", "likely to", "is expected to")

# Figure triggers by lemma (labels.md "Figure types").
FIGURE_TRIGGERS: dict[FigureType, frozenset[str]] = {
    FigureType.KILLED: frozenset(
        "kill killed die dead death fatality fallen eliminate slay perish execute massacre body".split()
    ),
    FigureType.WOUNDED: frozenset("wound wounded injure injured hospitalise hospitalize hurt injury".split()),
    FigureType.CASUALTIES: frozenset("casualty loss lose".split()),
    FigureType.MISSING: frozenset("missing disappear".split()),
    FigureType.CAPTURED: frozenset("capture prisoner pow seize".split()),
    FigureType.DESERTED: frozenset("desert deserter flee defect abandon escape".split()),
    FigureType.ARRESTED: frozenset("arrest detain detention custody".split()),
    FigureType.DEPLOYED: frozenset("deploy send dispatch arrive station deployment transfer".split()),
}
# People whose flight is desertion (labels.md: deserted); civilians who flee are displaced.
MILITARY_NOUNS = frozenset(
    """
    soldier troop man serviceman servicemen fighter conscript recruit mercenary marine sailor
    officer guard militiaman paratrooper draftee personnel unit
    """.split()
)
# Words after which a "killed or wounded" pair is one combined quantity.
COMBINED_PAIRS = (("killed", "wounded"), ("dead", "wounded"), ("killed", "injured"),
                  ("dead", "injured"), ("killed", "wounded", "missing"))

# Vague quantities (labels.md values table): word -> (low, best, high).
VAGUE_COUNTS: dict[str, tuple[int, int, int]] = {
    "several": (3, 5, 9),
    "dozens": (24, 36, 99),
    "scores": (24, 36, 99),
    "hundreds": (200, 300, 900),
    "thousands": (2000, 3000, 9000),
    "tens of thousands": (20000, 30000, 90000),
    "several hundred": (200, 300, 900),
    "several thousand": (2000, 3000, 9000),
    "several dozen": (24, 36, 99),
}
# Quantifiers that say "a number" without any value (labels.md: none / none / none).
VALUELESS_QUANTIFIERS = frozenset(
    "some many numerous multiple countless few heavy significant rest".split()
)

# Hedges on a number (labels.md): the word(s) right before it.
APPROX_WORDS = ("about", "around", "roughly", "some", "approximately", "an estimated", "estimated",
                "circa", "approx.", "or so")
LOWER_BOUND_WORDS = ("at least", "more than", "over", "exceeded", "upwards of", "in excess of",
                     "no fewer than", "no less than", "a minimum of", "beyond")
UPPER_BOUND_WORDS = ("up to", "as many as", "as high as", "at most", "no more than", "fewer than",
                     "less than", "under")
NEAR_WORDS = ("nearly", "almost", "close to", "just under", "just short of")

# Source typing: keywords on the source phrase (and its description), checked in this order,
# because "intelligence officials" are intelligence, not anonymous officials.
SOURCE_TYPE_KEYWORDS: tuple[tuple[SourceType, tuple[str, ...]], ...] = (
    (SourceType.SOCIAL_MEDIA, ("videos", "video", "footage", "telegram channel", "blogger", "milblogger", "military blogger", "war blogger", "online video",
                               "social media", "x account", "tiktok", "youtube", "influencer",
                               "telegram")),
    (SourceType.INTELLIGENCE, ("intelligence", "spy agency", "nis", "gur", "hur", "sbu", "fsb",
                               "cia", "mi6", "mossad", "security service", "spy chief",
                               "national intelligence service")),
    (SourceType.OFFICIAL_ANONYMOUS, ("condition of anonymity", "not authorised", "not authorized",
                                     "familiar with", "sources", "source", "unnamed",
                                     "anonymous", "insiders", "an official", "officials",
                                     "people close to", "diplomats")),
    (SourceType.MILITARY, ("general staff", "defence ministry", "defense ministry",
                           "ministry of defence", "ministry of defense", "military", "army",
                           "armed forces", "commander", "brigade", "regiment", "battalion",
                           "navy", "air force", "colonel", "general", "spokesman for the",
                           "defence minister", "defense minister", "pentagon", "idf",
                           "command", "troops", "forces", "corps", "rsf", "saf",
                           "military spokesman", "army spokesman", "military spokeswoman",
                           "rebels", "rebel group", "militia", "insurgents", "houthis", "houthi",
                           "hamas", "hezbollah", "al-shabaab", "taliban", "m23", "fano",
                           "arakan army", "brigades", "armed group", "junta's army")),
    (SourceType.GOVERNMENT, ("president", "prime minister", "kremlin", "white house",
                             "foreign ministry", "ministry", "minister", "government",
                             "security council", "secretary general", "secretary-general",
                             "presidential", "office", "state department", "state tv", "state television", "embassy",
                             "administration", "governor", "mayor", "authorities", "cabinet",
                             "nato", "chancellor", "king", "junta", "envoy", "ambassador")),
    (SourceType.POLITICIAN, ("lawmaker", "legislator", "mp", "member of parliament", "senator",
                             "congressman", "congresswoman", "deputy", "politician",
                             "opposition leader", "parliamentarian", "duma")),
    (SourceType.COMBATANT, ("member of the local", "member of a", "militiaman", "mercenary", "soldier", "fighter", "prisoner", "pow", "serviceman",
                            "servicemen", "conscript", "volunteer", "militant", "sniper",
                            "paratrooper", "marine", "deserter", "wagner", "rebel", "gunman")),
    (SourceType.EXPERT, ("aid worker", "medics", "hospital", "volunteer group", "rights group", "aid group", "analyst", "think tank", "institute", "researcher", "expert",
                         "professor", "ngo", "human rights watch", "amnesty", "monitor",
                         "observatory", "study of war", "isw", "acled", "un ", "united nations",
                         "ocha", "unhcr", "who", "red cross", "icrc", "doctors", "medecins",
                         "group", "watchdog", "academic", "scholar", "organisation",
                         "organization", "firm", "company", "consultancy")),
    (SourceType.MEDIA, ("news site", "news outlet", "website", "reuters", "associated press", "ap ", "afp", "bbc", "cnn", "tass",
                        "ria novosti", "interfax", "newspaper", "news agency", "outlet",
                        "times", "post", "journal", "guardian", "al jazeera", "yonhap",
                        "kyiv independent", "ukrainska pravda", "meduza", "broadcaster",
                        "magazine", "daily", "tv channel", "radio", "media")),
)

# Phrases that make any speaker anonymous, whatever institution they are attached to.
ANONYMOUS_MARKERS = ("source", "sources", "condition of anonymity", "familiar with", "unnamed",
                     "insiders", "declined to be named", "not authorised", "not authorized",
                     "asked not to be named", "anonymous")

# Words of a source phrase that are channels rather than speakers.
CHANNEL_WORDS = frozenset(
    """
    telegram x twitter facebook instagram tiktok youtube vk video address briefing interview
    statement conversation post broadcast television tv radio podcast press conference speech
    communique social media message call letter
    """.split()
)

# Nouns for one person, so that "he" or "she" can refer back to an unnamed speaker.
PERSON_NOUNS = frozenset(
    """
    soldier commander official spokesman spokeswoman spokesperson minister governor mercenary
    fighter resident witness doctor analyst expert researcher lawmaker senator officer general
    colonel conscript volunteer prisoner man woman member director head chief president mayor
    envoy diplomat sergeant captain lieutenant major medic nurse survivor deserter serviceman
    """.split()
)

THIRD_PERSON_PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them"})
