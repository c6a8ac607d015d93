"""A foreign project's codebook brought into a study's: adopted whole, or merged by name.

Another tool knows codes by their names; dyadlab by stable snake_case ids. Merging maps each
project code to the study code *of the same name* (compared without case, accents-as-written,
and runs of white space), adds the others (their ids made unique against the study's, their
parents mapped), and keeps the study's codes, ids and order untouched, so existing codings
keep their meaning. Tested in tests/coding/exchange/test_merge.py.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field

from coding.codebook import Code, Codebook
from coding.exchange._xml import unique


def name_key(name: str) -> str:
    """How two code names are compared: NFKC, case-folded, white space collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


@dataclass
class CodebookMerge:
    """The study's codebook after taking in a project's.

    ``mapping`` gives, for every project code id, the study code id its codings get;
    ``matched`` the project codes that matched an existing study code by name and ``added``
    the ids of the codes that are new to the study.
    """

    codebook: Codebook
    mapping: dict[str, str]
    matched: list[tuple[str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def merge_codebook(study: Codebook, project: Codebook, *, match_ids: bool = False) -> CodebookMerge:
    """``study``'s codes plus ``project``'s, codes of the same name mapped onto the study's.

    A name that several study codes share is matched under the same (mapped) parent only;
    otherwise the project code is added as new. With ``match_ids`` (a project exported by
    dyadlab, whose code ids are the study's own), a code whose name matches nothing but whose
    id is a study code's is mapped to it too. Study codes are never changed.

    A project exported from the study itself brings nothing new: every code is found.

    >>> from coding.exchange import read_qdpx, write_qdpx
    >>> _ = write_qdpx("demo.qdpx", corpus, codebook, codings)
    >>> merged = merge_codebook(codebook, read_qdpx("demo.qdpx").codebook)
    >>> merged.added, all(merged.mapping[code] == code for code in codebook.ids)
    ([], True)
    """
    by_name: dict[str, list[Code]] = {}
    for code in study:
        by_name.setdefault(name_key(code.name), []).append(code)
    taken = set(study.ids)
    mapping: dict[str, str] = {}
    matched: list[tuple[str, str]] = []
    added: list[Code] = []
    for code in project:  # parents come before their children
        parent = mapping.get(code.parent) if code.parent else None
        candidates = by_name.get(name_key(code.name), [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if c.parent == parent]
        if not candidates and match_ids and code.id in study:
            candidates = [study.get(code.id)]
        if len(candidates) == 1:
            mapping[code.id] = candidates[0].id
            matched.append((code.id, candidates[0].id))
            continue
        new_id = unique(code.id, taken)
        mapping[code.id] = new_id
        added.append(dataclasses.replace(code, id=new_id, parent=parent))
    merged = Codebook(
        [*study, *added],
        name=study.name,
        version=study.version,
        description=study.description,
        sources={**project.sources, **study.sources},
    )
    return CodebookMerge(merged, mapping, matched, [code.id for code in added])


def adopt_codebook(study: Codebook, project: Codebook) -> CodebookMerge:
    """The project's codebook as the study's (ids as read); name and version kept if it has none."""
    adopted = Codebook(
        list(project),
        name=project.name or study.name,
        version=project.version,
        description=project.description,
        sources=project.sources,
    )
    return CodebookMerge(adopted, {code.id: code.id for code in project}, [], list(project.ids))
