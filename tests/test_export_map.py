"""Map image export: size, legend counts equal to metrics, palette colours at
communes' representative points, SVG text, and the command line."""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ui.maps import palette
from ui.export.build import build_map_image, dataset_for, map_view, render_view
from domain.levels import NOT_APPLICABLE, UNKNOWN
from metrics.fmt import format_number
from testing import LADDER
from ui.export.strings import at_least, t

REPO = Path(__file__).resolve().parents[1]
DPI = 100


@pytest.fixture(scope="module")
def ds():
    return dataset_for(False)


@pytest.fixture(scope="module")
def rendered(ds):
    view = map_view(ds, "42", 2023, None, "standard", "vi")
    fig = render_view(view, dpi=DPI)
    buf = io.BytesIO()
    fig.save(buf, fmt="png")
    img = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return view, fig, img


def _rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)])


def test_png_size_matches_figure(rendered):
    _, fig, img = rendered
    w, h = fig.fig.get_size_inches() * DPI
    assert img.shape[:2] == (round(h), round(w))
    assert img.shape[1] >= 1200


def test_legend_counts_equal_metrics_level_counts(ds, rendered):
    from metrics.counts import level_counts
    from metrics.status import status_as_of

    view, fig, _ = rendered
    counts = level_counts(status_as_of(ds, "42", 2023)).iloc[0]   # the province row
    shown = {e.key: e.count for e in fig.entries}
    for level in LADDER:
        assert shown[level] == counts[level], level
    assert shown.get("unknown", 0) == counts["unknown"]
    assert shown.get("not_applicable", 0) == counts["not_applicable"]
    labels = [e.label for e in fig.entries]
    assert "Đạt chuẩn NTM" in " ".join(labels) and "Chưa có dữ liệu" in " ".join(labels)


def test_title_subtitle_and_source_line(rendered):
    view, fig, _ = rendered
    texts = " ".join(t.get_text() for t in fig.fig.texts)
    assert "Hà Tĩnh, 2023" in texts
    # what the map draws, worded as such (xã with a record, xã without): Hà Tĩnh 2023's report
    # says 181/181, so a count of the level's records (159/182) would be a second answer
    assert t("map_subtitle", "vi", level=at_least("standard", "vi"), n=format_number(int(view.counts["known"]), "vi")) \
        in texts
    assert f"{int(view.counts['atleast_standard'])}/{int(view.counts['eligible'])}" not in texts
    assert "censusVN2009" in texts and "Nguồn" in texts


def _interior_pixels(view, fig, margin_px=5):
    """(row, pixel, size) for communes whose representative point sits well inside them."""
    x0, _ = fig.to_pixel(105.5, 18.3)
    x1, _ = fig.to_pixel(105.6, 18.3)
    deg_per_px = 0.1 / max(x1 - x0, 1)
    out = []
    for _, row in view.communes.iterrows():
        pt = row.geometry.representative_point()
        if row.geometry.contains(pt.buffer(deg_per_px * margin_px * 1.5)):
            out.append((row, fig.to_pixel(pt.x, pt.y)))
    return out


def test_pixel_colours_match_palette_for_each_level(rendered):
    view, fig, img = rendered
    checked = {}
    for row, (px, py) in _interior_pixels(view, fig):
        level = row["level"]
        if row["holdout"] or level in (UNKNOWN, NOT_APPLICABLE):
            continue
        patch = img[py - 1:py + 2, px - 1:px + 2].reshape(-1, 3)
        colour = np.median(patch, axis=0)
        expected = _rgb(palette.level_colour(level))
        assert np.abs(colour - expected).max() <= 6, (row["name"], level, colour, expected)
        checked[level] = checked.get(level, 0) + 1
    # Hà Tĩnh 2023 has communes at each attained level; each was sampled.
    assert {"standard", "advanced", "model"} <= set(checked), checked


