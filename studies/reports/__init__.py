"""Reports: render a study's parameterized notebooks into HTML (and PDF), and the pieces
the notebooks call — the data in scope, the report tables, the funder sections, the display
helpers and the provenance table.
"""

from studies.reports._batch import render_all
from studies.reports._display import heading, show_counts, show_figure, show_table
from studies.reports._funder import (
    funder_joint_display,
    glossary_table,
    key_themes,
    month_days,
    perspectives,
    retention_for_funders,
    retention_grid,
    site_label,
    theme_quote,
)
from studies.reports._funder_data import (
    funder_ledger_data,
    missing_values_table,
    overall_retention,
    themes_in_words,
)
from studies.reports._runner import (
    ReportError,
    ReportOutputs,
    check_parameters,
    render_report,
)
from studies.reports._scope import ReportScope
from studies.reports._summary import (
    headline_sentences,
    methods_text,
    predictors_in_words,
    table_value,
)
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
from studies.reports._templates import templates

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
    "funder_ledger_data",
    "glossary_table",
    "heading",
    "headline_sentences",
    "incidence_at",
    "key_themes",
    "methods_text",
    "missing_values_table",
    "month_days",
    "overall_retention",
    "perspectives",
    "ph_table",
    "predictors_in_words",
    "render_all",
    "render_report",
    "retention_for_funders",
    "retention_grid",
    "rmst_table",
    "show_counts",
    "show_figure",
    "show_table",
    "site_label",
    "survival_at_table",
    "table_value",
    "templates",
    "theme_quote",
    "theme_table",
    "themes_in_words",
]
