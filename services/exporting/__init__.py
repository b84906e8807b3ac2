"""`circlebot export` (issue 24): every kind of data as sheets for a program's monitoring people,
to XLSX or to a zip of CSVs, streamed page by page so a program of any size fits in memory."""