def test_no_record_is_hatched_and_not_applicable_plain_grey(rendered):
    """As on the web map: "no record" white with the grey hatch lines, urban units plain grey."""
    view, fig, img = rendered
    seen = set()
    for row, (px, py) in _interior_pixels(view, fig, margin_px=6):
        level = row["level"]
        if level not in (UNKNOWN, NOT_APPLICABLE) or row["holdout"]:
            continue
        win = img[py - 5:py + 6, px - 5:px + 6].reshape(-1, 3).astype(int)
        fill = _rgb(palette.level_colour(level))
        share_fill = (np.abs(win - fill).max(axis=1) <= 8).mean()
        if level == "unknown":
            share_line = (np.abs(win - _rgb(palette.HATCH["line"])).max(axis=1) <= 40).mean()
            assert share_fill > 0.4, (row["name"], level, share_fill)   # mostly the white fill
            assert share_line > 0.05, (row["name"], level, share_line)  # …with grey hatch lines across it
        else:
            assert share_fill > 0.98, (row["name"], level, share_fill)  # one plain grey
        seen.add(level)
    assert seen == {"unknown", "not_applicable"}


def test_named_commune_dien_my_in_huong_khe(ds):
    """A known commune in a district view: its pixel has its level's colour."""
    view = map_view(ds, "42", 2023, "444", "standard", "en")
    fig = render_view(view, dpi=DPI)
    buf = io.BytesIO()
    fig.save(buf, fmt="png")
    img = np.asarray(Image.open(buf).convert("RGB"))
    row = view.communes[view.communes["unit_code"] == "18499"].iloc[0]
    assert row["name"] == "Xã Điền Mỹ"
    pt = row.geometry.representative_point()
    px, py = fig.to_pixel(pt.x, pt.y)
    colour = np.median(img[py - 1:py + 2, px - 1:px + 2].reshape(-1, 3), axis=0)
    assert np.abs(colour - _rgb(palette.level_colour(row["level"]))).max() <= 6
    assert "Hương Khê" in view.title


def test_svg_keeps_text_and_colours(ds):
    data = build_map_image(ds, "42", 2023, None, level="advanced", lang="en", fmt="svg")
    svg = data.decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "At least advanced" in svg and "Hà Tĩnh" in svg
    assert palette.LEVEL_COLOURS["advanced"].lower() in svg.lower()


def test_criteria_mode_draws(ds):
    data = build_map_image(ds, "42", 2023, "444", level="criteria", lang="vi", fmt="png", dpi=60)
    assert Image.open(io.BytesIO(data)).size == (720, 450)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ui.export", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_map_writes_png(tmp_path):
    out = tmp_path / "map.png"
    r = _cli("map", "--province", "42", "--district", "444", "--year", "2023", "--dpi", "60",
             "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert Image.open(out).size == (720, 450)


def test_cli_usage_and_data_errors_write_nothing(tmp_path, capsys):
    from ui.export.__main__ import main

    for argv in (["--help"], ["map", "--help"], ["briefing", "--help"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 0
    bad_suffix = tmp_path / "map.jpg"
    with pytest.raises(SystemExit) as exit_:
        main(["map", "--province", "42", "--year", "2023", "--out", str(bad_suffix)])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["map", "--province", "4x", "--year", "2023", "--out", str(tmp_path / "a.png")])
    assert exit_.value.code == 2
    out = tmp_path / "map.png"
    assert main(["map", "--province", "42", "--district", "999", "--year", "2023",
                 "--out", str(out)]) == 1
    assert "999" in capsys.readouterr().err
    pdf = tmp_path / "pack.pdf"
    assert main(["briefing", "--province", "42", "--district", "999", "--year", "2023",
                 "--out", str(pdf)]) == 1
    assert list(tmp_path.iterdir()) == []          # nothing written on any error


@pytest.mark.parametrize("district,lang", [(None, "vi"), ("444", "en")])
def test_every_text_stays_inside_the_image(ds, district, lang):
    view = map_view(ds, "42", 2022, district, "advanced", lang)
    fig = render_view(view, dpi=60)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig.fig).get_renderer()
    width, height = fig.fig.get_size_inches() * 60
    for text in fig.fig.texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= width + 1 and box.y0 >= 0 and box.y1 <= height + 1, \
            text.get_text()[:60]
    legend = fig.fig.axes[1].get_legend().get_window_extent(renderer)
    assert legend.x1 <= width + 1 and legend.y0 >= 0, "legend clipped"
