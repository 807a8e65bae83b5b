"""How a headline figure reads, in one language: its value, denominator, share, basis, date,
source and notes as short texts. One place, so that a KPI tile, a legend header, /progress,
/area, /holdouts, a briefing slide and the command line word THE figure of an area × year ×
level (``metrics.figures``) the same way. Pure; every word from the string store
(``metrics.present.*``, ``metrics.caption.*``, ``levels.*``).

A source is shown as a short human label with its date and a link (``source_ref``), never as
its internal id (``hatinh-gov-12945``).
"""
from __future__ import annotations

from domain.text import t

from .captions import area_phrase, date_text
from .fmt import MISSING, format_number, format_percent

TITLE_CHARS = 72   # a source title longer than this is cut at a word ("…")


def _s(v) -> str:
    if v is None or v != v:   # None or NaN
        return ""
    return str(v).strip()


def short_title(title, limit: int = TITLE_CHARS) -> str:
    """A title cut at a word boundary to ``limit`` characters ("…" when cut)."""
    title = _s(title)
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(",;:–-— ")
    return f"{cut}…"


def source_date(src: dict | None) -> str | None:
    """The date a source carries: its document date, else its publication date."""
    if not src:
        return None
    return _s(src.get("doc_date")) or _s(src.get("published")) or None


def source_ref(src: dict | None, lang: str, as_of: str | None = None) -> dict | None:
    """{source_id, label, title, url, date}: ``label`` is the short human label ("Báo Hà Tĩnh,
    17/01/2024"; a decision by its number), ``title`` the title cut to a line, ``url`` a web
    link or None (a local seed document is not a link), ``date`` the formatted date (the
    source's own, else ``as_of``: the date of the figure it supports)."""
    if not src:
        return None
    sid = _s(src.get("source_id"))
    issuer, number, title = _s(src.get("issuer")), _s(src.get("doc_number")), _s(src.get("title"))
    when = date_text(source_date(src) or as_of, lang)
    who = number if number and src.get("kind") == "decision" else (issuer or short_title(title, 40) or sid)
    if number and src.get("kind") != "decision" and issuer:
        who = f"{issuer} ({number})"
    label = t("metrics.present.source_label", lang, who=who, date=when) if when else who
    url = _s(src.get("url"))
    return {"source_id": sid, "label": label, "title": short_title(title) or label,
            "url": url if url.startswith(("http://", "https://")) else None, "date": when}


def known(fig: dict) -> bool:
    """Whether the figure says anything: a value, and not a lower bound of 0 (no record shows a
    xã at the level, and some xã have none: "at least 0" is a gap, never a zero)."""
    return fig.get("value") is not None and not (fig.get("at_least") and not fig["value"])


def value_text(fig: dict, lang: str) -> str:
    """The number alone: "181", "ít nhất 150", "—" (no figure)."""
    if not known(fig):
        return MISSING
    n = format_number(fig["value"], lang)
    return t("metrics.present.at_least", lang, n=n) if fig.get("at_least") else n


def count_text(fig: dict, lang: str) -> str:
    """"181/181 xã", "ít nhất 150/182 xã", "173 xã" (the report prints no denominator), or
    "chưa có bản ghi"."""
    if not known(fig):
        om = fig.get("on_map") or {}
        key = "not_assessed" if om.get("not_assessed") else ("none_at_level" if fig.get("value") == 0 else "no_record")
        return t(f"metrics.present.{key}", lang)
    n = format_number(fig["value"], lang)
    if fig.get("denominator") is None:
        return t("metrics.present.count_no_den", lang, n=n)
    key = "count_at_least" if fig.get("at_least") else "count"
    return t(f"metrics.present.{key}", lang, n=n, den=format_number(fig["denominator"], lang))


