"""sim.workshop.room: the address teams type and its QR code, made on this machine."""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
from PIL import Image

from sim.workshop.room import qr_png, team_address


@pytest.mark.parametrize(
    ("server", "browser", "lan", "expected"),
    [
        (
            "0.0.0.0",
            "http://127.0.0.1:8501/atelier-formateur",
            "192.168.1.20",
            ("http://192.168.1.20:8501/atelier-equipe", True),
        ),  # the trainer on the laptop itself
        (
            "0.0.0.0",
            "http://192.168.1.20:8501/atelier-formateur",
            "10.0.0.3",
            ("http://192.168.1.20:8501/atelier-equipe", True),
        ),  # the address the trainer's browser used wins
        ("192.168.1.20", None, None, ("http://192.168.1.20:8501/atelier-equipe", True)),
        (
            "127.0.0.1",
            "http://127.0.0.1:8501/",
            "192.168.1.20",
            ("http://127.0.0.1:8501/atelier-equipe", False),
        ),  # README's default: this computer only
    ],
)
def test_workshop_team_address(server, browser, lan, expected):
    assert team_address(server, 8501, browser, lan) == expected


def test_workshop_qr_code_holds_the_address():
    address = "http://192.168.1.20:8501/atelier-equipe"
    image = np.asarray(Image.open(io.BytesIO(qr_png(address, scale=8))).convert("L")) < 128  # dark modules
    matrix = np.array(segno.make_qr(address, error="m").matrix, dtype=bool)
    border = 4
    modules = image[::8, ::8][border:-border, border:-border]  # one pixel per module, the quiet zone cut off
    np.testing.assert_array_equal(modules, matrix)
    assert image.shape == ((matrix.shape[0] + 2 * border) * 8,) * 2
    assert not np.array_equal(np.array(segno.make_qr(address + "x", error="m").matrix, dtype=bool), matrix)
