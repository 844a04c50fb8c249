"""Access rules as a table: who may view which session, and who may do the lead-only actions."""
from __future__ import annotations

import datetime as dt

import pytest

from progress import access
from progress.errors import AccessDenied

LEAD = {"id": "boss", "role": "lead"}
TRAINER = {"id": "coach", "role": "trainer"}
OTHER_TRAINER = {"id": "coach2", "role": "trainer"}
OWNER = {"id": "li", "role": "trainee"}
STRANGER = {"id": "wu", "role": "trainee"}


@pytest.mark.parametrize("viewer,allowed", [
    (LEAD, True), (TRAINER, True), (OTHER_TRAINER, False), (OWNER, True), (STRANGER, False), (None, False),
    ({"id": "li", "role": "guest"}, False),
])
def test_who_can_view_a_session(store, viewer, allowed):
    store.ensure_user("coach", role="trainer")
    store.ensure_user("li")
    store.assign("coach", "li", "hostile_cn", "coach", store.today() + dt.timedelta(days=3))
    store.start_session("s1", "li", "hostile_cn", "zh", "coach", "telegram")
    session = store.session("s1")
    assert access.can_view_session(viewer, session) is allowed
    assert access.can_view_trainee(viewer, "li", store.trainers_of("li")) is allowed


@pytest.mark.parametrize("action", access.LEAD_ONLY_ACTIONS)
@pytest.mark.parametrize("viewer,allowed", [(LEAD, True), (TRAINER, False), (OWNER, False), (None, False)])
def test_lead_only_actions(action, viewer, allowed):
    assert access.can(viewer, action) is allowed


def test_require_raises_bilingual_access_denied():
    with pytest.raises(AccessDenied, match="无权"):
        access.require(access.can(OWNER, "certify"), "certify", ("lead",))
    access.require(access.can_assign(TRAINER), "assign")
