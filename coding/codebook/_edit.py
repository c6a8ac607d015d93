"""Codebook changes with codings following: rename, merge and split a code.

Each function returns ``(codebook, codings, audit_entries)`` and never changes its inputs; the
caller records the :class:`~coding.codebook.AuditEntry` list (who, what, before, after).
Tested in tests/coding/codebook/test_codebook.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from coding._validation import require_columns
from coding.codebook._audit import AuditEntry
from coding.codebook._code import Code, _code_from_mapping
from coding.codebook._codebook import Codebook
from coding.errors import CodebookError


def rename_code(
    codebook: Codebook,
    codings: pd.DataFrame,
    old_id: str,
    new_id: str,
    *,
    who: str,
    name: str | None = None,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Give code ``old_id`` the id ``new_id`` (and optionally a new ``name``).

    Child codes follow (their ``parent`` changes) and every coding with ``code_id == old_id``
    gets ``new_id``. Returns ``(codebook, codings, audit)``; the inputs are not changed.

    >>> import pandas as pd
    >>> from coding.codebook import default_codebook
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "code_id": ["stigma", "mental_health"]})
    >>> book, new, audit = rename_code(default_codebook(), codings, "stigma", "felt_stigma",
    ...                                who="lead")
    >>> new.code_id.tolist(), audit[0].action
    (['felt_stigma', 'mental_health'], 'rename_code')
    """
    require_columns(codings, ["code_id"], error=CodebookError)
    old = codebook.get(old_id)
    if new_id in codebook and new_id != old_id:
        raise CodebookError(
            f"cannot rename {old_id!r} to {new_id!r}: that id exists (merge instead)",
            field="code_id",
        )
    renamed = dataclasses.replace(old, id=new_id, name=name or old.name)
    codes = [
        renamed
        if code.id == old_id
        else dataclasses.replace(code, parent=new_id)
        if code.parent == old_id
        else code
        for code in codebook
    ]
    new_book = codebook.replace_codes(codes)
    new_codings = codings.copy()
    mask = new_codings["code_id"] == old_id
    new_codings.loc[mask, "code_id"] = new_id
    audit = [
        AuditEntry(
            who,
            "rename_code",
            old_id,
            {"id": old_id, "name": old.name},
            {"id": new_id, "name": renamed.name, "codings_recoded": int(mask.sum())},
        )
    ]
    return new_book, new_codings, audit


