"""Text that comes in through imports (decision numbers, file names as source titles) is drawn
literally in map images and briefing packs: matplotlib must not parse ``$…$`` as mathematics,
which crashed the export (``ValueError`` from mathtext) or drew something else (issue 14, item 9)."""
from __future__ import annotations

import io
import zipfile

import pytest

from loaders.dataset import load_dataset
from loaders.importer import samples
from loaders.importer.pipeline import import_bytes
from loaders.store import get_engine, init_db
from ui.export.build import build_briefing, build_map_image

DECISION = r"12/QĐ-$\alpha_$"
FILE = r"bao cao $\frac{1}{$ 2023.csv"


@pytest.fixture(scope="module")
def hostile_ds(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'h.sqlite'}"
    eng = get_engine(url)
    init_db(eng)
    row = {"unit_code": "18502", "year": 2023, "level": "standard", "criteria_met": 19, "criteria_total": 19,
           "decision_no": DECISION, "decision_date": "17/01/2024", "provenance": "official"}
    rep = import_bytes(samples.status_csv([row]), FILE, eng)
    assert rep.ok, rep.errors
    ds = load_dataset(eng, refresh=False)
    assert DECISION in set(ds.status["decision_no"].dropna())
    return ds


def test_map_png_and_svg_draw_dollar_text_literally(hostile_ds):
    png, view = build_map_image(hostile_ds, "42", 2023, "444", fmt="png", dpi=60, with_view=True)
    assert png.startswith(b"\x89PNG")
    assert any(DECISION in s for s in view.short_sources)
    svg = build_map_image(hostile_ds, "42", 2023, "444", fmt="svg", dpi=60).decode("utf-8")
    assert r"$\alpha_$" in svg          # the characters themselves, not a formula


def test_briefing_pack_with_dollar_text(hostile_ds):
    pdf = build_briefing(hostile_ds, "42", 2023, "444", fmt="pdf")
    assert pdf.startswith(b"%PDF")
    pptx = build_briefing(hostile_ds, "42", 2023, "444", fmt="pptx")
    with zipfile.ZipFile(io.BytesIO(pptx)) as z:
        slides = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/slides/slide"))
    assert "12/QĐ-$" in slides


def test_embed_source_line_is_text_not_markdown(monkeypatch):
    """The embed's source line quotes decision numbers and source titles (imports): it is escaped
    HTML text, so a title like "[x](https://…) ![](https://…)" renders no link and loads no image."""
    from streamlit.testing.v1 import AppTest

    from ui.blocks import embed
    evil = "QĐ 12/QĐ-UBND · [x](https://example.com/a) ![](https://example.com/i.png) <b>đậm</b> $x$"
    png = io.BytesIO()
    from PIL import Image
    Image.new("RGB", (4, 4), "white").save(png, "PNG")
    monkeypatch.setattr(embed, "_embed_png", lambda *a, **k: (png.getvalue(), evil))

    def app():
        from ui.blocks import embed as e
        e.render_embed({"province": "42", "year": "2023", "lang": "vi"})
    at = AppTest.from_function(app, default_timeout=60).run()
    assert not at.exception
    bodies = [h.proto.body for h in at.get("html")]
    line = next(b for b in bodies if "ntm-source-line" in b)
    assert "[x](https://example.com/a)" in line and "&lt;b&gt;đậm&lt;/b&gt;" in line and "<b>" not in line
    assert not any("example.com" in str(c.value) for c in at.caption)
