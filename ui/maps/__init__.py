"""Maps: the province map (``province``, Leaflet through streamlit-folium), the national map
(``national``, canvas), the legend, the palette and the name search. May import ``ui.frame``."""
