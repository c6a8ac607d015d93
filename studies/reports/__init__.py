"""Reports: render a study's parameterized notebooks into HTML (and PDF), and the pieces
the notebooks call — the data in scope, the report tables, the funder sections, the display
helpers and the provenance table.
"""

from studies.reports._display import heading, show_table
from studies.reports._funder import (
    funder_joint_display,
    glossary_table,
    key_themes,
    retention_for_funders,
)
from studies.reports._runner import (
    ReportError,
    ReportOutputs,
    check_parameters,
    render_all,
    render_report,
    templates,
)
from studies.reports._scope import ReportScope
from studies.reports._tables import (
    agreement_summary,
    codebook_table,
    cox_table,
    exemplar_quotes,
    incidence_at,
    ph_table,
    rmst_table,
    survival_at_table,
    theme_table,
)

__all__ = [
    "ReportError",
    "ReportOutputs",
    "ReportScope",
    "agreement_summary",
    "check_parameters",
    "codebook_table",
    "cox_table",
    "exemplar_quotes",
    "funder_joint_display",
    "glossary_table",
    "heading",
    "incidence_at",
    "key_themes",
    "ph_table",
    "render_all",
    "render_report",
    "retention_for_funders",
    "rmst_table",
    "show_table",
    "survival_at_table",
    "templates",
    "theme_table",
]
