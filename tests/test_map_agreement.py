"""The map, its legend and its image agree on every unit's class, for every layer mode and
several years (Hà Tĩnh 2018/2022/2024, Triệu Sơn 2019, Lào Cai 2024), and all three agree with
the metrics: the status file the browser reads (its class keys), the legend beside the map (its
counts) and the PNG (the class it drew for each unit, and the colour of the pixels inside the
units). The drawn fills of the web map are compared in tests/browser/test_map_agreement.py.

The expected class of a unit is stated here from the metrics' rows and the domain vocabulary,
not taken from the map specification."""
from __future__ import annotations

import io
import re
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from domain.levels import CLASSIC_LADDER, NOT_APPLICABLE, UNKNOWN
from testing import dataset, expected_class
from ui.maps import palette, spec

CASES = [("42", 2018), ("42", 2022), ("42", 2024), ("38", 2019), ("10", 2024)]
LAYERS = spec.layers()                 # the province map's layers: commune, district, criteria
DPI = 90


@pytest.fixture(scope="module")
def ds():
    return dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    """Per case: the metrics' frames, and the status file the app sends for that year."""
    from metrics.holdouts import holdouts
    from metrics.status import district_status_as_of, status_as_of
    from ui.frame.context import holdout_codes
    from ui.maps.province import expand_table, status_payload

    out = {}
    for province, year in CASES:
        st = status_as_of(ds, province, year)
        dst = district_status_as_of(ds, province, year)
        held = holdout_codes(holdouts(ds, province, year))
        payload = status_payload({year: st}, {year: dst}, {year: held}, province)
        out[(province, year)] = {
            "status": st, "districts": dst, "held": held,
            "units": expand_table(payload["units"], payload["years"]),
            "district_rows": expand_table(payload["districts"], payload["years"])}
    return out


def _mode(layer, year):
    return spec.mode_for(layer, year)


def _expected(case_inputs, layer):
    rows = case_inputs["districts" if layer == "district" else "status"]
    return {str(r["unit_code"]): expected_class(layer, r) for r in rows.to_dict("records")}


def _legend_counts(legend_html: str) -> dict:
    return {k: int(n) for k, n in re.findall(r'<tr data-class="([^"]+)">.*?data-count="(\d+)"', legend_html, re.S)}


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("province,year", CASES)
def test_status_file_legend_and_metrics_agree(inputs, province, year, layer):
    from ui.maps.legend import legend_html

    case = inputs[(province, year)]
    mode = _mode(layer, year)
    want = _expected(case, layer)
    table = case["district_rows"] if mode.units == spec.DISTRICT else case["units"]
    sent = {code: per[str(year)][mode.id] for code, per in table.items()}
    assert sent == want, [(c, sent.get(c), w) for c, w in want.items() if sent.get(c) != w][:5]

    frames = spec.Frames(status=case["status"], districts=case["districts"], holdouts=frozenset(case["held"]))
    map_spec = spec.map_spec(mode.id, spec.Scope(province), year, frames)
    assert map_spec.classes == want
    shown = _legend_counts(legend_html(map_spec, "vi"))
    counts = Counter(want.values())
    assert set(counts) <= set(shown), f"classes on the map without a legend row: {set(counts) - set(shown)}"
    assert {k: v for k, v in shown.items() if v} == dict(counts)
    if layer == "commune":   # the legend's counts are the metrics' level counts
        from metrics.counts import level_counts
        row = level_counts(case["status"]).iloc[0]
        for key in CLASSIC_LADDER.levels + (UNKNOWN, NOT_APPLICABLE):
            assert shown[key] == int(row[key]), key


@pytest.mark.parametrize("province,year", [("42", 2022), ("38", 2019)])
def test_district_scope_legend_counts_its_communes(inputs, province, year):
    from metrics.counts import level_counts
    from ui.maps.legend import legend_html

    case = inputs[(province, year)]
    district = str(case["districts"]["unit_code"].iloc[0])
    map_spec = spec.map_spec("commune", spec.Scope(province, district), year,
                             spec.Frames(status=case["status"], holdouts=frozenset(case["held"])))
    shown = _legend_counts(legend_html(map_spec, "en"))
    row = level_counts(case["status"]).set_index("area_code").loc[district]
    assert {k: shown[k] for k in CLASSIC_LADDER.levels} == {k: int(row[k]) for k in CLASSIC_LADDER.levels}
    assert set(map_spec.classes) == set(case["status"].loc[case["status"]["district_code"].astype(str) == district,
                                                             "unit_code"].astype(str))


