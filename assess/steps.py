"""The eleven steps of the article, in English and French: one place for their names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    name: dict[str, str]
    summary: dict[str, str]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "committee",
        {"en": "Committee", "fr": "Comité"},
        {
            "en": "Social media can't be done in a silo: form a committee.",
            "fr": "Les médias sociaux ne se font pas en silo : formez un comité.",
        },
    ),
    Step(
        2,
        "goals",
        {"en": "Goals", "fr": "Objectifs"},
        {
            "en": "Define goals and how you will know you succeeded.",
            "fr": "Définissez vos buts et comment vous saurez que vous avez réussi.",
        },
    ),
    Step(
        3,
        "organisation",
        {"en": "Organisation", "fr": "Organisation"},
        {
            "en": "A tracking sheet, a start date and web analytics.",
            "fr": "Un tableau de suivi, une date de début et une mesure d'audience web.",
        },
    ),
    Step(
        4,
        "policies",
        {"en": "Policies", "fr": "Politiques"},
        {
            "en": "Crisis plan, staff training, admins and passwords.",
            "fr": "Plan de crise, formation du personnel, administrateurs et mots de passe.",
        },
    ),
    Step(
        5,
        "channels",
        {"en": "Channels", "fr": "Canaux"},
        {
            "en": "Know your audience before you choose channels.",
            "fr": "Connaissez votre public avant de choisir vos canaux.",
        },
    ),
    Step(
        6,
        "listening",
        {"en": "Listening", "fr": "Écoute"},
        {
            "en": "Listen to your community and to peer organisations.",
            "fr": "Écoutez votre communauté et les organisations semblables.",
        },
    ),
    Step(
        7,
        "tools",
        {"en": "Tools", "fr": "Outils"},
        {
            "en": "Work smarter with tools, without losing authenticity.",
            "fr": "Travaillez plus intelligemment avec des outils, sans perdre l'authenticité.",
        },
    ),
    Step(
        8,
        "content",
        {"en": "Content", "fr": "Contenu"},
        {
            "en": "Content your community wants to share, on a calendar.",
            "fr": "Du contenu que votre communauté veut partager, planifié dans un calendrier.",
        },
    ),
    Step(
        9,
        "visuals",
        {"en": "Visuals", "fr": "Visuels"},
        {
            "en": "A constant flow of photos, videos and infographics.",
            "fr": "Un flux constant de photos, de vidéos et d'infographies.",
        },
    ),
    Step(
        10,
        "measurement",
        {"en": "Measurement", "fr": "Mesure"},
        {
            "en": "Measure, see what works, and do more of it.",
            "fr": "Mesurez, voyez ce qui fonctionne et faites-en davantage.",
        },
    ),
    Step(
        11,
        "celebration",
        {"en": "Celebration", "fr": "Célébration"},
        {
            "en": "Celebrate milestones and thank your community.",
            "fr": "Célébrez les étapes franchies et remerciez votre communauté.",
        },
    ),
)

STEP_BY_NUMBER = {step.number: step for step in STEPS}
