"""Conversation repair outside the form: coming back, and correcting after the explanation.

Inside the walkthrough, corrections, 上一步 and 为什么要问这个 are handled by the form's
validation (``flows.actions.progress``). These actions cover the rest:

- ``action_welcome_back``: she greets again (days later, on the same channel account):
  her case is summed up instead of starting over, and the walkthrough continues;
- ``action_reopen_walkthrough``: after the explanation she corrects a fact ("其实是双胞胎"),
  says "不对" or "上一步": the walkthrough reopens at the review, with the correction made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from flows.actions import case as C
from flows.actions import questions as Q
from flows.actions.case import Case
from flows.actions.explain import next_step_buttons
from flows.actions.reading import read
from flows.actions.replies import Button, Say
from flows.actions.walkthrough import FORM, latest_message, say

__all__ = ["ActionReopenWalkthrough", "ActionWelcomeBack", "summary"]


def summary(case: Case) -> str:
    """Her case in one line, with what she asked about."""
    text = Q.facts_line(case)
    topics = "、".join(Q.TOPIC_NAMES.get(t, t) for t in case.topics)
    return f"{text}；您想了解的是{topics}" if topics else text


class ActionWelcomeBack(Action):
    """A greeting from a worker whose case is remembered: pick up where she left off."""

    def name(self) -> str:
        return "action_welcome_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        case = Case.from_slots(tracker.slots)
        known = summary(case)
        if (tracker.active_loop or {}).get("name") == FORM:
            text = "您好，欢迎回来！您的情况我还记着"
            text += f"（{known}）" if known else ""
            text += "。我们接着上次的问题往下说；想从头来可以说“重新开始”。"
            say(dispatcher, [Say(text)])
            return []
        text = "您好，欢迎回来！上次您咨询的情况我还记着"
        text += f"：{known}。" if known else "。"
        text += "可以接着问，比如下一步怎么维权；情况有变化的话，直接告诉我，我重新帮您算。"
        buttons = (*next_step_buttons()[:2], Button("重新开始", "/restart"))
        say(dispatcher, [Say(text, buttons=buttons)])
        return []


class ActionReopenWalkthrough(Action):
    """After the explanation: apply her correction and show the review again."""

    def name(self) -> str:
        return "action_reopen_walkthrough"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        case = Case.from_slots(tracker.slots)
        message = latest_message(tracker)
        reading = read(message, requested=None, case=case, today=date.today())
        changes = {k: v for k, v in reading.updates.items() if case.get(k) != v}
        updates: dict[str, Any] = {
            **changes,
            C.CONFIRMED: None,
            C.FIX: None,
            C.FAILURES: 0,
            C.STAGE: "active",
        }
        if reading.estimates:
            updates[C.ESTIMATES] = sorted({*case.estimates, *reading.estimates})
        after = case.with_values(updates)
        if changes:
            shown = "，".join(
                f"{Q.FIELD_LABELS.get(k, k)}改为{Q.display(k, after)}"
                for k in changes
                if k in Q.FIELD_LABELS
            )
            say(dispatcher, [Say(f"好的，已把{shown}。我按新的情况重新帮您核对一遍。")])
        elif message.intent == "deny":
            updates[C.FIX] = C.FIX_PENDING
        else:
            say(dispatcher, [Say("好的，我们回到核对这一步。")])
        return [SlotSet(key, value) for key, value in updates.items()]