def share_text(fig: dict, lang: str) -> str:
    """"100,0%"; "≥ 82,4%" for a lower bound; "" without a denominator or a figure."""
    if fig.get("share") is None or not known(fig):
        return ""
    pct = format_percent(fig["share"], lang)
    return t("metrics.present.target.at_least_share", lang, share=pct) if fig.get("at_least") else pct


def basis_text(fig: dict, lang: str) -> str:
    """What the number rests on: a report, a figure derived from reports, the per-commune
    records (partly derived, legacy or illustrative), or nothing yet."""
    basis, prov = fig.get("basis"), fig.get("provenance")
    if basis == "reported":
        return t("metrics.present.basis.reported_derived" if prov == "derived" else "metrics.present.basis.reported", lang)
    if basis != "computed":
        return t("metrics.present.basis.no_record", lang)
    if prov == "illustrative":
        return t("metrics.present.basis.illustrative", lang)
    if (fig.get("on_map") or {}).get("legacy"):
        return t("metrics.present.basis.legacy", lang)
    return t("metrics.present.basis.computed", lang)


def when_text(fig: dict, lang: str) -> str:
    """The figure's date as a phrase: "tính đến 23/09/2019" (a report's as-of date), "" for a
    count of the year's records."""
    if fig.get("basis") != "reported" or not fig.get("as_of"):
        return ""
    return t("metrics.present.as_of", lang, date=date_text(fig["as_of"], lang))


def level_title(level: str, lang: str) -> str:
    """"Đạt chuẩn NTM trở lên" (at least the level: the figures count xã at or above it)."""
    return t(f"metrics.present.level.{level}", lang)


def comparison_text(c: dict, lang: str) -> str:
    """A comparison figure with its own area, date and source: "Cả nước: 6.022/8.177 xã
    (73,6%), tính đến 30/06/2023 — Báo Công Thương"."""
    where = (t("metrics.present.national", lang) if c["scope"] == "national"
             else t("metrics.present.province_wide", lang, area=area_phrase(c.get("area_name"), "tỉnh", lang)))
    fig = {"value": c["value"], "denominator": c.get("denominator"), "at_least": False}
    parts = [count_text(fig, lang) + (f" ({format_percent(c['share'], lang)})" if c.get("share") is not None else "")]
    if c.get("as_of"):
        parts.append(t("metrics.present.as_of", lang, date=date_text(c["as_of"], lang)))
    ref = source_ref(c.get("source"), lang)
    text = t("metrics.present.comparison", lang, where=where, figure=", ".join(parts))
    return text + (f" — {ref['label']}" if ref else "")


def figure_parts(fig: dict, lang: str) -> dict:
    """Every text a headline place needs about one figure:

    ``level`` (tile label), ``value`` ("181"), ``count`` ("181/181 xã"), ``share`` ("100,0%"),
    ``basis`` ("theo báo cáo"), ``when`` ("tính đến khoảng 01/2024"), ``source`` (``source_ref``
    of the report, or None for a count of records), ``on_map`` ("Trên bản đồ: 150 xã có bản
    ghi, 32 xã chưa có bản ghi." or None), ``notes`` (the figure's other notes: the register's
    count where it differs, a dated figure, another structure, the area the data cover),
    ``area`` ("Tỉnh Hà Tĩnh" / "Huyện Triệu Sơn"), ``comparisons`` (texts), ``line`` (all of it
    on one line: "181/181 xã (100,0%) · theo báo cáo, tính đến khoảng 01/2024 · Báo Hà Tĩnh, …").
    """
    # the source's own date only: the figure's as-of date is in ``when`` already
    ref = source_ref(fig.get("source"), lang) if fig.get("basis") == "reported" else None
    notes = fig.get("notes") or []
    on_map = next((n[lang] for n in notes if n["key"] == "on_map"), None)
    others = [n[lang] for n in notes if n["key"] != "on_map"]
    share = share_text(fig, lang)
    count = count_text(fig, lang)
    how = ", ".join(x for x in (basis_text(fig, lang), when_text(fig, lang)) if x)
    line = " · ".join(x for x in (count + (f" ({share})" if share else ""), how, ref["label"] if ref else "") if x)
    area = fig.get("area") or {}
    return {"level": level_title(fig["level"], lang), "value": value_text(fig, lang), "count": count,
            "share": share, "basis": basis_text(fig, lang), "when": when_text(fig, lang), "how": how,
            "source": ref, "on_map": on_map, "notes": others, "area": _s(area.get("name")),
            "comparisons": [comparison_text(c, lang) for c in fig.get("comparisons") or []], "line": line}


