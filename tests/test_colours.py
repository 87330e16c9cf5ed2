"""The WCAG 2.1 contrast arithmetic behind the accent colour, without the app."""

from __future__ import annotations

import pytest

from valuma_space.workspaces.colours import (
    accent_contrast,
    contrast_ratio,
    floor_ratio,
    relative_luminance,
    shade,
)


def test_luminance_runs_from_black_to_white() -> None:
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1)
    # The linear part of the sRGB curve (below 0.04045) and the power part meet smoothly.
    assert relative_luminance("#0a0a0a") == pytest.approx(0.003035, abs=1e-6)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),  # either order
        ("#777777", "#ffffff", 4.48),  # the grey that famously just fails AA
        ("#767676", "#ffffff", 4.54),  # and the one that just passes
        ("#0b4f8a", "#ffffff", 8.40),  # the site's own blue
        ("#ffcc00", "#ffffff", 1.51),
    ],
)
def test_contrast_ratio_matches_wcag(first: str, second: str, expected: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)


def test_an_accent_needs_both_button_text_and_links_to_pass() -> None:
    assert accent_contrast("#0b4f8a").passes
    yellow = accent_contrast("#ffcc00")
    assert not yellow.passes
    assert floor_ratio(yellow.text_on_accent) == 1.5
    # Links stand on the page's light grey too, which is stricter than white.
    grey = accent_contrast("#767676")
    assert grey.text_on_accent >= 4.5 > grey.links
    assert not grey.passes


def test_ratios_are_shown_rounded_down() -> None:
    assert floor_ratio(4.49) == 4.4
    assert floor_ratio(4.5) == 4.5


def test_the_darker_tone_is_darker() -> None:
    assert shade("#1d7a4f") == "#165c3b"
    assert contrast_ratio(shade("#1d7a4f"), "#ffffff") > contrast_ratio("#1d7a4f", "#ffffff")
