"""The gate: from a report and a configuration to an exit code CI can trust.

    0  every plan was assessed and passed the gate;
    1  every plan was assessed and at least one failed the gate;
    2  at least one plan could not be assessed (missing, unreadable, invalid).

"Could not assess" wins over "failed": a CI job must never look green, or merely
red-for-findings, when a plan was not looked at. A plan fails the gate when it
has an (unsuppressed, unbaselined) finding at least as severe as ``fail_on``
(default ``high``; ``none`` turns this off) or scores below ``fail_under``.
"""

from __future__ import annotations

from typing import NamedTuple

from assess.config import Config
from assess.i18n import counted, label, number
from assess.results.report import PlanReport, Report, Severity

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2


class Verdict(NamedTuple):
    """The exit code and, per failing plan, why (one line each, for people)."""

    exit_code: int
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.exit_code == EXIT_OK


def plan_failures(plan: PlanReport, config: Config) -> list[str]:
    """Why an assessed plan fails the gate (empty when it passes), in the plan's language."""
    lang = plan.language
    reasons: list[str] = []
    if config.fail_on != "none":
        threshold = Severity(config.fail_on)
        serious = [f for f in plan.findings if f.severity.at_least(threshold)]
        if serious:
            worst = min((f.severity for f in serious), key=lambda s: s.rank)
            reasons.append(
                label("gate_findings", lang).format(
                    count=counted("finding", len(serious), lang),
                    severity=label(f"sev_{threshold.value}", lang),
                    worst=label(f"sev_{worst.value}", lang),
                    option=threshold.value,
                )
            )
    minimum = config.fail_under
    if plan.score is not None and minimum is not None and below_minimum(plan.score.overall, minimum):
        reasons.append(score_reason(plan.score.overall, minimum, lang))
    return reasons


def below_minimum(score: float, minimum: float) -> bool:
    """Whether a score fails the score gate (``--fail-under MINIMUM``): strictly below it; equal passes.

    The gate and every format that shows the score gate ask this, so none can disagree with the exit code.
    """
    return score < minimum


def minimum_text(minimum: float, lang: str = "en") -> str:
    """The score gate's minimum as given (80, 79.95), not rounded as scores are shown: 79.95 must not read as 80."""
    text = f"{minimum:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def score_reason(score: float, minimum: float, lang: str) -> str:
    """Why a score fails the score gate, in `lang`: the score and the minimum."""
    return label("gate_score", lang).format(score=number(score, lang), minimum=minimum_text(minimum, lang))


def decide(report: Report, config: Config) -> Verdict:
    """The exit code of a run (see the module docstring)."""
    tally = Tally(config)
    for plan in report.plans:
        tally.add(plan)
    return tally.verdict()


class Tally:
    """`decide`, plan by plan, for a batch that does not keep its plans: the verdict and its first reasons.

    ``keep``: how many reasons to keep (None: all); `omitted` counts the others.
    """

    def __init__(self, config: Config, keep: int | None = None) -> None:
        self._config = config
        self._keep = keep
        self._reasons: list[str] = []
        self.omitted = 0
        self._plans = 0
        self._unassessed = False

    def add(self, plan: PlanReport) -> None:
        self._plans += 1
        if not plan.assessed:
            self._unassessed = True
            self._reason(f"{plan.file}: {label('gate_unassessed', plan.language)}")
            return
        for reason in plan_failures(plan, self._config):
            self._reason(f"{plan.file}: {reason}")

    def _reason(self, reason: str) -> None:
        if self._keep is None or len(self._reasons) < self._keep:
            self._reasons.append(reason)
        else:
            self.omitted += 1

    def verdict(self) -> Verdict:
        if not self._plans:
            return Verdict(EXIT_ERROR, ("no plan to assess",))
        reasons = tuple(self._reasons)
        if self._unassessed:
            return Verdict(EXIT_ERROR, reasons)
        return Verdict(EXIT_GATE_FAILED if reasons else EXIT_OK, reasons)