def target_parts(tg: dict | None, lang: str) -> dict:
    """A target beside its figure: {goal ("Mục tiêu 2025: 100%"), state ("đã đạt", "đạt năm 2023,
    trễ hạn", "quá hạn, còn thiếu 4 xã", "còn thiếu 29–31 xã (2 xã chưa có bản ghi)", "chưa xác
    định được: 32 xã chưa có bản ghi"), text (both), key (the state)}. The gap is the one
    ``metrics.targets`` measured on THE headline figure; a gap that lies wholly in xã without a
    record is never printed as a shortfall."""
    if tg is None:
        return {"goal": t("metrics.present.target.none", lang), "state": "", "text": t("metrics.present.target.none", lang),
                "key": None}
    share = tg.get("target_share")
    if share is not None and share == share:
        pct = format_percent(float(share), lang, decimals=0)
        goal_v = pct if float(share) >= 1 else t("metrics.present.target.at_least_share", lang, share=pct)
    elif tg.get("required") is not None:
        goal_v = t("metrics.present.count_no_den", lang, n=format_number(int(tg["required"]), lang))
    else:
        goal_v = ""
    goal = t("metrics.present.target.goal", lang, year=int(tg["target_year"]), goal=goal_v).rstrip(": ")
    state = tg.get("state")
    gap, unknown = tg.get("gap"), int(tg.get("unknown") or 0)
    num = lambda x: format_number(int(x), lang)   # noqa: E731
    if state == "met":
        text = t("metrics.present.target.met", lang)
    elif state == "met_late":
        text = t("metrics.present.target.met_late", lang, year=int(tg["met_year"])) if tg.get("met_year") \
            else t("metrics.present.target.met", lang)
    elif state == "unverified":
        text = t("metrics.present.target.unverified", lang, unknown=num(unknown))
    elif state == "no_record":
        text = t("metrics.present.target.no_record", lang)
    elif state in ("open", "past_due") and gap is not None:
        low = tg.get("gap_min")
        if unknown and low is not None and int(low) != int(gap):
            amount = t("metrics.present.target.gap_range", lang, low=num(low), high=num(gap), unknown=num(unknown))
        else:
            amount = t("metrics.present.target.gap", lang, gap=num(gap))
        text = t(f"metrics.present.target.{state}", lang, amount=amount)
    else:
        text = ""
    return {"goal": goal, "state": text, "text": " · ".join(x for x in (goal, text) if x), "key": state}


def unit_target_text(tg: dict, lang: str) -> str:
    """One unit's target and its state, from ``metrics.targets.unit_targets``: "Đạt chuẩn NTM
    (2023): đạt năm 2023, trễ hạn". A target of a criteria set not yet in force says so."""
    level = t(f"levels.{tg['level']}", lang) if tg.get("level") else ""
    state = tg.get("state")
    if state == "met_late" and tg.get("met_year"):
        st_text = t("metrics.present.target.met_late", lang, year=int(tg["met_year"]))
    elif state in ("met", "past_due", "open", "no_record", "later_set", "unverified"):
        st_text = t(f"metrics.present.unit_state.{state}", lang)
    else:
        st_text = ""
    head = t("metrics.present.unit_target", lang, level=level, year=int(tg["target_year"]))
    return f"{head}: {st_text}" if st_text else head


