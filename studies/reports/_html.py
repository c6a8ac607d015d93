"""Executed notebook → one self-contained HTML page a funder can open offline.

nbconvert's ``lab`` and ``classic`` templates load require.js and MathJax from a CDN, which
breaks offline viewing and lets the page phone home. We render cell outputs with the
``basic`` template (inputs and prompts excluded, images embedded as data URIs) and wrap them
in our own page with an inline stylesheet. :func:`external_references` is the check that the
result loads nothing from the network.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"

_EXTERNAL = re.compile(
    r"""(?:src|href|action|data)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+url\(\s*["']?((?:https?:)?//[^"')\s]+)""",
    re.IGNORECASE,
)


def notebook_to_html(notebook: nbformat.NotebookNode, *, title: str, source_name: str) -> str:
    """Render an executed notebook's outputs (no code) as a standalone HTML page."""
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["j2"])
    )
    page = environment.get_template("report.html.j2").render(
        title=title,
        body=jinja2.utils.markupsafe.Markup(body),
        css=jinja2.utils.markupsafe.Markup((TEMPLATES / "report.css").read_text("utf-8")),
        version=_version(),
        notebook=source_name,
    )
    return page


def external_references(html: str) -> list[str]:
    """Every URL the page would fetch from the network (should be empty)."""
    return [first or second for first, second in _EXTERNAL.findall(html)]


def _version() -> str:
    try:
        return metadata.version("dyadlab")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "unknown"
