"""A PDF made here with every line in one type, as an exchange's, an agency's or a preprint's PDF often is:
no larger type marks the title."""

from __future__ import annotations


def one_type_pdf(lines: list[str]) -> bytes:
    """A page of `lines` in 10-point Helvetica, "" a small gap between paragraphs."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.core_fonts_encoding = "cp1252"  # the core fonts' own encoding (WinAnsi): long dashes and curly quotes too
    for line in lines:
        if line:
            pdf.multi_cell(160, 5, line)
        else:
            pdf.ln(3)
    return bytes(pdf.output())
