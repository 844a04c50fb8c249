"""How a finding is named, so a trainee can dispute exactly one and everyone else can find it again.

A finding is named the way the report card and `dojo trainer transcript --json` show it: a
violation by its rule id (e.g. `cn.cbirc.68.violence`), a missing NVC part as `nvc.<part>`, an
escalating tone as `deescalation`, and a session check (turn 0) by its session rule's id (e.g.
`cn.cbirc.68.disclosure`), `commitment` or `arc`. It lives on the ground floor because the store
checks a dispute against it, the bot puts a button on each, and the graders take them back.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Set

NVC_PARTS = ("observation", "feeling", "need", "request")
SESSION_TURN = 0
COMMITMENT, ARC, DEESCALATION = "commitment", "arc", "deescalation"
KINDS = ("violation", "nvc", "polarity", "session")


def violation_id(violation: Mapping[str, Any]) -> str:
    return str(violation.get("rule") or violation.get("category") or "")


def turn_findings(findings: Optional[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """What one turn's stored findings hold that a trainee may dispute, each with its id and kind."""
    if not isinstance(findings, Mapping):
        return []
    found: List[Dict[str, Any]] = []
    for violation in findings.get("violations") or ():
        if isinstance(violation, Mapping) and violation_id(violation):
            found.append({"finding": violation_id(violation), "kind": "violation", **violation_detail(violation)})
    nvc = findings.get("nvc") or {}
    if isinstance(nvc, Mapping) and nvc:
        for part in NVC_PARTS:
            if not nvc.get(part):
                found.append({"finding": f"nvc.{part}", "kind": "nvc", "category": f"nvc.{part}"})
    tone = findings.get("deescalation") or {}
    if isinstance(tone, Mapping) and (tone.get("polarity") or 0) < 0:
        found.append({"finding": DEESCALATION, "kind": "polarity", "category": DEESCALATION,
                      "evidence": ", ".join(str(e) for e in tone.get("escalators") or ())})
    return _unique(found)


def session_checks(report: Optional[Mapping[str, Any]], turn_rule_ids: Iterable[str] = ()) -> List[Dict[str, Any]]:
    """The session-level findings of a report card (all at turn 0): its violations that no turn's
    own findings carry (opening disclosure, calling hours, contact frequency, an ignored cease
    request), a commitment not secured, and the listen → empathise → solve arc not followed."""
    if not isinstance(report, Mapping) or not report:
        return []
    per_turn = set(turn_rule_ids)
    found = [{"finding": violation_id(v), "kind": "session", **violation_detail(v)}
             for v in report.get("violations") or ()
             if isinstance(v, Mapping) and violation_id(v) and violation_id(v) not in per_turn]
    if "commitment_secured" in report and not report.get("commitment_secured"):
        found.append({"finding": COMMITMENT, "kind": "session", "category": COMMITMENT})
    arc = report.get("arc") or {}
    if isinstance(arc, Mapping) and "listen_empathise_solve" in arc and not arc["listen_empathise_solve"]:
        found.append({"finding": ARC, "kind": "session", "category": ARC})
    return _unique(found)


def violation_detail(violation: Mapping[str, Any]) -> Dict[str, Any]:
    span = violation.get("span")
    return {"rule": violation.get("rule"), "category": violation.get("category"),
            "severity": violation.get("severity"), "citation": violation.get("citation"),
            "source": violation.get("source"), "evidence": violation.get("evidence"),
            "span": list(span) if isinstance(span, (list, tuple)) and len(span) == 2 else None}


def _unique(found: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A rule that matched twice in one reply is one finding: disputing it disputes both matches."""
    seen: Set[str] = set()
    return [item for item in found if not (item["finding"] in seen or seen.add(item["finding"]))]