def shared_notes(figures: dict, lang: str) -> tuple[list[str], dict]:
    """(the notes every level's figure has — what the map can draw, the register's count —, said
    once; {level: the notes only that figure has})."""
    per = {lv: [*([p["on_map"]] if p["on_map"] else []), *p["notes"]]
           for lv, p in ((lv, figure_parts(f, lang)) for lv, f in figures.items())}
    common = [n for n in next(iter(per.values()), []) if all(n in v for v in per.values())]
    return common, {lv: [n for n in v if n not in common] for lv, v in per.items()}


# ---- a progress line of THE figure -----------------------------------------------------------

REPORTED_KIND, DATED_KIND, COMPUTED_KIND, AT_LEAST_KIND = "reported", "dated", "computed", "at_least"
CHART_KINDS = (REPORTED_KIND, DATED_KIND, COMPUTED_KIND, AT_LEAST_KIND)


def point_kind(fig: dict) -> str | None:
    """How a year's figure is drawn: 'reported' (a report's year figure), 'dated' (a report
    dated within the year: 173 on 23/9/2019), 'computed' (a complete count of records),
    'at_least' (a count with xã missing: a lower bound, never joined to a line), or None (no
    figure: a gap, never a zero)."""
    if fig.get("basis") not in ("reported", "computed") or not known(fig):
        return None
    if fig["basis"] == "reported":
        return REPORTED_KIND if fig.get("year_figure", True) else DATED_KIND
    return AT_LEAST_KIND if fig.get("at_least") else COMPUTED_KIND


def chart_points(series: list[dict], lang: str) -> list[dict]:
    """The points of a progress line from ``metrics.figures.headline_series`` (THE figure per
    year): {year, value, share, kind (``point_kind``), joined (a line may be drawn from the
    previous point: both firm — reported, dated or a complete count —, consecutive years, no
    change of ladder), text (the figure on one line, for a hover or a table)}. Years without a
    figure are left out (gaps), never drawn as 0."""
    out, prev = [], None
    for f in series:
        kind = point_kind(f)
        if kind is None:
            prev = None
            continue
        firm = kind != AT_LEAST_KIND
        joined = bool(prev and prev["firm"] and firm and prev["year"] == f["year"] - 1 and not f.get("ladder_break"))
        point = {"year": int(f["year"]), "value": f["value"], "share": f.get("share"), "kind": kind,
                 "joined": joined, "firm": firm, "level": f["level"],
                 "text": f"{f['year']}: {figure_parts(f, lang)['line']}"}
        out.append(point)
        prev = point
    return out


def progress_notes(figures: dict, lang: str) -> list[str]:
    """What the points of a progress chart need said (``{level: headline_series}``): how a lower
    bound is drawn, and each standard figure dated within its year or counted on another
    structure (with its date)."""
    out = []
    if any(p["kind"] == AT_LEAST_KIND for s in figures.values() for p in chart_points(s, lang)):
        out.append(t("metrics.present.at_least_note", lang))
    for f in figures.get("standard", []):
        out += [f"{f['year']}: {n[lang]}" for n in f.get("notes") or [] if n["key"] in ("dated", "other_structure")]
    return out


def line_segments(points: list[dict], key: str = "value") -> tuple[list, list]:
    """(xs, ys) of the line through the joined points that have ``key`` (``None`` between runs:
    a gap, never 0). A point joins the one before it in this list only if that one is the
    previous year's (a year without ``key`` — no denominator for a share — breaks the line)."""
    pts = [p for p in points if p[key] is not None]
    link = [i > 0 and p["joined"] and pts[i - 1]["year"] == p["year"] - 1 for i, p in enumerate(pts)]
    xs, ys = [], []
    for i, p in enumerate(pts):
        if not link[i] and not (i + 1 < len(pts) and link[i + 1]):
            continue
        if not link[i] and xs:
            xs.append(None)
            ys.append(None)
        xs.append(p["year"])
        ys.append(p[key])
    return xs, ys
