"""Exports built from the same numbers as the dashboard: briefing packs (PPTX/PDF) and map images (PNG/SVG).

Command line: ``python -m ui.export briefing|map --help``.
"""
