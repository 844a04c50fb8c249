"""Plugins the Rasa server loads by dotted path from endpoints.yml and config.yml (tracker store, NLU components).

An edge package: Rasa imports it, and it may import `foundation`; no package of ours imports it.
"""
