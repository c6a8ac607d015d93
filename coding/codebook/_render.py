"""Rendering a codebook for people: Markdown and an HTML fragment, every text escaped.

Reached through :meth:`Codebook.to_markdown <coding.codebook.Codebook.to_markdown>` and
:meth:`~coding.codebook.Codebook.to_html`; a theme is a level-2 heading, its codes level 3.
Tested in tests/coding/test_codebook.py (quotes and tags in definitions cannot inject).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coding.codebook._model import Code, Codebook

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def markdown(book: Codebook) -> str:
    """A human-readable codebook in Markdown (text escaped, so quotes cannot inject)."""
    out = [f"# {_md(book.name or 'Codebook')}", ""]
    if book.version:
        out += [f"Version {_md(book.version)}", ""]
    if book.description:
        out += [_md(book.description), ""]
    for theme in book.themes():
        out += _markdown_code(book, theme, level=2)
        for code in book.children(theme.id):
            out += _markdown_code(book, code, level=3)
    if book.sources:
        out += ["## Sources", ""]
        out += [f"- **{_md(key)}**: {_md(value)}" for key, value in book.sources.items()]
        out.append("")
    return "\n".join(out)


def _markdown_code(book: Codebook, code: Code, level: int) -> list[str]:
    out = [f"{'#' * level} {_md(code.name)} (`{code.id}`)", ""]
    if code.definition:
        out += [_md(code.definition), ""]
    for label, value in (("Include", code.include), ("Exclude", code.exclude)):
        if value:
            out += [f"**{label}:** {_md(value)}", ""]
    if code.examples:
        out += ["**Examples:**", ""] + [f"> {_md(example)}" for example in code.examples]
        out.append("")
    if code.keywords:
        out += [f"**Keywords:** {_md(', '.join(code.keywords))}", ""]
    for child in book.children(code.id) if level > 2 else []:
        out += _markdown_code(book, child, level=min(level + 1, 6))
    return out


def html_fragment(book: Codebook) -> str:
    """The codebook as an HTML fragment (every text HTML-escaped)."""
    e = html.escape
    out = [f"<section class='codebook'><h1>{e(book.name or 'Codebook')}</h1>"]
    if book.description:
        out.append(f"<p>{e(book.description)}</p>")
    for theme in book.themes():
        out.append(_html_code(theme, "h2"))
        for code in book.children(theme.id):
            out.append(_html_code(code, "h3"))
    if book.sources:
        out.append("<h2>Sources</h2><ul>")
        out += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in book.sources.items()]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)


def _html_code(code: Code, tag: str) -> str:
    e = html.escape
    swatch = (
        f"<span class='swatch' style='background:{e(code.color)}'></span> " if code.color else ""
    )
    parts = [
        f"<{tag} id='code-{e(code.id)}'>{swatch}{e(code.name)} <code>{e(code.id)}</code></{tag}>"
    ]
    if code.definition:
        parts.append(f"<p>{e(code.definition)}</p>")
    for label, value in (("Include", code.include), ("Exclude", code.exclude)):
        if value:
            parts.append(f"<p><b>{label}:</b> {e(value)}</p>")
    for example in code.examples:
        parts.append(f"<blockquote>{e(example)}</blockquote>")
    if code.keywords:
        parts.append(f"<p><b>Keywords:</b> {e(', '.join(code.keywords))}</p>")
    return "\n".join(parts)


def _md(text: str) -> str:
    """Escape Markdown syntax and HTML tags in free text."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    return text.replace("<", "&lt;").replace(">", "&gt;")
