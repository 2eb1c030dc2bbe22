"""Elite branding: validation of the colour and logo, and the colour kept readable (WCAG AA)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.salon import Branding, _luminance, readable_on_white


def contrast_with_white(color: str) -> float:
    rgb = tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 1.05 / (_luminance((rgb[0], rgb[1], rgb[2])) + 0.05)


@given(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
def test_any_colour_becomes_readable_with_white_text(color: str) -> None:
    readable = readable_on_white(color)
    assert contrast_with_white(readable) >= 4.5
    if contrast_with_white(color) >= 4.5:
        assert readable == color  # a readable colour is left as the owner chose it


def test_a_light_colour_is_darkened_keeping_its_hue() -> None:
    pink = readable_on_white("#ff99cc")
    r, g, b = (int(pink[i : i + 2], 16) for i in (1, 3, 5))
    assert pink != "#ff99cc" and r > b > g  # still pink, darker


def test_merge_validates_and_clears() -> None:
    b = Branding().merged({"color": "#AA00ff", "logo_url": "https://cdn.example/l.png"})
    assert b == Branding(color="#AA00ff", logo_url="https://cdn.example/l.png")
    assert b.merged({"logo_url": ""}) == Branding(color="#AA00ff", logo_url=None)
    for bad in (
        {"color": "red"},
        {"color": "#12345"},
        {"logo_url": "http://cdn.example/l.png"},
        {"logo_url": 'https://x.example/"onerror=alert(1)'},
        {"logo_url": "https://x.example/a b"},
        {"font": "Comic Sans"},
    ):
        with pytest.raises(ValidationFailed):
            Branding().merged(bad)


def test_calendar_lines_are_folded_at_75_octets_and_text_escaped() -> None:
    from adapters.inbound.http.pages.ics import _fold, _ics_text

    line = "DESCRIPTION:" + _ics_text("Change, or cancel; here:\r\nhttps://x/" + "é" * 80)
    folded = _fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line  # unfolds back
    assert "\\," in line and "\\;" in line and "\\n" in line and "\r" not in line
