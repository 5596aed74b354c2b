"""Rule packs as written: the pydantic models that validate a pack's YAML or JSON.

They are the single source of ``schemas/rule-pack.schema.json`` (`assess.plan.schema`) and
check a pack that is not in the verified cache of loaded packs. Nothing else uses them: the
objects rules run with are `assess.rules.rulepack`'s plain dataclasses, of the same names and
fields (tests/test_pack_cache.py compares the two), built from the data these models give.
So the loader imports this module only on a cache miss, and a cold run never imports pydantic
for its rule packs (issue 15: importing pydantic alone costs a fifth of the cold budget).
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from assess.results.kinds import Severity

RULE_ID = r"^[A-Z][A-Z0-9]{1,7}-[0-9]{2,3}$"
PACK_NAME = r"^[a-z][a-z0-9-]*$"

Condition = Annotated[
    list[dict[str, Any]] | dict[str, Any],
    Field(
        description="Patterns in durable_rules' rule language, all of which must match: "
        "[{binding: {kind: ..., field: value, $lt: {field: n}}}, {other$not: {...}}]; "
        "or {any: [[patterns], [patterns]]} for alternatives. Fields are those of the fact model."
    ),
]


def _empty_list() -> list[Any]:
    """A new empty list: a field's default. pydantic inspects a default factory's signature when it builds a
    schema; for the builtin `list` or `dict` that means parsing its text signature, 20 times slower than for
    a function (issue 15: the cold start builds ~60 such fields)."""
    return []


def _empty_dict() -> dict[Any, Any]:
    """A new empty dict: a field's default (see `_empty_list`)."""
    return {}


class _Strict(BaseModel):
    # Built on first use (issue 15): a pack from the cache of loaded packs is never validated again.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Threshold(_Strict):
    value: float = Field(description="The default value.")
    unit: str = Field(description="Unit, e.g. 'hours per week'.")
    description: str = Field(description="What the threshold is.")
    source: str = Field(description="Where the value comes from (publication and year, or the article's step).")


class Example(_Strict):
    note: str = Field(description="What the example shows.")
    patch: dict[str, Any] = Field(
        default_factory=_empty_dict, description="JSON Merge Patch (RFC 7386) applied to the pack's base plan."
    )
    set: dict[str, Any] = Field(
        default_factory=_empty_dict,
        description="Then, JSON pointer -> value: set that element (null removes it; '-' appends to a list).",
    )
    findings: int | None = Field(
        None, strict=True, ge=1, description="For failing examples: how many findings are expected."
    )


class Examples(_Strict):
    passing: list[Example] = Field(alias="pass", min_length=1, description="Plans on which the rule must pass.")
    failing: list[Example] = Field(alias="fail", min_length=1, description="Plans on which the rule must fail.")


class Translation(_Strict):
    title: str = Field(description="Translated title.")
    action: str | None = Field(
        default=None, min_length=3, description="Translated action headline (imperative); the title without one."
    )
    message: str | list[str] = Field(description="Translated message template(s) (same placeholders).")
    rationale: str = Field(description="Translated rationale.")
    recommendation: str = Field(description="Translated recommendation.")


AnyOf = Annotated[
    dict[Literal["any"], Annotated[list[str], Field(min_length=2, max_length=16)]],
    Field(min_length=1, description="Pointers of which the rule needs one stated (any of them)."),
]
# A pointer, or {any: [...]}: told apart by the value's type, so a broken entry is reported against
# the form it was written in (not as "should be a valid string").
Required = Annotated[
    Annotated[str, Tag("pointer")] | Annotated[AnyOf, Tag("any")],
    Discriminator(lambda value: "pointer" if isinstance(value, str) else "any"),
]


