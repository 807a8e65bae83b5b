"""Map `/map`: commune / district / criteria layers, legend beside the map,
search and zoom, click → detail panel, play through years, compare two years.
The controls and the year view (a fragment: a year change reruns only it) are in
``ui.blocks.mappage``."""
from ui import frame
from ui.blocks import mappage

mappage.render(frame.page("map.title", caption="province", national="allow"))
