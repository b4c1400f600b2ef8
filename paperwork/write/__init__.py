"""A report as plain data → a .docx in GB/T 9704-2012 layout (and PDF when LibreOffice is installed)."""

from paperwork.write.model import (
    GENRES,
    Block,
    FigureRef,
    Heading,
    Paragraph,
    Report,
    Table,
    date_text,
    number_headings,
    report_context,
)
from paperwork.write.pdf import docx_to_pdf, pdf_available
from paperwork.write.render import TemplateError, build_docx, render_template, report_text
from paperwork.write.templates import default_template

__all__ = [
    "GENRES",
    "Block",
    "FigureRef",
    "Heading",
    "Paragraph",
    "Report",
    "Table",
    "TemplateError",
    "build_docx",
    "date_text",
    "default_template",
    "docx_to_pdf",
    "number_headings",
    "pdf_available",
    "render_template",
    "report_context",
    "report_text",
]
