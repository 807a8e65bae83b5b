"""Build export files from the dataset: every figure comes from ``metrics``.

``build_map_image`` and ``build_briefing`` return the file bytes (PNG/SVG,
PPTX/PDF) of a view (``ui.export.view.map_view``). The command line (``python -m ui.export``) and the
Streamlit buttons both call these.
"""

from __future__ import annotations

import io

from ui.export.view import ExportError, MapView, dataset_for, map_view  # noqa: F401  (the export API)

MAP_FORMATS = ("png", "svg")
BRIEFING_FORMATS = ("pptx", "pdf")


def render_view(view: MapView, *, dpi: int = 200, with_source: bool = True):
    from ui.export.mapimage import render_map

    return render_map(view.communes, view.districts, map_spec=view.spec, title=view.title,
                      subtitle=view.subtitle, source_line=view.source_line if with_source else "",
                      lang=view.lang, illustrative=view.illustrative, dpi=dpi)


def build_map_image(ds, province: str, year: int, district: str | None = None, *,
                    level: str = "standard", lang: str = "vi", fmt: str = "png", dpi: int = 200,
                    with_view: bool = False, with_source: bool = True, layer: str | None = None):
    """PNG or SVG bytes of the view's map (and the ``MapView`` if ``with_view``).

    ``with_source=False`` leaves the source line out of the image, for a caller
    that prints it as text right under it (the embed view).
    """
    if fmt not in MAP_FORMATS:
        raise ExportError(f"map format must be png or svg, got {fmt!r}")
    view = map_view(ds, province, year, district, level, lang, layer=layer)
    figure = render_view(view, dpi=dpi, with_source=with_source)
    buf = io.BytesIO()
    figure.save(buf, fmt=fmt)
    return (buf.getvalue(), view) if with_view else buf.getvalue()


def build_briefing(ds, province: str, year: int, district: str | None = None, *,
                   lang: str = "vi", fmt: str = "pptx") -> bytes:
    """PPTX or PDF bytes of the briefing pack."""
    from ui.export.content import build_pack
    from ui.export.pdf_writer import write_pdf
    from ui.export.pptx_writer import write_pptx

    if fmt not in BRIEFING_FORMATS:
        raise ExportError(f"briefing format must be pptx or pdf, got {fmt!r}")
    pack = build_pack(ds, province, year, district, lang)
    buf = io.BytesIO()
    (write_pptx if fmt == "pptx" else write_pdf)(pack, buf)
    return buf.getvalue()
