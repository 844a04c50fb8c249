"""`dojo dashboard [--host 127.0.0.1] [--port 8001]`: the read-only web dashboard (Datasette)."""
from __future__ import annotations

import typer

from dojo.store_cli import open_store, user_errors
from foundation.settings import Settings
from progress import dashboard


def dashboard_command(
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind; anything but loopback needs "
                                                           "DOJO_DASHBOARD_PASSWORD"),
    port: int = typer.Option(8001, "--port", help="port to bind"),
) -> None:
    """Serve the read-only progress dashboard (team board at /-/dashboards/team). / 只读进度看板"""
    settings = Settings.from_env()
    with user_errors():
        dashboard.check_bind(host, settings.dashboard_password)
        # Create or upgrade the schema first: Datasette itself never writes to the file.
        with open_store() as store:
            path = store.where
        auth = "password required" if settings.dashboard_password else "no password (loopback only)"
        typer.echo(f"dashboard on http://{host}:{port}/-/dashboards/team ({auth}) / 看板已启动", err=True)
        dashboard.serve(path, host, port, settings.dashboard_password)


def register(app: typer.Typer) -> None:
    app.command("dashboard")(dashboard_command)