def merge_codes(
    codebook: Codebook,
    codings: pd.DataFrame,
    sources: Iterable[str],
    into: str,
    *,
    who: str,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Merge codes ``sources`` into the existing code ``into``.

    Codings of the sources become codings of ``into``; the sources leave the codebook and
    their child codes move under ``into``. When a coder had coded the same span with two of
    the merged codes, the duplicate rows (same transcript, coder, start, end) are dropped and
    listed in the audit entry.

    >>> import pandas as pd
    >>> from coding.codebook import default_codebook
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "transcript_id": ["T1", "T1"],
    ...     "coder": ["a", "a"], "code_id": ["parenting_stress", "mental_health"],
    ...     "start": [0, 0], "end": [5, 5]})
    >>> book, new, audit = merge_codes(default_codebook(), codings, ["parenting_stress"],
    ...                                "mental_health", who="lead")
    >>> new.code_id.tolist(), "parenting_stress" in book
    (['mental_health'], False)
    """
    require_columns(codings, ["code_id"], error=CodebookError)
    sources = list(dict.fromkeys(sources))
    target = codebook.get(into)
    if not sources:
        raise CodebookError("merge needs at least one code to merge", field="code_id")
    if into in sources:
        raise CodebookError(f"cannot merge {into!r} into itself", field="code_id")
    removed = [codebook.get(code_id) for code_id in sources]
    ancestors = set()
    parent = target.parent
    while parent is not None:
        ancestors.add(parent)
        parent = codebook.get(parent).parent
    if ancestors & set(sources):
        raise CodebookError(
            f"cannot merge {sorted(ancestors & set(sources))} into their descendant {into!r}",
            field="code_id",
        )
    codes = [
        dataclasses.replace(code, parent=into) if code.parent in sources else code
        for code in codebook
        if code.id not in sources
    ]
    new_book = codebook.replace_codes(codes)
    new_codings = codings.copy()
    mask = new_codings["code_id"].isin(sources)
    recoded = _ids(new_codings[mask])
    new_codings.loc[mask, "code_id"] = into
    key = [c for c in ("transcript_id", "coder", "code_id", "start", "end") if c in codings]
    dropped: list[Any] = []
    if len(key) == 5:
        duplicated = new_codings.duplicated(subset=key, keep="first")
        dropped = _ids(new_codings[duplicated])
        new_codings = new_codings[~duplicated]
    audit = [
        AuditEntry(
            who,
            "merge_codes",
            into,
            {"codes": [code.to_dict() for code in removed]},
            {"into": into, "codings_recoded": recoded, "duplicates_dropped": dropped},
        )
    ]
    return new_book, new_codings, audit


def split_code(
    codebook: Codebook,
    codings: pd.DataFrame,
    code_id: str,
    new_codes: Iterable[Code | Mapping[str, Any]],
    assign: Mapping[Any, str] | Callable[[pd.Series], str],
    *,
    who: str,
    keep: bool = False,
) -> tuple[Codebook, pd.DataFrame, list[AuditEntry]]:
    """Split ``code_id`` into ``new_codes``, moving each of its codings to one of them.

    ``assign`` says where each coding goes: a mapping from ``coding_id`` (or the frame's
    index when there is no ``coding_id`` column) to a new code id, or a function of the
    coding row. Every coding of ``code_id`` must be assigned (the error lists those that are
    not) unless ``keep=True``, which keeps ``code_id`` for the rest. New codes without a
    ``parent`` take ``code_id``'s parent and are inserted where ``code_id`` was.

    >>> import pandas as pd
    >>> from coding.codebook import default_codebook
    >>> codings = pd.DataFrame({"coding_id": [1, 2], "code_id": ["stigma", "stigma"]})
    >>> book, new, _ = split_code(default_codebook(), codings, "stigma",
    ...     [{"id": "enacted_stigma"}, {"id": "internalised_stigma"}],
    ...     {1: "enacted_stigma", 2: "internalised_stigma"}, who="lead")
    >>> new.code_id.tolist(), book.get("internalised_stigma").parent
    (['enacted_stigma', 'internalised_stigma'], 'barriers')
    """
    require_columns(codings, ["code_id"], error=CodebookError)
    original = codebook.get(code_id)
    created: list[Code] = []
    for position, item in enumerate(new_codes):
        code = (
            item
            if isinstance(item, Code)
            else _code_from_mapping(item, file=None, line=None, position=position)
        )
        if code.parent is None and original.parent is not None:
            code = dataclasses.replace(code, parent=original.parent)
        if code.color is None and original.color is not None and not created:
            code = dataclasses.replace(code, color=original.color)
        created.append(code)
    if not created:
        raise CodebookError("split needs at least one new code", field="code_id")
    targets = {code.id for code in created}
    clash = targets & (set(codebook.ids) - {code_id})
    if clash:
        raise CodebookError(f"new code id(s) {sorted(clash)} already exist", field="code_id")
    if codebook.children(code_id) and not keep:
        raise CodebookError(
            f"code {code_id!r} has child codes; split it with keep=True or move them first",
            field="code_id",
        )
    codes: list[Code] = []
    for code in codebook:
        if code.id == code_id:
            if keep:
                codes.append(code)
            codes.extend(created)
        else:
            codes.append(code)
    new_book = codebook.replace_codes(codes)

    new_codings = codings.copy()
    mask = new_codings["code_id"] == code_id
    allowed = targets | ({code_id} if keep else set())
    key_column = "coding_id" if "coding_id" in new_codings.columns else None
    moved: dict[str, list[Any]] = {}
    unassigned: list[Any] = []
    for index, row in new_codings[mask].iterrows():
        key = row[key_column] if key_column else index
        target = assign(row) if callable(assign) else assign.get(key)
        if target is None and keep:
            target = code_id
        if target is None:
            unassigned.append(key)
            continue
        if target not in allowed:
            raise CodebookError(
                f"coding {key!r} is assigned to {target!r}, which is not one of the new codes "
                f"{sorted(targets)}",
                field="code_id",
            )
        new_codings.loc[index, "code_id"] = target
        moved.setdefault(target, []).append(_plain(key))
    if unassigned:
        shown = ", ".join(repr(_plain(u)) for u in unassigned[:20])
        more = f" and {len(unassigned) - 20} more" if len(unassigned) > 20 else ""
        raise CodebookError(
            f"{len(unassigned)} coding(s) of {code_id!r} are not assigned to a new code: "
            f"{shown}{more}",
            field="code_id",
        )
    audit = [
        AuditEntry(
            who,
            "split_code",
            code_id,
            {"code": original.to_dict()},
            {"codes": [code.to_dict() for code in created], "codings_moved": moved, "kept": keep},
        )
    ]
    return new_book, new_codings, audit


def _ids(frame: pd.DataFrame) -> list[Any]:
    values = frame["coding_id"] if "coding_id" in frame.columns else frame.index
    return [_plain(value) for value in values]


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
