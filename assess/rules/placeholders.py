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
import types
import typing
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from assess.plan.model import AssessSettings, Calendar, CrisisPlan, Plan, SocialMediaPolicy
from assess.plan.sourcemap import field_name
from assess.plan.validate import drop_dangling_references
from assess.rules.facts import Fact, _fact
from assess.rules.rulepack import Placeholders

__all__ = ["Detector", "Found", "Scan", "fill_first", "placeholder_facts"]

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_SPACES = re.compile(r"\s+")
_TRAILING = " .:;!?,"

DOCUMENTS: dict[type[BaseModel], str] = {SocialMediaPolicy: "document", CrisisPlan: "document", Calendar: "tool"}
"""Optional fields that name their element: the policy, the crisis plan and the calendar are documents,
and a placeholder where the document should be named says it is not written yet."""

_SECTIONS = frozenset({"organization", "plan"})
"""Top-level sections that lose only the field: the plan cannot be without them."""


def normalise(text: str) -> str:
    """Compared form: NFKC (so '…' is '...'), straight quotes, one space, no case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # split() breaks at the same (Unicode) whitespace as the regex \s, and joining drops the ends as strip() does.
    return " ".join(text.split()).casefold()


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
        words = sorted({normalise(word) for word in placeholders.words if word.strip()}, key=len, reverse=True)
        self._words = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)") if words else None
        patterns = placeholders.patterns
        try:  # one search for all of them
            self._patterns = [re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)] if patterns else []
        except re.error:  # e.g. a pattern with its own global flags: one search each
            self._patterns = [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
        # Hints: what any match must contain, searched once over all of a plan's texts (see `scan`).
        self._word_hint = _any_of(words, 0) if words else None
        self._pattern_hint = _any_of([_required_literal(p) for p in patterns], re.IGNORECASE) if patterns else None

    def match(self, text: str) -> tuple[str, bool] | None:
        """(marker, from the starter) when `text` is a placeholder, else None."""
        return self._match(text, normalise(text), True, True)

    def _match(self, text: str, norm: str, words: bool, patterns: bool) -> tuple[str, bool] | None:
        """`match`, told which searches can find nothing (their hint is absent from the text)."""
        key = _key(norm)
        if key in self._starter:
            return text, True
        if key in self._texts:
            return text, False
        if words and self._words is not None:
            found = self._words.search(norm)
            if found:
                return found.group(0), False
        if patterns and self._patterns:
            nfkc = text if text.isascii() else unicodedata.normalize("NFKC", text)
            for pattern in self._patterns:
                hit = pattern.search(nfkc)
                if hit:
                    return hit.group(0), False
        return None

    def scan(self, plan: Plan) -> Scan:
        """Every placeholder of the plan, and the plan without them.

        Most texts hold no placeholder: rather than two searches a text, each hint (what
        any word, what any pattern's match must contain) is searched once in all of the
        plan's texts joined; only the texts that hold one are searched in full.
        """
        texts = _texts(plan)
        norms = [normalise(text) for _, text, _, _ in texts]
        words = _hinted(self._word_hint, norms)
        patterns = _hinted(
            self._pattern_hint,
            [text if text.isascii() else unicodedata.normalize("NFKC", text) for _, text, _, _ in texts],
        )
        found: list[Found] = []
        for index, (pointer, text, names, document) in enumerate(texts):
            hit = self._match(
                text, norms[index], words is None or index in words, patterns is None or index in patterns
            )
            if hit is None:
                continue
            marker, starter = hit
            if names is not None and not starter and not document and _a_detail(text, marker):
                found.append(Found(pointer, text, marker, starter, None, kept=True))
            else:
                found.append(Found(pointer, text, marker, starter, names))
        return Scan(plan, tuple(found), len(texts))


_JOIN = "\x00"  # between the texts searched together: no hint holds it, so no hint is found across two texts


def _any_of(literals: Sequence[str | None], flags: int) -> re.Pattern[str] | None:
    """One search for any of the literals; None when one of them is unknown (that search must always run)."""
    if not literals or any(literal is None or not literal or _JOIN in literal for literal in literals):
        return None
    return re.compile("|".join(re.escape(literal) for literal in literals if literal is not None), flags)


def _hinted(hint: re.Pattern[str] | None, strings: list[str]) -> set[int] | None:
    """Indexes of the strings that hold the hint (None: no hint, search them all)."""
    if hint is None:
        return None
    if hint.search(_JOIN.join(strings)) is None:
        return set()
    return {index for index, string in enumerate(strings) if hint.search(string)}


def _required_literal(pattern: str) -> str | None:
    """The longest run of plain characters every match of `pattern` must contain, or None if unsure.

    Only the pattern's top-level sequence (and plain groups in it) is read: an item there
    matches exactly once in every match. Anything else (a branch, a repeat, a class, a
    group changing flags) ends a run. Read with the parser of the `re` module itself, so
    escapes and verbose patterns are understood as the search understands them.
    """
    try:
        parsed = re._parser.parse(pattern, re.IGNORECASE)  # type: ignore[attr-defined,unused-ignore]
    except Exception:  # a private module: any surprise means no hint, never a wrong one
        return None
    runs: list[str] = []
    current: list[str] = []

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
            runs.append("".join(current))
            current.clear()
        return True

    try:
        if not read(parsed):
            return None
    except Exception:  # as above
        return None
    runs.append("".join(current))
    longest = max(runs, key=len)
    return longest or None


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

    plan: Plan
    found: tuple[Found, ...]
    texts: int  # free-text values in the plan (placeholders included)

    @property
    def written(self) -> float:
        """Share of the plan's texts that are not placeholders (1.0 without any)."""
        return 1.0 - len(self.found) / self.texts if self.texts else 1.0

    def is_placeholder(self, pointer: str) -> bool:
        return any(item.pointer == pointer for item in self.found)

    @functools.cached_property
    def stated(self) -> Plan:
        """The plan as if no placeholder had been written (the same object when there is none)."""
        if not self.found:
            return self.plan
        return _without(self.plan, self.found)


# ------------------------------------------------------------------ which values are text


def _text_kind(annotation: Any) -> str | None:
    """'text' for a free-text str, 'list' for a list of them, None otherwise (ids, enums, literals...)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        if any(getattr(item, "pattern", None) for m in meta for item in [m, *getattr(m, "metadata", [])]):
            return None  # an id or another patterned token
        return _text_kind(base)
    if origin in (typing.Union, types.UnionType):
        kinds = {_text_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if origin is list:
        (item,) = typing.get_args(annotation)
        return "list" if _text_kind(item) == "text" else None
    return "text" if annotation is str else None


@functools.cache
def _fields(cls: type[BaseModel]) -> tuple[tuple[str, str, str | None, bool], ...]:
    """Per field of a model: (attribute, key in the plan, 'text'/'list' for free text or None, required)."""
    fields = []
    for name, info in cls.model_fields.items():
        patterned = any(getattr(item, "pattern", None) for item in info.metadata)
        kind = None if patterned else _text_kind(info.annotation)
        fields.append((name, info.alias or name, kind, info.is_required()))
    return tuple(fields)


def _holds_models(annotation: Any) -> bool:
    """Whether a field's values may be (or hold) models: those the walk must enter."""
    if annotation is Any:
        return True
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel)
    return any(_holds_models(arg) for arg in typing.get_args(annotation))


