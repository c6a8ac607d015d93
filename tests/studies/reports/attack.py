"""What a determined reader does with released reports (docs/disclosure.md, threat model).

The reader holds every released page and knows the published method (hidden cells show ■,
counts marked ≈ are rounded to the nearest 10 — never shown below 20 — and curves come from
rounded counts), but not the code. These helpers read the pages as the reader would —
the HTML count tables, nothing else — and solve for the counts the pages leave open with
an integer programme of their own (SciPy's ``milp``; no code shared with
``analysis.disclosure``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

HIDDEN = "■"
ROUNDED = "≈"
BASE, FLOOR, MIN_CELL = 10, 20, 11


@dataclass(frozen=True)
class Cell:
    report: str
    caption: str
    row: str
    column: str
    text: str

    def bounds(self) -> tuple[float, float] | None:
        """What the page says about the count: exact, rounded interval, or None (hidden)."""
        text = self.text.replace(",", "").strip()
        if text == HIDDEN:
            return None
        if text.startswith(ROUNDED):
            shown = int(text[len(ROUNDED) :])
            low = MIN_CELL if shown <= FLOOR else shown - BASE // 2
            return float(low), float(shown + BASE // 2 - 1)
        if re.fullmatch(r"\d+", text):
            return float(text), float(text)
        return None


def count_cells(html_path: Path) -> list[Cell]:
    """Every cell of every marked count table of a page, with its caption and labels."""
    document = lxml.html.fromstring(html_path.read_text(encoding="utf-8"))
    cells = []
    for table in document.xpath('//table[contains(@class, "dyadlab-counts")]'):
        caption = " ".join(table.xpath("string(./caption)").split())
        headers = [" ".join(th.text_content().split()) for th in table.xpath("./thead/tr[1]/th")]
        for tr in table.xpath("./tbody/tr"):
            entries = tr.xpath("./th|./td")
            label = " ".join(entries[0].text_content().split()) if entries else ""
            for position, entry in enumerate(entries):
                if entry.tag != "td":
                    continue
                column = headers[position] if position < len(headers) else str(position)
                text = " ".join(entry.text_content().split())
                cells.append(Cell(html_path.stem, caption, label, column, text))
    return cells


def shown_small_counts(cells: list[Cell]) -> list[Cell]:
    """Cells that show a count from 1 to 10 outright."""
    return [c for c in cells if (b := c.bounds()) and b[0] == b[1] and 1 <= b[0] < MIN_CELL]


def integer_range(
    objective: np.ndarray, rows: list[np.ndarray], lows: list[float], highs: list[float]
) -> tuple[float, float]:
    """Smallest and largest whole value of ``objective · x`` with ``x >= 0`` whole and
    ``low <= row · x <= high`` for every published count."""
    n = len(objective)
    constraint = LinearConstraint(np.array(rows), np.array(lows), np.array(highs))
    options = dict(
        constraints=[constraint],
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.full(n, 1e6)),
    )
    low = milp(objective, **options)
    high = milp(-objective, **options)
    assert low.success and high.success, (low.message, high.message)
    return round(low.fun), round(-high.fun)
