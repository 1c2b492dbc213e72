"""Errors of the web app and CLI edge."""


class LoginRequiredError(Exception):
    """The app was asked to listen on a non-loopback address without a username and password."""


class InputError(ValueError):
    """A filter, mode or method typed by a person could not be read; the message is Swedish and says what to type."""
