"""A starter plan that teaches its author the eleven steps while they fill it in.

`assess init` writes it. It validates as it is, so the author can run
`assess` on it at once and watch findings disappear as the placeholders
become facts. The placeholders state intentions a sound plan would hold
(reply within 24 hours, review monthly...) but never invent facts: no
audience research, no baselines, no two-factor authentication is claimed, so
the first assessment points straight at what is missing.

YAML carries the guidance in comments, one per step, saying what to write and
why; JSON has no comments, so there the guidance is in the placeholder texts
themselves. Both are built from one data structure, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from assess.atomic import write_atomic
from assess.plan.model import Language

Format = Literal["json", "yaml"]

__all__ = ["Format", "format_for", "placeholder_texts", "starter_data", "starter_text", "write_starter"]

_TEXTS: dict[Language, dict[str, str]] = {
    Language.EN: {
        "org_name": "Your organisation's name, as it should appear in reports",
        "website": "https://example.org",
        "title": "Our social media plan",
        "your_name": "Your name",
        "your_role": "Your role, e.g. Communications manager",
        "your_department": "communications",
        "colleague_name": "A colleague from another department (step 1: not in a silo)",
        "colleague_role": "Their role, e.g. Volunteer coordinator",
        "colleague_department": "programs",
        "goal_statement": "What social media should achieve, in one sentence with a number and a date, "
        "e.g. 'Recruit 30 new volunteers through Facebook by June' (step 2)",
        "goal_objective": "The organisational objective this goal serves, e.g. 'Keep the Saturday programme open'",
        "metric_name": "What you count, e.g. 'Volunteer sign-ups from social links' (directly attributable "
        "to social media, not likes)",
        "metric_source": "Where the number comes from, e.g. your sign-up form, Google Analytics, Mailchimp",
        "sheet": "Name or link of your tracking spreadsheet (step 3)",
        "web_analytics": "Your web analytics tool, e.g. Google Analytics, to see visits referred by social sites",
        "utm": "How you tag links: utm_source=<network>&utm_medium=social&utm_campaign=<goal id>",
        "policy_doc": "Where your written social media policy lives; have a lawyer or HR review it (step 4)",
        "crisis_doc": "Where your crisis communication plan lives: who answers, how fast, with what words",
        "training_topic": "What staff should and should not share",
        "segment_name": "Who you want to reach, e.g. 'Volunteers aged 18-35'. An assumption until you survey "
        "your supporters (step 5)",
        "rationale": "Why this channel: which audience segment gathers here, and how you know (step 5)",
        "handle": "Your page name or @handle; give it two admins and turn on two-factor authentication",
        "keyword_org": "Your organisation's name",
        "keyword_cause": "Your cause's hashtag, e.g. #FoodForAll",
        "peer": "A similar organisation whose posts you learn from (step 6)",
        "scheduler": "A scheduling or dashboard tool, e.g. Buffer or Hootsuite (step 7)",
        "calendar_tool": "Where your editorial calendar lives, e.g. a shared spreadsheet (step 8)",
        "pillar_stories": "Stories of the people you serve and your volunteers",
        "pillar_action": "Invitations to act: sign up, come, share",
        "pillar_thanks": "Thanks to partners, donors and sharers",
        "measure_tool": "Where you read results, e.g. Facebook Insights, Google Analytics, newsletter reports",
        "decision_rule": "How results change what you do, e.g. 'each month, do more of the two post types "
        "that brought the most sign-ups' (step 10)",
        "milestone": "A milestone to celebrate, e.g. 'First 10 volunteers from social media' (step 11)",
        "thanks": "How you will thank your community and everyone who helped, e.g. a monthly thank-you post",
    },
    Language.FR: {
        "org_name": "Le nom de votre organisation, tel qu'il doit figurer dans les rapports",
        "website": "https://example.org",
        "title": "Notre plan médias sociaux",
        "your_name": "Votre nom",
        "your_role": "Votre fonction, p. ex. Responsable de la communication",
        "your_department": "communication",
        "colleague_name": "Un ou une collègue d'un autre service (étape 1 : pas en vase clos)",
        "colleague_role": "Sa fonction, p. ex. Coordinatrice des bénévoles",
        "colleague_department": "programmes",
        "goal_statement": "Ce que les médias sociaux doivent accomplir, en une phrase avec un chiffre et une "
        "date, p. ex. « Recruter 30 nouveaux bénévoles via Facebook d'ici juin » (étape 2)",
        "goal_objective": "L'objectif de l'organisation que ce but sert, p. ex. « Garder l'accueil du samedi ouvert »",
        "metric_name": "Ce que vous comptez, p. ex. « Inscriptions de bénévoles venues des réseaux » "
        "(attribuable aux médias sociaux, pas des mentions J'aime)",
        "metric_source": "D'où vient le chiffre, p. ex. votre formulaire d'inscription, Google Analytics, Mailchimp",
        "sheet": "Nom ou lien de votre tableau de suivi (étape 3)",
        "web_analytics": "Votre outil d'analyse web, p. ex. Google Analytics, pour voir les visites venues des réseaux",
        "utm": "Comment vous balisez les liens : utm_source=<réseau>&utm_medium=social&utm_campaign=<id du but>",
        "policy_doc": "Où se trouve votre politique écrite ; faites-la relire par un juriste ou les RH (étape 4)",
        "crisis_doc": "Où se trouve votre plan de communication de crise : qui répond, en combien de temps, "
        "avec quels mots",
        "training_topic": "Ce que le personnel doit et ne doit pas partager",
        "segment_name": "Qui vous voulez atteindre, p. ex. « Bénévoles de 18 à 35 ans ». Une supposition tant "
        "que vous n'avez pas sondé vos sympathisants (étape 5)",
        "rationale": "Pourquoi ce canal : quel segment du public s'y retrouve, et comment vous le savez (étape 5)",
        "handle": "Le nom de votre page ou @compte ; donnez-lui deux administrateurs et activez la double "
        "authentification",
        "keyword_org": "Le nom de votre organisation",
        "keyword_cause": "Le mot-dièse de votre cause, p. ex. #DesRepasPourTous",
        "peer": "Une organisation semblable dont les publications vous inspirent (étape 6)",
        "scheduler": "Un outil de programmation ou tableau de bord, p. ex. Buffer ou Hootsuite (étape 7)",
        "calendar_tool": "Où se trouve votre calendrier éditorial, p. ex. un tableur partagé (étape 8)",
        "pillar_stories": "Histoires des personnes aidées et de vos bénévoles",
        "pillar_action": "Invitations à agir : s'inscrire, venir, partager",
        "pillar_thanks": "Remerciements aux partenaires, donateurs et relais",
        "measure_tool": "Où vous lisez les résultats, p. ex. Facebook Insights, Google Analytics, rapports "
        "d'infolettre",
        "decision_rule": "Comment les résultats changent ce que vous faites, p. ex. « chaque mois, faire plus "
        "des deux types de publication qui ont amené le plus d'inscriptions » (étape 10)",
        "milestone": "Une étape à célébrer, p. ex. « 10 premiers bénévoles venus des réseaux » (étape 11)",
        "thanks": "Comment vous remercierez votre communauté et tous ceux qui ont aidé, p. ex. une publication "
        "de remerciements chaque mois",
    },
}

# Texts a real plan may keep as they are (a title, department names): not placeholders. Every other
# text above is one, and counts as unwritten until replaced (rules/starter-placeholders.yaml lists them,
# generated from here by `make schemas`; tests/test_placeholders.py checks it is current).
_KEPT = frozenset({"title", "your_department", "colleague_department"})


def placeholder_texts() -> list[str]:
    """The starter's placeholder texts, every language, in a stable order (for the rule pack's data)."""
    return list(dict.fromkeys(text for texts in _TEXTS.values() for key, text in texts.items() if key not in _KEPT))


# YAML only: a comment above a key (by JSON pointer), saying what to write and why.
_COMMENTS: dict[Language, dict[str, str]] = {
    Language.EN: {
        "": "A social media strategy plan, read by `assess`. Replace each placeholder with your facts,\n"
        "then run `assess THIS_FILE` to see what the plan still lacks. Sections follow the eleven steps.\n"
        "Dates are YYYY-MM-DD. Ids (like 'you' or 'goal-1') let sections refer to each other.",
        "/organization": "Who the plan is for. staff_hours_per_week: the hours you can all give social media\n"
        "each week together; count about 2 hours per channel.",
        "/plan": "as_of: the date the facts below were true. Checks such as 'last post over 90 days ago'\n"
        "count from it, so the assessment does not change with the calendar.",
        "/people": "Everyone the plan names; other sections refer to them by id. When someone leaves, add\n"
        "  left_on: YYYY-MM-DD   (they no longer count as an admin, backup, contact or owner)\n"
        "and when one human has two entries (a work and a personal login), add  same_as: <other id>.",
        "/committee": "Step 1 - Committee. Social media can't be done in a silo: gather 3 to 5 people from\n"
        "several departments who together like talking with stakeholders, are comfortable with\n"
        "technology, are creative, follow the news, and are well connected and enthusiastic.\n"
        "traits: stakeholder_facing, tech_comfortable, creative, news_aware, well_connected.\n"
        "COM-01 asks for at least 2 members: the two below are a start; 3 to 5 is better.",
        "/goals": "Step 2 - Plan. Goals first: how will you know you succeeded? Social media is a ladder of\n"
        "engagement (follow, share, sign up, volunteer, give), not a cash register: give the lower\n"
        "rungs goals too. category: awareness, community, site_traffic, email_signups,\n"
        "event_participation, advocacy, volunteer_signups or fundraising. At most two primary goals.",
        "/metrics": "Steps 2, 3 and 10 - What you count and where the number comes from. Prefer counts\n"
        "directly attributable to social media (sign-ups, registrations, referrals) to likes and\n"
        "followers. On your start date, record where each metric stands:\n"
        "  baseline: {value: 0, date: YYYY-MM-DD}",
        "/tracking": "Step 3 - Get organised: a tracking spreadsheet, a start date, web analytics to measure\n"
        "visits referred by social sites, and tagged links (UTM) so you know which post brought them.",
        "/policies": "Step 4 - Policies, written by the committee with a lawyer or HR. When reviewed, add\n"
        "  reviewed_by: [legal, hr]  under social_media_policy, and the date of the last staff\n"
        "training under training (last_session: YYYY-MM-DD). Educate and empower staff rather than\n"
        "punish. Keep passwords in one controlled place, e.g.\n"
        "  credential_storage: password_manager   (or shared_vault, it_managed)\n"
        "The crisis plan's backup_responder must be another person than its responder. Review the\n"
        "crisis plan and the policy every year and record it:  last_reviewed: YYYY-MM-DD",
        "/audience": "Step 5 - Audience first. You can't choose a channel without knowing your audience\n"
        "and where it gathers: survey your supporters, then record the survey here, e.g.\n"
        "  research:\n"
        "    - {id: survey-1, method: survey, date: YYYY-MM-DD, respondents: 120,\n"
        "       participants: [supporters, volunteers], summary: ...}\n"
        "(asking only staff or board is their opinion, not audience research), and give each\n"
        "segment evidence: survey and research: [survey-1].",
        "/channels": "Step 5 - Channels, chosen for the audience they reach, after the research above.\n"
        "Beware of shiny-object syndrome: start with the channel your audience uses most. Write the day\n"
        "you choose a channel as selected_on: YYYY-MM-DD, planned or active (status: active once it runs);\n"
        "a channel chosen before the research and re-checked against it gets  reconfirmed_on: YYYY-MM-DD.\n"
        "Step 4: every account belongs to the organisation (ownership: organisation, not someone's\n"
        "personal profile) and needs at least two admins, two different current people, who can take\n"
        "over from each other, and two_factor: true.",
        "/listening": "Step 6 - Listen: take part in the channels to learn their culture, follow similar\n"
        "organisations, and note what people say and share. cadence: daily, weekly...",
        "/tools": "Step 7 - Work smarter: a scheduler saves time, but still log in to each site every day\n"
        "(live_check: daily) and keep scheduled posts a minority (automated_percent: 0-100).",
        "/engagement": "Step 7 - Authenticity: reply within a day, share other people's posts, and thank\n"
        "those who share yours.",
        "/content": "Step 8 - Great content your community wants to share: a simple editorial calendar\n"
        "covering every channel, recurring themes (pillars), and asks for money kept to a\n"
        "minority (fundraising_percent: 20 or less).",
        "/visuals": "Step 9 - Go visual: posts with photos are shared about twice as often. Plan a constant\n"
        "flow of your own photos, videos and infographics, not the logo or stock images. Once each\n"
        "network has properly sized profile and cover images, add  profile_images: sized",
        "/measurement": "Step 10 - Measure and improve: read the numbers, see what works, do more of it.\n"
        "review_cadence: monthly is a good rhythm; after each review set last_review: YYYY-MM-DD.",
        "/celebration": "Step 11 - Celebrate: it's a marathon, not a sprint. Mark milestones and thank the\n"
        "community and everyone who helped.",
    },
    Language.FR: {
        "": "Un plan de stratégie médias sociaux, lu par `assess`. Remplacez chaque exemple par vos\n"
        "faits, puis lancez `assess CE_FICHIER` pour voir ce qui manque encore. Les sections suivent\n"
        "les onze étapes. Dates au format AAAA-MM-JJ. Les identifiants (comme 'you' ou 'goal-1')\n"
        "permettent aux sections de se référer les unes aux autres. Les noms de champs restent en anglais.",
        "/organization": "Pour qui est le plan. staff_hours_per_week : les heures que vous pouvez consacrer\n"
        "ensemble aux médias sociaux chaque semaine ; comptez environ 2 heures par canal.",
        "/plan": "as_of : la date à laquelle les faits ci-dessous étaient vrais. Les vérifications comme\n"
        "« dernière publication il y a plus de 90 jours » comptent à partir de cette date.",
        "/people": "Toutes les personnes citées ; les autres sections s'y réfèrent par leur id. Quand quelqu'un\n"
        "part, ajoutez  left_on: AAAA-MM-JJ   (il ne compte plus comme administrateur, remplaçant, contact\n"
        "ni responsable), et quand une même personne a deux entrées (connexion pro et personnelle),\n"
        "ajoutez  same_as: <autre id>.",
        "/committee": "Étape 1 - Comité. Les médias sociaux ne se font pas en vase clos : réunissez 3 à 5\n"
        "personnes de plusieurs services qui, ensemble, aiment échanger avec les parties prenantes,\n"
        "sont à l'aise avec la technologie, sont créatives, suivent l'actualité, et ont un bon réseau.\n"
        "traits : stakeholder_facing, tech_comfortable, creative, news_aware, well_connected.\n"
        "COM-01 demande au moins 2 membres : les deux ci-dessous sont un début ; 3 à 5, c'est mieux.",
        "/goals": "Étape 2 - Planifier. D'abord les buts : comment saurez-vous que vous avez réussi ? Les\n"
        "médias sociaux sont une échelle d'engagement (suivre, partager, s'inscrire, s'engager,\n"
        "donner), pas une caisse enregistreuse : donnez aussi des buts aux premiers échelons.\n"
        "category : awareness, community, site_traffic, email_signups, event_participation,\n"
        "advocacy, volunteer_signups ou fundraising. Deux buts prioritaires (primary) au plus.",
        "/metrics": "Étapes 2, 3 et 10 - Ce que vous comptez et d'où vient le chiffre. Préférez ce qui est\n"
        "directement attribuable aux médias sociaux (inscriptions, visites référées) aux mentions\n"
        "J'aime. À la date de départ, notez où en est chaque indicateur :\n"
        "  baseline: {value: 0, date: AAAA-MM-JJ}",
        "/tracking": "Étape 3 - S'organiser : un tableau de suivi, une date de départ, un outil d'analyse web\n"
        "pour mesurer les visites venues des réseaux, et des liens balisés (UTM).",
        "/policies": "Étape 4 - Politiques, rédigées par le comité avec un juriste ou les RH. Une fois relue,\n"
        "ajoutez  reviewed_by: [legal, hr]  sous social_media_policy, et la date de la dernière\n"
        "formation sous training (last_session: AAAA-MM-JJ). Former et responsabiliser plutôt que\n"
        "punir. Gardez les mots de passe en un lieu contrôlé, p. ex.\n"
        "  credential_storage: password_manager   (ou shared_vault, it_managed)\n"
        "Le remplaçant du plan de crise (backup_responder) doit être une autre personne que son\n"
        "responsable (responder). Relisez le plan de crise et la politique chaque année et notez-le :\n"
        "  last_reviewed: AAAA-MM-JJ",
        "/audience": "Étape 5 - Le public d'abord. On ne choisit pas un canal sans connaître son public et\n"
        "les lieux où il se retrouve : sondez vos sympathisants, puis notez le sondage ici, p. ex.\n"
        "  research:\n"
        "    - {id: sondage-1, method: survey, date: AAAA-MM-JJ, respondents: 120,\n"
        "       participants: [supporters, volunteers], summary: ...}\n"
        "(interroger seulement le personnel ou le conseil donne leur avis, pas une étude du public),\n"
        "et donnez à chaque segment evidence: survey et research: [sondage-1].",
        "/channels": "Étape 5 - Les canaux, choisis pour le public qu'ils atteignent, après l'étude ci-dessus.\n"
        "Méfiez-vous de l'attrait de la nouveauté : commencez par le canal que votre public utilise\n"
        "le plus. Notez le jour où vous choisissez un canal dans selected_on: AAAA-MM-JJ, prévu ou actif\n"
        "(status: active dès qu'il sert) ; un canal choisi avant\n"
        "l'étude puis revérifié à sa lumière reçoit  reconfirmed_on: AAAA-MM-JJ. Étape 4 : chaque compte\n"
        "appartient à l'organisation (ownership: organisation, pas le profil personnel de quelqu'un) et\n"
        "a besoin d'au moins deux administrateurs, deux personnes actuelles différentes, qui peuvent se\n"
        "relayer, et two_factor: true.",
        "/listening": "Étape 6 - Écouter : participez aux canaux pour en apprendre la culture, suivez des\n"
        "organisations semblables, notez ce que les gens disent et partagent.",
        "/tools": "Étape 7 - Travailler efficacement : un outil de programmation fait gagner du temps, mais\n"
        "connectez-vous quand même chaque jour à chaque site (live_check: daily) et gardez les\n"
        "publications automatiques minoritaires (automated_percent : 0-100).",
        "/engagement": "Étape 7 - Authenticité : répondez dans la journée, partagez les publications des\n"
        "autres et remerciez ceux qui partagent les vôtres.",
        "/content": "Étape 8 - Un contenu que votre communauté veut partager : un calendrier éditorial simple\n"
        "couvrant tous les canaux, des thèmes récurrents (pillars), et des appels aux dons\n"
        "minoritaires (fundraising_percent : 20 ou moins).",
        "/visuals": "Étape 9 - Miser sur le visuel : les publications avec photo sont environ deux fois plus\n"
        "partagées. Prévoyez un flux constant de vos propres photos, vidéos et infographies, pas le\n"
        "logo ni des images de banque. Quand chaque réseau a des images de profil aux bonnes\n"
        "dimensions, ajoutez  profile_images: sized",
        "/measurement": "Étape 10 - Mesurer et s'améliorer : lisez les chiffres, voyez ce qui marche, faites-en\n"
        "plus. review_cadence: monthly est un bon rythme ; après chaque bilan, last_review: AAAA-MM-JJ.",
        "/celebration": "Étape 11 - Célébrer : c'est un marathon, pas un sprint. Marquez les étapes et remerciez\n"
        "la communauté et tous ceux qui ont aidé.",
    },
}


def starter_data(lang: Language = Language.EN, *, today: dt.date) -> dict[str, Any]:
    """The starter plan as JSON-compatible data; ``today`` fills the start and as-of dates."""
    text = _TEXTS[lang]
    day = today.isoformat()
    in_six_months = (today + dt.timedelta(days=182)).isoformat()
    return {
        "schema_version": "1.1",
        "organization": {
            "name": text["org_name"],
            "type": "other",
            "size": "small",
            "staff_hours_per_week": 4,
            "website": text["website"],
        },
        "plan": {
            "title": text["title"],
            "owner": "you",
            "language": lang.value,
            "start_date": day,
            "horizon_months": 12,
            "as_of": day,
        },
        "people": [
            {"id": "you", "name": text["your_name"], "role": text["your_role"], "department": text["your_department"]},
            {
                "id": "colleague",
                "name": text["colleague_name"],
                "role": text["colleague_role"],
                "department": text["colleague_department"],
            },
        ],
        "committee": {
            "members": [
                {"person": "you", "traits": ["tech_comfortable", "creative"]},
                {"person": "colleague", "traits": ["stakeholder_facing", "well_connected"]},
            ],
            "meets": "monthly",
        },
        "goals": [
            {
                "id": "goal-1",
                "statement": text["goal_statement"],
                "category": "volunteer_signups",
                "primary": True,
                "metrics": ["metric-1"],
                "target_value": 30,
                "target_date": in_six_months,
                "objective": text["goal_objective"],
            }
        ],
        "metrics": [
            {
                "id": "metric-1",
                "name": text["metric_name"],
                "kind": "volunteer_signups",
                "source": text["metric_source"],
            }
        ],
        "tracking": {
            "sheet": text["sheet"],
            "start_date": day,
            "web_analytics": text["web_analytics"],
            "utm_convention": text["utm"],
        },
        "policies": {
            "social_media_policy": {"document": text["policy_doc"]},
            "crisis_plan": {
                "document": text["crisis_doc"],
                "contacts": ["you", "colleague"],
                "responder": "you",
                "backup_responder": "colleague",
                "first_response_hours": 24,
            },
            "training": {"topics": [text["training_topic"]]},
            "enforcement": "educate",
        },
        "audience": {
            "segments": [
                {"id": "segment-1", "name": text["segment_name"], "platforms": ["facebook"], "evidence": "assumption"}
            ]
        },
        "channels": [
            {
                "id": "channel-1",
                "platform": "facebook",
                "status": "planned",
                "rationale": text["rationale"],
                "segments": ["segment-1"],
                "owner": "you",
                "hours_per_week": 2,
                "posts_per_week": 3,
                "account": {"handle": text["handle"], "admins": ["you", "colleague"], "ownership": "organisation"},
            }
        ],
        "listening": {
            "keywords": [text["keyword_org"], text["keyword_cause"]],
            "cadence": "weekly",
            "peers_followed": [text["peer"]],
        },
        "tools": {"scheduler": text["scheduler"], "live_check": "daily"},
        "engagement": {"reply_target_hours": 24, "shares_others": True, "acknowledges_sharers": True},
        "content": {
            "calendar": {"tool": text["calendar_tool"], "channels": ["channel-1"]},
            "pillars": [
                {"name": text["pillar_stories"], "percent": 40},
                {"name": text["pillar_action"], "percent": 40},
                {"name": text["pillar_thanks"], "percent": 20},
            ],
            "fundraising_percent": 20,
        },
        "visuals": {"share_percent": 60, "assets_per_month": 8, "formats": ["photo", "video"], "sources": ["original"]},
        "measurement": {
            "tools": [text["measure_tool"]],
            "review_cadence": "monthly",
            "decision_rule": text["decision_rule"],
        },
        "celebration": {
            "milestones": [{"id": "milestone-1", "description": text["milestone"], "metric": "metric-1", "value": 10}],
            "thanks": text["thanks"],
        },
    }


def starter_text(format: Format, lang: Language = Language.EN, *, today: dt.date) -> str:
    """The starter plan's file contents: JSON, or YAML with a comment for every step."""
    data = starter_data(lang, today=today)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    comments = _COMMENTS[lang]
    header = [f"# {line}".rstrip() for line in comments[""].splitlines()]
    return "\n".join([*header, *_yaml_mapping(data, "", 0, comments)]) + "\n"


