"""Trainers and leads: assigning, certifying, exporting, promoting; and every staff command refused for a trainee."""
from __future__ import annotations

import datetime as dt

import pytest
from bot_world import ALICE, LEAD, TRAINER, XIAOMING, buttons, callback_data, keyboard_after, run

from bot.commands import COMMANDS


def a_scenario(scenarios):
    return sorted(scenarios)[0]


def in_days(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


async def register(api, *users):
    for user in users:
        mark = len(api.calls)
        await api.say(user, "/start")
        await api.wait_text(user.id, "CollectorDojo" if user.language_code == "en" else "催收陪练", since=mark)


def test_configured_roles_and_staff_menus(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, LEAD, TRAINER, ALICE)
        assert [store.get_user(f"tg:{u.id}")["role"] for u in (LEAD, TRAINER, ALICE)] == ["lead", "trainer", "trainee"]
        menus = {c.params["scope"]["chat_id"]: [x["command"] for x in c.params["commands"]]
                 for c in api.calls_to("setMyCommands") if c.params.get("scope", {}).get("type") == "chat"}
        assert "promote" in menus[LEAD.id] and "assign" in menus[TRAINER.id] and "promote" not in menus[TRAINER.id]
        defaults = [c for c in api.calls_to("setMyCommands") if "scope" not in c.params]
        assert {c.params.get("language_code") for c in defaults} == {None, "zh"}
        assert all("assign" not in [x["command"] for x in c.params["commands"]] for c in defaults)

    run(body, store, scenarios)


def test_configured_staff_are_raised_back_to_their_role(store, scenarios):
    store.ensure_user(f"tg:{TRAINER.id}", name="tom_trainer", telegram_id=TRAINER.id, lang="en")
    assert store.get_user(f"tg:{TRAINER.id}")["role"] == "trainee"

    async def body(world):
        api = world.api
        await api.say(TRAINER, "/assignments")
        await api.wait_text(TRAINER.id, "No assignments")
        assert store.get_user(f"tg:{TRAINER.id}")["role"] == "trainer"

    run(body, store, scenarios)


def test_trainer_assigns_by_command_and_trainee_sees_it(store, scenarios):
    scenario_id = a_scenario(scenarios)
    due = in_days(10)

    async def body(world):
        api = world.api
        await register(api, TRAINER, ALICE)
        mark = len(api.calls)
        await api.say(TRAINER, f"/assign @alice {scenario_id} {due} exam")
        await api.wait_text(TRAINER.id, "Assigned", since=mark)
        notice = await api.wait_text(ALICE.id, "New assignment", since=mark)
        assert due in notice.text
        [row] = store.assignments(trainee_id=f"tg:{ALICE.id}")
        assert (row["scenario_id"], row["mode"], row["due"], row["trainer_id"]) == (scenario_id, "exam", due, f"tg:{TRAINER.id}")
        mark = len(api.calls)
        await api.say(ALICE, "/practice")
        menu = await keyboard_after(api, ALICE.id, mark)
        first = buttons(menu)[0]
        assert first["callback_data"] == f"p:s:{scenario_id}" and due in first["text"] and "📌" in first["text"]
        mark = len(api.calls)
        await api.say(TRAINER, "/assignments")
        listing = await api.wait_text(TRAINER.id, "Assignments", since=mark)
        assert "@alice" in listing.text and due in listing.text

    run(body, store, scenarios)


def test_trainer_assigns_with_buttons(store, scenarios):
    scenario_id = a_scenario(scenarios)

    async def body(world):
        api = world.api
        await register(api, TRAINER, ALICE, XIAOMING)
        mark = len(api.calls)
        await api.say(TRAINER, "/assign")
        menu = await keyboard_after(api, TRAINER.id, mark)
        assert {f"a:t:tg:{ALICE.id}", f"a:t:tg:{XIAOMING.id}", "a:n"} <= set(callback_data(menu))
        for data in (f"a:t:tg:{ALICE.id}", f"a:t:tg:{XIAOMING.id}"):
            mark = len(api.calls)
            await api.tap(TRAINER, data)
            await api.wait_for(lambda c: c.method == "editMessageReplyMarkup", since=mark)
        for data, expected in (("a:n", f"a:s:{scenario_id}"), (f"a:s:{scenario_id}", "a:m:exam"), ("a:m:exam", "a:d:3")):
            mark = len(api.calls)
            await api.tap(TRAINER, data)
            assert expected in callback_data(await keyboard_after(api, TRAINER.id, mark))
        mark = len(api.calls)
        await api.tap(TRAINER, "a:d:3")
        await api.wait_text(TRAINER.id, "Assigned", since=mark)
        await api.wait_text(XIAOMING.id, "新任务", since=mark)
        rows = store.assignments(trainer_id=f"tg:{TRAINER.id}")
        assert sorted(r["trainee_id"] for r in rows) == [f"tg:{ALICE.id}", f"tg:{XIAOMING.id}"]
        assert {r["due"] for r in rows} == {in_days(3)}

    run(body, store, scenarios)


def test_assign_keyboard_pages_a_large_team(store, scenarios):
    for n in range(45):
        store.ensure_user(f"tg:{7000 + n}", name=f"trainee{n:02d}", telegram_id=7000 + n, lang="en")

    async def body(world):
        api = world.api
        await register(api, TRAINER)
        mark = len(api.calls)
        await api.say(TRAINER, "/assign")
        first = await keyboard_after(api, TRAINER.id, mark)
        people = [d for d in callback_data(first) if d.startswith("a:t:")]
        assert len(people) == 20 and len(buttons(first)) <= 100 and "a:p:1" in callback_data(first)
        mark = len(api.calls)
        await api.tap(TRAINER, "a:p:2")
        [edit] = await api.wait_for(lambda c: c.method == "editMessageReplyMarkup", since=mark)
        last_page = [d for d in callback_data(edit) if d.startswith("a:t:")]
        assert len(last_page) == 5 and "3/3" in [b["text"] for b in buttons(edit)]

    run(body, store, scenarios)


@pytest.mark.parametrize("command, key", [
    ("/assign @nobody {sid} {due}", "No user @nobody"),
    ("/assign @alice no-such-scenario {due}", "There is no scenario no-such-scenario"),
    ("/assign @alice {sid} 2001-01-01", "must be YYYY-MM-DD and not in the past"),
    ("/assign @alice {sid} {due} sometimes", "The mode must be coach or exam"),
    ("/assign @alice", "Usage: /assign"),
    ("/transcript", "Usage: /transcript"),
    ("/transcript nope", "There is no session nope"),
])
def test_trainer_mistakes_get_clear_answers(store, scenarios, command, key):
    async def body(world):
        api = world.api
        await register(api, TRAINER, ALICE)
        mark = len(api.calls)
        await api.say(TRAINER, command.format(sid=a_scenario(scenarios), due=in_days(5)))
        await api.wait_text(TRAINER.id, key, since=mark)
        assert store.assignments() == []

    run(body, store, scenarios)


def test_lead_certifies_revokes_promotes_and_exports(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, LEAD, ALICE, XIAOMING)
        mark = len(api.calls)
        await api.say(LEAD, "/certify @alice 1 passed the spring exams")
        await api.wait_text(LEAD.id, "certified at level 1", since=mark)
        await api.wait_text(ALICE.id, "You have been certified at level 1", since=mark)
        assert store.current_level(f"tg:{ALICE.id}") == 1

        mark = len(api.calls)
        await api.say(LEAD, "/team")
        team = await api.wait_text(LEAD.id, "Team overview", since=mark)
        assert "alice" in team.text and "xiaoming" in team.text
        [photo] = await api.wait_for(lambda c: c.method == "sendPhoto" and c.chat_id == LEAD.id, since=mark)
        assert photo.params["photo"]["content"].startswith(b"\x89PNG")

        mark = len(api.calls)
        await api.say(LEAD, "/export")
        [doc] = await api.wait_for(lambda c: c.method == "sendDocument" and c.chat_id == LEAD.id, since=mark)
        csv_text = doc.params["document"]["content"].decode("utf-8-sig")
        assert doc.params["document"]["filename"].endswith(".csv")
        header, *rows = csv_text.strip().splitlines()
        assert "trainee" in header and len(rows) == 2 and any("tg:1001" in r and ",1" in r for r in rows)

        mark = len(api.calls)
        await api.say(LEAD, "/revoke @alice failed a spot check")
        await api.wait_text(LEAD.id, "revoked", since=mark)
        await api.wait_text(ALICE.id, "failed a spot check", since=mark)
        assert store.current_level(f"tg:{ALICE.id}") == 0

        mark = len(api.calls)
        await api.say(LEAD, "/promote @xiaoming trainer")
        await api.wait_text(LEAD.id, "is now a trainer", since=mark)
        await api.wait_text(XIAOMING.id, "您的角色已变为 培训师", since=mark)
        assert store.get_user(f"tg:{XIAOMING.id}")["role"] == "trainer"
        # The promotion takes effect on the very next command.
        mark = len(api.calls)
        await api.say(XIAOMING, "/trainees")
        await api.wait_text(XIAOMING.id, "学员", since=mark)
        assert not any("仅限" in text for text in api.texts_to(XIAOMING.id, mark))

    run(body, store, scenarios)


STAFF_COMMANDS = [spec for spec in COMMANDS if spec.role != "trainee"]


@pytest.mark.parametrize("spec", STAFF_COMMANDS, ids=lambda s: s.name)
def test_every_staff_command_is_refused_for_a_trainee(store, scenarios, spec):
    args = {"assign": f"@alice {a_scenario(scenarios)} {in_days(3)}", "certify": "@alice 1", "revoke": "@alice x",
            "promote": "@alice lead", "transcript": "any"}.get(spec.name, "")

    async def body(world):
        api = world.api
        await register(api, ALICE)
        mark = len(api.calls)
        await api.say(ALICE, f"/{spec.name} {args}".strip())
        refusal = await api.wait_text(ALICE.id, "Sorry, this command is for a", since=mark)
        assert ("team lead" if spec.role == "lead" else "trainer") in refusal.text
        await api.settle()
        assert [c.method for c in api.calls[mark:] if c.method != "getUpdates"] == ["sendMessage"]
        assert store.get_user(f"tg:{ALICE.id}")["role"] == "trainee"
        assert store.assignments() == [] and store.current_level(f"tg:{ALICE.id}") == 0

    run(body, store, scenarios)


@pytest.mark.parametrize("data", ["a:t:tg:1001", "a:n", "a:s:x", "a:m:exam", "a:d:3"])
def test_staff_buttons_are_refused_for_a_trainee(store, scenarios, data):
    async def body(world):
        api = world.api
        await register(api, ALICE)
        mark = len(api.calls)
        await api.tap(ALICE, data)
        [answer] = await api.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
        assert "trainer" in answer.params["text"] and answer.params["show_alert"] in (True, "true")
        await api.settle()
        assert store.assignments() == []

    run(body, store, scenarios)


def test_trainer_may_read_only_their_trainees_transcripts(store, scenarios):
    scenario_id = a_scenario(scenarios)
    store.ensure_user("tg:1001", name="alice", telegram_id=ALICE.id, lang="en")
    store.ensure_user("tg:1002", name="xiaoming", telegram_id=XIAOMING.id, lang="zh")
    for session_id, trainee in (("s-alice", "tg:1001"), ("s-ming", "tg:1002")):
        store.start_session(session_id, trainee, scenario_id, "en", "coach", "telegram")
        store.record_turn(session_id, 1, f"hello from {trainee}", "greet", 0.9, "hi", {"anger": 0.1}, None, None)

    async def body(world):
        api = world.api
        await register(api, TRAINER)
        await api.say(TRAINER, f"/assign @alice {scenario_id} {in_days(2)}")
        await api.wait_text(TRAINER.id, "Assigned")
        mark = len(api.calls)
        await api.say(TRAINER, "/transcript s-alice")
        await api.wait_text(TRAINER.id, "hello from tg:1001", since=mark)
        mark = len(api.calls)
        await api.say(TRAINER, "/transcript s-ming")
        await api.wait_text(TRAINER.id, "may not view", since=mark)

    run(body, store, scenarios)


def test_trainer_sees_progress_of_own_trainees_only(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, TRAINER, ALICE, XIAOMING)
        await api.say(TRAINER, f"/assign @alice {a_scenario(scenarios)} {in_days(2)}")
        await api.wait_text(TRAINER.id, "Assigned")
        mark = len(api.calls)
        await api.say(TRAINER, "/progress @alice")
        await api.wait_text(TRAINER.id, "Progress of @alice", since=mark)
        mark = len(api.calls)
        await api.say(TRAINER, "/progress @xiaoming")
        await api.wait_text(TRAINER.id, "may not view", since=mark)
        # A trainee's argument is ignored: they only ever see their own progress.
        mark = len(api.calls)
        await api.say(ALICE, "/progress @xiaoming")
        await api.wait_text(ALICE.id, "Progress of alice", since=mark)

    run(body, store, scenarios)
