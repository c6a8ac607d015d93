"""Disclosure control around a report run: audience, threshold, context, audit and release.

* **Audience** is a property of the template, not of a run: the notebook's metadata
  ``dyadlab.audience`` (else the default of its ``audience`` parameter). A run may repeat it
  but never change it: ``audience=funder`` on a researcher template is refused (a researcher
  template shows small counts by design and has no ledger), and so is ``researcher`` on a
  funder template.
* **The threshold** is study policy (study.yaml ``disclosure.min_cell``, default 11). A run may
  raise it; a lower ``min_cell`` is refused before any kernel starts.
* **Context.** A funder report is audited against every count the study has released (its
  release ledger, :class:`analysis.disclosure.ReleaseLedger`, beside the study's data) and
  every count of the reports rendered before it in the same batch. The runner writes these
  to a private scratch file and tells the kernel where through the environment
  (:data:`CONTEXT_VARIABLE`); :meth:`studies.reports.ReportScope.ledger` reads it and the
  ledger's :meth:`check` writes back what the report published.
* **Audit.** The runner audits everything together again, independently of the kernel, and
  refuses a report that would reveal a small count.
* **Release.** Rendering is drafting. ``release=True`` holds the ledger's lock from the first
  render of a batch to its last append and records every count each released report showed,
  with the record ids it counted. Only funder reports are released.

Tested in tests/studies/reports/test_release.py and the attack tests
(tests/studies/reports/test_attacks.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from studies.errors import ReportError

AUDIENCES = ("researcher", "funder")
#: Environment variable naming the JSON file with the disclosure context of a kernel.
CONTEXT_VARIABLE = "DYADLAB_DISCLOSURE_CONTEXT"


def template_audience(template: str) -> str:
    """``"funder"`` or ``"researcher"``, fixed by the template (metadata, else its default)."""
    import nbformat

    from studies.reports._templates import declared_parameters, template_path

    path = template_path(template)
    metadata = nbformat.read(path, as_version=4).metadata.get("dyadlab", {})
    default = declared_parameters(template).get("audience")
    default = str(default).strip("\"'") if default not in (None, "None") else None
    audience = metadata.get("audience") or default or "researcher"
    if audience not in AUDIENCES:
        raise ReportError(f"template {template} declares an unknown audience {audience!r}")
    if default is not None and default != audience:
        raise ReportError(
            f"template {template}: its metadata says audience {audience!r} but its parameters "
            f"default to {default!r}; make them agree",
            file=path,
        )
    return audience


def policy_min_cell(study: Any) -> int:
    """The study's threshold (study.yaml ``disclosure.min_cell``)."""
    config = getattr(study, "config", None)
    policy = getattr(getattr(config, "disclosure", None), "min_cell", 11)
    if int(policy) < 2:
        raise ReportError(
            f"study.yaml disclosure.min_cell must be at least 2, got {policy}", file=study.path
        )
    return int(policy)


def policy_rounding_base(study: Any) -> int | None:
    """The base released counts are rounded to (study.yaml ``disclosure.rounding_base``)."""
    config = getattr(study, "config", None)
    base = getattr(getattr(config, "disclosure", None), "rounding_base", 10)
    return int(base) if base else None


def fixed_parameters(study: Any, template: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """``audience`` and ``min_cell`` for the run; a run that tries to change the template's
    audience or lower the study's threshold is refused (before any kernel starts)."""
    audience = template_audience(template)
    asked = parameters.get("audience")
    if asked not in (None, "", "None") and asked != audience:
        raise ReportError(
            f"template {template} is a {audience} report; its audience is fixed by the template "
            f"and cannot be set to {asked!r} (render the funder template for funders)",
            field="audience",
        )
    policy = policy_min_cell(study)
    asked_min = parameters.get("min_cell")
    min_cell = policy if asked_min in (None, "", "None") else int(asked_min)
    if min_cell < policy:
        raise ReportError(
            f"min_cell {min_cell} is below the study's policy ({policy}, study.yaml "
            "disclosure.min_cell); a report may raise it, never lower it",
            field="min_cell",
        )
    return {"audience": audience, "min_cell": min_cell}


@dataclass
class DisclosureSession:
    """The counts a batch of reports is audited against, and the release ledger it adds to."""

    study: Any
    release: bool
    prior: list[dict[str, Any]] = field(default_factory=list)
    batch: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ledger(self):
        from analysis.disclosure import ReleaseLedger

        return ReleaseLedger.beside(self.study.data_root)

    @contextmanager
    def kernel_context(self, report: str, scratch: Path, min_cell: int) -> Iterator[Path]:
        """Write the context file for ``report`` and point the kernel at it; yields the path
        the kernel's ledger writes its published counts to."""
        export = scratch / "published_counts.json"
        context = scratch / "disclosure_context.json"
        payload = {
            "report": report,
            "min_cell": min_cell,
            "rounding_base": policy_rounding_base(self.study),
            "prior": self.prior + self.batch,
            "export": str(export),
        }
        fd = os.open(context, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
        previous = os.environ.get(CONTEXT_VARIABLE)
        os.environ[CONTEXT_VARIABLE] = str(context)
        try:
            yield export
        finally:
            if previous is None:
                os.environ.pop(CONTEXT_VARIABLE, None)
            else:
                os.environ[CONTEXT_VARIABLE] = previous

    def audit(self, report: str, export: Path, min_cell: int, source: Path) -> list[dict]:
        """The counts the kernel published, audited with everything released and batched."""
        from analysis.disclosure import DisclosureError, DisclosureLedger

        if not export.is_file():
            raise ReportError(
                f"the funder report {report} published no audited counts (its notebook must "
                "build its counts with scope.ledger(...) and end with ledger.check())",
                file=source,
            )
        counts = json.loads(export.read_text(encoding="utf-8"))
        everything = self.prior + self.batch + [{**c, "report": report} for c in counts]
        ledger = DisclosureLedger(
            pd.DataFrame({"id": []}), min_cell, id_column="id", prior=everything
        )
        try:
            ledger.check()
        except DisclosureError as error:
            raise ReportError(
                f"disclosure audit failed for {report}: {error}", file=source
            ) from None
        return counts

    def add(self, report: str, counts: list[dict], details: Mapping[str, Any]) -> None:
        """Count ``report`` in the batch, and record it in the ledger when releasing."""
        self.batch.extend({**c, "report": report} for c in counts)
        if self.release:
            self.ledger.append(report, counts, details)


@contextmanager
def disclosure_session(study: Any, release: bool) -> Iterator[DisclosureSession]:
    """The session of one batch; with ``release`` the ledger is locked throughout."""
    from analysis.disclosure import DisclosureError, ReleaseLedger

    ledger = ReleaseLedger.beside(study.data_root)
    try:
        if not release:
            yield DisclosureSession(study, False, ledger.counts())
            return
        with ledger.locked():
            yield DisclosureSession(study, True, ledger.counts())
    except DisclosureError as error:
        raise ReportError(str(error), file=study.path) from None


def read_context() -> dict[str, Any] | None:
    """The disclosure context the runner gave this kernel (None outside a report run)."""
    path = os.environ.get(CONTEXT_VARIABLE)
    if not path:
        return None
    return json.loads(Path(path).read_text(encoding="utf-8"))
