"""Maps: the province map (``province``, Leaflet in the map frame of ``base``), the national map
(``national``, canvas), the legend, the palette and the name search. May import ``ui.frame``."""
