"""Page blocks the pages compose: panels (caption, KPI tiles, maps with legends), the commune
detail panel, tables, charts, downloads and the embed view. May import ``ui.frame``,
``ui.maps`` and ``ui.export``."""
