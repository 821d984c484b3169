"""What a transition table is made of. Kept free of model imports, so an app's `choices.py` (which its
models import) can declare its table with these."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Guard:
    """A condition beyond the status, with the words that tell the user why it stops them. `method` names a
    method of the model answering `obj.method(user) -> bool`."""

    method: str
    message: Promise | str
    # A model method `obj.explain(user) -> str | None` giving the particular reason, when the message alone
    # would be too general (a closing refused because the fine is still being collected).
    explain: str | None = None

    def allows(self, obj, user):
        return getattr(obj, self.method)(user)

    def words(self, obj, user):
        particular = getattr(obj, self.explain)(user) if self.explain else None
        return str(particular or self.message)


@dataclass(frozen=True)
class Transition:
    """One workflow action. `target` None keeps the status (e.g. an extension request). `fields` are the
    inputs the action takes (declared in the workflow's `inputs`), `required` those that must be given.
    `done` is the message shown after it succeeded, as a clerk would say it. `confirm` asks before the step
    is taken (True, or the question itself). `leads(obj) -> bool`: when it holds, this action is the page's
    main one (first, primary-styled) and the others step back. `relabel` is (`obj -> bool`, label): the
    label the button takes when it holds (e.g. "Re-dispatch" once dispatched)."""

    label: Promise | str
    sources: frozenset
    target: str | None
    roles: frozenset
    fields: tuple = ()
    required: tuple = ()
    guard: Guard | None = None
    confirm: bool | Promise | str = False
    style: str = "primary"
    done: Promise | str = ""
    extra: dict = field(default_factory=dict)
    leads: Callable | None = None
    relabel: tuple = ()

    def label_for(self, obj):
        if self.relabel and self.relabel[0](obj):
            return self.relabel[1]
        return self.label
