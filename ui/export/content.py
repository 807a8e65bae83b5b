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
from ui.export.view import MapView, _s, map_view, short_sources, source_labels
from ui.export.leadership import leadership_slide
from ui.export.pack import Kpi, Pack, Table
from domain.levels import CLASSIC_LADDER, DISTRICT_DONE, DISTRICT_LEVELS, PROVENANCE, UNKNOWN
from ui.export.strings import at_least, level_label, provenance_text, t

LEVELS = CLASSIC_LADDER.recognised     # the KPI tiles' and progress chart's "at least" levels
MAX_TABLE_ROWS = 12           # rows that stay legible (≥ 14 pt) on one 16:9 slide
FIRST_PROGRESS_YEAR = 2010    # the programme's first year (491/QĐ-TTg, 2009)
PROGRESS_SPAN = 10            # years on the progress chart (each year is a full status pass)


def _fmt():
    from metrics.fmt import format_number, format_percent

    return format_number, format_percent


def _pick_target(targets: list[dict], area: str, level: str, year: int) -> dict | None:
    """The share/count target of this area and level due soonest at or after ``year``
    (else the latest one already due)."""
    rows = [r for r in targets if str(r.get("area_code")) == area and r.get("level") == level
            and r.get("admin_level") == "commune" and r.get("target_year") is not None]
    if not rows:
        return None
    # A share target is about the area's communes; a bare count may be about other units
    # (e.g. "13 districts by 2025"), so share targets come first.
    def has(r, key):
        return r.get(key) is not None and pd.notna(r.get(key))

    shares = [r for r in rows if has(r, "target_share") and not has(r, "target_count")]
    rows = shares or rows
    ahead = sorted((r for r in rows if int(r["target_year"]) >= year), key=lambda r: int(r["target_year"]))
    if ahead:
        return ahead[0]
    return sorted(rows, key=lambda r: int(r["target_year"]))[-1]


def _target_text(target: dict | None, lang: str) -> tuple[str, str]:
    num, pct = _fmt()
    if target is None:
        return t("no_target", lang), ""
    year = int(target["target_year"])
    if target.get("target_share") is not None and pd.notna(target.get("target_share")):
        share = float(target["target_share"])
        goal = pct(share, lang, decimals=0) if share >= 1 else f"≥ {pct(share, lang, decimals=0)}"
    else:
        goal = f"{num(target['required'], lang)} {t('communes', lang)}"
    text = f"{t('target', lang)} {year}: {goal}"
    if target.get("state") == "met":
        return text, t("reached", lang)
    gap = target.get("gap")
    if gap is None or pd.isna(gap):
        return text, ""
    unknown = int(target.get("unknown") or 0)
    if target.get("state") == "unverified":
        # the whole gap lies in communes without a record: never print it as a shortfall
        return text, t("no_record_communes", lang, n=num(unknown, lang))
    late = ""
    if target.get("state") == "past_due":
        late = t("past_due", lang)
    amount = num(int(gap), lang)
    if unknown:
        low = target.get("gap_min")
        low = max(0, int(gap) - unknown) if low is None or pd.isna(low) else int(low)
        amount = f"{num(low, lang)}–{amount}"
    return text, f"{t('gap', lang)} {amount} {t('communes', lang)}{late}"


def _kpis(view: MapView, summary: dict, districts: pd.DataFrame, lang: str) -> list[Kpi]:
    num, pct = _fmt()
    c = view.counts
    area = view.district or view.province
    targets = summary.get("targets") or []
    eligible = int(c["eligible"])
    kpis = []
    for lv in LEVELS:
        target_text, gap = _target_text(_pick_target(targets, area, lv, view.year), lang)
        share = c.get(f"share_{lv}")
        kpis.append(Kpi(
            label=at_least(lv, lang) if lv != "model" else level_label("model", lang),
            value=pct(share, lang) if share is not None and pd.notna(share) else "—",
            detail=t("share_of", lang, count=num(int(c[f"atleast_{lv}"]), lang), total=num(eligible, lang))
            + f" · {t('basis_computed', lang)}",
            target=target_text, gap=gap, level=lv, provenance=_s(c.get("weakest_provenance"))))
    # District-level units: huyện on the district ladder, thị xã/thành phố "completed".
    d = districts if view.district is None else districts[districts["unit_code"].astype(str) == view.district]
    done = d["level"].isin(DISTRICT_DONE)
    if view.district is None:
        kpis.append(Kpi(t("districts_done", lang), f"{num(int(done.sum()), lang)}/{num(len(d), lang)}",
                        t("district_units", lang), "", level="completed"))
    else:
        lv = str(d["level"].iloc[0]) if len(d) else "unknown"
        kpis.append(Kpi(t("district_level", lang),
                        level_label(lv, lang), fonts.nfc(d["name"].iloc[0]) if len(d) else "", "",
                        level=lv if lv in DISTRICT_LEVELS else UNKNOWN))
    unknown = int(c["unknown"])
    kpis.append(Kpi(level_label("unknown", lang), num(unknown, lang),
                    t("share_of", lang, count=num(unknown, lang), total=num(eligible, lang)),
                    t("unknown_note", lang), level="unknown"))
    return kpis


