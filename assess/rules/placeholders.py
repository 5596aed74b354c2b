"""Placeholders: text that stands in for a fact nobody has written yet.

A plan that still says "TODO", "Your organisation's name" or the starter's
"Where your crisis communication plan lives..." states nothing there. The
texts that mark a placeholder are the rule packs' data (`Placeholders`: whole
texts, words, patterns, and the starter's own texts); this module finds them
and takes them out of the plan before any fact is built:

- every free-text value of the plan is checked: names, statements, handles,
  documents, list items (keywords, tools...); ids, dates and enumerations are not text;
- a placeholder value is absent: the plan the rules see (`Scan.stated`) is the
  plan as if the field had not been written, so a rule that needs it fails or
  is unknown exactly as for an omitted field, never passes on it;
- an element named by a placeholder is absent with it: a goal whose statement,
  a person whose name, a crisis plan whose document is a placeholder is not a
  goal, a person, a crisis plan yet; references to it go too (a committee
  member who is "Your name" is nobody). A marker that only flags a detail of a
  written name ("Grow online listening (target TBD)": a goal, its target to
  come) leaves the element in place, text and all, so the rules still judge the
  rest of it (its missing target...); the field is reported and counted as a
  placeholder all the same. A document's name is never such a detail: "TBD,
  Maria drafting" is not a crisis plan;
- each placeholder becomes a ``placeholder`` fact, so a rule of the pack
  (PLAN-01 in the built-in one) reports it where it stands;
- `Scan.written` is the share of the plan's texts that are real: the score
  cannot exceed it (see `assess.results.score`), so an untouched starter
  scores next to nothing whatever its numbers say.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

from assess.plan.sourcemap import field_name
from assess.plan.validate import PlanData, drop_dangling_references, plan_schema
from assess.rules.facts import Fact, _fact

if TYPE_CHECKING:
    from assess.rules.rulepack import Placeholders

__all__ = ["Detector", "Found", "Scan", "fill_first", "placeholder_facts"]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACES = re.compile(r"\s+")
_TRAILING = " .:;!?,"

DOCUMENTS: dict[str, str] = {"SocialMediaPolicy": "document", "CrisisPlan": "document", "Calendar": "tool"}
"""Optional fields that name their element (by the schema's definition of the element): the policy, the
crisis plan and the calendar are documents, and a placeholder where the document should be named says it
is not written yet."""

SETTINGS = "AssessSettings"
"""The schema's definition of the tool's own settings (x-assess): not the plan, so never scanned."""

_SECTIONS = frozenset({"organization", "plan"})
"""Top-level sections that lose only the field: the plan cannot be without them."""


def normalise(text: str) -> str:
    """Compared form: NFKC (so '…' is '...'), straight quotes, one space, no case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # split() breaks at the same (Unicode) whitespace as the regex \s, and joining drops the ends as strip() does.
    return " ".join(text.split()).casefold()


def _as_written(marker: str, text: str) -> str:
    """A marker found in the normalised text as the plan writes it ("TBD", not "tbd"), when the text holds
    it as such once case is ignored (else as found: NFKC or spacing changed it)."""
    hit = re.search(re.escape(marker), text, re.IGNORECASE)
    return hit.group(0) if hit else marker


def _key(norm: str) -> str:
    """A whole (normalised) text as compared: without trailing punctuation, unless that is all there is."""
    return norm.rstrip(_TRAILING) or norm


@dataclass(frozen=True)
class Found:
    """One placeholder: where it stands and what marks it."""

    pointer: str  # JSON pointer of the field (or of the list item)
    text: str  # the value as written
    marker: str  # what marks it: the matched word or address, or the whole text
    starter: bool  # one of the starter's own texts
    names_element: str | None  # the element it leaves unnamed (so absent), if any
    kept: bool = False  # a marker flagging a detail of an element's written name: element and text stay

    @property
    def field(self) -> str:
        """The field as a reader writes it: goals[0].statement."""
        return field_name(self.pointer)


class Detector:
    """The placeholder texts of the packs in use, compiled."""

    def __init__(self, placeholders: Placeholders) -> None:
        self.placeholders = placeholders
        self._texts = {_key(normalise(text)) for text in placeholders.texts}
        self._starter = {_key(normalise(text)) for text in placeholders.starter}
        self._whole = self._texts | self._starter
        words = sorted({normalise(word) for word in placeholders.words if word.strip()}, key=len, reverse=True)
        self._words = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)") if words else None
        patterns = placeholders.patterns
        try:  # one search for all of them
            self._patterns = [re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)] if patterns else []
        except re.error:  # e.g. a pattern with its own global flags: one search each
            self._patterns = [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
        self._together = len(self._patterns) == 1
        # Hints: what any match must contain, searched once over all of a plan's texts (see `scan`).
        required = [_pattern_literal(p) for p in patterns]
        literals = [literal for literal, _leads in required]
        self._word_hint = _Hint.of(words, ignore_case=False) if words else None
        self._pattern_hint = _Hint.of(literals, ignore_case=True) if patterns else None
        # Each pattern with what its matches must contain (lowered, when ASCII: None, anything) and whether
        # every match starts with it, so a text a hint picked out is searched only by the patterns that can
        # match it, and only where they can. Searched apart, the patterns find what they find together
        # only if none has a group (groups are numbered across them in one search, and a backreference
        # would change meaning): else None, all are searched.
        self._each: list[tuple[re.Pattern[str], str | None, bool]] | None = None
        each = [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
        if patterns and not any(regex.groups for regex in each):
            self._each = [
                (regex, literal.lower(), leads) if literal and literal.isascii() else (regex, None, False)
                for regex, (literal, leads) in zip(each, required, strict=True)
            ]

    def match(self, text: str) -> tuple[str, bool] | None:
        """(marker, from the starter) when `text` is a placeholder, else None."""
        return self._match(text, normalise(text), True, True)

    def _match(self, text: str, norm: str, words: bool, patterns: bool, each: bool = False) -> tuple[str, bool] | None:
        """`match`, told which searches can find nothing (their hint is absent from the text); ``each``:
        search with the patterns that can match, one by one (`_search_each`)."""
        key = _key(norm)
        if key in self._starter:
            return text, True
        if key in self._texts:
            return text, False
        if words and self._words is not None:
            found = self._words.search(norm)
            if found:
                return _as_written(found.group(0), text), False
        if patterns and self._patterns:
            nfkc = text if text.isascii() else unicodedata.normalize("NFKC", text)
            if each and self._each is not None:
                hit = self._search_each(nfkc)
                return None if hit is None else (hit.group(0), False)
            for pattern in self._patterns:
                hit = pattern.search(nfkc)
                if hit:
                    return hit.group(0), False
        return None

    def _search_each(self, nfkc: str) -> re.Match[str] | None:
        """What searching with `_patterns` finds, searching only with the patterns whose literal the text
        holds: together, the leftmost match (the first pattern's at a tie); apart, the first pattern's."""
        folded = nfkc.lower() if nfkc.isascii() else None  # ignoring case is lowering, in ASCII
        assert self._each is not None
        best: re.Match[str] | None = None
        for regex, literal, leads in self._each:
            if literal is None or folded is None:
                hit = regex.search(nfkc)
            elif literal not in folded:
                continue  # cannot match
            elif leads:
                hit = _match_where(regex, nfkc, folded, literal)
            else:
                hit = regex.search(nfkc)
            if hit is not None and (best is None or hit.start() < best.start()):
                best = hit
                if not self._together:
                    break
        return best

    def scan(self, plan: PlanData) -> Scan:
        """Every placeholder of a validated plan (`PlanData`), and the plan without them.

        Most texts hold no placeholder, and most plans none at all: the plan's texts are
        normalised together, as one string (`_normalised`); whole texts are looked up at
        once; each hint (what any word, what any pattern's match must contain) is searched
        once in all of them. Only the texts that a lookup or a hint picks out are matched
        one by one, and only a plan with a placeholder has its texts' pointers built.
        """
        values = _text_values(plan)
        hits = self._matches(values)
        if not hits:
            return Scan(plan, (), len(values))
        texts = _texts(plan)  # the same texts in the same order, with their pointers
        found: list[Found] = []
        for index, (marker, starter) in hits:
            pointer, text, names, document = texts[index]
            if names is not None and not starter and not document and _a_detail(text, marker):
                found.append(Found(pointer, text, marker, starter, None, kept=True))
            else:
                found.append(Found(pointer, text, marker, starter, names))
        return Scan(plan, tuple(found), len(values))

    def _matches(self, texts: list[str]) -> list[tuple[int, tuple[str, bool]]]:
        """(index, `match`) of each of the texts that is a placeholder, in order.

        The texts are searched together a chunk of about `CHUNK_CHARACTERS` at a time: each text's
        match depends on that text alone, and joining a big plan's texts all at once held several
        copies of them (a tenth of the largest plan's peak memory)."""
        if len(texts) * LONGEST_TEXT <= CHUNK_CHARACTERS or sum(map(len, texts)) <= CHUNK_CHARACTERS:
            # one chunk: all but the largest plans (counted only for those with many texts)
            return self._chunk_matches(texts)
        found: list[tuple[int, tuple[str, bool]]] = []
        start = 0
        while start < len(texts):
            end, size = start + 1, len(texts[start])
            while end < len(texts) and size + len(texts[end]) <= CHUNK_CHARACTERS:
                size += len(texts[end])
                end += 1
            found += [(start + index, hit) for index, hit in self._chunk_matches(texts[start:end])]
            start = end
        return found

    def _chunk_matches(self, texts: list[str]) -> list[tuple[int, tuple[str, bool]]]:
        """`_matches` of texts searched together, matching only the texts that a whole-text lookup or
        a hint picks out."""
        nfkc, normalised, norms = _normalised(texts)
        keys = list(map(str.rstrip, norms, repeat(_TRAILING)))  # `_key` of each text (by map: no loop in Python)
        if "" in keys:  # ... but a text of punctuation only is its own key
            keys = [key or norm for key, norm in zip(keys, norms, strict=True)]
        picked: set[int] = set()
        if not self._whole.isdisjoint(keys):
            picked.update(index for index, key in enumerate(keys) if key in self._whole)
        words = _holding(self._words is not None, self._word_hint, normalised)
        patterns = _holding(bool(self._patterns), self._pattern_hint, nfkc, normalised)
        candidates = range(len(texts)) if words is None or patterns is None else sorted(picked | words | patterns)
        return [
            (index, hit)
            for index in candidates
            if (
                hit := self._match(
                    texts[index],
                    norms[index],
                    words is None or index in words,
                    patterns is None or index in patterns,
                    each=True,
                )
            )
            is not None
        ]


def _match_where(regex: re.Pattern[str], text: str, folded: str, literal: str) -> re.Match[str] | None:
    r"""``regex.search(text)`` for a regex whose every match starts with ``literal`` (found in ``folded``, the
    text lowered): matched where the literal stands only. A search tries every place in turn, and a
    pattern opening with a look-behind (the built-in ``(?<![=\w/&+.-])<``) is tried slowly at each: a text like
    ``utm_source=<network>&utm_campaign=<goal>`` cost some 25 k instructions. Matching at a place gives
    what the search finds there (it sees the text before it, for look-behinds and word boundaries)."""
    at = folded.find(literal)
    while at >= 0:
        hit = regex.match(text, at)
        if hit is not None:
            return hit
        at = folded.find(literal, at + 1)
    return None


CHUNK_CHARACTERS = 1 << 20
"""Characters of text searched together (all of a plan's below the largest; see `Detector._matches`)."""

LONGEST_TEXT = 2000
"""The longest free text the plan schema allows (its largest ``maxLength``; tests/test_placeholders.py checks
it): so many texts fit in a chunk without counting their characters."""

_JOIN = "\x00"  # between the texts searched together: no hint holds it, so no hint is found across two texts


_CONTROL_SPACES = tuple(char for char in map(chr, range(128)) if char.isspace() and char != " ")
"""The ASCII white space other than the space (tabs, line breaks...), which `str.split` also breaks at."""

_SPACING = (*_CONTROL_SPACES, "  ")
"""What white space `str.split` collapses in ASCII text, beyond single spaces."""


def _normalised(texts: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(the texts joined as the patterns see them, joined `normalise`d, each `normalise`d), at C speed.

    Each step of `normalise` acts on the joined texts as on each text apart: NFKC never
    composes anything with `_JOIN` (a starter that combines with nothing), the quotes and
    case are mapped character by character, and collapsing white space leaves one space at
    most on either side of each `_JOIN` (white space ending or starting a text), taken away
    after. ASCII text whose only white space is single spaces is left as it is. A text
    holding `_JOIN` itself is the exception (seen as more pieces than texts at the end: no step
    makes or takes away a `_JOIN`): the texts are then normalised one by one, and no joined
    texts are given (every text is searched).
    """
    if not texts:
        return "", "", []
    joined = _JOIN.join(texts)
    nfkc = joined
    if joined.isascii() and _single_spaced(joined):
        normalised = joined.casefold()  # most plans: case is all there is to normalise
    else:
        if not joined.isascii():
            nfkc = unicodedata.normalize("NFKC", joined)
            joined = " ".join(nfkc.translate(_QUOTES).split())
        elif any(map(joined.__contains__, _SPACING)):
            joined = " ".join(joined.split())
        else:
            joined = joined.strip(" ")
        normalised = joined.casefold()
        if _SPACE_JOIN in normalised:  # looking is cheaper than replacing: few texts end or start with a space
            normalised = normalised.replace(_SPACE_JOIN, _JOIN)
        if _JOIN_SPACE in normalised:
            normalised = normalised.replace(_JOIN_SPACE, _JOIN)
    norms = normalised.split(_JOIN)
    if len(norms) != len(texts):
        return None, None, [normalise(text) for text in texts]
    return nfkc, normalised, norms


_SPACE_JOIN = " " + _JOIN
_JOIN_SPACE = _JOIN + " "


def _single_spaced(joined: str) -> bool:
    """Whether ASCII texts joined by `_JOIN` hold no white space but single spaces between words, so that
    `normalise` leaves them as they are but for case: no other white space, no space twice, none at a
    text's ends. With each joint read as a space, a space at a text's end stands beside another: one
    search finds all three (the three searches this saves cost a tenth of the scan)."""
    if any(map(joined.__contains__, _CONTROL_SPACES)):
        return False
    spaced = joined.replace(_JOIN, " ")  # one character for another: a copy, at C speed
    return "  " not in spaced and not spaced.startswith(" ") and not spaced.endswith(" ")


class _Hint:
    """What any match of a search must contain (one of some literals), found in all of a plan's texts at once.

    A literal is found with ``str.find`` (memchr speed), not with a regular expression of all
    of them (one step a character, each character tried against every literal's first). A
    hint for a search ignoring case finds its literals in the lowered text when both are
    ASCII, where ignoring case is exactly lowering; else its regular expression searches.
    """

    __slots__ = ("ascii", "ignore_case", "literals", "regex", "spaceless")

    def __init__(self, literals: list[str], ignore_case: bool) -> None:
        # A literal holding another is found wherever the other is: only the other is looked for.
        self.literals = sorted({x for x in literals if not any(y != x and y in x for y in literals)})
        self.ascii: list[str] | None = None  # the literals an ASCII text can hold (None: use the regex)
        if not ignore_case:
            self.ascii = [literal for literal in self.literals if literal.isascii()]
        elif all(literal.isascii() for literal in self.literals):
            self.ascii = [literal.lower() for literal in self.literals]
        self.regex = re.compile("|".join(map(re.escape, self.literals)), re.IGNORECASE if ignore_case else 0)
        self.ignore_case = ignore_case
        self.spaceless = not any(char.isspace() for literal in self.literals for char in literal)

    @classmethod
    def of(cls, literals: Sequence[str | None], ignore_case: bool) -> _Hint | None:
        """The hint of some literals; None when one of them is unknown (that search must always run)."""
        known = [literal for literal in literals if literal]
        if not known or len(known) != len(literals) or any(_JOIN in literal for literal in known):
            return None
        return cls(known, ignore_case)

    def holding(self, joined: str, normalised: str | None = None) -> set[int]:
        """Indexes of the texts (joined by `_JOIN`) holding one of the literals. ``normalised``: the same
        texts `_normalised`, which for ASCII texts is them lowered, white space collapsed: where a literal
        without white space is found in them as in the texts lowered, without lowering them again."""
        picked: set[int] = set()
        if self.ascii is not None and (not self.ignore_case or joined.isascii()):
            if not self.ignore_case:
                text = joined
            elif normalised is not None and self.spaceless and normalised.isascii():
                text = normalised
            else:
                text = joined.lower()
            for literal in self.ascii if text.isascii() else self.literals:
                if literal in text:  # most plans hold none: looked for once before the texts are walked
                    _texts_holding(text, functools.partial(text.find, literal), picked)
        else:
            regex = self.regex

            def find(at: int) -> int:
                found = regex.search(joined, at)
                return -1 if found is None else found.start()

            _texts_holding(joined, find, picked)
        return picked


def _texts_holding(joined: str, find: Callable[[int], int], picked: set[int]) -> None:
    """Add to `picked` the index of each text (joined by `_JOIN`) where ``find`` finds something, in one pass:
    after a find, the search goes on from the next text (a literal never holds `_JOIN`)."""
    index = counted = 0
    at = find(0)
    while at >= 0:
        index += joined.count(_JOIN, counted, at)
        picked.add(index)
        end = joined.find(_JOIN, at)
        if end < 0:
            return
        index, counted = index + 1, end + 1
        at = find(counted)


def _holding(search: bool, hint: _Hint | None, joined: str | None, normalised: str | None = None) -> set[int] | None:
    """Indexes of the texts a search must look at: none when there is nothing to search for; those holding
    its hint; None (all of them) without a hint or without the texts joined."""
    if not search:
        return set()
    if hint is None or joined is None:
        return None
    return hint.holding(joined, normalised)


def _required_literal(pattern: str) -> str | None:
    """The longest run of plain characters every match of `pattern` must contain, or None if unsure."""
    return _pattern_literal(pattern)[0]


def _pattern_literal(pattern: str) -> tuple[str | None, bool]:
    """(the longest run of plain characters every match of `pattern` must contain, or None if unsure;
    whether every match starts with it).

    Only the pattern's top-level sequence (and plain groups in it) is read: an item there
    matches exactly once in every match. Anything else (a branch, a repeat, a class, a
    group changing flags) ends a run. A run leads the match when only assertions, which match
    no character (a look-behind, a word boundary...), stand before it. Read with the parser
    of the `re` module itself, so escapes and verbose patterns are understood as the search
    understands them.
    """
    try:
        parsed = re._parser.parse(pattern, re.IGNORECASE)  # type: ignore[attr-defined,unused-ignore]
    except Exception:  # a private module: any surprise means no hint, never a wrong one
        return None, False
    runs: list[tuple[str, bool]] = []  # (run, whether it leads)
    current: list[str] = []
    leading = [True]  # no character matched before the current run yet

    def end_run(width: bool) -> None:
        runs.append(("".join(current), leading[0]))
        current.clear()
        leading[0] = leading[0] and not width and not runs[-1][0]

    def read(items: Any) -> bool:
        """Append the runs of `items`; False when something cannot be read (no hint then)."""
        for op, argument in items:
            name = str(op)
            if name == "LITERAL":
                current.append(chr(argument))
                continue
            if name == "SUBPATTERN":
                _group, add_flags, del_flags, body = argument
                if not add_flags and not del_flags:
                    if not read(body):
                        return False
                    continue
            if name not in (
                "SUBPATTERN",
                "ASSERT",
                "ASSERT_NOT",
                "AT",
                "IN",
                "ANY",
                "BRANCH",
                "MAX_REPEAT",
                "MIN_REPEAT",
                "POSSESSIVE_REPEAT",
                "NOT_LITERAL",
                "GROUPREF",
                "GROUPREF_EXISTS",
                "ATOMIC_GROUP",
                "CATEGORY",
            ):
                return False
            end_run(width=name not in _NO_WIDTH)
        return True

    try:
        if not read(parsed):
            return None, False
    except Exception:  # as above
        return None, False
    end_run(width=False)
    longest, leads = max(runs, key=lambda run: len(run[0]))
    return (longest, leads) if longest else (None, False)


_NO_WIDTH = frozenset({"ASSERT", "ASSERT_NOT", "AT"})
"""What a pattern may hold before a run that leads its matches: assertions, which match no character."""


_WORD = re.compile(r"[^\W\d_]{2,}")
DETAIL_WORDS = 3
"""Words of their own (two letters or more) a name keeps without its marker, the marker not leading it,
for the marker to flag a detail of a written name rather than stand in for the name."""


def _a_detail(text: str, marker: str) -> bool:
    """Whether the marker flags a detail of a written text ("Grow listening (target TBD)") rather than
    standing in for it ("TODO", "TODO - second goal", "Nom à compléter", "Lorem ipsum dolor sit")."""
    norm = normalise(text)
    mark = normalise(marker)
    if not mark or mark == _key(norm) or norm.lstrip(" -:*#([").startswith(mark):
        return False
    return len(_WORD.findall(norm.replace(mark, " "))) >= DETAIL_WORDS


@dataclass(frozen=True)
class Scan:
    """A plan's placeholders."""

    plan: PlanData  # as validated (never modified)
    found: tuple[Found, ...]
    texts: int  # free-text values in the plan (placeholders included)

    @property
    def written(self) -> float:
        """Share of the plan's texts that are not placeholders (1.0 without any)."""
        return 1.0 - len(self.found) / self.texts if self.texts else 1.0

    def is_placeholder(self, pointer: str) -> bool:
        return any(item.pointer == pointer for item in self.found)

    @property
    def stated(self) -> PlanData:
        """The plan as if no placeholder had been written: a new plan without them, or the same object
        when there is none. What a placeholder stood in for is absent, as if never written."""
        if not self.found:  # most plans: no cached_property (its lock cost a tenth of the scan)
            return self.plan
        return self._without

    @functools.cached_property
    def _without(self) -> PlanData:
        return _without(self.plan, self.found)


# ------------------------------------------------------------------ which values are text

TEXT, LIST, OBJECT, OBJECTS = "text", "list", "object", "objects"
"""What a field holds, for the walk: a free text, a list of them, an object, a list of objects."""

ROOT = "Plan"
"""The name the schema's root (the plan itself) goes by in `schema_fields`, beside its definitions."""

SchemaField = tuple[str, str, bool, "str | None"]
"""(key, TEXT/LIST/OBJECT/OBJECTS, required, the definition of the object(s) it holds or None)."""


def schema_fields() -> dict[str, tuple[SchemaField, ...]]:
    """Per object of the plan's JSON Schema (its definitions, and `ROOT`): the fields that hold free text
    or objects, in the schema's order. Other fields (numbers, booleans, dates, enumerations, ids) are left out.

    Read from the schema the plan is validated with: a string without pattern, format, enum or const is
    free text (ids are patterned, dates have a format). tests/test_placeholders.py checks this equals
    what the typed models say, so the two cannot drift apart.
    """
    schema = plan_schema()
    definitions: Mapping[str, Any] = schema.get("$defs", {})
    tables: dict[str, tuple[SchemaField, ...]] = {}

    def read(name: str, node: Mapping[str, Any]) -> None:
        required = set(node.get("required", ()))
        fields: list[SchemaField] = []
        for key, prop in node.get("properties", {}).items():
            kind, inner = _schema_kind(prop, definitions)
            if kind is None:
                continue
            if kind in (OBJECT, OBJECTS) and inner is not None and inner not in tables:
                tables[inner] = ()  # being read (the plan's schema has no cycles, but never loop)
                read(inner, definitions[inner])
            fields.append((key, kind, key in required, inner))
        tables[name] = tuple(fields)

    read(ROOT, schema)
    return tables


def _schema_kind(prop: Mapping[str, Any], definitions: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(kind, definition) of a property's schema: what `schema_fields` lists (None: not text, no object)."""
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref.removeprefix("#/$defs/")
        target = definitions[name]
        if target.get("type") == "object":
            return OBJECT, name
        return _schema_kind(target, definitions)[0], None  # an enumeration (Cadence...): not text
    if prop.get("type") == "string":
        return (None if any(word in prop for word in ("pattern", "format", "enum", "const")) else TEXT), None
    if prop.get("type") == "array" and isinstance(prop.get("items"), Mapping):
        kind, inner = _schema_kind(prop["items"], definitions)
        return {TEXT: LIST, OBJECT: OBJECTS}.get(kind or ""), inner
    return None, None


# One step of the walk: (key, kind, required, names its element's document, the walk inside it).
_Walk = tuple["_Step", ...]
_Step = tuple[str, str, bool, bool, "_Walk"]


def _compile(tables: Mapping[str, tuple[SchemaField, ...]], name: str) -> _Walk:
    """The walk of an object: its text fields, and the objects inside that hold any."""
    steps: list[_Step] = []
    for key, kind, required, inner in tables[name]:
        walk: _Walk = ()
        if inner is not None:
            if inner == SETTINGS:  # the tool's settings, not the plan
                continue
            walk = _compile(tables, inner)
            if not walk:  # nothing to read in there (a baseline: a number and a date)
                continue
        steps.append((key, kind, required, DOCUMENTS.get(name) == key, walk))
    return tuple(steps)


_WALK: list[tuple[_Walk, Callable[[PlanData], list[str]]]] = []
_WALK_LOCK = threading.Lock()


def _plan_walk() -> _Walk:
    """The walk of a plan, built from the schema on first use, once per process even when threads race."""
    return _built()[0]


def _text_values(plan: PlanData) -> list[str]:
    """The texts `_texts` gives, in the same order, without anything else (no pointer to build)."""
    return _built()[1](plan)


def _built() -> tuple[_Walk, Callable[[PlanData], list[str]]]:
    if not _WALK:
        with _WALK_LOCK:
            if not _WALK:
                walk = _compile(schema_fields(), ROOT)
                _WALK.append((walk, _Collector(walk)))
    return _WALK[0]


COMPILE_AFTER = 16
"""Plans whose texts `_walked` collects before `_text_collector`'s function is compiled (`_Collector`)."""


class _Collector:
    """A plan's texts: walked from the walk's tuples for the first `COMPILE_AFTER` plans, then by the
    compiled function. Compiling it costs ~2 ms, what walking a dozen plans costs: a command on one
    plan never compiles it, a batch soon does. Both give the same texts (tests/test_placeholders.py);
    threads at worst both compile it."""

    __slots__ = ("_compiled", "_walk", "_walked")

    def __init__(self, walk: _Walk) -> None:
        self._walk = walk
        self._walked = 0
        self._compiled: Callable[[PlanData], list[str]] | None = None

    def __call__(self, plan: PlanData) -> list[str]:
        if self._compiled is not None:
            return self._compiled(plan)
        self._walked += 1
        if self._walked > COMPILE_AFTER:
            self._compiled = _text_collector(self._walk)
            return self._compiled(plan)
        return _walked(self._walk, plan)


def _walked(walk: _Walk, node: Mapping[str, Any]) -> list[str]:
    """What `_text_collector`'s function collects, read step by step from the walk's tuples."""
    found: list[str] = []
    for key, kind, _required, _document, inner in walk:
        value = node.get(key)
        if value is not None:
            if kind == TEXT:
                found.append(value)
            elif kind == LIST:
                found.extend(value)
            elif kind == OBJECT:
                found.extend(_walked(inner, value))
            else:
                for item in value:
                    found.extend(_walked(inner, item))
    return found


def _text_collector(walk: _Walk) -> Callable[[PlanData], list[str]]:
    """`_text_values` as one function of straight Python, written from the walk (its source is the walk
    unrolled: a ``get`` a field, a loop a list of objects).

    Every plan's texts are collected before anything else is known of it, and most plans hold no
    placeholder, so this walk is most of what a plan costs the scan: read step by step from the walk's
    tuples, with a call an object, it costs twice as much. tests/test_placeholders.py checks it gives
    what `_texts` gives."""
    lines = ["def collect(plan):", "    found = []", "    append = found.append", "    extend = found.extend"]

    def write(steps: _Walk, node: str, depth: int, pad: str) -> None:
        value = f"v{depth}"
        for key, kind, _required, _document, inner in steps:
            lines.append(f"{pad}{value} = {node}.get({key!r})")
            lines.append(f"{pad}if {value} is not None:")
            if kind == TEXT:
                lines.append(f"{pad}    append({value})")
            elif kind == LIST:
                lines.append(f"{pad}    extend({value})")
            elif kind == OBJECT:
                write(inner, value, depth + 1, pad + "    ")
            else:
                lines.append(f"{pad}    for i{depth} in {value}:")
                write(inner, f"i{depth}", depth + 1, pad + "        ")

    write(walk, "plan", 0, "    ")
    lines.append("    return found")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # the source: written above, from the schema's field names
    collect: Callable[[PlanData], list[str]] = namespace["collect"]
    return collect


def _texts(plan: PlanData) -> list[tuple[str, str, str | None, bool]]:
    """(pointer, text, element it names or None, whether it names a document) of every free-text value,
    in the schema's order of the fields (not the document's, so a plan finds the same whatever its key order)."""
    found: list[tuple[str, str, str | None, bool]] = []
    for key, kind, _required, document, inner in _plan_walk():  # a top-level text names nothing
        value = plan.get(key)
        if value is None:  # absent (a validated plan holds no null)
            continue
        here = f"/{key}"
        if kind == TEXT:
            found.append((here, value, None, document))
        elif kind == LIST:
            found.extend((f"{here}/{index}", item, None, False) for index, item in enumerate(value))
        elif kind == OBJECT:
            _collect(value, inner, here, key not in _SECTIONS, found)
        else:
            for index, item in enumerate(value):
                _collect(item, inner, f"{here}/{index}", key not in _SECTIONS, found)
    return found


def _collect(
    node: Mapping[str, Any], walk: _Walk, pointer: str, entry: bool, found: list[tuple[str, str, str | None, bool]]
) -> None:
    """`_texts` below the plan's top level; `entry`: the node is an element a required text of it names
    (a goal's statement, a person's name...), which is all but the organisation and the plan info."""
    for key, kind, required, document, inner in walk:
        value = node.get(key)
        if value is None:
            continue
        here = f"{pointer}/{key}"
        if kind == TEXT:
            found.append((here, value, pointer if document or (entry and required) else None, document))
        elif kind == LIST:
            found.extend((f"{here}/{index}", item, None, False) for index, item in enumerate(value))
        elif kind == OBJECT:
            _collect(value, inner, here, entry, found)
        else:
            for index, item in enumerate(value):
                _collect(item, inner, f"{here}/{index}", entry, found)


# ------------------------------------------------------------------ the plan without them


def _without(plan: PlanData, found: Iterable[Found]) -> PlanData:
    """A new plan without the placeholders (the caller's data is left as it is).

    A placeholder naming its element takes the element with it; any other goes alone, even a required
    field of the organisation or the plan info (the section stays: the plan cannot be without it), and
    references to what went go too.
    """
    drops: dict[str, Any] = {}
    for item in found:
        if not item.kept:
            _mark(drops, item.names_element if item.names_element is not None else item.pointer)
    pruned: PlanData = _prune(plan, drops)
    return drop_dangling_references(pruned)  # edits in place: `_prune` copied every container


def _mark(drops: dict[str, Any], pointer: str) -> None:
    """Add a pointer to the tree of pointers to drop (a token -> its subtree, None where all goes)."""
    *path, last = pointer.split("/")[1:]
    node = drops
    for token in path:
        inner = node.setdefault(token, {})
        if inner is None:  # an ancestor goes already
            return
        node = inner
    node[last] = None  # whatever was marked below it goes with it


_KEEP: dict[str, Any] = {}


def _prune(node: Any, drops: Mapping[str, Any]) -> Any:
    """A copy of `node` (every dict and list new, so it can be edited) without the pointers of `drops`."""
    if isinstance(node, dict):
        pruned = {}
        for key, value in node.items():
            inner = drops.get(key, _KEEP)
            if inner is not None:
                pruned[key] = _prune(value, inner)
        return pruned
    if isinstance(node, list):
        if not drops:
            return [_prune(value, _KEEP) for value in node]
        return [
            _prune(value, inner)
            for index, value in enumerate(node)
            if (inner := drops.get(str(index), _KEEP)) is not None
        ]
    return node


# ------------------------------------------------------------------ facts


def _shorten(text: str, width: int = 60) -> str:
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def placeholder_facts(scan: Scan) -> list[Fact]:
    """One ``placeholder`` fact per placeholder, at the field's pointer."""
    return [
        _fact(
            "placeholder",
            item.pointer,
            field=item.field,
            text=_shorten(item.text),
            marker=_shorten(item.marker, 30),
            starter=item.starter,
            names_element=item.names_element is not None,
            kept=item.kept,
        )
        for item in scan.found
    ]


_STEP_OF_SECTION = {
    "organization": 0,
    "plan": 0,
    "people": 1,
    "committee": 1,
    "goals": 2,
    "metrics": 2,
    "tracking": 3,
    "policies": 4,
    "audience": 5,
    "channels": 5,
    "listening": 6,
    "tools": 7,
    "engagement": 7,
    "content": 8,
    "visuals": 9,
    "measurement": 10,
    "celebration": 11,
}


def fill_first(scan: Scan, limit: int = 5) -> list[str]:
    """Pointers of the placeholders to replace first: the organisation's name and those naming a whole
    element (a goal, the crisis plan...: absent until written), then the others, each by step and in
    document order."""

    def rank(item: tuple[int, Found]) -> tuple[bool, int, int]:
        index, found = item
        first = found.names_element is not None or found.pointer == "/organization/name"
        return (not first, _STEP_OF_SECTION.get(found.pointer.split("/")[1], 12), index)

    return [found.pointer for _, found in sorted(enumerate(scan.found), key=rank)[:limit]]
