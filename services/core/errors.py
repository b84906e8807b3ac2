"""The one kind of failure a use case reports to a person rather than crashing."""


class Refused(Exception):
    """A request that cannot be carried out as asked; the message says why, in one line."""
