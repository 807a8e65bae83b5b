"""Download buttons for the pages: briefing pack (PPTX, PDF) and map image (PNG, SVG).

A file is built only when asked for ("Prepare …"), inside ``st.status`` so the
user sees progress, then kept in the session for the same view so the
download button does not rebuild it on every rerun.
"""

from __future__ import annotations

import re

from domain.levels import STANDARD
from domain.text import DEFAULT_LANG, t
from ui.frame.state import DEFAULT_PROVINCE


def _label(key: str, lang: str, **values) -> str:
    return t(f"export.buttons.{key}", lang, **values)


MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "png": "image/png",
    "svg": "image/svg+xml",
}


def file_name(kind: str, params: dict, fmt: str) -> str:
    """e.g. ntm-briefing-42-444-2023-vi.pdf — only safe characters."""
    parts = ["ntm", kind, params.get("province"), params.get("district"), params.get("year")]
    if kind == "map":
        parts.append(params.get("level", "standard"))
    parts.append(params.get("lang", "vi"))
    stem = "-".join(str(p) for p in parts if p)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) + f".{fmt}"


def _button(kind: str, fmt: str, params: dict, lang: str, illustrative: bool, build) -> None:
    import streamlit as st

    name = file_name(kind, params, fmt)
    store_key = f"ntm_export::{name}::{int(illustrative)}"
    if st.button(_label("prepare", lang, fmt=fmt.upper()), key=f"prep::{store_key}"):
        with st.status(_label("building", lang, fmt=fmt.upper()), expanded=False) as status:
            try:
                st.write(_label("step_data", lang))   # the build computes the figures, then draws
                st.write(_label("step_draw", lang))
                data = build()
                st.session_state[store_key] = data
                status.update(label=_label("done", lang, fmt=fmt.upper()), state="complete")
            except Exception as exc:  # show, never a traceback to the reader
                status.update(label=_label("failed", lang, fmt=fmt.upper(), error=exc), state="error")
    data = st.session_state.get(store_key)
    if data is not None:
        st.download_button(_label("download", lang, fmt=fmt.upper()), data=data, file_name=name,
                           mime=MIME[fmt], key=f"dl::{store_key}")


def _buttons(state, kind: str, formats: tuple[str, str], illustrative: bool, build) -> None:
    """A heading and one prepare/download pair per format; ``build(ds, params, lang, fmt)``."""
    import streamlit as st

    from ui.export.build import dataset_for
    from ui.export.share import view_params

    p = view_params(state)
    lang = p.get("lang", DEFAULT_LANG)
    st.markdown(f"**{_label(kind, lang)}**")
    for col, fmt in zip(st.columns(len(formats)), formats):
        with col:
            _button(kind, fmt, p, lang, illustrative,
                    lambda fmt=fmt: build(dataset_for(illustrative), p, lang, fmt))


def briefing_buttons(state, *, illustrative: bool = False) -> None:
    """PPTX and PDF briefing pack of the view (province or district, year, language)."""
    from ui.export.build import build_briefing

    _buttons(state, "briefing", ("pptx", "pdf"), illustrative,
             lambda ds, p, lang, fmt: build_briefing(ds, p.get("province", DEFAULT_PROVINCE), int(p["year"]),
                                                     p.get("district"), lang=lang, fmt=fmt))


def map_buttons(state, *, illustrative: bool = False) -> None:
    """PNG and SVG image of the view's map (level or criteria colouring)."""
    from ui.export.build import build_map_image

    _buttons(state, "map", ("png", "svg"), illustrative,
             lambda ds, p, lang, fmt: build_map_image(ds, p.get("province", DEFAULT_PROVINCE), int(p["year"]),
                                                      p.get("district"), level=p.get("level", STANDARD),
                                                      lang=lang, fmt=fmt))
