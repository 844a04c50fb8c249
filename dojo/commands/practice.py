"""`dojo practice`: talk to a simulated debtor from the terminal, interactively or from a script."""
from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import sys
import uuid
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console

from dojo.catalog_access import load_catalog_or_fail, resolve_scenario
from dojo.servers import simulator_for
from dojo.terminal_view import TerminalView
from foundation.errors import DojoError, SimulatorUnavailable
from foundation.settings import Settings
from foundation.turn_message import DebtorReply
from foundation.vocab import LANGUAGES, MODES
from rasa_client import RasaClient

END_COMMANDS = {"/end", "/结束"}
QUIT_COMMANDS = {"/quit", "/exit", "/退出"}


@contextlib.contextmanager
def simulator_url(settings: Settings, view: TerminalView) -> Iterator[str]:
    """Use DOJO_RASA_URL when it is set; otherwise start both servers on free ports and stop them after."""
    if settings.rasa_url:
        yield settings.rasa_url
        return
    with view.console.status("Starting the simulator (Rasa + action server, about 20 s)…"):
        simulator = simulator_for(settings).start()
    try:
        yield simulator.rasa_url
    finally:
        simulator.stop()


def _script_lines(path: Path) -> List[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DojoError(f"cannot read script {path}: {exc.strerror}") from exc


def _interactive_lines(view: TerminalView) -> Iterator[str]:
    while True:
        try:
            yield view.console.input("[bold cyan]> [/]")
        except EOFError:
            return
        except KeyboardInterrupt:
            view.console.print()
            return


async def _play(client: RasaClient, session_id: str, scenario_id: str, lang: str, mode: str, trainee_id: str,
                lines, view: TerminalView, as_json: bool, last_index: Optional[int], echo: bool = False) -> Optional[DebtorReply]:
    reply = await client.start_session(session_id, scenario_id, lang, mode, trainee_id)
    if reply.error:
        raise DojoError(f"the simulator could not open the session: {reply.text}")
    view.debtor_line(reply.text)
    view.state_line(reply.state)
    final: Optional[DebtorReply] = None
    for index, line in enumerate(lines):
        if line.strip() in QUIT_COMMANDS:
            return None
        if line.strip() in END_COMMANDS:
            break
        reply = await client.send(session_id, line)
        if reply.error == "store_unavailable":
            view.notice(reply.text)
            continue
        if reply.ended is False and last_index is not None and index == last_index:
            # The script ran out before the call ended: its last line carries the report card.
            closing = await client.end_session(session_id)
            reply = DebtorReply(**{**reply.__dict__, "report": closing.report, "ended": True})
        if as_json:
            print(json.dumps(reply.to_json_line(line), ensure_ascii=False), flush=True)
        else:
            if echo:
                view.trainee_echo(line)
            view.debtor_line(reply.text)
            view.state_line(reply.state)
            if mode == "coach":
                view.tip(reply.tip)
        if reply.ended:
            final = reply
            break
    if final is None:
        final = await client.end_session(session_id)
    return final


def practice_command(
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="scenario id (see `dojo scenarios`); default: the starter scenario"),
    lang: str = typer.Option("zh", "--lang", "-l", help="zh or en: the language you and the debtor speak"),
    mode: str = typer.Option("coach", "--mode", "-m", help="coach: a tip after each turn; exam: grades only at the end"),
    trainee: Optional[str] = typer.Option(None, "--trainee", help="who is practising (default: your user name)"),
    script: Optional[Path] = typer.Option(None, "--script", help="read trainee lines from FILE, one per line"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object per turn on stdout"),
) -> None:
    """Practise a collection call against a simulated debtor."""
    if lang not in LANGUAGES:
        raise DojoError(f"--lang must be zh or en, not {lang!r}")
    if mode not in MODES:
        raise DojoError(f"--mode must be coach or exam, not {mode!r}")
    catalog = load_catalog_or_fail()
    chosen = resolve_scenario(catalog, scenario)
    if lang not in chosen.languages:
        raise DojoError(f"scenario {chosen.id} is not playable in {lang}; it offers {', '.join(chosen.languages)}")
    settings = Settings.from_env()
    view = TerminalView(lang, Console(stderr=as_json, highlight=False))
    lines = _script_lines(script) if script else None
    if not as_json:
        view.scenario_card(chosen.card(lang))
    session_id = f"cli-{uuid.uuid4().hex[:12]}"
    trainee_id = trainee or getpass.getuser() or "trainee"
    with simulator_url(settings, view) as url:
        async def run() -> Optional[DebtorReply]:
            async with RasaClient(url, token=settings.rasa_token, timeout=30.0) as client:
                source = lines if lines is not None else _interactive_lines(view)
                last = len(lines) - 1 if lines is not None and as_json else None
                return await _play(client, session_id, chosen.id, lang, mode, trainee_id, source, view, as_json, last,
                                   echo=lines is not None)

        try:
            final = asyncio.run(run())
        except SimulatorUnavailable as exc:
            raise DojoError(f"the simulator is unavailable: {exc}") from exc
    if final is not None and final.report and not as_json:
        view.report_card(final.report, final.outcome)
    if not as_json:
        view.notice(f"session {session_id} saved for trainee {trainee_id} in {settings.db_path}", style="dim")


def register(app: typer.Typer) -> None:
    app.command("practice")(practice_command)