class RuleSpec(_Strict):
    """One rule, as written in a pack."""

    id: Annotated[str, Field(pattern=RULE_ID)] = Field(description="Stable id: a prefix and a number, e.g. 'POL-03'.")
    step: Annotated[int, Field(strict=True, ge=1, le=11)] = Field(description="The step of the article (1-11).")
    title: str = Field(min_length=3, description="What a passing plan does, in a few words.")
    action: str | None = Field(
        default=None,
        min_length=3,
        description="What to do, as an imperative headline ('Write a crisis communication plan'): "
        "the title of the rule's recommendation in every report. Optional, so that packs written before "
        "headlines keep loading: without one, the rule's title stands in (every built-in rule has one).",
    )
    severity: Severity = Field(description="critical, high, medium, low or info.")
    weight: float | None = Field(None, ge=0, description="Scoring weight; defaults to the severity's weight.")
    rationale: str = Field(min_length=10, description="Why it matters, citing the step of the article.")
    recommendation: str = Field(min_length=10, description="What to do.")
    message: str | list[str] = Field(
        description="Finding message; {binding.field} placeholders, optional |date, |days (a number of days: whole "
        "years as years), |list (of labels), |label (a value's display name), |round, or |count:singular:plural "
        "(the number, or a list's length, and the agreeing noun: "
        "'{p.active_channels|count:channel is:channels are} active'). "
        "A list gives one message per alternative of an 'any' condition."
    )
    about: str | None = Field(
        None,
        description="The binding whose plan element the finding points at, when the matched alternative has it "
        "(default: the alternative's first binding).",
    )
    field: str | list[str | None] | None = Field(
        None,
        description="A field of that element to point at more precisely. A list gives one per alternative of an "
        "'any' condition (null: the element itself).",
    )
    when: Condition
    skip_when: Condition | None = Field(
        None, description="When this matches, the rule does not apply (not applicable)."
    )
    requires: list[Required] = Field(
        default_factory=_empty_list,
        description="JSON pointers the rule needs ('*' for every item, '*[field=value]' for matching items); "
        "when one is unstated and the rule did not fail, the result is 'unknown'. {any: [pointers]} needs "
        "one of them stated, e.g. a date of review or of adoption: unknown when none is (the first is the "
        "one reported as missing).",
    )
    unlocks: list[Annotated[str, Field(pattern=RULE_ID)]] = Field(
        default_factory=_empty_list,
        description="Rules that cannot be judged while this one fails (the details of a missing section). "
        "While it fails, those that are not applicable or unknown are blocked: scored as failed, so "
        "stating the section never lowers the score. The score predicted for fixing this rule counts "
        "them as passing, as the recommendation asks.",
    )
    references: list[str] = Field(default_factory=_empty_list, description="Sources beyond the article.")
    examples: Examples = Field(description="Plans that must pass and fail.")
    fr: Translation | None = Field(None, description="French texts.")


class Placeholders(_Strict):
    """Texts that stand in for a fact not yet written: a field holding one counts as unstated."""

    texts: list[str] = Field(
        default_factory=_empty_list,
        description="Whole values that are placeholders (e.g. '...', 'Your name'), compared without case, "
        "spacing, curly quotes or trailing punctuation.",
    )
    words: list[str] = Field(
        default_factory=_empty_list,
        description="Words or phrases that mark a placeholder wherever they stand as whole words in a value "
        "(e.g. 'TODO', 'à compléter'; 'to do' inside a sentence is not 'TODO'), compared without case.",
    )
    patterns: list[str] = Field(
        default_factory=_empty_list,
        description="Python regular expressions searched in each value, without case (e.g. example.org "
        "addresses, '<name>' templates).",
    )
    starter: list[str] = Field(
        default_factory=_empty_list,
        description="The texts `assess init` writes, compared as 'texts' are and reported as the starter's. "
        "Generated from assess/plan/starter.py by `make schemas`.",
    )


class PackHeader(_Strict):
    pack: Annotated[str, Field(pattern=PACK_NAME)] = Field(description="Pack name.")
    version: str = Field(description="Pack version.")
    description: str = Field("", description="What the pack covers.")
    thresholds: dict[str, Threshold] = Field(
        default_factory=_empty_dict, description="Named thresholds rules refer to."
    )
    example_base: str | None = Field(None, description="Base plan for the examples, relative to the pack.")
    help_uri: str | None = Field(None, description="Documentation address; '{id}' is replaced by the rule id.")
    placeholders: Placeholders | None = Field(None, description="Placeholder texts (see the README's Placeholders).")


