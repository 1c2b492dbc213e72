"""Errors of the web app and CLI edge."""


class LoginRequiredError(Exception):
    """The app was asked to listen on a non-loopback address without a username and password."""
