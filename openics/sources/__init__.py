"""sources: pure readers of published files (registry, populations, allocations, payments).

Each reader recognises the layout of its file by the published meaning of its columns,
refuses a layout it does not know with a clear SourceError, and reports every bad row
with its line number (the header is line 1 of a CSV) rather than stopping at the first.
"""
