"""The room: the address teams type to reach the team page, and its QR code.

The laptop serves the app on the room's network (``make run ADDRESS=0.0.0.0``); the address
shown to the teams is the one of this laptop on that network. Nothing here sends a packet:
the laptop's addresses are read from its own network interfaces (a UDP socket "connected"
to a private address only asks the kernel which interface it would use), and the QR code is
drawn locally by `segno <https://segno.readthedocs.io>`_.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from urllib.parse import urlparse

TEAM_PATH = "atelier-equipe"
"""Path of the team page (``app.py``'s ``url_path``)."""

LOOPBACK = {"127.0.0.1", "localhost", "::1", ""}


def lan_address() -> str | None:
    """This machine's address on its local network (IPv4), or None when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP: no packet is sent, the kernel picks the interface
        address = probe.getsockname()[0]
    except OSError:
        address = None
    finally:
        probe.close()
    if address is None or ipaddress.ip_address(address).is_loopback:
        return None
    return address


def team_address(
    server_address: str | None, port: int, browser_url: str | None = None, lan: str | None = None
) -> tuple[str, bool]:
    """The address teams type, and whether other devices can reach it.

    Parameters
    ----------
    server_address : str or None
        The address the server listens on (``server.address``; ``0.0.0.0`` for every interface).
    port : int
        Its port.
    browser_url : str, optional
        The address the trainer's browser opened (its host is used when it is not this machine's loopback).
    lan : str, optional
        This machine's address on the room's network (:func:`lan_address` when not given).
    """
    host = (server_address or "").strip()
    seen = urlparse(browser_url).hostname if browser_url else None
    if host in LOOPBACK:
        return f"http://127.0.0.1:{port}/{TEAM_PATH}", False
    if host in ("0.0.0.0", "::"):
        if seen and seen not in LOOPBACK:
            host = seen
        else:
            host = lan if lan is not None else lan_address()
            if host is None:
                return f"http://127.0.0.1:{port}/{TEAM_PATH}", False
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}/{TEAM_PATH}", True


def qr_png(text: str, scale: int = 8) -> bytes:
    """A QR code of ``text`` as a PNG, drawn locally (error correction M, a quiet zone of 4 modules)."""
    import segno

    out = io.BytesIO()
    segno.make_qr(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
