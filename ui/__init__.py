"""Building blocks of the Streamlit app, in rooms by role (lowest first; a room imports only
from the rooms before it, from ``metrics``, ``loaders`` and ``domain``):

- ``frame``  — URL state, the page frame and context, the string store access, cached data access.
- ``maps``   — the map specification, province (Leaflet) and national (canvas) map builders,
               legend, palette, search.
- ``export`` — briefing packs, map images, share links and citations, download buttons.
- ``blocks`` — page blocks: panels, detail panel, tables, charts, downloads, embed.
- ``editor`` — editor login and the import panel.
"""
