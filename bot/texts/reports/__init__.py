"""Rendering of the reports: the chat summary, the chart, the workbook and the Word draft."""
