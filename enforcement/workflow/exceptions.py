"""Kept free of model imports: the API's exception handler (loaded with DRF's settings) imports it."""


class TransitionNotAllowed(Exception):
    """The record's state does not allow the action (the API answers 409)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)
