"""What the simulator itself (not the debtor) says when a turn cannot be played, in both languages."""
from typing import Any, Mapping, Optional

from foundation.turn_message import error_payload

SYSTEM_LINES = {
    "no_session": {
        "zh": "（当前没有进行中的练习。请先选择一个场景开始练习。）",
        "en": "(No practice session is open. Pick a scenario to start one.)",
    },
    "unknown_scenario": {
        "zh": "（找不到场景 {scenario_id}。可用场景：{known}）",
        "en": "(Unknown scenario {scenario_id}. Available: {known})",
    },
    "store_unavailable": {
        "zh": "（练习记录暂时无法保存，这一句没有计入。请稍后再发一次。）",
        "en": "(Your practice log can't be saved right now, so this line was not counted. Please send it again shortly.)",
    },
}


def system_line(key: str, lang: str, **values: str) -> str:
    lines = SYSTEM_LINES[key]
    return lines.get(lang, lines["en"]).format(**values)


def utter_system(dispatcher, session_id: str, key: str, lang: str, values: Optional[Mapping[str, str]] = None,
                 **payload_extra: Any) -> None:
    """Say why the turn could not be played; the payload's `error` lets clients react (keep, retry, list ids)."""
    dispatcher.utter_message(text=system_line(key, lang, **(values or {})),
                             json_message=error_payload(session_id, key, **payload_extra))
