"""The leadership page's sections (Streamlit): period and weights controls bound to the URL, the
index map and ranked table, the sensitivity view, a locality's card, the reporting calendar, the
obligations register and the sourced province totals. The arithmetic is in ``metrics``; the
tables and cells in ``ui.blocks.leadership``."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from domain.indicators import INDICATORS
from domain.periods import KINDS, MONTH, Period, local_now, month_of, parse
from metrics.common import MetricsInputError
from metrics.fmt import format_number
from metrics.index import DEFAULT_WEIGHTS
from metrics.indicators import province_figures, series
from metrics.leadership import build_index
from ui.blocks import leadership as lb
from ui.blocks.downloads import safe_csv
from ui.frame import data, layout, state

WEIGHT_STEP = 0.5
WEIGHT_MAX = 5.0
CARD_SPAN = {MONTH: 12, "quarter": 8, "year": 10}    # periods on a card's charts


def css() -> None:
    st.html("""<style>
    .ntm-cal-wrap { overflow-x: auto; max-width: 100%; }
    .ntm-cal { border-collapse: collapse; font-size: 0.9rem; }
    .ntm-cal th, .ntm-cal td { border: 1px solid #fff; padding: 3px 6px; text-align: center; white-space: nowrap; }
    .ntm-cal th[scope=row] { text-align: left; font-weight: 600; background: #f6f8fa; position: sticky; left: 0; }
    .ntm-cal td { min-width: 26px; font-weight: 700; }
    .ntm-cal-none { background: repeating-linear-gradient(45deg, #fff 0 3px, #ddd 3px 5px); }
    .ntm-cal-legend { font-size: 0.9rem; margin-top: 4px; }
    .ntm-cal-key { display: inline-block; min-width: 20px; text-align: center; font-weight: 700; border-radius: 3px; }
    </style>""")


def context(ctx):
    """The province's indicator context (cached; ``data.leadership``)."""
    return data.leadership(ctx.province, ctx.cache_key, ctx.illustrative)


def table_height(n: int) -> int:
    """Every row of a district list visible; a commune list scrolls."""
    return min(36 * (n + 1) + 4, 640)


# ---------------------------------------------------------------- controls
def choose_period(ctx, L) -> str | None:
    """The period of the view (URL ``period``) or the default; kind and period controls."""
    available = L.periods()
    lang = ctx.lang
    period = ctx.view.period
    valid = {str(p) for p in available}
    this_month = str(month_of(local_now()))
    if period is not None and period not in valid and period != this_month:
        try:
            L.vintage(period)          # a period without data is allowed (it shows what is missing)
        except MetricsInputError:
            layout.notices([("period", period)], lang)
            period = None
    if period is None:
        period = lb.default_period(available)
        if period is None:
            st.info(ctx.t("leadership.no_data"))
            return None
        state.update(period=period)      # the link names the period shown (the default moves with the data)
    kinds = [k for k in KINDS if any(p.kind == k for p in available)] or [lb.kind_of(period)]
    kind = lb.kind_of(period)
    if kind not in kinds:
        kinds.append(kind)
    c1, c2, c3 = st.columns([2, 5, 2], vertical_alignment="bottom")
    st.session_state["ntm_w_lead_kind"] = kind
    c1.segmented_control(ctx.t("leadership.period_kind"), kinds, key="ntm_w_lead_kind",
                         format_func=lambda k: ctx.t(f"leadership.kinds.{k}"),
                         on_change=lambda: _set_kind(available))
    options = lb.period_choices(available, kind)
    if period not in options:
        options = sorted(set(options) | {period}, key=lambda p: parse(p).sort_key())
    st.session_state["ntm_w_lead_period"] = period
    if len(options) > 1:
        c2.select_slider(ctx.t("leadership.period"), options=options, key="ntm_w_lead_period",
                         on_change=lambda: state.update(period=st.session_state["ntm_w_lead_period"]))
    else:
        c2.markdown(f"**{html.escape(ctx.t('leadership.period'))}:** {html.escape(period)}")
    if c3.button(ctx.t("leadership.this_month"), key="ntm_w_lead_now"):
        state.update(period=this_month)
        st.rerun()
    try:
        L.vintage(period)
    except MetricsInputError:
        p = parse(period)
        st.warning(ctx.t("leadership.no_vintage", period=period, day=p.end.strftime("%d/%m/%Y")),
                   icon=":material/info:")
        return None
    return period


def _set_kind(available) -> None:
    kind = st.session_state.get("ntm_w_lead_kind")
    if not kind:
        return
    opts = [p for p in available if p.kind == kind]
    if opts:
        state.update(period=str(opts[-1]))


def choose_weights(ctx) -> dict:
    """The weights of the view (URL ``weights``), adjustable; written back to the URL."""
    weights, ok = lb.weights_from_param(ctx.view.weights)
    if not ok:
        layout.notices([("weights", ctx.view.weights)], ctx.lang)
    changed = any(weights[k] != DEFAULT_WEIGHTS[k] for k in INDICATORS)
    with st.expander(ctx.t("leadership.weights") + (" ✱" if changed else ""), expanded=changed):
        st.caption(ctx.t("leadership.weights_help"))
        for i in range(0, len(INDICATORS), 4):      # rows of four: a phone stacks them in order
            for col, k in zip(st.columns(4), INDICATORS[i:i + 4]):
                key = f"ntm_w_lead_weight_{k}"
                st.session_state[key] = float(weights[k])
                col.number_input(ctx.t(f"indicators.names.{k}"), min_value=0.0, max_value=WEIGHT_MAX,
                                 step=WEIGHT_STEP, key=key, on_change=_set_weights)
        if changed and st.button(ctx.t("leadership.reset_weights"), key="ntm_w_lead_reset"):
            state.update(weights=None)
            st.rerun()
    return weights


def _set_weights() -> None:
    w = {k: float(st.session_state.get(f"ntm_w_lead_weight_{k}", DEFAULT_WEIGHTS[k])) for k in INDICATORS}
    if not any(v > 0 for v in w.values()):
        return          # every weight 0: keep the previous weights (the index needs one)
    state.update(weights=lb.weights_param(w))


# ---------------------------------------------------------------- the index
def index_result(ctx, L, period: str, weights: dict) -> dict:
    return build_index(L, period, weights, sensitivity=True)


def method(ctx, result: dict) -> None:
    with st.expander(ctx.t("leadership.method_title")):
        st.markdown(ctx.t("leadership.method"))
    key = "leadership.localities_districts" if result["level"] == "district" else "leadership.localities_communes"
    st.caption(ctx.t(key, vintage=result["vintage"], n=len(result["localities"])))


def banner(ctx, result: dict) -> None:
    frames = [pd.DataFrame({"provenance": [loc["provenance"] for loc in result["localities"]]})]
    layout.illustrative_banner(frames, ctx.lang)


def index_map(ctx, L, result: dict) -> None:
    """The index map: the localities of the period (districts before 7/2025, xã after) in their
    index class; incomplete ones hatched as no record, never as a low index."""
    if not result["localities"]:
        return
    rows = tuple((str(x["unit_code"]), x["index"]) for x in result["localities"])
    illus = any(x.get("provenance") == "illustrative" for x in result["localities"])
    png = _index_png(ctx.province, result["vintage"], result["level"], parse(result["period"]).end.year, rows,
                     ctx.lang, illus)
    st.subheader(ctx.t("leadership.map_title"))
    left, right = st.columns([3, 2])
    left.image(png, width="stretch", alt=ctx.t("leadership.map_alt", period=result["period"]))
    right.caption(ctx.t("leadership.map_subtitle", period=result["period"], vintage=result["vintage"]))


@st.cache_data(show_spinner=False, max_entries=64)
def _index_png(province: str, vintage: str, level: str, year: int, rows: tuple, lang: str,
               illustrative: bool) -> bytes:
    communes = data.communes_geo(vintage)
    districts = data.districts_geo(vintage) if level == "district" else None
    layer = districts if districts is not None else communes
    result = {"level": level, "localities": [{"unit_code": c, "index": v} for c, v in rows]}
    sp = lb.index_map_spec(result, province, year, layer["unit_code"].astype(str))
    return lb.index_map_png(sp, communes, districts, lang=lang, illustrative=illustrative)


def ranking(ctx, result: dict) -> None:
    st.subheader(ctx.t("leadership.table_title", period=result["period"]))
    ranges = (result.get("sensitivity") or {}).get("ranges")
    df = lb.ranked_frame(result, ctx.lang, ranges)
    st.dataframe(df, hide_index=True, width="stretch", key="ntm_lead_table", height=table_height(len(df)))
    n_inc = sum(1 for x in result["localities"] if not x["complete"])
    ranked = len(result["localities"]) - n_inc
    no_criteria = sum(1 for x in result["localities"] if "criteria_met" in x["missing"])
    if no_criteria:
        # most often the change of criteria set: communes recognised under the earlier set and not
        # (yet) re-assessed under the one in force have no count under it
        st.info(ctx.t("leadership.criteria_missing", n=no_criteria, total=len(result["localities"])),
                icon=":material/info:")
        if st.button(ctx.t("leadership.without_criteria"), key="ntm_w_lead_nocrit"):
            w = dict(result["weights"], criteria_met=0)
            state.update(weights=lb.weights_param(w))
            st.rerun()
    if not ranked:
        st.warning(ctx.t("leadership.none_ranked", period=result["period"]), icon=":material/info:")
    elif n_inc:
        st.caption(ctx.t("leadership.n_incomplete", n=n_inc))
    if result.get("previous_period"):
        st.caption(ctx.t("leadership.change_note", previous=result["previous_period"]))


def sensitivity(ctx, result: dict) -> None:
    sens = result.get("sensitivity")
    if not sens or not sens["scenarios"] or not sens["ranges"]:
        return
    with st.expander(ctx.t("leadership.sens_title")):
        st.caption(ctx.t("leadership.sens_intro"))
        st.dataframe(lb.sensitivity_frame(sens, ctx.lang), hide_index=True, width="stretch")


def download(ctx, L, period: str) -> None:
    comp = L.components(period)
    st.download_button(ctx.t("leadership.download"), data=safe_csv(lb.components_frame(comp, ctx.lang)),
                       file_name=f"ntm-indicators-{ctx.province}-{period}.csv", mime="text/csv",
                       key="ntm_lead_csv")


# ---------------------------------------------------------------- the locality card
def card(ctx, L, result: dict) -> None:
    locs = result["localities"]
    if not locs:
        return
    st.subheader(ctx.t("leadership.card_title"))
    codes = [x["unit_code"] for x in locs]
    names = {x["unit_code"]: x["name"] for x in locs}
    chosen = ctx.view.locality if ctx.view.locality in codes else codes[0]
    st.session_state["ntm_w_lead_loc"] = chosen
    st.selectbox(ctx.t("leadership.card_pick"), codes, key="ntm_w_lead_loc", format_func=lambda c: names[c],
                 on_change=lambda: state.update(locality=st.session_state["ntm_w_lead_loc"]))
    loc = next(u for u in L.localities(result["period"]) if str(u["unit_code"]) == chosen)
    row = next(x for x in locs if x["unit_code"] == chosen)
    p = parse(result["period"])
    periods = [p]
    while len(periods) < CARD_SPAN[p.kind]:
        periods.append(periods[-1].previous())
    s = series(L, loc, [str(x) for x in reversed(periods)])
    rank = "—" if row["rank"] is None else str(row["rank"])
    st.markdown(ctx.t("leadership.card_head", name=html.escape(names[chosen]), rank=rank,
                      index="—" if row["index"] is None else format_number(row["index"], ctx.lang, 1)))
    targets = L.targets(loc)
    figs = {k: lb.card_figure(s, k, ctx.lang, targets) for k in INDICATORS}
    drawn = [k for k in INDICATORS if figs[k] is not None]
    for i in range(0, len(drawn), 2):      # a row per pair: a phone stacks them in the same order
        for col, k in zip(st.columns(2), drawn[i:i + 2]):
            with col:
                st.plotly_chart(figs[k], width="stretch", key=f"ntm_lead_card_{k}", config={"displaylogo": False})
    if len(drawn) < len(INDICATORS):
        st.caption(ctx.t("leadership.card_no_values", n=len(periods),
                         names=", ".join(ctx.t(f"indicators.names.{k}") for k in INDICATORS if k not in drawn)))
    if targets:
        st.caption(ctx.t("leadership.targets_note"))
    hist = [x for x in _history(L, loc, p) if x["unit_code"] == chosen]
    if hist:
        st.markdown(f"**{html.escape(ctx.t('leadership.history_title'))}**")
        st.dataframe(lb.history_frame(hist, ctx.lang), hide_index=True, width="stretch",
                     height=table_height(len(hist)))


def _history(L, loc, p: Period) -> list[dict]:
    """The locality's reports over the 12 months up to the period's last month."""
    end = Period(MONTH, p.end.year, p.end.month)
    out = []
    for m in lb.recent_months(str(end), 12):
        try:
            if L.vintage(m).vintage != str(loc["vintage"]):
                continue
        except MetricsInputError:
            continue
        out += L.report_states(m)
    return out


# ---------------------------------------------------------------- compliance
def compliance(ctx, L, period: str) -> None:
    st.subheader(ctx.t("leadership.compliance_title"))
    tracked = [o for o in L.obligations if o.tracked]
    if not tracked:
        st.info(ctx.t("leadership.no_obligation"))
        return
    o = tracked[0]
    st.caption(ctx.t("leadership.compliance_rule", day=o.due_day, source=_source_title(ctx, o.source_id)))
    p = parse(period)
    months = [str(p)] if p.kind == MONTH else [str(m) for m in p.children(MONTH)]
    now_states = [s for m in months for s in L.report_states(m)]
    if not now_states:
        st.info(ctx.t("leadership.no_reports_due", period=period))
    elif p.kind == MONTH:
        st.markdown(f"**{html.escape(ctx.t('leadership.compliance_month', month=period))}** — "
                    f"{html.escape(lb.counts_line(now_states, ctx.lang))}")
        st.dataframe(lb.month_table(now_states, ctx.lang), hide_index=True, width="stretch",
                     key="ntm_lead_month", height=table_height(len(now_states)))
    else:
        st.markdown(html.escape(lb.counts_line(now_states, ctx.lang)))
    end = Period(MONTH, p.end.year, p.end.month)
    cal_months = lb.recent_months(str(end), 12)
    cal = [s for m in cal_months for s in L.report_states(m)]
    if cal:
        st.markdown(f"**{html.escape(ctx.t('leadership.calendar_title'))}**")
        st.html(lb.calendar_html(cal, cal_months, ctx.lang))


def _source_title(ctx, source_id) -> str:
    src = ctx.dataset().sources
    hit = src[src["source_id"].astype(str) == str(source_id)]
    return str(hit.iloc[0]["title"]) if len(hit) else str(source_id)


def register(ctx, L) -> None:
    if not L.obligations:
        return
    with st.expander(ctx.t("leadership.register_title")):
        rows = []
        for o in L.obligations:
            due = o.due_date.strftime("%d/%m/%Y") if o.due_date else (
                ctx.t("obligations.cli_day", day=o.due_day) if o.due_day else "—")
            rows.append({ctx.t("leadership.col_obligation"): getattr(o, f"title_{ctx.lang}"),
                         ctx.t("leadership.col_applies"): ctx.t(f"obligations.applies_to.{o.applies_to}"),
                         ctx.t("leadership.col_frequency"): ctx.t(f"obligations.frequency.{o.frequency}"),
                         ctx.t("leadership.col_due"): due,
                         ctx.t("leadership.col_tracked"): ctx.t("leadership.tracked_yes" if o.tracked
                                                                 else "leadership.tracked_no"),
                         ctx.t("leadership.col_source"): f"{_source_title(ctx, o.source_id)} §{o.section or '—'}",
                         ctx.t("leadership.col_quote"): o.quote or ""})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def province_totals(ctx) -> None:
    figs = province_figures(ctx.dataset(), ctx.province)
    figs = figs[figs["basis"].astype(str) == "actual"] if len(figs) else figs
    if not len(figs):
        return
    st.subheader(ctx.t("leadership.province_title"))
    rows = []
    for r in figs.to_dict("records"):
        v = lb.fmt_value(r["indicator"], r["value"], ctx.lang)
        rows.append({ctx.t("leadership.col_period"): r["period"],
                     ctx.t("leadership.col_indicator"): ctx.t(f"indicators.names.{r['indicator']}"),
                     ctx.t("leadership.col_value"): ("> " if r["qualifier"] == "at_least" else "") + v,
                     ctx.t("leadership.col_definition"): r["definition"] or "—",
                     ctx.t("leadership.col_provenance"): ctx.t(f"provenance.{r['provenance']}"),
                     ctx.t("leadership.col_source"): _source_title(ctx, r["source_id"])})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if figs["definition"].nunique() > 1:
        st.caption(ctx.t("leadership.province_break"))
    # each indicator counted under more than one definition: its points, split at the change
    broken = [k for k, g in figs.groupby("indicator") if g["definition"].nunique() > 1]
    cols = st.columns(max(1, len(broken)))
    for col, key in zip(cols, broken):
        with col:
            st.plotly_chart(lb.card_figure(figs, key, ctx.lang), width="stretch",
                            key=f"ntm_lead_province_{key}", config={"displaylogo": False})
