"""From engine matches to rule outcomes and located findings.

Each rule ends as one of: not applicable (its ``skip_when`` matched), fail (its
``when`` matched: one finding per match), unknown (no failure, but a field in
its ``requires`` is absent from the plan, or none of an ``{any: [...]}`` entry's) or pass.

Everything about a rule that does not depend on the plan (its pass and not-applicable
outcomes, its messages split around their placeholders with the thresholds already
written, its ``requires`` patterns compiled...) is worked out once per catalog
(`CatalogTables`, kept by `Catalog.derived`): a plan pays for the rules it matched
and the fields they require, not for every rule.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Hashable
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from assess.engines.base import Match
from assess.i18n import days, is_singular, label, long_date, number, value_label
from assess.plan.defaults import Shape, plan_shape
from assess.plan.load import SourceMap
from assess.plan.validate import PlanData
from assess.results.kinds import Status
from assess.results.report import Finding, new_finding
from assess.rules.catalog import ActiveRule, Catalog
from assess.rules.facts import Fact, from_epoch_day
from assess.rules.rulepack import PLACEHOLDER, Required, required_options


class RuleOutcome(NamedTuple):
    """A named tuple, not a frozen dataclass: there is one per rule and plan, and most are shared (`RuleTable`)."""

    active: ActiveRule
    status: Status
    findings: tuple[Finding, ...]
    missing: tuple[str, ...]


def _format_value(value: Any, flt: str | None, lang: str = "en", forms: tuple[str, str] | None = None) -> str:
    if value is None:
        return "?"
    if flt == "date" and isinstance(value, int) and not isinstance(value, bool):
        return _written_day(value, lang)
    if flt == "days" and isinstance(value, int | float) and not isinstance(value, bool):
        return days(value, lang)
    if flt == "list" and isinstance(value, list):
        return ", ".join(value_label(item, lang) for item in value) or "-"
    if flt == "label":
        return value_label(value, lang)
    if flt == "round" and isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang, 0)
    if flt == "count" and forms is not None and isinstance(value, list):  # a list is counted by its items
        value = len(value)
    if flt == "count" and forms is not None and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{number(value, lang)} {forms[0] if is_singular(value, lang) else forms[1]}"
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang == "fr" else f"{value:g}"
    return str(value)


@functools.lru_cache(maxsize=4096)
def _written_day(day: int, lang: str) -> str:
    """An epoch day as a message writes it (`long_date`; cached: a plan's dates recur in its messages, and in the
    next plan's)."""
    return long_date(from_epoch_day(day), lang)


def render(template: str, match: Match, thresholds: dict[str, float], lang: str = "en") -> str:
    """A message with its placeholders filled, numbers and labels written for `lang`."""
    return _fill(_compile(template, thresholds, lang), dict(match.bindings), lang)


class _Slot(NamedTuple):
    """A placeholder of a message that a fact fills, ``{binding.name|flt:one:many}``, and the text after it."""

    binding: str
    name: str
    flt: str | None
    forms: tuple[str, str] | None
    after: str


class _Template(NamedTuple):
    """A message cut into its leading text and the slots its facts fill, each with the text that follows it;
    and when every slot reads one binding (most messages), its name and the fields they read, in order.

    ``read`` takes from the fact of a match of one binding (when every slot reads it, or there is no
    slot) its kind, its pointer and then the values of the slots, in one call (`operator.itemgetter`:
    `KeyError` when the fact lacks one of the fields); None when the slots read several bindings."""

    head: str
    slots: tuple[_Slot, ...]
    binding: str | None
    names: tuple[str, ...]
    read: Callable[[Fact], tuple[Any, ...]] | None


def _compile(template: str, thresholds: dict[str, float], lang: str) -> _Template:
    """A message cut into literal text and the slots its facts fill; thresholds are written in already
    (they are the catalog's), so that a finding's message is a few concatenations, not a regular-expression
    pass, and a message with no slot is its text as it is."""
    head = ""
    slots: list[_Slot] = []
    text = ""
    last = 0
    for found in PLACEHOLDER.finditer(template):
        binding, name, flt, one, many = found.groups()
        forms = (one, many) if one is not None else None
        text += template[last : found.start()]
        last = found.end()
        if binding == "threshold":
            text += _format_value(thresholds.get(name), flt, lang, forms)
            continue
        if slots:
            slots[-1] = slots[-1]._replace(after=text)
        else:
            head = text
        text = ""
        slots.append(_Slot(binding, name, flt, forms, ""))
    text += template[last:]
    if slots:
        slots[-1] = slots[-1]._replace(after=text)
    else:
        head = text
    bindings = {slot.binding for slot in slots}
    binding = bindings.pop() if len(bindings) == 1 else None
    names = tuple(slot.name for slot in slots)
    read = itemgetter("kind", "ptr", *names) if binding is not None or not slots else None
    return _Template(head, tuple(slots), binding, names, read)


def _fill(template: _Template, bindings: dict[str, Fact], lang: str) -> str:
    """A compiled message with its slots filled from the facts a match bound (binding name -> fact)."""
    return _written(template, _values(template, bindings), lang)


def _values(template: _Template, bindings: dict[str, Fact]) -> tuple[Any, ...]:
    """The values of a message's slots, read from the facts a match bound (None when a fact lacks one)."""
    values = []
    for slot in template.slots:
        fact = bindings.get(slot.binding)
        values.append(fact.get(slot.name) if fact else None)
    return tuple(values)


def _written(template: _Template, values: tuple[Any, ...], lang: str) -> str:
    """A compiled message with its slots' `values` written in."""
    text = template.head
    for (_, _, flt, forms, after), value in zip(template.slots, values, strict=True):
        # A plain text value without filter is written as it is (the common case, spared `_format_value`).
        text += (value if flt is None and type(value) is str else _format_value(value, flt, lang, forms)) + after
    if not template.head and template.slots and template.slots[0].flt == "label" and text[:1].islower():
        # A sentence that opens on a label ("{ch.platform|label} channel ..."): "Newsletter channel", not
        # "newsletter channel" (the labels of blog, newsletter and other are common nouns).
        text = text[0].upper() + text[1:]
    return text


def _identity(fact: Fact) -> str:
    """What a fact stands for, independent of its position in the plan (for fingerprints)."""
    kind = fact["kind"]
    natural = fact.get(kind) if kind != "member" else fact.get("person")
    return f"{kind}:{natural}" if isinstance(natural, str) else f"{kind}:{fact['ptr']}"


_FILTERED = re.compile(r"^\*\[([a-z_]+)=([^\]]*)\]$")


class _Token(NamedTuple):
    """One step of a ``requires`` pattern: a key, or ``*`` (every item) with an optional ``[field=value]``."""

    name: str
    every: bool
    selector: tuple[str, str] | None


def _tokens(pattern: str) -> tuple[_Token, ...]:
    tokens = []
    for token in pattern.split("/")[1:]:
        selector = _FILTERED.match(token) if token.startswith("*") else None
        tokens.append(_Token(token, token.startswith("*"), (selector[1], selector[2]) if selector else None))
    return tuple(tokens)


def missing_pointers(plan: PlanData, pattern: str) -> list[str]:
    """Concrete pointers matching `pattern` that the plan leaves unstated.

    A key with a default is stated (a list the model defaults to empty, a channel's
    status...), as in the typed plan. ``*`` stands for every item of an array;
    ``*[field=value]`` for the items whose ``field`` equals ``value`` (e.g.
    ``/channels/*[status=active]/posts_per_week``).
    """
    missing: list[str] = []
    _walk(plan, plan_shape(), _tokens(pattern), 0, "", missing)
    return missing


def _walk(node: Any, shape: Shape | None, tokens: tuple[_Token, ...], index: int, prefix: str, out: list[str]) -> None:
    """`missing_pointers` from ``tokens[index]`` on, below `node`: keys in a loop, items by recursion."""
    while index < len(tokens):
        token = tokens[index]
        if token.every:
            if isinstance(node, list):
                selector = token.selector
                for position, item in enumerate(node):
                    if selector and str(_child(item, shape, selector[0])) != selector[1]:
                        continue
                    _walk(item, shape, tokens, index + 1, f"{prefix}/{position}", out)
            return
        name = token.name
        if not isinstance(node, dict):
            node = None
        else:
            node = node.get(name)
            if node is None and shape is not None:
                node = shape.defaults.get(name)  # `Shape.get` without copying a default list: only read here
        prefix = f"{prefix}/{name}"
        if node is None:
            out.append(prefix)
            return
        shape = shape.children.get(name) if shape else None
        index += 1


class _Required:
    """A ``requires`` pattern compiled for `_passed_or_unknown`: its leading keys (up to its first ``*``)
    each with the pointer reported when it is missing and the defaults of the object holding it, read
    straight from the plan; then, for the usual rest of one ``*`` followed by keys
    (``/channels/*[status=active]/account/two_factor``), the items read in a loop, their selector and keys
    compiled the same way; any other rest walked by `_walk`."""

    __slots__ = ("item_keys", "keys", "prefix", "selector", "shape", "start", "tokens")

    def __init__(self, pattern: str) -> None:
        self.tokens = _tokens(pattern)
        keys: list[tuple[str, str, dict[str, Any] | None]] = []
        shape: Shape | None = plan_shape()
        prefix = ""
        for token in self.tokens:
            if token.every:
                break
            prefix = f"{prefix}/{token.name}"
            keys.append((token.name, prefix, shape.defaults if shape is not None else None))
            shape = shape.children.get(token.name) if shape is not None else None
        self.keys = tuple(keys)
        self.start = len(keys)
        self.prefix = prefix
        self.shape = shape
        rest = self.tokens[self.start :]
        plain_items = len(rest) >= 2 and rest[0].every and not any(token.every for token in rest[1:])
        self.item_keys = _item_keys(rest[1:], shape) if plain_items else None
        selector = rest[0].selector if plain_items else None
        # (field, value, the item's defaults): `_child` compiled (an absent field reads its default).
        self.selector = (*selector, shape.defaults if shape is not None else None) if selector else None

    def missing(self, plan: PlanData, out: list[str]) -> None:
        """Append to `out` the pointers of `plan` this pattern finds unstated (as `missing_pointers`)."""
        node: Any = plan
        for name, pointer, defaults in self.keys:
            node = node.get(name) if isinstance(node, dict) else None
            if node is None and defaults is not None:
                node = defaults.get(name)
            if node is None:
                out.append(pointer)
                return
        if self.item_keys is not None:
            if isinstance(node, list):
                self._missing_in_items(node, out)
        elif self.start < len(self.tokens):
            _walk(node, self.shape, self.tokens, self.start, self.prefix, out)

    def _missing_in_items(self, items: list[Any], out: list[str]) -> None:
        """The item keys' part of `missing`: what each (selected) item leaves unstated."""
        selector, item_keys = self.selector, self.item_keys
        assert item_keys is not None
        for position, item in enumerate(items):
            if selector is not None:
                field, wanted, defaults = selector
                value = item.get(field) if isinstance(item, dict) else None
                if value is None and defaults is not None and isinstance(item, dict):
                    value = defaults.get(field)
                if str(value) != wanted:
                    continue
            node = item
            for name, suffix, defaults in item_keys:
                node = node.get(name) if isinstance(node, dict) else None
                if node is None and defaults is not None:
                    node = defaults.get(name)
                if node is None:
                    out.append(f"{self.prefix}/{position}{suffix}")
                    break


def _item_keys(tokens: tuple[_Token, ...], shape: Shape | None) -> tuple[tuple[str, str, dict[str, Any] | None], ...]:
    """Keys read below each item: name, the pointer's end when it is missing, the defaults of the object holding it."""
    keys = []
    suffix = ""
    for token in tokens:
        suffix = f"{suffix}/{token.name}"
        keys.append((token.name, suffix, shape.defaults if shape is not None else None))
        shape = shape.children.get(token.name) if shape is not None else None
    return tuple(keys)


def _child(node: Any, shape: Shape | None, name: str) -> Any:
    if not isinstance(node, dict):
        return None
    return shape.get(node, name) if shape is not None else node.get(name)


class _Texts(NamedTuple):
    """A rule's finding texts for one alternative in one language, its message compiled."""

    title: str
    rationale: str
    recommendation: str
    message: _Template


class RuleTable:
    """What `evaluate` needs of one active rule, worked out once per catalog.

    The pass and not-applicable outcomes are built once and shared by every plan (a
    `RuleOutcome` is immutable); texts are compiled per language on first use (a dict
    entry set whole, so concurrent threads at worst compute the same value twice).
    """

    __slots__ = (
        "_made",
        "_prints",
        "_texts",
        "_thresholds",
        "about",
        "absent",
        "active",
        "fields",
        "id",
        "identities",
        "not_applicable",
        "passed",
        "requires",
    )

    def __init__(self, active: ActiveRule, thresholds: dict[str, float]) -> None:
        rule = active.rule
        self.active = active
        self.id = active.id
        self.passed = RuleOutcome(active, Status.PASS, (), ())
        self.not_applicable = RuleOutcome(active, Status.NOT_APPLICABLE, (), ())
        self.requires = tuple(
            tuple(_Required(pattern) for pattern in required_options(entry)) for entry in rule.spec.requires
        )
        alternatives = range(len(rule.alternatives))
        self.fields = tuple(rule.field(alternative) for alternative in alternatives)
        # What a fingerprint is of, besides the facts: the rule and the field pointed at (as when `field` was one).
        self.identities = tuple(f"{rule.id}|{field or ''}" for field in self.fields)
        self.about = tuple(rule.about(alternative) for alternative in alternatives)
        self.absent = tuple(rule.absent)
        self._thresholds = thresholds
        self._texts: dict[str, tuple[_Texts, ...]] = {}
        self._prints: dict[tuple[str, Hashable], str] = {}
        self._made: dict[tuple[Any, ...], Finding] = {}

    def fingerprint(self, identity: Hashable, alternative: int) -> str:
        """The fingerprint of this rule's finding about the facts of `identity` (`_identity`: one fact's, or
        a sorted tuple of several), through `alternative` (its field): a sha256 of them all, worked out once
        for each and kept, as plans repeat them (the same rule about the same channel...), up to `_PRINTS` a
        rule (a dict entry set whole: threads at worst compute one twice)."""
        rule = self.identities[alternative]
        key = (rule, identity)
        found = self._prints.get(key)
        if found is None:
            whole = "|".join([rule, *identity]) if type(identity) is tuple else f"{rule}|{identity}"
            found = hashlib.sha256(whole.encode()).hexdigest()[:16]
            if len(self._prints) >= _PRINTS:
                self._prints.clear()
            self._prints[key] = found
        return found

    def texts(self, lang: str) -> tuple[_Texts, ...]:
        """Per alternative of the rule's `when`, its finding texts in `lang`."""
        found = self._texts.get(lang)
        if found is None:
            words = self.active.texts(lang)
            rule = self.active.rule
            found = self._texts[lang] = tuple(
                _Texts(
                    words["title"],
                    words["rationale"],
                    words["recommendation"],
                    _compile(rule.message(alternative, lang), self._thresholds, lang),
                )
                for alternative in range(len(self.about))
            )
        return found


_PRINTS = 256
_MADE = 128
_KEYS = frozenset({str, int, type(None)})


class CatalogTables:
    """`evaluate`'s tables for a whole catalog (kept by `Catalog.derived`): a `RuleTable` per rule, in catalog order.

    ``outcomes`` is every rule passing: a plan's outcomes start as a copy of it and only the
    rules that matched, or that require fields, are looked at.
    """

    __slots__ = ("_texts", "outcomes", "position", "requiring", "rules")

    def __init__(self, catalog: Catalog) -> None:
        self.rules = tuple(RuleTable(active, catalog.thresholds) for active in catalog.rules)
        self.outcomes = tuple(table.passed for table in self.rules)
        self.position = {table.id: index for index, table in enumerate(self.rules)}
        self.requiring = tuple(index for index, table in enumerate(self.rules) if table.requires)
        self._texts: dict[str, tuple[tuple[_Texts, ...], ...]] = {}

    def texts(self, lang: str) -> tuple[tuple[_Texts, ...], ...]:
        """Each rule's `RuleTable.texts` in `lang`, by position (looked up once a plan, not once a finding)."""
        found = self._texts.get(lang)
        if found is None:
            found = self._texts[lang] = tuple(table.texts(lang) for table in self.rules)
        return found


def evaluate(
    catalog: Catalog, facts: list[Fact], plan: PlanData, source_map: SourceMap | None, lang: str
) -> list[RuleOutcome]:
    """Run the engine and turn its matches into one outcome per active rule, in catalog order."""
    matches = catalog.engine.run(facts)
    tables = catalog.derived("assess.engines.evaluate", CatalogTables)
    position = tables.position
    rules = tables.rules
    outcomes = list(tables.outcomes)
    skipped: set[int] = set()
    failed: dict[int, list[Match]] = {}
    for match in matches:
        index = position.get(match.rule_id)
        if index is None:
            continue
        if match.outcome == "skip":
            skipped.add(index)
        elif match.outcome == "fail":
            found = failed.get(index)
            if found is None:
                failed[index] = [match]
            else:
                found.append(match)
    for index in skipped:
        outcomes[index] = rules[index].not_applicable
    if failed:
        texts = tables.texts(lang)
        for index, failures in failed.items():
            if index not in skipped:
                table = rules[index]
                findings = _findings(table, texts[index], failures, source_map, lang)
                outcomes[index] = _tuple(RuleOutcome, (table.active, _FAIL, findings, ()))
    for index in tables.requiring:
        if index not in skipped and index not in failed:
            outcomes[index] = _passed_or_unknown(rules[index], plan)
    return outcomes


def _passed_or_unknown(table: RuleTable, plan: PlanData) -> RuleOutcome:
    """A rule that did not fail passes, unless the plan lacks a field it requires: then it is unknown."""
    missing: list[str] = []
    for options in table.requires:
        if len(options) == 1:
            options[0].missing(plan, missing)
        else:
            _missing_any(options, plan, missing)
    if not missing:
        return table.passed
    return RuleOutcome(table.active, Status.UNKNOWN, (), tuple(sorted(set(missing))))


def _missing_any(options: tuple[_Required, ...], plan: PlanData, out: list[str]) -> None:
    """``{any: [...]}``: nothing is missing when one option is stated in full; else what the first lacks."""
    first: list[str] = []
    options[0].missing(plan, first)
    if not first:
        return
    for option in options[1:]:
        lacking: list[str] = []
        option.missing(plan, lacking)
        if not lacking:
            return
    out.extend(first)


def missing_required(plan: PlanData, entry: Required) -> list[str]:
    """What one entry of a rule's ``requires`` finds unstated (`missing_pointers`; ``{any: [...]}``: nothing
    when one of its pointers is stated, else what the first lacks)."""
    found = [missing_pointers(plan, pattern) for pattern in required_options(entry)]
    return [] if not all(found) else found[0]


_tuple = tuple.__new__  # a `RuleOutcome` from its fields, without the named tuple's __new__ written in Python
_FAIL = Status.FAIL


def _findings(
    table: RuleTable, texts: tuple[_Texts, ...], failures: list[Match], source_map: SourceMap | None, lang: str
) -> tuple[Finding, ...]:
    """One finding per failing match, one per fingerprint (the last), in file order (`texts`: the rule's in `lang`).

    A finding depends only on the rule, the language, the alternative that matched, what the facts
    stand for (`_identity`: for one fact, its kind and natural key or else pointer), the kind and
    pointer of the fact it is about, where that lies in the file and the values its message quotes;
    plans repeat these (the same rule failing about the same channel with the same figures): a
    finding is made once for them and shared (a `Finding` is immutable), up to `_MADE` a rule. The
    key is made of these as they are read (the identity and pointer strings are written on a miss
    only); the usual match, of one fact that every slot reads, is read in one call (`_Template.read`):
    this is done for every finding of every plan.
    """
    made = table._made
    findings: list[Finding] = []
    for _, _, alternative, _, pairs in failures:
        words = texts[alternative]
        message = words.message
        if len(pairs) == 1:  # the usual match: its one fact is what the finding is about
            bound, fact = pairs[0]
            kind = fact["kind"]
            about: Hashable = fact.get(kind) if kind != "member" else fact.get("person")  # `_identity`'s own
            read = message.read
            if read is not None and (message.binding == bound or not message.slots):
                try:
                    got = read(fact)
                except KeyError:  # a field the message quotes is absent from the fact: it reads None
                    got = _got(message, fact, {bound: fact})
            else:
                got = _got(message, fact, {bound: fact})
        else:
            bindings = dict(pairs)
            fact = bindings.get(table.about[alternative]) or pairs[0][1]
            about = tuple(sorted(map(_identity, bindings.values())))
            got = _got(message, fact, bindings)
        location = source_map.locate(_pointer(table, alternative, got[1])) if source_map is not None else None
        # Only texts, integers and None are values of a key: equal values of other types may be written
        # apart (True and 1, 0.0 and -0.0 are equal keys, not equal words); a list is no key at all.
        key = (lang, alternative, about, location, got) if _KEYS.issuperset(map(type, got)) else None
        try:
            finding = made.get(key) if key is not None else None
        except TypeError:  # `about` is no key (a fact's natural key is a list): the finding is made anew
            finding = key = None
        if finding is None:
            identity = about if len(pairs) > 1 else _identity(fact)
            finding = new_finding(
                table.id,
                table.active.step,
                table.active.severity,
                words.title,
                _written(message, got[2:], lang) if message.slots else message.head,
                words.rationale,
                words.recommendation,
                _pointer(table, alternative, got[1]),
                location[0] if location else None,
                location[1] if location else None,
                table.fingerprint(identity, alternative),
            )
            if key is not None:
                if len(made) >= _MADE:
                    made.clear()
                made[key] = finding
        findings.append(finding)
    if len(findings) == 1:
        return (findings[0],)
    unique = dict(zip(map(_FINGERPRINT, findings), findings, strict=True))  # the last of each fingerprint
    if source_map is None:  # no finding has a line or column: file order is the pointers' (read in C, no lambda)
        return tuple(sorted(unique.values(), key=_POINTER_ORDER))
    return tuple(sorted(unique.values(), key=lambda f: (f.line or 0, f.column or 0, f.pointer, f.message)))


_FINGERPRINT = attrgetter("fingerprint")
_POINTER_ORDER = attrgetter("pointer", "message")


def _got(message: _Template, fact: Fact, bindings: dict[str, Fact]) -> tuple[Any, ...]:
    """What `_Template.read` takes, for any match: the kind and pointer of the fact the finding is about,
    then the values of the message's slots from the facts the match bound (None where a fact lacks one)."""
    return (fact["kind"], fact["ptr"], *_values(message, bindings))


def _pointer(table: RuleTable, alternative: int, ptr: str) -> str:
    """Where a finding points: the rule's field of the fact it is about; about the plan as a whole (pointer
    ""), the element that the alternative says is missing, if any."""
    pointer = str(ptr)
    field = table.fields[alternative]
    if field:
        return f"{pointer}/{field}"
    return pointer or table.absent[alternative] or pointer
