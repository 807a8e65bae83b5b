"""Fill a briefing ``Pack`` from ``metrics`` for a province or district and a year.

Every figure here is read from a metrics result (``build_summary``,
``status_as_of``, ``level_counts``, ``district_status_as_of``,
``progress_series``, ``holdouts``, ``unit_history``) and formatted with
``metrics.fmt``; nothing is computed or typed in by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui.export import fonts
from ui.export.view import MapView, _s, map_view, short_sources, source_labels, source_line
from ui.export.leadership import leadership_slide
from ui.export.pack import Kpi, Pack, Table
from domain.levels import CLASSIC_LADDER, best_first, DISTRICT_DONE, DISTRICT_LEVELS, PROVENANCE, UNKNOWN
from ui.export.strings import at_least, level_label, provenance_text, t
from domain.text import t as store_t
from metrics.present import CHART_KINDS

LEVELS = CLASSIC_LADDER.recognised     # the KPI tiles' and progress chart's "at least" levels
MAX_TABLE_ROWS = 12           # rows that stay legible (≥ 14 pt) on one 16:9 slide
FIRST_PROGRESS_YEAR = 2010    # the programme's first year (491/QĐ-TTg, 2009)
PROGRESS_SPAN = 10            # years on the progress chart (each year is a full status pass)


def _fmt():
    from metrics.fmt import format_number, format_percent

    return format_number, format_percent


def _kpis(view: MapView, summary: dict, districts: pd.DataFrame, lang: str) -> list[Kpi]:
    """One tile per level with THE figure of the scope (the reported one with its date and
    source, else the count of records, "at least" when some are missing) and its target with the
    gap measured on that figure; then the district-level units (or the district's own level)."""
    from metrics.present import figure_parts, target_parts
    from metrics.targets import headline_target

    num, _ = _fmt()
    area = view.district or view.province
    kpis = []
    for lv, fig in (summary.get("figures") or {}).items():
        p = figure_parts(fig, lang)
        tp = target_parts(headline_target(summary.get("targets"), area, lv, view.year), lang)
        how = " · ".join(x for x in (p["how"], (p["source"] or {}).get("label")) if x)
        kpis.append(Kpi(label=p["level"], value=p["value"],
                        detail=" · ".join(x for x in (p["count"], p["share"]) if x), basis=how,
                        target=tp["goal"], gap=tp["state"], level=lv, provenance=_s(fig.get("provenance")),
                        figure=fig))
    # District-level units: huyện on the district ladder, thị xã/thành phố "completed".
    d = districts if view.district is None else districts[districts["unit_code"].astype(str) == view.district]
    done = d["level"].isin(DISTRICT_DONE) if len(d) else pd.Series(dtype=bool)
    if view.two_level:      # no district level: the vintage's commune-level units
        units = int(view.counts["units"])
        eligible = int(view.counts["eligible"])
        kpis.append(Kpi(t("units_kpi", lang), num(units, lang),
                        t("units_kpi_detail", lang, xa=num(eligible, lang), other=num(units - eligible, lang)),
                        t("no_district_level", lang), level="not_applicable"))
    elif view.district is None and len(d):
        kpis.append(Kpi(t("districts_done", lang), f"{num(int(done.sum()), lang)}/{num(len(d), lang)}",
                        t("district_units", lang), "", level="completed"))
    elif len(d):
        lv = str(d["level"].iloc[0])
        kpis.append(Kpi(t("district_level", lang),
                        level_label(lv, lang), fonts.nfc(d["name"].iloc[0]), "",
                        level=lv if lv in DISTRICT_LEVELS else UNKNOWN))
    return kpis


def _kpi_notes(summary: dict, lang: str) -> list[str]:
    """The notes every level's figure shares (what the map can draw, the register's count), then
    the comparison figures, each with its own area, date and source."""
    from metrics.present import figure_parts, shared_notes

    figs = summary.get("figures") or {}
    if not figs:
        return []
    common, _ = shared_notes(figs, lang)
    return [fonts.nfc(x) for x in common + figure_parts(next(iter(figs.values())), lang)["comparisons"]]


def _holdouts_table(ds, view: MapView, summary: dict, lang: str) -> Table:
    """This year's holdouts, one row per unit (``summary["holdouts"]["units"]``) with every rule
    it meets, its missing criteria when recorded and its recorded steps."""
    cols = [t("unit", lang), t("district", lang), t("level", lang), t("target_level", lang),
            t("missing", lang), t("timeline", lang)]
    widths = [2.0, 1.8, 1.5, 1.8, 3.0, 2.7]
    units = [u for u in (summary.get("holdouts") or {}).get("units") or [] if u.get("listed_as") == "holdout"]
    crit = _criteria_names(ds, lang)
    missing_of = {c["unit_code"]: c.get("missing") or [] for c in (summary.get("criteria") or {}).get("communes") or []}
    rows = []
    for u in units[:MAX_TABLE_ROWS]:
        targets = []
        for r in u.get("reasons") or []:
            text = level_label(_s(r.get("target_level")) or "standard", lang)
            text += f" ({int(r['target_year'])})" if r.get("rule") == "a" and r.get("target_year") else \
                f" — {t('last_units', lang)}"
            targets.append(text)
        missing_text = "; ".join(crit.get(m, m) for m in missing_of.get(u["unit_code"], [])) or "—"
        district = _s(u.get("district_name")) if u.get("admin_level") == "commune" else ""
        rows.append([fonts.nfc(_s(u.get("name"))), fonts.nfc(district) or "—",
                     level_label(_s(u.get("level")) or "unknown", lang), "; ".join(dict.fromkeys(targets)),
                     missing_text, _timeline(ds, u, view.vintage, lang)])
    note = t("more_rows", lang, n=len(units) - MAX_TABLE_ROWS) if len(units) > MAX_TABLE_ROWS else ""
    return Table(cols, rows, widths, note=note)


def _criteria_names(ds, lang: str) -> dict:
    crit = getattr(ds, "criteria", None)
    if crit is None or crit.empty:
        return {}
    name = f"name_{lang}"
    out = {}
    for r in crit.to_dict("records"):
        out.setdefault(str(r["criterion_id"]), f"{r['criterion_id']} {r.get(name) or ''}".strip())
    return out


def _timeline(ds, row: dict, vintage: str, lang: str) -> str:
    """Recorded steps of one commune, oldest first: '2021: Chưa đạt (15/19); 2023: Đạt chuẩn NTM'."""
    if row.get("admin_level") != "commune":
        return f"{int(row['record_year'])}: {level_label(_s(row.get('level')), lang)}" \
            if _s(row.get("record_year")) else "—"
    from metrics.history import unit_records

    recs = unit_records(ds, str(row.get("unit_code")), vintage)
    if recs is None or recs.empty:
        return "—"
    steps = []
    for r in recs.sort_values("year").drop_duplicates(["year", "level"], keep="last").to_dict("records"):
        text = f"{int(r['year'])}: {level_label(_s(r.get('level')) or 'unknown', lang)}"
        if _s(r.get("criteria_met")) and _s(r.get("criteria_total")):
            text += f" ({int(float(r['criteria_met']))}/{int(float(r['criteria_total']))})"
        steps.append(text)
    return "; ".join(steps[-4:]) or "—"


def _districts_table(prep, view: MapView, counts: pd.DataFrame, districts: pd.DataFrame, lang: str) -> Table:
    from metrics.figures import figure
    from metrics.present import share_text, value_text

    num, _ = _fmt()
    if view.district is None and not view.two_level:
        cols = [t("district", lang), t("district_level_col", lang),
                t("eligible", lang), at_least("standard", lang), at_least("advanced", lang),
                level_label("model", lang), level_label("unknown", lang)]
        levels = districts.set_index(districts["unit_code"].astype(str))["level"]
        rows, row_levels = [], []
        for r in counts[counts["admin_level"] == "district"].to_dict("records"):
            lv = _s(levels.get(str(r["area_code"]))) or "unknown"
            # each district's own figure (a report of it, else its count: "at least" with records missing)
            figs = {x: figure(prep, view.year, x, str(r["area_code"])) for x in LEVELS}
            std = figs["standard"]
            rows.append([fonts.nfc(_s(r["area_name"])), level_label(lv, lang), num(r["eligible"], lang),
                         value_text(std, lang) + (f" ({share_text(std, lang)})" if share_text(std, lang) else ""),
                         value_text(figs["advanced"], lang), value_text(figs["model"], lang),
                         num(r["unknown"], lang)])
            row_levels.append(lv)
        return Table(cols, rows[:MAX_TABLE_ROWS + 2], [2.6, 2.4, 1.1, 2.0, 1.5, 1.5, 1.6],
                     note=t("more_rows", lang, n=len(rows) - MAX_TABLE_ROWS - 2)
                     if len(rows) > MAX_TABLE_ROWS + 2 else "", row_levels=row_levels)
    # A district's own pack, or a province on a two-level vintage (no district): its communes.
    st = view.status
    cols = [t("commune", lang), t("level", lang), t("criteria_met", lang), t("decision_year", lang),
            t("provenance", lang)]
    rows = []
    st = st.assign(_o=st["level"].map(best_first)).sort_values(["_o", "name"])
    for r in st.to_dict("records"):
        crit = (f"{int(float(r['criteria_met']))}/{int(float(r['criteria_total']))}"
                if _s(r.get("criteria_met")) and _s(r.get("criteria_total")) else "—")
        basis = _s(r.get("decision_no"))
        if not basis and _s(r.get("record_year")):   # no decision: the year of the record
            basis = str(int(float(r["record_year"])))
        basis = basis or "—"
        prov = _s(r.get("provenance"))
        # Short level names in this long table ("Không áp dụng", without the bracket).
        rows.append([fonts.nfc(_s(r["name"])), level_label(_s(r["level"]), lang).split(" (")[0], crit, basis,
                     provenance_text(prov, lang).split(" — ")[0] if prov in PROVENANCE else "—"])
    widths = [2.6, 2.6, 1.1, 2.4, 1.9]
    if all(r[2] == "—" for r in rows):       # no criteria counts recorded: drop the column
        cols, widths = cols[:2] + cols[3:], widths[:2] + widths[3:]
        rows = [r[:2] + r[3:] for r in rows]
    # Up to two half-width tables of MAX_TABLE_ROWS each keep every commune on the slide.
    cap = 2 * MAX_TABLE_ROWS
    note = t("more_rows", lang, n=len(rows) - cap) if len(rows) > cap else ""
    return Table(cols, rows[:cap], widths, note=note, split=len(rows) > MAX_TABLE_ROWS + 2)


PROGRESS_COLS = ["year", "key", "label", "value", "kind", "joined"]


def _progress(prep, view: MapView, lang: str) -> tuple[pd.DataFrame, list[int], list[str]]:
    """THE figure of each year per level (``metrics.figures.headline_series``) as chart points
    (``metrics.present.chart_points``: reported, dated, counted, at least; no point where no
    figure exists), the years a new criteria set starts, and the notes the chart needs."""
    from domain.levels import default_criteria_set
    from metrics.figures import headline_series
    from metrics.present import chart_points, progress_notes
    from metrics.progress import progress_series, series_notes

    first = pd.to_numeric(prep.status["year"], errors="coerce").min() if len(prep.status) else view.year
    start = max(FIRST_PROGRESS_YEAR, view.year - PROGRESS_SPAN + 1,
                int(first) if pd.notna(first) else view.year)
    years = list(range(start, view.year + 1))
    figures = {lv: headline_series(prep, view.province, years, lv, view.district) for lv in LEVELS}
    rows = [{"year": p["year"], "key": lv, "label": at_least(lv, lang), "value": p["value"], "kind": p["kind"],
             "joined": p["joined"]}
            for lv, series in figures.items() for p in chart_points(series, lang)]
    changes = [y for y in years[1:] if default_criteria_set(y) != default_criteria_set(y - 1)]
    series = progress_series(prep, view.province, years)
    notes = progress_notes(figures, lang) + [n[lang] for n in series_notes(series, view.district or view.province)
                                             if n["key"] != "set_change"]   # the chart marks set changes
    return pd.DataFrame(rows, columns=PROGRESS_COLS), changes, [fonts.nfc(n) for n in dict.fromkeys(notes)]


def _set_label(lang: str) -> str:
    """"New criteria set from {year}", with ``{year}`` left for the chart to fill."""
    return t("set_label", lang, year="{year}")


def build_pack(ds, province: str, year: int, district: str | None = None, lang: str = "vi") -> Pack:
    from metrics.prepare import as_prepared
    from metrics.summary import build_summary

    from ui.export.share import format_date, view_citation

    # One preparation shared by the summary, the map and the progress series (its status
    # cache is reused across them).
    prep = as_prepared(ds, province)
    summary = build_summary(prep, province, year, district_code=district)
    units = [u for u in summary["holdouts"].get("units", []) if u.get("listed_as") == "holdout"]
    codes = {u["unit_code"] for u in units if u.get("admin_level") == "commune"}
    view = map_view(ds, province, year, district, "standard", lang, prep=prep, holdout_codes=codes)
    counts = pd.DataFrame([summary["counts"]] + list(summary["districts"]))
    districts = pd.DataFrame(summary["district_units"])
    progress, changes, notes = _progress(prep, view, lang)

    holdouts_table = _holdouts_table(ds, view, summary, lang)
    # Communes with no record are not holdouts; say how many so the list is read right.
    no_record = [u for u in summary["holdouts"].get("units", [])
                 if u.get("listed_as") == "no_record" and u.get("admin_level") == "commune"]
    num, _ = _fmt()
    if no_record:
        extra_note = t("no_record_note", lang, n=num(len(no_record), lang), year=year)
        holdouts_table.note = " ".join(x for x in (holdouts_table.note, extra_note) if x)

    from metrics.present import figure_parts
    figures = summary.get("figures") or {}
    head = next(iter(figures.values()), None)
    cover_facts = []
    if head is not None:
        p = figure_parts(head, lang)
        cover_facts.append(fonts.nfc(f"{p['level']}: {p['line']}"))
    cover_facts += _kpi_notes(summary, lang)[:1]
    cover_facts.append(t("holdouts_count", lang, n=num(len(units), lang)))

    scope = view.scope_name
    title = t("pack_title", lang, scope=scope, year=year)
    captions = summary.get("captions") or {}
    headline = fonts.nfc(captions.get(lang) or captions.get("vi") or "")
    attribution = getattr(view, f"attribution_{lang}")
    prov_counts = view.status[view.status["eligible"] & (view.status["level"] != "unknown")]["provenance"] \
        .value_counts()
    num, _ = _fmt()
    prov_lines = []
    for cls in PROVENANCE:
        text, n = provenance_text(cls, lang), int(prov_counts.get(cls, 0))
        prov_lines.append(f"{text}" + (f" — {num(n, lang)} {t('communes', lang)}" if n else ""))
    short_attr = view.short_attribution
    return Pack(
        lang=lang, province_code=province, district_code=district, year=int(year), scope_name=scope,
        title=title, headline=headline, generated_on=format_date(dt.date.today(), lang),
        kpis=_kpis(view, summary, districts, lang),
        map_title=f"{t('map_title', lang)}, {year}", map_subtitle=view.subtitle, map_spec=view.spec,
        communes=view.communes, districts=view.districts,
        holdouts=holdouts_table, holdouts_title=t("holdouts_title", lang),
        progress=progress, progress_title=t("progress_title", lang), progress_notes=notes,
        set_changes=changes,
        districts_table=_districts_table(prep, view, counts, districts, lang),
        districts_title=t("units_table_title", lang) if view.two_level
        else t("district_table_title", lang) if district is None else t("district_communes", lang),
        sources=source_labels(ds, [f["source_id"] for f in figures.values() if f.get("source_id")]
                              + list(view.status["source_id"].dropna())),
        attribution_vi=view.attribution_vi, attribution_en=view.attribution_en,
        provenance_lines=prov_lines, illustrative=view.illustrative,
        illustrative_note=view.illustrative_note,
        source_line=source_line(lang, view.short_sources, short_attr),
        extra={"citation": view_citation(ds, view.status, lang), "cover_facts": cover_facts,
               "kpi_notes": _kpi_notes(summary, lang),
               "kind_labels": {k: fonts.nfc(store_t(f"progress.kind.{k}", lang)) for k in CHART_KINDS},
               "set_label": _set_label(lang),
               "map_source_line": view.source_line, "summary": summary, "attribution": attribution,
               # the province's leadership slide (index ranking, late reporters), when the data exist
               "leadership": None if district is not None else leadership_slide(ds, province, year, lang)},
    )