@functools.cache
def _walked(cls: type[BaseModel]) -> tuple[tuple[str, str, str | None, bool, bool], ...]:
    """`_fields` without those the walk never looks into (numbers, dates, enums, ids), and
    per field whether it names its element's document."""
    return tuple(
        (name, key, kind, required, DOCUMENTS.get(cls) == name)
        for name, key, kind, required in _fields(cls)
        if kind is not None or _holds_models(cls.model_fields[name].annotation)
    )


def _texts(node: BaseModel, pointer: str = "") -> list[tuple[str, str, str | None, bool]]:
    """(pointer, text, element it names or None, whether it names a document) of every free-text value."""
    found: list[tuple[str, str, str | None, bool]] = []
    _collect(node, pointer, found)
    return found


def _collect(node: BaseModel, pointer: str, found: list[tuple[str, str, str | None, bool]]) -> None:
    # A required text of a list entry (a goal's statement, a person's name...) names the entry.
    parts = pointer.split("/", 2)
    entry = pointer if len(parts) > 1 and parts[1] not in _SECTIONS else None
    for name, key, kind, required, document in _walked(type(node)):
        value = getattr(node, name)
        if value is None:
            continue
        here = f"{pointer}/{key}"
        if kind == "text" and isinstance(value, str):
            found.append((here, value, pointer if document else entry if required else None, document))
        elif kind == "list" and isinstance(value, list):
            for index, item in enumerate(value):
                found.append((f"{here}/{index}", item, None, False))
        elif isinstance(value, BaseModel):
            if not isinstance(value, AssessSettings):  # the tool's settings, not the plan
                _collect(value, here, found)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _collect(item, f"{here}/{index}", found)


# ------------------------------------------------------------------ the plan without them


def _without(plan: Plan, found: Iterable[Found]) -> Plan:
    drop: set[str] = set()
    blank: list[str] = []
    for item in found:
        if item.kept:
            continue
        if item.names_element is not None:
            drop.add(item.names_element)
        elif _required(plan, item.pointer):
            blank.append(item.pointer)
        else:
            drop.add(item.pointer)
    data = plan.model_dump(mode="json", by_alias=True, exclude_none=True)
    pruned = drop_dangling_references(_prune(data, "", drop))
    stated = Plan.model_validate(pruned)
    for pointer in blank:  # a required field of the organisation or the plan info: the section stays
        section, name = pointer.split("/")[1:3]
        part = getattr(stated, section)
        stated = stated.model_copy(update={section: part.model_copy(update={name: None})})
    return stated


def _required(plan: Plan, pointer: str) -> bool:
    tokens = pointer.split("/")[1:]
    if len(tokens) != 2 or tokens[0] not in _SECTIONS:
        return False
    part = getattr(plan, tokens[0])
    return isinstance(part, BaseModel) and type(part).model_fields[tokens[1]].is_required()


def _prune(node: Any, pointer: str, drop: set[str]) -> Any:
    if isinstance(node, dict):
        return {
            key: _prune(value, f"{pointer}/{key}", drop)
            for key, value in node.items()
            if f"{pointer}/{key}" not in drop
        }
    if isinstance(node, list):
        return [
            _prune(value, f"{pointer}/{index}", drop)
            for index, value in enumerate(node)
            if f"{pointer}/{index}" not in drop
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
