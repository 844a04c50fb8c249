"""Update handlers, one module per role, plus what every role shares (`common`)."""
