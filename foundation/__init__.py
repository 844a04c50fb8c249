"""The ground floor: what every other package of CollectorDojo needs, and nothing that needs them.

Paths (`paths`), the one settings object (`settings`), the base error (`errors`), the turn message
format shared by the action server and its clients (`turn_message`), the fixed vocabularies
(`vocab`), the user-visible labels read from data/i18n/labels.yml (`labels`), YAML with line marks
(`yamlmarks`) and text normalisation (`normalize`). It imports no other package of ours and no
heavy dependency, so any package may import it; `tests/test_import_rules.py` keeps it that way.
"""
