"""The briefing pack's leadership slide: present when the data exist (the ranking and the late
reporters equal what metrics computes), absent otherwise; drawn in PPTX and PDF."""
import io

import pytest

from loaders.dataset import load_dataset
from loaders.obligations import states
from metrics.indicators import Context
from metrics.leadership import build_index
from ui.export.leadership import leadership_slide

YEAR = 2024


@pytest.fixture(scope="module")
def full():
    return load_dataset()


def test_slide_ranking_and_late_reporters_come_from_metrics(full):
    ds = full.with_illustrative(True)
    s = leadership_slide(ds, "42", YEAR, "vi")
    assert s is not None and s["illustrative"]
    ranked = [x for x in build_index(Context(ds, "42"), str(YEAR))["localities"] if x["rank"] is not None]
    assert [r[1] for r in s["ranking"].rows] == [x["name"] for x in ranked][:12]
    assert [r[0] for r in s["ranking"].rows] == [str(x["rank"]) for x in ranked][:12]
    bad = {}
    for st in states(ds, str(YEAR), "42"):
        if st["state"] in ("late", "missing") and not st["open"]:
            bad.setdefault(st["name"], set()).add((st["state"], st["period"][5:]))
    shown = {r[0]: r for r in s["late"].rows}
    assert set(shown) <= set(bad) and len(shown) == min(12, len(bad))
    for name, row in shown.items():
        late = {m for k, m in bad[name] if k == "late"}
        assert row[1] == (", ".join(sorted(late)) or "—")


def test_no_slide_without_data(full):
    # sourced records only: nobody ranked for 2024 and no report received
    assert leadership_slide(full.with_illustrative(False), "42", YEAR, "en") is None


def test_pptx_and_pdf_draw_the_slide(full):
    from pptx import Presentation
    from pypdf import PdfReader

    from ui.export.content import build_pack
    from ui.export.pdf_writer import write_pdf
    from ui.export.pptx_writer import write_pptx

    pack = build_pack(full.with_illustrative(True), "42", YEAR, None, "en")
    lead = pack.extra["leadership"]
    buf = io.BytesIO()
    write_pptx(pack, buf)
    prs = Presentation(io.BytesIO(buf.getvalue()))
    texts = ["\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame) + "\n".join(
        c.text for sh in slide.shapes if sh.has_table for row in sh.table.rows for c in row.cells)
        for slide in prs.slides]
    hit = [i for i, tx in enumerate(texts) if lead["title"] in tx]
    assert len(prs.slides) == 8 and hit == [6]
    assert lead["ranking"].rows[0][1] in texts[6] and "ILLUSTRATIVE" in texts[6].upper()
    out = io.BytesIO()
    write_pdf(pack, out)
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    assert len(pages) == 8 and lead["ranking"].rows[0][1] in pages[6].extract_text()
    # a district's pack has no province ranking
    assert build_pack(full.with_illustrative(True), "42", YEAR, "444", "en").extra["leadership"] is None
