"""Plugins that Rasa loads by name: the SQL tracker store with its cache, and the NLU text normaliser."""
