"""Who may reach the web app: loopback without a login, every other address only with one."""

from __future__ import annotations

import ipaddress

from assistant.settings import UISettings
from ui.errors import LoginRequiredError


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1 and localhost: the only addresses served without a login."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def login_for(ui: UISettings, host: str) -> tuple[str, str] | None:
    """The (username, password) to require, or None on loopback without credentials."""
    if ui.username and ui.password:
        return ui.username, ui.password
    if is_loopback(host):
        return None
    raise LoginRequiredError(
        f"Refusing to listen on {host!r} without a login; set NAMND_UI__USERNAME and "
        "NAMND_UI__PASSWORD (or use --host 127.0.0.1)."
    )
