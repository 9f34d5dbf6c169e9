"""Patterns of the role cues in running text (used by :mod:`bot.extract.roles`).

Regexes for "starring <A>", "<C> (<A>)", "<C>, played by <A>", "<A> plays <C>", "<A> as <C>", the
word lists that veto or confirm an "as" reading, and the literal anchors that let a cheap scan find
candidate positions before a regex runs.
"""

from __future__ import annotations

import re

from bot.extract.names import NAME

_STARRING = re.compile(
    r"(?:[Ss]tarring|[Cc]o-starring|[Aa]lso starring|[Ff]eaturing|[Aa]ppearances? by|[Cc]ameos? (?:by|from)|"
    r"[Cc]ameo appearance by|[Ss]pecial appearance by|[Hh]eadlined by|[Ff]ronted by|[Tt]oplined by|"
    r"(?:cast|ensemble) (?:led|headlined) by|features|feature|star cast of|the cast of|cast includes|"
    r"cast including|ensemble of|cast comprising)\s+(?=[A-Z])",
)
_PERSON_NOUN = re.compile(
    r"\b(?:actor|actress|actors|actresses|stars|star|co-star|co-stars|newcomer|newcomers|veteran|"
    r"veterans|superstar|heartthrob|debutant|debutante|idol)[ ]+(?=[A-Z])"
)
_PAREN = re.compile(
    rf"[(\[][ ]?(?:(?:now[ ]|here[ ]|also[ ]|later[ ])?(?P<by>played|portrayed|essayed|voiced)[ ]by[ ]+)?"
    # "(Rafe Spall lookalike Toby Kendrick, all gleaming teeth)": a likeness before the actor and a
    # lowercase aside after them stay outside the name
    rf"(?:{NAME}(?:[ ]look-?alike|-alike|-type|-esque)[ ])?"
    rf"(?P<in>{NAME})(?:,[ ][a-z][^()\[\]\n]{{0,80}})?[ ]?[)\]]"
)
_PLAYED_BY = re.compile(
    r"(?P<v>[Pp]layed|[Pp]ortrayed|[Ee]ssayed|[Vv]oiced|[Bb]rought alive|[Bb]rought to life)"
    r"(?:\s+(?:with|in)\s+[^.;()]{1,60}?|(?:\s+(?:once|again|now|also|here|brilliantly|superbly|"
    r"wonderfully|memorably|ably|well))+)?,?\s+by\s+(?:(?:a|an|the)\s+)?(?:[a-z\-]+\s+){0,3}"
)
_PLAYED_LEAD = re.compile(
    r",?\s+(?:(?:who is|who's|who was|is|was|are|were)\s+(?:(?:now|also|here)\s+)?)?$",
    re.IGNORECASE,
)
_PLAYS = re.compile(
    r"\s(?:(?:will|would|is set to|is to|is going to)\s+)?(?P<v>plays|play|played|portrays|portray|portrayed|essays|essayed|is cast as|was cast as|"
    r"reprises (?:his|her|their) role as|reprises the role of|steps into the shoes of|voices|voiced|"
    r"lends (?:his|her|their) voice to|lent (?:his|her|their) voice to|lends voice to|"
    r"provides the voice of|is the voice of|(?:has|have) been offered the (?:part|role) of|"
    r"(?:was|is|were|are) offered the (?:part|role) of|bagged the (?:part|role) of)(?!\s+(?:by|out|along|up|havoc|like|well|safe|it|on|with|"
    r"second fiddle|games|catch-up|around|down|off)\b)\s+(?:the (?:role|part|character) of\s+|"
    r"a (?:character|man|woman|boy|girl) (?:called|named)\s+)?",
)
_AS = re.compile(r"(?<=\s)as\s+(?=\S)")
_AS_BAD_PREV = frozenset(
    [
        "such",
        "well",
        "same",
        "known",
        "know",
        "knew",
        "knows",
        "regarded",
        "described",
        "hailed",
        "touted",
        "titled",
        "named",
        "called",
        "released",
        "marketed",
        "billed",
        "credited",
        "referred",
        "remembered",
        "remember",
        "see",
        "sees",
        "saw",
        "seen",
        "view",
        "views",
        "viewed",
        "treat",
        "treats",
        "treated",
        "think",
        "thinks",
        "thought",
        "consider",
        "considers",
        "considered",
        "describe",
        "describes",
        "brand",
        "branded",
        "dubbed",
        "labelled",
        "labeled",
        "introduced",
        "identified",
        "so",
        "just",
        "long",
        "soon",
        "much",
        "many",
        "far",
        "good",
        "bad",
        "quickly",
        "fast",
        "recast",
    ]
)
_AS_BAD_MID = frozenset(
    ["her", "him", "them", "it", "me", "us", "you", "which", "that", "this", "these", "those"]
)
_CASTISH = frozenset(
    [
        "star",
        "stars",
        "starred",
        "starring",
        "return",
        "returns",
        "returned",
        "join",
        "joins",
        "joined",
        "appear",
        "appears",
        "appeared",
        "turn",
        "turns",
        "turned",
        "shine",
        "shines",
        "shone",
        "excel",
        "excels",
        "impress",
        "impresses",
        "is",
        "was",
        "are",
        "were",
        "plays",
        "play",
        "cast",
        "comes",
        "come",
        "steps",
        "step",
        "features",
        "feature",
        "delivers",
        "deliver",
        "makes",
        "make",
        "does",
        "do",
        "lands",
        "land",
        "debuts",
        "debut",
        "gets",
        "get",
        "brings",
        "bring",
        "also",
    ]
)
_ARTICLE_NEXT = re.compile(r"[ ]?(?:the|a|an|his|her|their|one|two)\b", re.IGNORECASE)


_STARRING_ANCHORS = (
    "starring", "featur", "appearance", "cameo", "headlined", "fronted", "toplined", "led by",
    "star cast", "cast of", "cast includ", "ensemble", "cast compris",
)  # fmt: skip
_NOUN_ANCHORS = (
    "actor", "actress", "star", "newcomer", "veteran", "heartthrob", "debutant", "idol",
)  # fmt: skip
_LIST_VERB_ANCHORS = (
    "pop up", "pops up", "turn up", "turns up", "show up", "shows up", "round out", "rounds out",
    "complete", "co-star", "appear", "feature", "make up", "makes up", "have ", "has ", "get ",
    "gets ", "given ", "among the",
)  # fmt: skip
_PLAYED_BY_ANCHORS = ("played", "portrayed", "essayed", "voiced", "brought")
_PLAYS_ANCHORS = (
    "play", "portray", "essay", "cast as", "reprise", "steps into", "voice", "lends", "lent ",
    "offered the", "bagged the",
)  # fmt: skip
