"""Download buttons for the pages: briefing pack (PPTX, PDF) and map image (PNG, SVG).

A file is built only when asked for ("Prepare …"), inside ``st.status`` so the
user sees progress, then kept in the session for the same view so the
download button does not rebuild it on every rerun.
"""

from __future__ import annotations

import re

_LABELS = {
    "vi": {"briefing": "Báo cáo tóm tắt (trình chiếu / in)", "map": "Ảnh bản đồ",
           "prepare": "Tạo tệp {fmt}", "download": "Tải {fmt}", "building": "Đang tạo tệp {fmt}…",
           "done": "Đã tạo tệp {fmt}", "failed": "Không tạo được tệp {fmt}: {error}",
           "step_data": "Tính số liệu từ bản ghi…", "step_draw": "Vẽ bản đồ và trang…"},
    "en": {"briefing": "Briefing pack (slides / print)", "map": "Map image",
           "prepare": "Prepare {fmt}", "download": "Download {fmt}", "building": "Building the {fmt} file…",
           "done": "{fmt} file ready", "failed": "Could not build the {fmt} file: {error}",
           "step_data": "Computing the figures from the records…", "step_draw": "Drawing the map and pages…"},
}

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

    L = _LABELS.get(lang, _LABELS["vi"])
    name = file_name(kind, params, fmt)
    store_key = f"ntm_export::{name}::{int(illustrative)}"
    if st.button(L["prepare"].format(fmt=fmt.upper()), key=f"prep::{store_key}"):
        with st.status(L["building"].format(fmt=fmt.upper()), expanded=False) as status:
            try:
                st.write(L["step_data"])   # the build computes the figures, then draws
                st.write(L["step_draw"])
                data = build()
                st.session_state[store_key] = data
                status.update(label=L["done"].format(fmt=fmt.upper()), state="complete")
            except Exception as exc:  # show, never a traceback to the reader
                status.update(label=L["failed"].format(fmt=fmt.upper(), error=exc), state="error")
    data = st.session_state.get(store_key)
    if data is not None:
        st.download_button(L["download"].format(fmt=fmt.upper()), data=data, file_name=name,
                           mime=MIME[fmt], key=f"dl::{store_key}")


def briefing_buttons(state, *, illustrative: bool = False) -> None:
    """PPTX and PDF briefing pack of the view (province or district, year, language)."""
    import streamlit as st

    from ui.export.build import build_briefing, dataset_for
    from ui.export.share import view_params

    p = view_params(state)
    lang = p.get("lang", "vi")
    st.markdown(f"**{_LABELS.get(lang, _LABELS['vi'])['briefing']}**")
    cols = st.columns(2)
    for col, fmt in zip(cols, ("pptx", "pdf")):
        with col:
            _button("briefing", fmt, p, lang, illustrative,
                    lambda fmt=fmt: build_briefing(dataset_for(illustrative), p.get("province", "42"),
                                                   int(p["year"]), p.get("district"), lang=lang, fmt=fmt))


def map_buttons(state, *, illustrative: bool = False) -> None:
    """PNG and SVG image of the view's map (level or criteria colouring)."""
    import streamlit as st

    from ui.export.build import build_map_image, dataset_for
    from ui.export.share import view_params

    p = view_params(state)
    lang = p.get("lang", "vi")
    st.markdown(f"**{_LABELS.get(lang, _LABELS['vi'])['map']}**")
    cols = st.columns(2)
    for col, fmt in zip(cols, ("png", "svg")):
        with col:
            _button("map", fmt, p, lang, illustrative,
                    lambda fmt=fmt: build_map_image(dataset_for(illustrative), p.get("province", "42"),
                                                    int(p["year"]), p.get("district"),
                                                    level=p.get("level", "standard"), lang=lang, fmt=fmt))
