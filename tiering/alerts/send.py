"""Sending a message to one destination with apprise: 'sent', or 'failed: <error>' (never an exception: a failed
notification never fails a run)."""

import logging

from tiering.alerts.destinations import Destination
from tiering.alerts.digest import Message


def send(destination: Destination, message: Message) -> str:
    """Send `message` to `destination`; 'sent', or 'failed: ' and what Apprise reported, without secrets."""
    import apprise

    notifier = apprise.Apprise()
    error = ""
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
        try:
            if notifier.add(destination.url) and notifier.notify(
                title=message.title, body=message.body, body_format=apprise.NotifyFormat.TEXT
            ):
                return "sent"
        except Exception as exc:  # a plugin's own error: reported as the send's failure, never the run's
            error = f"{type(exc).__name__}: {exc}"
        reported = [line.strip() for line in logs.getvalue().splitlines() if line.strip()]
    error = error or (reported[-1] if reported else "the service did not accept it")
    for secret in destination.secrets:
        error = error.replace(secret, "****")
    return f"failed: {error}"
