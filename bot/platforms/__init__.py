"""Each chat platform in one folder: its adapter, pure renderer, publisher and command sync."""


class PlatformSetupError(Exception):
    """A platform refused a one-off set-up call (a bad token, a refused registration).

    The message is written for the person at the terminal: it never holds a secret.
    """