def format_for(path: str | os.PathLike[str]) -> Format:
    """YAML for a .yaml/.yml path, JSON otherwise."""
    return "yaml" if os.fspath(path).lower().endswith((".yaml", ".yml")) else "json"


def write_starter(
    path: str | os.PathLike[str],
    *,
    lang: Language = Language.EN,
    force: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Write the starter plan to ``path``; `FileExistsError` if it exists and not ``force``.

    The write is atomic (`assess.atomic`): an interrupted run never leaves half a plan behind.
    """
    target = Path(path)
    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists")
    write_atomic(target, starter_text(format_for(target), lang, today=today or dt.date.today()))
    return target


# ------------------------------------------------------------------ a small YAML writer
# PyYAML cannot write comments, and the comments are the point of the YAML starter.

# Text that YAML reads back unchanged without quotes; anything else is written as a JSON string.
_PLAIN = re.compile(r"[A-Za-z][^:#\[\]{}&*!|>\"%@`\\\n]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def _yaml_mapping(node: dict[str, Any], pointer: str, indent: int, comments: dict[str, str]) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in node.items():
        child = f"{pointer}/{key}"
        if child in comments:
            if indent == 0:
                lines.append("")  # a blank line between steps
            lines += [f"{pad}# {line}".rstrip() for line in comments[child].splitlines()]
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{key}:")
            lines += _yaml_mapping(value, child, indent + 2, comments)
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            lines.append(f"{pad}{key}:")
            for item in value:
                item_lines = _yaml_mapping(item, child, indent + 4, comments)
                item_lines[0] = f"{pad}  - {item_lines[0].lstrip()}"
                lines += item_lines
        else:
            lines.append(f"{pad}{key}: {_yaml_scalar(value)}")
    return lines


def _yaml_scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(item, flow=True) for item in value) + "]"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _DATE.fullmatch(text):
        return text
    plain = _PLAIN.fullmatch(text) and text.lower() not in _RESERVED and not text.endswith(" ")
    return text if plain and not (flow and "," in text) else json.dumps(text, ensure_ascii=False)