def _holdouts_table(ds, view: MapView, held: pd.DataFrame, lang: str) -> Table:
    cols = [t("unit", lang), t("district", lang), t("level", lang), t("target_level", lang),
            t("missing", lang), t("timeline", lang)]
    widths = [2.0, 1.8, 1.5, 1.8, 3.0, 2.7]
    if held is None or held.empty:
        return Table(cols, [], widths)
    if "listed_as" in held:
        held = held[held["listed_as"] == "holdout"]
    if view.district is not None:
        own = held["district_code"].astype(str) == view.district
        own |= (held["admin_level"] == "district") & (held["unit_code"].astype(str) == view.district)
        held = held[own]
    held = held.drop_duplicates(["unit_code", "admin_level", "target_level"])
    crit = _criteria_names(ds, lang)
    status = view.status.set_index(view.status["unit_code"].astype(str))
    rows = []
    for r in held.head(MAX_TABLE_ROWS).to_dict("records"):
        code = str(r.get("unit_code"))
        target = level_label(_s(r.get("target_level")) or "standard", lang)
        if _s(r.get("target_year")):
            target += f" ({int(float(r['target_year']))})"
        missing = []
        if r.get("admin_level") == "commune" and code in status.index:
            missing = [m.strip() for m in _s(status.loc[code].get("missing_criteria")).split(";") if m.strip()]
        missing_text = "; ".join(crit.get(m, m) for m in missing) or "—"
        district = _s(r.get("district_name")) if r.get("admin_level") == "commune" else ""
        rows.append([fonts.nfc(_s(r.get("name"))), fonts.nfc(district) or "—",
                     level_label(_s(r.get("level")) or "unknown", lang), target, missing_text,
                     _timeline(ds, r, view.vintage, lang)])
    note = t("more_rows", lang, n=len(held) - MAX_TABLE_ROWS) if len(held) > MAX_TABLE_ROWS else ""
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


def _districts_table(view: MapView, counts: pd.DataFrame, districts: pd.DataFrame, lang: str) -> Table:
    num, pct = _fmt()
    if view.district is None:
        cols = [t("district", lang), t("district_level_col", lang),
                t("eligible", lang), at_least("standard", lang), at_least("advanced", lang),
                level_label("model", lang), level_label("unknown", lang)]
        levels = districts.set_index(districts["unit_code"].astype(str))["level"]
        rows, row_levels = [], []
        for r in counts[counts["admin_level"] == "district"].to_dict("records"):
            lv = _s(levels.get(str(r["area_code"]))) or "unknown"
            share = r.get("share_standard")
            rows.append([fonts.nfc(_s(r["area_name"])), level_label(lv, lang), num(r["eligible"], lang),
                         f"{num(r['atleast_standard'], lang)}"
                         + (f" ({pct(share, lang)})" if share is not None and pd.notna(share) else ""),
                         num(r["atleast_advanced"], lang), num(r["atleast_model"], lang),
                         num(r["unknown"], lang)])
            row_levels.append(lv)
        return Table(cols, rows[:MAX_TABLE_ROWS + 2], [2.6, 2.4, 1.1, 2.0, 1.5, 1.5, 1.6],
                     note=t("more_rows", lang, n=len(rows) - MAX_TABLE_ROWS - 2)
                     if len(rows) > MAX_TABLE_ROWS + 2 else "", row_levels=row_levels)
    # A district's own pack: its communes.
    st = view.status
    cols = [t("commune", lang), t("level", lang), t("criteria_met", lang), t("decision_year", lang),
            t("provenance", lang)]
    rows = []
    order = {"model": 0, "advanced": 1, "standard": 2, "none": 3, "unknown": 4, "not_applicable": 5}
    st = st.assign(_o=st["level"].map(order).fillna(9)).sort_values(["_o", "name"])
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


def _progress(prep, view: MapView, lang: str) -> tuple[pd.DataFrame, list[int], list[str]]:
    from domain.levels import default_criteria_set
    from metrics.progress import progress_series

    first = pd.to_numeric(prep.status["year"], errors="coerce").min() if len(prep.status) else view.year
    start = max(FIRST_PROGRESS_YEAR, view.year - PROGRESS_SPAN + 1,
                int(first) if pd.notna(first) else view.year)
    years = list(range(start, view.year + 1))
    series = progress_series(prep, view.province, years)
    area = view.district or view.province
    if series is None or series.empty:
        return pd.DataFrame(columns=["year", "key", "label", "value", "basis", "reported_label"]), [], []
    s = series[(series["area_code"].astype(str) == area)
               & series["metric"].isin([f"count_{lv}" for lv in LEVELS])].copy()
    s["key"] = s["metric"].str.replace("count_", "", regex=False)
    s["label"] = s["key"].map(lambda k: at_least(k, lang))
    s["value"] = pd.to_numeric(s["value"], errors="coerce")
    s["reported_label"] = t("basis_reported", lang)
    s = s.dropna(subset=["value"])
    # Computed years with no recognised commune at all are not drawn: no record ≠ zero.
    first = s[(s["basis"] == "computed") & (s["value"] > 0)]["year"].min()
    if pd.notna(first):
        s = s[(s["basis"] == "reported") | (s["year"] >= first)]
    changes = [y for y in years[1:] if default_criteria_set(y) != default_criteria_set(y - 1)]
    vintages = series[series["basis"] == "computed"].groupby("vintage")["year"].agg(["min", "max"])
    notes = [t("progress_note", lang)]
    if len(vintages) > 1:
        notes.append(t("boundary_changes", lang, spans="; ".join(
            f"{v} ({a}–{b})" for v, (a, b) in vintages.sort_values("min").iterrows())))
    return s[["year", "key", "label", "value", "basis", "reported_label"]], changes, notes


