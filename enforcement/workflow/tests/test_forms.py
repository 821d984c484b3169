from types import SimpleNamespace

from enforcement.workflow.forms import action_forms
from enforcement.workflow.table import Transition


class StubWorkflow:
    """Only what action_forms reads: the table, the inputs and which actions are allowed."""

    def __init__(self, transitions):
        self.transitions, self.inputs = transitions, {}

    def allowed_actions(self, obj, user):
        return list(self.transitions)


WORKFLOW = StubWorkflow(
    {
        "close": Transition(
            "Close", frozenset({"visited"}), "closed", frozenset(), style="success", confirm="Close it?"
        ),
        "note": Transition("Add a note", frozenset({"visited"}), None, frozenset(), style="secondary"),
        "reopen": Transition(
            "Reopen",
            frozenset({"visited"}),
            "open",
            frozenset(),
            style="warning",
            confirm=True,
            leads=lambda obj: obj.unhappy,
        ),
        "send": Transition(
            "Send", frozenset({"visited"}), "sent", frozenset(), relabel=(lambda obj: obj.sent, "Send again")
        ),
    }
)


def record(**kw):
    return SimpleNamespace(**{"version": 1, "unhappy": False, "sent": False, **kw})


def shown(obj):
    return [(f.slug, f.label, f.button_style, f.confirm_question) for f in action_forms(WORKFLOW, obj, None)]


def test_the_table_order_and_styles_hold_when_nothing_leads():
    assert shown(record()) == [
        ("close", "Close", "success", "Close it?"),
        ("note", "Add a note", "secondary", ""),
        ("reopen", "Reopen", "warning", "Reopen: are you sure?"),
        ("send", "Send", "primary", ""),
    ]


def test_a_leading_action_comes_first_and_the_others_step_back():
    assert shown(record(unhappy=True)) == [
        ("reopen", "Reopen", "primary", "Reopen: are you sure?"),
        ("close", "Close", "secondary", "Close it?"),
        ("note", "Add a note", "secondary", ""),
        ("send", "Send", "secondary", ""),
    ]


def test_an_action_takes_its_other_label_when_the_record_says_so():
    assert ("send", "Send again", "primary", "") in shown(record(sent=True))