class RulesFile(_Strict):
    """A file of rules inside a pack folder, and the placeholder texts it adds."""

    rules: list[RuleSpec] = Field(default_factory=_empty_list, description="Rules.")
    placeholders: Placeholders | None = Field(None, description="Placeholder texts (see the README's Placeholders).")


class PackFile(PackHeader):
    """A single-file pack, or a folder's pack.yaml."""

    rules: list[RuleSpec] = Field(default_factory=_empty_list, description="Rules.")


class Invalid(ValueError):
    """Data a model rejects; the message says where and what ("rule POL-03: examples.pass: ...")."""


def validated(model: type[_Strict], data: Any) -> dict[str, Any]:
    """`data` validated by `model`, as plain Python values (`model_dump`: every field, defaults filled
    in, field names rather than aliases), or raise `Invalid` naming the first problem."""
    try:
        return model.model_validate(data).model_dump()
    except ValidationError as exc:
        raise Invalid(_problem(exc, data)) from None


def _problem(exc: ValidationError, data: Any) -> str:
    error = exc.errors()[0]
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
        rules = data.get("rules") or []
        if loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            where = f"rule {rules[loc[1]].get('id', '#' + str(loc[1]))}: "
        loc = loc[2:]
    path = ".".join(str(part) for part in loc) or "(top level)"
    return f"{where}{path}: {_wording(error, loc)}"


# What a pattern asks for, in words (pydantic quotes the regular expression).
_PATTERNS = {
    RULE_ID: "a rule id like POL-03: a capital, one to seven more capitals or digits, a hyphen, two or three digits",
    PACK_NAME: "a pack name like my-pack: lower-case letters, digits and hyphens, starting with a letter",
}


def _wording(error: Any, loc: list[Any]) -> str:
    """pydantic's error in the words of a pack's author: what the value must be, and what was found.

    pydantic says "Field required", "Input should be a valid string", "Extra inputs are not permitted",
    "String should match pattern '^[A-Z]...'": true, but it names neither what to write nor what it got.
    """
    kind, ctx, found = error["type"], error.get("ctx") or {}, _found(error.get("input"))
    name = str(loc[-1]) if loc else "it"
    if kind == "missing":
        hint = " (a pack starts with 'pack: NAME' and 'version: \"1.0\"')" if loc == ["pack"] else ""
        return f"'{name}' is missing{hint}"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, _FIELD_NAMES, n=1)
        return f"'{name}' is not a field here" + (f": did you mean '{close[0]}'?" if close else "")
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"must be {_PATTERNS.get(pattern, f'text matching {pattern}')}, not {found}"
    if kind in ("too_short", "too_long"):
        bound = f"at least {ctx.get('min_length')}" if kind == "too_short" else f"at most {ctx.get('max_length')}"
        return f"needs {bound} items, not {ctx.get('actual_length')}"
    wanted = _WANTED.get(kind)
    if wanted is not None:
        quote = f' (in quotes: "{error["input"]}")' if kind == "string_type" and _is_number(error["input"]) else ""
        return f"must be {wanted.format(**ctx)}, not {found}{quote}"
    return f"{error['msg']} (found {found})"


_WANTED = {
    "string_type": "a text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "literal_error": "one of {expected}",
    "enum": "one of {expected}",
    "greater_than": "more than {gt}",
    "greater_than_equal": "at least {ge}",
    "less_than": "less than {lt}",
    "less_than_equal": "at most {le}",
    "string_too_short": "at least {min_length} characters long",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _found(value: Any) -> str:
    """A value as an error message names it: short values themselves, others by their kind."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        shown = repr(value)
        return shown if len(shown) <= 40 else f"{shown[:37]}..."
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else f"a {type(value).__name__}"


# Every field name of a pack, for "did you mean" (an unknown one is most often a misspelt one).
_FIELD_NAMES = sorted(
    {
        field.alias or name
        for model in (PackFile, RulesFile, RuleSpec, Threshold, Placeholders, Examples, Example, Translation)
        for name, field in model.model_fields.items()
    }
)
