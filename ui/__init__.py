"""Building blocks shared by the pages: map, legend, palette, i18n, formatting, exports."""
