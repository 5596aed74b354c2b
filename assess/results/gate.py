"""The gate: from a report and a configuration to an exit code CI can trust, and its reasons.

    0  every plan was assessed and passed the gate;
    1  every plan was assessed and at least one failed the gate;
    2  at least one plan could not be assessed (missing, unreadable, invalid).

"Could not assess" wins over "failed": a CI job must never look green, or merely
red-for-findings, when a plan was not looked at. A plan fails the gate when it
has an (unsuppressed, unbaselined) finding at least as severe as ``fail_on``
(default ``high``; ``none`` turns this off) or scores below ``fail_under``.

The verdict is decided here and only here: `plan_gate` judges a plan (`PlanReport.gate`),
`Tally` adds the plans up into the run's `Gate` (`Report.gate`, the exit code and the
lines on standard error), and every format writes these records rather than judging again.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

from assess.config import Config, per_config
from assess.i18n import colon, counted, label, number, plural
from assess.results.report import Finding, Gate, PlanGate, PlanReport, Report, Score, Severity, new_gate, new_plan_gate

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2

REASONS_KEPT = 10
"""How many reasons the run's `Gate` lists (standard error shows as many): a batch of 20,000 failing plans
keeps ten in memory and counts the rest (`Gate.more_reasons`); each plan's own `gate` has all of its."""


class Settings(NamedTuple):
    """The gate's configuration: the severity that fails (``"none"``: none does) and the minimum score."""

    fail_on: str = Severity.HIGH.value
    fail_under: float | None = None

    @staticmethod
    def of(config: Config) -> Settings:
        """The gate `config` sets (made once per config object: a plan asks twice)."""
        return _settings_of(config)


@per_config
def _settings_of(config: Config) -> Settings:
    return Settings(str(config.fail_on), config.fail_under)


class Verdict(NamedTuple):
    """The exit code and, per failing plan, why (one line each, for people)."""

    exit_code: int
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_OK


# Severity name -> rank (0: critical): a `Severity` is a str and hashes as its value, so one lookup serves both.
_RANKS: dict[str, int] = {severity.value: severity.rank for severity in Severity}
_LIMITS: dict[str, int] = {"none": -1, **_RANKS}  # `_limit` of each valid ``fail_on``
_FAILING = {limit: tuple(Severity)[: limit + 1] for limit in _LIMITS.values()}  # by `_limit`: what fails, worst first


def _limit(fail_on: str) -> int:
    """The largest rank that fails ``--fail-on fail_on`` (-1 for ``none``: no finding fails)."""
    limit = _LIMITS.get(fail_on)
    return Severity(fail_on).rank if limit is None else limit  # an unknown name: Severity's ValueError


def fails_gate(severity: Severity, fail_on: str | None) -> bool:
    """Whether a finding of this severity fails the gate ``--fail-on fail_on`` (None: every finding does)."""
    if fail_on is None:
        return True
    return _RANKS[severity] <= _limit(fail_on)


def below_minimum(score: float, minimum: float) -> bool:
    """Whether a score fails the score gate (``--fail-under MINIMUM``): strictly below it; equal passes.

    The gate and every format that shows the score gate ask this, so none can disagree with the exit code.
    """
    return score < minimum


def judge(findings: Iterable[Finding], score: Score | None, lang: str, settings: Settings) -> PlanGate:
    """The verdict on an assessed plan from its (unsuppressed, unbaselined) findings and its score, in `lang`."""
    reasons: list[str] = []
    severities = [finding.severity for finding in findings]
    serious = 0
    worst: Severity | None = None
    for severity in _FAILING[_limit(settings.fail_on)]:  # most severe first; counted in C: a plan has dozens
        count = severities.count(severity)
        if count:
            serious += count
            worst = worst or severity
    if worst is not None:
        reasons.append(_findings_reason(serious, settings.fail_on, worst.value, lang))
    minimum = settings.fail_under
    low = score is not None and minimum is not None and below_minimum(score.overall, minimum)
    if low:
        assert score is not None and minimum is not None
        reasons.append(score_reason(score.overall, minimum, lang))
    return new_plan_gate(not reasons, serious, low, reasons)


