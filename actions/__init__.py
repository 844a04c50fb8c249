"""The debtor's Rasa actions: thin glue between Rasa, `simulator`, `scoring` and `progress`.

rasa_sdk imports every submodule of this package and registers the `Action` classes it finds.
"""
