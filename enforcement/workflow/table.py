"""What a transition table is made of. Kept free of model imports, so an app's `choices.py` (which its
models import) can declare its table with these."""

from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Guard:
    """A condition beyond the status, with the words that tell the user why it stops them. `method` names a
    method of the model answering `obj.method(user) -> bool`."""

    method: str
    message: Promise | str

    def allows(self, obj, user):
        return getattr(obj, self.method)(user)


@dataclass(frozen=True)
class Transition:
    """One workflow action. `target` None keeps the status (e.g. an extension request). `fields` are the
    inputs the action takes (declared in the workflow's `inputs`), `required` those that must be given.
    `done` is the message shown after it succeeded, as a clerk would say it."""

    label: Promise | str
    sources: frozenset
    target: str | None
    roles: frozenset
    fields: tuple = ()
    required: tuple = ()
    guard: Guard | None = None
    confirm: bool = False
    style: str = "primary"
    done: Promise | str = ""
    extra: dict = field(default_factory=dict)
