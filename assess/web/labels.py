"""The workbench's own words in English and French (report labels come from `assess.i18n`).

Field titles and descriptions come from the plan schema (English); `FIELD_TITLES_FR` gives the
French title of the fields known today. A field added later shows its schema title until it
gets one here: the form itself needs no change.
"""

from __future__ import annotations

LANGUAGES = ("en", "fr")

LABELS: dict[str, dict[str, str]] = {
    "workbench": {"en": "Plan workbench", "fr": "Atelier du plan"},
    "plans": {"en": "Plans in this folder", "fr": "Plans de ce dossier"},
    "no_plans": {"en": "No plan in this folder yet.", "fr": "Aucun plan dans ce dossier pour l'instant."},
    "new_plan": {"en": "Start a new plan", "fr": "Commencer un nouveau plan"},
    "new_plan_help": {
        "en": "A starter plan that walks you through the eleven steps; replace its placeholders with your facts.",
        "fr": "Un plan de départ qui vous guide à travers les onze étapes ; remplacez ses textes d'exemple "
        "par vos informations.",
    },
    "file_name": {"en": "File name", "fr": "Nom du fichier"},
    "plan_language": {"en": "Language of the plan", "fr": "Langue du plan"},
    "create": {"en": "Create", "fr": "Créer"},
    "file": {"en": "File", "fr": "Fichier"},
    "organization": {"en": "Organisation", "fr": "Organisation"},
    "score": {"en": "Score", "fr": "Score"},
    "grade": {"en": "Grade", "fr": "Note"},
    "first_action": {"en": "First thing to do", "fr": "Première chose à faire"},
    "not_assessed": {"en": "Not assessed", "fr": "Non évalué"},
    "open": {"en": "Open", "fr": "Ouvrir"},
    "overview": {"en": "Overview", "fr": "Vue d'ensemble"},
    "basics": {"en": "Organisation and people", "fr": "Organisation et personnes"},
    "basics_summary": {
        "en": "Who the plan is for, the plan itself, and everyone it names.",
        "fr": "Pour qui est le plan, le plan lui-même, et toutes les personnes qu'il nomme.",
    },
    "step_n": {"en": "Step {n}", "fr": "Étape {n}"},
    "save": {"en": "Save and assess", "fr": "Enregistrer et évaluer"},
    "saved": {"en": "Saved and assessed.", "fr": "Enregistré et évalué."},
    "unchanged": {"en": "Nothing changed.", "fr": "Rien n'a changé."},
    "add_item": {"en": "Add {what}", "fr": "Ajouter : {what}"},
    "remove_item": {"en": "Remove {what}", "fr": "Retirer : {what}"},
    "empty_list": {"en": "None yet.", "fr": "Aucun pour l'instant."},
    "one_per_line": {"en": "One per line.", "fr": "Un par ligne."},
    "choose_from": {
        "en": "Choose from the plan's {noun} entries.",
        "fr": "Choisir parmi les entrées du plan ({noun}).",
    },
    "none_to_choose": {
        "en": "The plan has no {noun} to choose yet: add one on its page first.",
        "fr": "Le plan n'a pas encore d'entrée à choisir ({noun}) : ajoutez-en une sur sa page d'abord.",
    },
    "unstated": {"en": "— not stated —", "fr": "— non indiqué —"},
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "required": {"en": "required", "fr": "obligatoire"},
    "overall_score": {"en": "Overall score", "fr": "Score global"},
    "step_score": {"en": "This step", "fr": "Cette étape"},
    "out_of_100": {"en": "out of 100", "fr": "sur 100"},
    "completeness": {"en": "Completeness", "fr": "Complétude"},
    "top_three": {"en": "Three things to do first", "fr": "Les trois choses à faire d'abord"},
    "top_many": {"en": "{count} things to do first", "fr": "Les {count} choses à faire d'abord"},
    "score_once_done": {"en": "score once done: {score}", "fr": "score une fois fait : {score}"},
    "findings_here": {"en": "Findings for this step", "fr": "Constats de cette étape"},
    "no_findings_here": {"en": "No findings for this step.", "fr": "Aucun constat pour cette étape."},
    "still_to_fill": {"en": "Still to fill", "fr": "Reste à remplir"},
    "still_to_fill_help": {
        "en": "Placeholders from the starter, and information the checks need that the plan does not give yet.",
        "fr": "Textes d'exemple du plan de départ, et informations dont les contrôles ont besoin et que le plan "
        "ne donne pas encore.",
    },
    "placeholder_value": {"en": "placeholder", "fr": "texte d'exemple"},
    "not_stated": {"en": "not stated", "fr": "non indiqué"},
    "invalid": {
        "en": "The plan is saved but cannot be assessed until these are fixed:",
        "fr": "Le plan est enregistré mais ne peut être évalué tant que ceci n'est pas corrigé :",
    },
    "report": {"en": "HTML report", "fr": "Rapport HTML"},
    "diff_last": {"en": "Changes since the last save", "fr": "Changements depuis le dernier enregistrement"},
    "diff_session": {"en": "Changes since opened", "fr": "Changements depuis l'ouverture"},
    "no_previous": {
        "en": "No earlier version yet: save a change first.",
        "fr": "Pas encore de version antérieure : enregistrez d'abord une modification.",
    },
    "conflict_title": {"en": "The file changed on disk", "fr": "Le fichier a changé sur le disque"},
    "conflict": {
        "en": "Someone (another tab, an editor) changed {file} since this page was shown. Nothing was written. "
        "Open the page again to see the current file, then redo your change.",
        "fr": "Quelqu'un (un autre onglet, un éditeur) a modifié {file} depuis l'affichage de cette page. Rien n'a "
        "été écrit. Rouvrez la page pour voir le fichier actuel, puis refaites votre modification.",
    },
    "unparsable": {
        "en": "The workbench cannot read this file as JSON or YAML, so it can neither show it in the form nor "
        "assess it:",
        "fr": "L'atelier ne peut pas lire ce fichier comme du JSON ou du YAML : il ne peut ni l'afficher dans le "
        "formulaire ni l'évaluer :",
    },
    "unparsable_fix": {
        "en": "Fix it in a text editor at the line and column shown, save it, then open this page again: "
        "the form needs a document it can read.",
        "fr": "Corrigez-le dans un éditeur de texte à la ligne et à la colonne indiquées, enregistrez-le, puis "
        "rouvrez cette page : le formulaire a besoin d'un document lisible.",
    },
    "too_large_plan": {
        "en": "{file} is {size}, over the {limit} the workbench opens, so it can neither show it in the form nor "
        "assess it here.",
        "fr": "{file} fait {size}, au-delà des {limit} que l'atelier ouvre : il ne peut ni l'afficher dans le "
        "formulaire ni l'évaluer ici.",
    },
    "too_large_fix": {
        "en": "Assess it with the command line: {command} (it reads plans up to {cli_limit}; --max-size raises "
        "that), and edit it in a text editor; or split it into smaller plan files to work on them here.",
        "fr": "Évaluez-le en ligne de commande : {command} (elle lit les plans jusqu'à {cli_limit} ; --max-size "
        "relève cette limite), et modifiez-le dans un éditeur de texte ; ou découpez-le en fichiers de plan plus "
        "petits pour les travailler ici.",
    },
    "reload": {"en": "Open the page again", "fr": "Rouvrir la page"},
    "not_a_choice": {"en": "not one of the choices", "fr": "ne fait pas partie des choix"},
    "kept_as_written": {
        "en": "Not a valid value for this field: kept as written until you correct it (see the problems).",
        "fr": "Valeur non valide pour ce champ : gardée telle quelle jusqu'à ce que vous la corrigiez "
        "(voir les problèmes).",
    },
    "failed_title": {"en": "Something went wrong", "fr": "Une erreur s'est produite"},
    "failed": {
        "en": "The workbench could not do this ({error}); the details are in the server's log. "
        "Go back to the page (it shows what the file holds now), or edit the file in a text editor.",
        "fr": "L'atelier n'a pas pu faire cela ({error}) ; le détail est dans le journal du serveur. "
        "Revenez à la page (elle montre ce que contient le fichier), ou modifiez le fichier dans un éditeur de texte.",
    },
    "bad_form": {"en": "This form could not be read: {error}", "fr": "Ce formulaire n'a pas pu être lu : {error}"},
    "forbidden_title": {"en": "Not allowed", "fr": "Non autorisé"},
    "forbidden_token": {
        "en": "Open the workbench with the address `assess serve` printed (it carries a token).",
        "fr": "Ouvrez l'atelier avec l'adresse affichée par `assess serve` (elle contient un jeton).",
    },
    "forbidden_host": {
        "en": "This request came from another site or host name, and was refused.",
        "fr": "Cette requête venait d'un autre site ou nom d'hôte, et a été refusée.",
    },
    "forbidden_csrf": {
        "en": "This form is out of date or did not come from the workbench. Open the page again.",
        "fr": "Ce formulaire est périmé ou ne vient pas de l'atelier. Rouvrez la page.",
    },
    "not_found": {"en": "Not found", "fr": "Introuvable"},
    "not_found_text": {
        "en": "There is no such plan or page in the opened folder.",
        "fr": "Ce plan ou cette page n'existe pas dans le dossier ouvert.",
    },
    "exists": {"en": "{file} already exists.", "fr": "{file} existe déjà."},
    "bad_name": {
        "en": "A file name: letters (accents and other scripts too), digits, spaces, '.', '_' or '-', starting "
        "with a letter or digit and ending in .yaml, .yml or .json.",
        "fr": "Un nom de fichier : lettres (accentuées et d'autres écritures aussi), chiffres, espaces, « . », "
        "« _ » ou « - », commençant par une lettre ou un chiffre et finissant par .yaml, .yml ou .json.",
    },
    "too_large": {"en": "The request is too large.", "fr": "La requête est trop volumineuse."},
    "back": {"en": "Back to the folder", "fr": "Retour au dossier"},
    "previous": {"en": "Previous step", "fr": "Étape précédente"},
    "next": {"en": "Next step", "fr": "Étape suivante"},
    "language": {"en": "Language", "fr": "Langue"},
    "steps": {"en": "Steps", "fr": "Étapes"},
    "maturity": {"en": "Maturity", "fr": "Maturité"},
    "go_to_field": {"en": "go to the field", "fr": "aller au champ"},
    "example": {"en": "e.g. {example}", "fr": "p. ex. {example}"},
}