def _rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)])


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("province,year", CASES)
def test_png_draws_every_unit_in_its_class(ds, inputs, province, year, layer):
    from ui.export.build import map_view, render_view

    case = inputs[(province, year)]
    want = _expected(case, layer)
    view = map_view(ds, province, year, None, "criteria" if layer == "criteria" else "standard", "vi",
                    layer=layer)
    fig = render_view(view, dpi=DPI)
    drawn = view.districts if layer == "district" else view.communes
    assert {c: fig.classes[c] for c in drawn["unit_code"].astype(str)} == \
        {c: want[c] for c in drawn["unit_code"].astype(str)}
    entries = {e.key: e.count for e in fig.entries if e.key != "holdout"}
    assert {k: v for k, v in entries.items() if v} == dict(Counter(want[c] for c in drawn["unit_code"].astype(str)))

    # the pixels inside the units have their class's colour (plain fills, away from outlines)
    buf = io.BytesIO()
    fig.save(buf, fmt="png")
    img = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    x0, _ = fig.to_pixel(105.5, 18.3)
    x1, _ = fig.to_pixel(105.6, 18.3)
    deg_per_px = 0.1 / max(x1 - x0, 1)
    mode = _mode(layer, year)
    held = set(case["held"])
    checked = plain = 0
    # the points sampled are inside communes (a district is filled around its communes' borders)
    owner = view.communes["district_code"].astype(str) if layer == "district" else view.communes["unit_code"].astype(str)
    for code, geom in zip(owner, view.communes.geometry):
        style = mode.cls(want[code]).style
        if style.pattern or code in held or geom is None:
            continue
        plain += 1
        pt = geom.representative_point()
        if not geom.contains(pt.buffer(deg_per_px * 4)):
            continue
        px, py = fig.to_pixel(pt.x, pt.y)
        colour = np.median(img[py - 1:py + 2, px - 1:px + 2].reshape(-1, 3), axis=0)
        assert np.abs(colour - _rgb(style.fill)).max() <= 8, (code, want[code], colour)
        checked += 1
    assert checked >= min(3, plain), (checked, plain)   # small units may have no clean interior pixel


def test_national_layer_agrees_with_the_province_maps(ds):
    """The national map's classes (2009 census communes) and its legend come from the national
    layer mode; a Hà Tĩnh commune kept whole since 2009 has its province map class there."""
    from loaders import geometry as G
    from metrics.status import status_as_of
    from ui.maps import national
    from ui.maps.base import expand_table

    payload = national.national_status(ds, [2024], provinces=["42"])
    sent = {code: per["2024"][national.MODE] for code, per in expand_table(payload["units"], [2024]).items()}
    mode = spec.mode(national.MODE)
    assert set(sent.values()) <= set(mode.class_keys()) - {mode.missing}
    assert [r["key"] for r in national.legend_rows("vi")] == list(mode.class_keys())
    raw = G.raw_layer("42-2020")
    whole = set(raw.loc[~raw["merged"].astype(bool), "unit_code"].astype(str))
    nat_codes = set(G.raw_layer(G.NATIONAL)["unit_code"].astype(str))
    st = status_as_of(ds, "42", 2024)
    checked = 0
    for r in st.to_dict("records"):
        code = str(r["unit_code"])
        if code in whole and code in nat_codes and code in sent:
            assert sent[code] == expected_class("commune", r), code
            checked += 1
    assert checked > 50, checked


def test_legend_swatch_hatch_matches_the_map_pattern():
    """"No record" looks the same everywhere: the legend's CSS lines run like the map's SVG
    pattern ("/" at 45°) with the palette's colours and spacing."""
    from ui.maps.legend import hatch_css, page_css, swatch

    css = hatch_css()
    h = palette.HATCH
    assert css.startswith("repeating-linear-gradient(135deg")   # stripes rising left to right: "/"
    assert h["background"] in css and h["line"] in css and f"{h['size']}px" in css
    row = spec.mode("commune").cls(UNKNOWN).style
    assert 'class="ntm-sw ntm-hatch"' in swatch(row) and f".ntm-hatch {{ background: {css}; }}" == page_css()
