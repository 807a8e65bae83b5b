"""Holdouts `/holdouts`: the holdout rules' result per year, this year's list,
each holdout's timeline, missing criteria where recorded, and sources."""
import pandas as pd
import streamlit as st

from ui.frame import data, layout, state
from ui.blocks import detail, panels, tables
from ui.frame.i18n import t

layout.ensure_frame()
view = state.current()
lang = view.lang
illus = layout.show_illustrative()
ch = layout.choices()
panels.page_title("holdouts.title", view)
if view.province == "all":
    panels.national_notice(view)
    st.stop()

tok = data.token(illus)
st.write(t("holdouts.intro", lang))

# The rules' result for every year: who was a holdout when.
per_year = {y: panels.true_holdouts(data.holdouts(view.province, y, tok, illus)) for y in ch.years}
rows = []
for y, h in per_year.items():
    if len(h):
        names = ", ".join(dict.fromkeys(h["name"].astype(str)))
        rows.append({t("cols.year", lang): y, t("holdouts.rule_a", lang): int((h["rule"] == "a").sum()),
                     t("holdouts.rule_b", lang): int((h["rule"] == "b").sum()), t("holdouts.units", lang): names})
st.subheader(t("holdouts.per_year", lang))
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
else:
    st.info(t("holdouts.none_ever", lang))

all_h = data.holdouts(view.province, view.year, tok, illus)
h = per_year.get(view.year, panels.true_holdouts(all_h))
layout.illustrative_banner([h], lang)
st.subheader(t("holdouts.count", lang, n=h["unit_code"].nunique() if len(h) else 0, year=view.year))
if len(h):
    st.dataframe(tables.holdouts_table(h, lang), hide_index=True, width="stretch")
else:
    st.info(t("holdouts.none", lang, year=view.year))

# Timelines of every unit that was a holdout in some year.
ever = pd.concat([x for x in per_year.values() if len(x)], ignore_index=True) if rows else pd.DataFrame()
if len(ever):
    st.subheader(t("holdouts.timelines", lang))
    ds = data.dataset(illus)
    vintage = data.vintage_for(view.province, view.year)
    for r in ever.drop_duplicates("unit_code").itertuples(index=False):
        code = str(r.unit_code)
        years_held = sorted({int(y) for y, x in per_year.items() if len(x) and code in set(x["unit_code"].astype(str))})
        label = t("holdouts.timeline", lang, name=r.name) + " — " + ", ".join(str(y) for y in years_held)
        with st.expander(label, expanded=code in set(h["unit_code"].astype(str)) if len(h) else False):
            if r.admin_level == "commune":
                hist = data.history(code, str(r.vintage), tok, illus)
                if len(hist):
                    st.dataframe(tables.history_table(hist, ds, lang), hide_index=True, width="stretch")
                    sids = hist["source_id"].dropna().astype(str).tolist() if "source_id" in hist.columns else []
                    st.html(detail.source_links(ds, sids))
            else:   # a district: its own level per year, from the district ladder
                dist_rows = []
                for y in ch.years:
                    d = data.district_status(view.province, y, tok, illus)
                    d = d[d["unit_code"].astype(str) == code]
                    if len(d):
                        dr = d.iloc[0]
                        dist_rows.append({"year": y, "level": dr["level"], "provenance": dr.get("provenance"),
                                          "decision_no": dr.get("decision_no"), "source_id": dr.get("source_id")})
                known = [i for i, dr in enumerate(dist_rows) if dr["level"] != "unknown"]
                hist = pd.DataFrame(dist_rows[known[0]:] if known else dist_rows)   # from its first record on
                st.dataframe(tables.history_table(hist, ds, lang), hide_index=True, width="stretch")
                st.html(detail.source_links(ds, hist["source_id"].dropna().astype(str).tolist()))

no_rec = all_h[all_h["listed_as"].astype(str) != "holdout"] if "listed_as" in all_h.columns else all_h.iloc[0:0]
if len(no_rec):
    with st.expander(t("holdouts.no_record", lang, n=no_rec["unit_code"].nunique()), expanded=False):
        st.dataframe(tables.holdouts_table(no_rec, lang), hide_index=True, width="stretch")
