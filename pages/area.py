"""A district's view `/area` (land via ?district=): its communes' table, its map,
target and gap, a one-sentence summary. Printable (print CSS hides the chrome)."""
import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import panels, tables
from ui.frame.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
ch = layout.choices()
panels.page_title("area.title", view)
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
dstat = data.district_status(view.province, view.year, tok, illus)
names = dict(zip(dstat["unit_code"].astype(str), dstat["name"].astype(str)))
options = [c for c in ch.districts.get(view.province, ()) if c in names]
st.session_state["ntm_w_district"] = view.district if view.district in options else None
st.selectbox(t("area.pick", lang), options, key="ntm_w_district", index=None,
             placeholder=t("area.pick_prompt", lang), format_func=lambda c: names.get(c, c),
             on_change=lambda: state.update(district=st.session_state.get("ntm_w_district"), commune=None))
view = state.current()
if not view.district or view.district not in names:
    st.info(t("area.pick_prompt", lang))
    st.stop()

status = data.status(view.province, view.year, tok, illus)
mine = status[status["district_code"].astype(str) == view.district]
layout.illustrative_banner([mine], lang)
summary = data.summary(view.province, view.year, view.district, tok, illus)
panels.caption(summary, lang, view.level)

drow = dstat[dstat["unit_code"].astype(str) == view.district].iloc[0]
st.write(t("area.district_level", lang, year=view.year, level=t(f"levels.{drow['level']}", lang)))

left, right = st.columns([3, 2], gap="large")
with left:
    panels.commune_map(view, illus, "area_map", view.year, "level", height=480, district=view.district)
with right:
    panels.map_legend(view, illus, view.year, "level", district=view.district)
    st.subheader(t("area.target_gap", lang))
    panels.district_targets(view, summary)

st.subheader(t("area.table", lang))
st.dataframe(tables.communes_table(mine, data.dataset(illus), lang, view, illus), hide_index=True,
             width="stretch")
st.caption(t("area.print_hint", lang))
panels.share_and_export(view, illus, page="area", briefing=True)
