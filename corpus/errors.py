"""Errors raised while reading and parsing documents."""


class ParseError(Exception):
    """A file could not be turned into a Document; the message names the file and what to do."""
