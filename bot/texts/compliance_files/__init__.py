"""The compliance feature's files: the assessment workbook and the monthly work report."""