@functools.lru_cache(maxsize=256)
def _findings_reason(count: int, fail_on: str, worst: str, lang: str) -> str:
    """Why a plan's findings fail the gate, in `lang` (kept: nearly every plan gives one, and they repeat)."""
    return label("gate_findings", lang).format(
        count=counted("finding", count, lang),
        severity=label(f"sev_{fail_on}", lang),
        worst=label(f"sev_{worst}", lang),
        option=fail_on,
    )


def plan_gate(plan: PlanReport, settings: Settings) -> PlanGate:
    """The gate's verdict on a plan as it stands (a plan that could not be assessed does not pass)."""
    if not plan.assessed:
        return PlanGate(passed=False, reasons=[label("gate_unassessed", plan.language)])
    return judge(plan.findings, plan.score, plan.language, settings)


def plan_failures(plan: PlanReport, config: Config) -> list[str]:
    """Why an assessed plan fails the gate (empty when it passes), in the plan's language."""
    return list(plan_gate(plan, Settings.of(config)).reasons)


def minimum_text(minimum: float, lang: str = "en") -> str:
    """The score gate's minimum as given (80, 79.95), not rounded as scores are shown: 79.95 must not read as 80."""
    text = f"{minimum:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def score_reason(score: float, minimum: float, lang: str) -> str:
    """Why a score fails the score gate, in `lang`: the score and the minimum."""
    return label("gate_score", lang).format(score=number(score, lang), minimum=minimum_text(minimum, lang))


def decide(report: Report, config: Config) -> Verdict:
    """The exit code of a run (see the module docstring), with every reason."""
    tally = Tally(config)
    for plan in report.plans:
        tally.add(plan)
    return tally.verdict()


def judged(plans: Iterable[PlanReport], settings: Settings, *, verdicts: bool = False) -> tuple[list[PlanReport], Gate]:
    """The plans, each carrying its verdict, and the run's `Gate` (for a whole report).

    `verdicts`: the plans carry their verdict under `settings` already (`Tally.add`).
    """
    tally = Tally(settings, keep=REASONS_KEPT)
    return [tally.add(plan, verdict=verdicts) for plan in plans], tally.gate()


def regate(report: Report, settings: Settings | None = None) -> Report:
    """The report judged again: under `settings` (another gate), or under its own gate after its findings
    changed (a baseline set some aside). A report without a gate and no `settings` is returned as it is."""
    if settings is None:
        if report.gate is None:
            return report
        settings = Settings(report.gate.fail_on, report.gate.fail_under)
    plans, gate = judged(report.plans, settings)
    return report.model_copy(update={"plans": plans, "gate": gate})


def setting_text(gate: Gate) -> str:
    """The gate as the flags that set it: ``--fail-on high, --fail-under 60`` (never translated: they are typed)."""
    setting = f"--fail-on {gate.fail_on}"
    return setting + (f", --fail-under {minimum_text(gate.fail_under)}" if gate.fail_under is not None else "")


def headline(gate: Gate, lang: str = "en") -> str:
    """The run's verdict without its reasons, in `lang`: the outcome, the exit code, the gate and how many plans
    failed or could not be assessed ("gate failed (exit 1; --fail-on high): 1 plan failed the gate")."""
    setting = setting_text(gate)
    if gate.exit_code == EXIT_OK:
        return label("gate_run_passed", lang).format(setting=setting) + colon(lang) + label("gate_run_all_passed", lang)
    failed = f"{counted('plan', gate.plans_failed, lang)} {plural('failed_gate', gate.plans_failed, lang)}"
    if gate.exit_code == EXIT_GATE_FAILED:
        return label("gate_run_failed", lang).format(setting=setting) + colon(lang) + failed
    head = label("gate_run_unassessed", lang).format(setting=setting)
    if gate.plans_not_assessed:
        unassessed = counted("plan", gate.plans_not_assessed, lang)
        head += f"{colon(lang)}{unassessed} {plural('unassessed', gate.plans_not_assessed, lang)}"
        head += f", {failed}" if gate.plans_failed else ""
    return head