def _set_label(lang: str) -> str:
    """"New criteria set from {year}", with ``{year}`` left for the chart to fill."""
    return t("set_label", lang, year="{year}")


def build_pack(ds, province: str, year: int, district: str | None = None, lang: str = "vi") -> Pack:
    from metrics.prepare import as_prepared
    from metrics.summary import build_summary

    from ui.export.share import citation, format_date

    # One preparation shared by the summary, the map and the progress series (its status
    # cache is reused across them).
    prep = as_prepared(ds, province)
    summary = build_summary(prep, province, year, district_code=district)
    held = pd.DataFrame(summary["holdouts"].get("a", []) + summary["holdouts"].get("b", []))
    codes = set()
    if not held.empty:
        held = held[held["listed_as"] == "holdout"]
        codes = set(held.loc[held["admin_level"] == "commune", "unit_code"].astype(str))
    view = map_view(ds, province, year, district, "standard", lang, prep=prep, holdout_codes=codes)
    counts = pd.DataFrame([summary["counts"]] + list(summary["districts"]))
    districts = pd.DataFrame(summary["district_units"])
    progress, changes, notes = _progress(prep, view, lang)

    holdouts_table = _holdouts_table(ds, view, held, lang)
    # Communes with no record are not holdouts; say how many so the list is read right.
    no_record = pd.DataFrame(summary["holdouts"].get("no_record", []))
    if not no_record.empty:   # communes only (a district with no record is another matter)
        no_record = no_record[no_record["admin_level"] == "commune"].drop_duplicates("unit_code")
    if not no_record.empty and view.district is not None and "district_code" in no_record:
        no_record = no_record[no_record["district_code"].astype(str) == view.district]
    if len(no_record):
        num, _ = _fmt()
        extra_note = t("no_record_note", lang, n=num(len(no_record), lang), year=year)
        holdouts_table.note = " ".join(x for x in (holdouts_table.note, extra_note) if x)

    c = view.counts
    num, pct = _fmt()
    held_scope = held
    if view.district is not None and not held.empty:
        own = held["district_code"].astype(str) == view.district
        own |= (held["admin_level"] == "district") & (held["unit_code"].astype(str) == view.district)
        held_scope = held[own]
    cover_facts = [
        f"{at_least('standard', lang)}: {num(int(c['atleast_standard']), lang)}/"
        f"{num(int(c['eligible']), lang)} {t('communes', lang)} ({t('basis_computed', lang)})",
        f"{level_label('unknown', lang)}: {num(int(c['unknown']), lang)} {t('communes', lang)}",
        t("holdouts_count", lang, n=num(len(held_scope), lang)),
    ]

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
    short_attr = t("short_attribution", lang)
    return Pack(
        lang=lang, province_code=province, district_code=district, year=int(year), scope_name=scope,
        title=title, headline=headline, generated_on=format_date(dt.date.today(), lang),
        kpis=_kpis(view, summary, districts, lang),
        map_title=f"{t('map_title', lang)}, {year}", map_subtitle=view.subtitle, map_spec=view.spec,
        communes=view.communes, districts=view.districts,
        holdouts=holdouts_table, holdouts_title=t("holdouts_title", lang),
        progress=progress, progress_title=t("progress_title", lang), progress_notes=notes,
        set_changes=changes,
        districts_table=_districts_table(view, counts, districts, lang),
        districts_title=t("district_table_title", lang) if district is None
        else t("district_communes", lang),
        sources=source_labels(ds, view.status["source_id"].dropna()),
        attribution_vi=view.attribution_vi, attribution_en=view.attribution_en,
        provenance_lines=prov_lines, illustrative=view.illustrative,
        illustrative_note=view.illustrative_note,
        source_line=fonts.nfc(f"{t('source', lang)}: {'; '.join(view.short_sources) or '—'}. "
                              f"{short_attr}"),
        extra={"citation": citation(view.short_sources, lang), "cover_facts": cover_facts,
               "set_label": _set_label(lang),
               "map_source_line": view.source_line, "summary": summary, "attribution": attribution,
               # the province's leadership slide (index ranking, late reporters), when the data exist
               "leadership": None if district is not None else leadership_slide(ds, province, year, lang)},
    )
