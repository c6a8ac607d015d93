"""How coding.web.data.HIGHLIGHT_PALETTE was chosen: a max-min search over an sRGB grid.

``python -m tests.coding.web.palette_search`` (a few minutes). Candidates are the 9-level
sRGB grid whose highlight (40 % over white) has L* >= 62, is >= 20 CIEDE2000 from white, and
whose full colour has chroma >= 30. Sixteen are picked by random restarts and swaps that
maximise ``min(all pairs under normal vision, 2 x pairs within a theme under simulated
deuteranopia, protanopia and tritanopia)``, themes being runs of 5, 9 and 2 as in the
default codebook. test_palette.py checks the result; this script only shows where it came
from.
"""

from __future__ import annotations

import random

import numpy as np

THEMES = [list(range(0, 5)), list(range(5, 14)), list(range(14, 16))]
ALPHA = 0.4


def main(restarts: int = 30, seed: int = 1) -> None:
    import colour

    levels = [0, 34, 68, 102, 136, 170, 204, 238, 255]
    grid = np.array([(r, g, b) for r in levels for g in levels for b in levels]) / 255.0

    def lab(srgb):
        return colour.XYZ_to_Lab(colour.sRGB_to_XYZ(srgb))

    def simulate(srgb, matrix):
        return colour.cctf_encoding(np.clip(colour.cctf_decoding(srgb) @ matrix.T, 0, 1))

    highlight = ALPHA * grid + (1 - ALPHA)
    light, full = lab(highlight), lab(grid)
    white = lab(np.array([1.0, 1.0, 1.0]))
    keep = (
        (light[:, 0] >= 62)
        & (colour.delta_E(light, white, method="CIE 2000") >= 20)
        & (np.hypot(full[:, 1], full[:, 2]) >= 30)
    )
    grid, highlight = grid[keep], highlight[keep]

    def distances(points):
        return colour.delta_E(points[:, None, :], points[None, :, :], method="CIE 2000")

    normal = distances(lab(highlight))
    deficient = [
        distances(lab(simulate(highlight, colour.blindness.matrix_cvd_Machado2009(kind, 1.0))))
        for kind in ("Deuteranomaly", "Protanomaly", "Tritanomaly")
    ]

    def score(chosen):
        block = normal[np.ix_(chosen, chosen)] + np.eye(16) * 1e9
        worst = 1e9
        for theme in THEMES:
            members = [chosen[i] for i in theme]
            for table in deficient:
                sub = table[np.ix_(members, members)] + np.eye(len(members)) * 1e9
                worst = min(worst, sub.min())
        return min(block.min(), 2 * worst)

    rng = random.Random(seed)
    best, best_score = None, -1.0
    for _ in range(restarts):
        chosen = rng.sample(range(len(grid)), 16)
        current = score(chosen)
        improved = True
        while improved:
            improved = False
            for i in range(16):
                for j in rng.sample(range(len(grid)), 200):
                    if j in chosen:
                        continue
                    trial = chosen.copy()
                    trial[i] = j
                    value = score(trial)
                    if value > current:
                        chosen, current, improved = trial, value, True
        if current > best_score:
            best, best_score = chosen, current
    print(f"score {best_score:.2f}")
    print(
        [
            f"#{int(round(r * 255)):02X}{int(round(g * 255)):02X}{int(round(b * 255)):02X}"
            for r, g, b in grid[best]
        ]
    )


if __name__ == "__main__":
    main()
