"""Reports: figures for any period, the chart, the XLSX workbook and the Word draft."""
