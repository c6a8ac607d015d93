"""The code colours stay distinguishable as highlights, measured with colour science.

Distances are CIEDE2000 (CIE 142-2001) computed by ``colour-science`` on the colour a
highlight actually shows: the code colour at the app's highlight opacity over white. Colour
vision deficiencies are simulated with Machado, Oliveira & Fernandes (2009) at full
severity. Reference point: the default codebook's colours before this palette had two
highlights 1.2 units apart (#DDCC77 and #EEDD88), below the ~2.3 units of a just-noticeable
difference.
"""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from coding.codebook import load_codebook
from coding.web.data import HIGHLIGHT_ALPHA, HIGHLIGHT_PALETTE, from_objects

colour = pytest.importorskip("colour")

DEFICIENCIES = ("Deuteranomaly", "Protanomaly", "Tritanomaly")
APP_JS = Path(__file__).resolve().parents[3] / "coding" / "web" / "static" / "coding.js"


def _highlight(hex_colour: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return HIGHLIGHT_ALPHA * rgb + (1 - HIGHLIGHT_ALPHA)


def _lab(srgb: np.ndarray, deficiency: str | None = None) -> np.ndarray:
    if deficiency is not None:
        matrix = colour.blindness.matrix_cvd_Machado2009(deficiency, 1.0)
        linear = colour.cctf_decoding(srgb) @ matrix.T
        srgb = colour.cctf_encoding(np.clip(linear, 0, 1))
    return colour.XYZ_to_Lab(colour.sRGB_to_XYZ(srgb))


def _closest(colours: list[str], groups: list[list[int]], deficiency: str | None) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tritanomaly model's caveat, acknowledged above
        lab = _lab(np.array([_highlight(c) for c in colours]), deficiency)
    return min(
        float(colour.delta_E(lab[i], lab[j], method="CIE 2000"))
        for group in groups
        for i, j in itertools.combinations(group, 2)
    )


def _default_palette():
    """The colours of the default codebook's child codes (the themes keep their own colours
    and follow in the palette) and their positions grouped by theme."""
    data = from_objects([], load_codebook("default"))
    codes = [c for c in data.palette() if c.id not in data.themes()]
    themes: dict[str, list[int]] = {}
    for number, code in enumerate(codes):
        themes.setdefault(code.parent or code.id, []).append(number)
    return [c.color for c in codes], list(themes.values())


def test_the_page_highlights_with_the_same_opacity():
    alpha = re.search(r'HIGHLIGHT_ALPHA_HEX = "([0-9a-f]{2})"', APP_JS.read_text()).group(1)
    assert int(alpha, 16) == round(HIGHLIGHT_ALPHA * 255)


def test_every_pair_of_default_highlights_is_clearly_apart():
    colours, _ = _default_palette()
    assert len(colours) == 16 and len(set(colours)) == 16
    assert _closest(colours, [list(range(16))], None) >= 12


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_codes_of_one_theme_stay_apart_under_colour_vision_deficiency(deficiency):
    colours, themes = _default_palette()
    assert sorted(len(t) for t in themes) == [2, 5, 9]
    assert _closest(colours, themes, deficiency) >= 6


def test_the_fallback_palette_is_the_same_sixteen_and_visible_on_white():
    assert len(set(HIGHLIGHT_PALETTE)) == 16
    assert _closest(list(HIGHLIGHT_PALETTE), [list(range(16))], None) >= 12
    white = _lab(np.array([1.0, 1.0, 1.0]))
    for hex_colour in HIGHLIGHT_PALETTE:
        lab = _lab(_highlight(hex_colour))
        assert float(colour.delta_E(lab, white, method="CIE 2000")) >= 20
        assert lab[0] >= 62  # black text stays readable on it
        full = _lab(np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255)
        assert np.hypot(full[1], full[2]) >= 30  # a colour, not a grey


def test_themes_are_in_the_palette_after_the_codes():
    """The default codebook lets a theme be applied on its own ("apply the theme itself only
    to talk that ... fits none of them"): every theme is in the palette, after the codes, so
    the number keys of the codes stay as they were."""
    codebook = load_codebook("default")
    data = from_objects([], codebook)
    ids = [c.id for c in data.palette()]
    assert ids[-3:] == ["recovery_promoters", "barriers", "cps_perception"]
    assert sorted(ids) == sorted(c.id for c in codebook.codes)
    assert [c.id for c in data.palette()[:16]] == [
        c.id for c in codebook.codes if c.id not in data.themes()
    ]
