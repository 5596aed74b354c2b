"""The rule language and the catalog: rule packs as data, their conditions, the facts they match.

``rulepack`` reads and checks packs, ``conditions`` compiles a rule's condition, ``facts`` turns
a typed plan into the facts conditions match on, ``catalog`` builds the active rule set from
packs and configuration, ``ruletest`` runs a pack's own examples.
"""
