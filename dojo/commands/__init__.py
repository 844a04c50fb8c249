"""Command modules; each exposes `register(app: typer.Typer)` and is discovered by `dojo.cli`."""