FIELD_TITLES_FR: dict[str, str] = {
    "organization": "Organisation",
    "plan": "Plan",
    "people": "Personnes",
    "name": "Nom",
    "type": "Type",
    "size": "Taille",
    "staff_hours_per_week": "Heures de personnel par semaine",
    "website": "Site web",
    "title": "Titre",
    "owner": "Responsable",
    "language": "Langue",
    "start_date": "Date de début",
    "horizon_months": "Durée (mois)",
    "as_of": "Date des informations",
    "id": "Identifiant",
    "role": "Fonction",
    "department": "Service",
    "left_on": "Départ le",
    "same_as": "Même personne que",
    "committee": "Comité",
    "members": "Membres",
    "person": "Personne",
    "traits": "Qualités",
    "meets": "Se réunit",
    "goals": "Objectifs",
    "statement": "Énoncé",
    "category": "Catégorie",
    "primary": "Principal",
    "metrics": "Indicateurs",
    "target_value": "Valeur cible",
    "target_date": "Date cible",
    "objective": "Objectif de l'organisation",
    "kind": "Sorte",
    "source": "Source",
    "baseline": "Point de départ",
    "value": "Valeur",
    "date": "Date",
    "tracking": "Suivi",
    "sheet": "Tableau de suivi",
    "web_analytics": "Mesure d'audience web",
    "utm_convention": "Convention UTM",
    "policies": "Politiques",
    "social_media_policy": "Politique médias sociaux",
    "document": "Document",
    "adopted_on": "Adoptée le",
    "reviewed_by": "Relue par",
    "last_reviewed": "Dernière relecture",
    "crisis_plan": "Plan de crise",
    "contacts": "Contacts",
    "responder": "Répondant principal",
    "backup_responder": "Répondant suppléant",
    "first_response_hours": "Première réponse (heures)",
    "training": "Formation",
    "last_session": "Dernière session",
    "topics": "Sujets",
    "enforcement": "Application",
    "credential_storage": "Stockage des mots de passe",
    "audience": "Public",
    "research": "Études",
    "method": "Méthode",
    "respondents": "Répondants",
    "participants": "Participants",
    "summary": "Résumé",
    "segments": "Segments",
    "platforms": "Plateformes",
    "evidence": "Preuve",
    "channels": "Canaux",
    "platform": "Plateforme",
    "status": "État",
    "selected_on": "Choisi le",
    "reconfirmed_on": "Reconfirmé le",
    "rationale": "Justification",
    "hours_per_week": "Heures par semaine",
    "posts_per_week": "Publications par semaine",
    "last_post_on": "Dernière publication",
    "account": "Compte",
    "handle": "Nom du compte",
    "admins": "Administrateurs",
    "two_factor": "Double authentification",
    "ownership": "Propriété",
    "listening": "Écoute",
    "keywords": "Mots-clés",
    "cadence": "Fréquence",
    "peers_followed": "Organisations suivies",
    "tool": "Outil",
    "tools": "Outils",
    "scheduler": "Outil de planification",
    "live_check": "Présence en direct",
    "automated_percent": "Part automatisée (%)",
    "engagement": "Interaction",
    "reply_target_hours": "Délai de réponse visé (heures)",
    "shares_others": "Partage les publications des autres",
    "acknowledges_sharers": "Remercie ceux qui partagent",
    "content": "Contenu",
    "calendar": "Calendrier éditorial",
    "pillars": "Thèmes",
    "percent": "Part (%)",
    "fundraising_percent": "Part des appels aux dons (%)",
    "visuals": "Visuels",
    "share_percent": "Part des publications illustrées (%)",
    "assets_per_month": "Visuels produits par mois",
    "formats": "Formats",
    "sources": "Sources",
    "profile_images": "Images de profil",
    "measurement": "Mesure",
    "review_cadence": "Fréquence de revue",
    "decision_rule": "Règle de décision",
    "last_review": "Dernière revue",
    "celebration": "Célébration",
    "milestones": "Étapes à fêter",
    "description": "Description",
    "metric": "Indicateur",
    "thanks": "Remerciements",
}


def label(key: str, lang: str) -> str:
    """The UI text `key` in `lang` (English when the language is unknown)."""
    entry = LABELS[key]
    return entry.get(lang, entry["en"])


def field_titles(lang: str) -> dict[str, str]:
    """Titles to use instead of the schema's, by field key (none in English: the schema's titles are English)."""
    titles = dict(FIELD_TITLES_FR) if lang == "fr" else {}
    titles["__yes"] = label("yes", lang)
    titles["__no"] = label("no", lang)
    titles["__not_a_choice"] = label("not_a_choice", lang)
    titles["__kept"] = label("kept_as_written", lang)
    return titles