def describe(gate: Gate, lang: str = "en") -> str:
    """The verdict in one line, for SARIF's ``exitCodeDescription``: the `headline` and the reasons (the plans' own
    words), in `lang`."""
    reasons = label("semicolon", lang).join(gate.reasons)
    if gate.more_reasons:
        reasons += label("semicolon", lang) + label("and_more", lang).format(count=gate.more_reasons)
    head = headline(gate, lang)
    return f"{head}{colon(lang)}{reasons}" if reasons else head


class PlanVerdict(NamedTuple):
    """A plan's verdict as the reports for people show it (text, Markdown, HTML): one line, and why it failed."""

    status: str  # passed, failed or not_assessed
    line: str  # "Gate: failed (--fail-on high)"
    reasons: tuple[str, ...]  # empty when it passed or could not be assessed (the report says why already)


def plan_verdict(plan: PlanReport, gate: Gate | None, lang: str) -> PlanVerdict | None:
    """The plan's stored verdict (`PlanReport.gate`) in `lang`, under the run's gate (`Report.gate`, for the flags
    it names); None for a report that carries no verdict. Never judged again here."""
    verdict = plan.gate
    if verdict is None:
        return None
    status = "passed" if verdict.passed else "failed" if plan.assessed else "not_assessed"
    line = f"{label('gate', lang)}{colon(lang)}{label('gate_status_' + status, lang)}"
    if gate is not None:
        line += f" ({setting_text(gate)})"
    return PlanVerdict(status, line, tuple(verdict.reasons) if status == "failed" else ())


_NO_PLAN = "no plan to assess"


class Tally:
    """The verdict plan by plan, for a batch that does not keep its plans: the run's `Gate` and its first reasons.

    ``keep``: how many reasons to keep (None: all); `omitted` counts the others.
    """

    def __init__(self, config: Config | Settings, keep: int | None = None) -> None:
        self._settings = config if isinstance(config, Settings) else Settings.of(config)
        self._keep = keep
        self._reasons: list[str] = []
        self.omitted = 0
        self._plans = 0
        self._failed = 0
        self._unassessed = 0

    def add(self, plan: PlanReport, verdict: bool = False) -> PlanReport:
        """Judge a plan and count it in; returns the plan carrying that verdict (`PlanReport.gate`).

        `verdict`: the plan's `gate` is its verdict under this tally's settings already (the caller
        made it so, and knows it): counted as it is rather than judged again.
        """
        self._plans += 1
        given = plan.gate if verdict else None
        ruling = given if given is not None else plan_gate(plan, self._settings)
        if not plan.assessed:
            self._unassessed += 1
        elif not ruling.passed:
            self._failed += 1
        for reason in ruling.reasons:
            self._reason(f"{plan.file}: {reason}")
        return plan if ruling is given or plan.gate == ruling else plan.model_copy(update={"gate": ruling})

    def _reason(self, reason: str) -> None:
        if self._keep is None or len(self._reasons) < self._keep:
            self._reasons.append(reason)
        else:
            self.omitted += 1

    def _exit_code(self) -> int:
        if not self._plans or self._unassessed:
            return EXIT_ERROR
        return EXIT_GATE_FAILED if self._failed else EXIT_OK

    def _all_reasons(self) -> list[str]:
        return self._reasons if self._plans else [_NO_PLAN]

    def verdict(self) -> Verdict:
        return Verdict(self._exit_code(), tuple(self._all_reasons()))

    def gate(self) -> Gate:
        """The run's gate and verdict (`Report.gate`), listing the first `REASONS_KEPT` reasons."""
        reasons = self._all_reasons()
        code = self._exit_code()
        return new_gate(
            self._settings.fail_on,
            None if self._settings.fail_under is None else float(self._settings.fail_under),
            code,
            code == EXIT_OK,
            self._failed,
            self._unassessed,
            reasons[:REASONS_KEPT],
            max(len(reasons) - REASONS_KEPT, 0) + self.omitted,
        )
