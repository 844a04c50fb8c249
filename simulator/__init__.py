"""The simulated debtor: personas and scenarios as validated data, and a pure state machine that
turns each trainee act into the debtor's next state and words.

Nothing here talks to Rasa, Telegram or SQLite, so the action server, the terminal and the tests
all drive exactly the same debtor.
"""
