"""Briefing packs: open the PPTX with python-pptx and the PDF with pypdf, render
every PDF page with pdftoppm into test-artifacts/briefing/, and check the
slide/page count, the headline, figures equal to metrics for the same scope,
the sources slide, and Vietnamese text (NFC, no replacement glyph)."""

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from metrics.fmt import format_number
from ui.export.build import build_briefing, dataset_for
from ui.export.strings import at_least
from ui.export.strings import t as t_export

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "briefing"
N_SLIDES = 7
CASES = {"province-vi": ("42", None, "vi"), "district-en": ("42", "444", "en")}


@pytest.fixture(scope="module")
def ds():
    return dataset_for(False)


@pytest.fixture(scope="module")
def packs(ds):
    from metrics.summary import build_summary

    out = {}
    for name, (province, district, lang) in CASES.items():
        out[name] = {
            "summary": build_summary(ds, province, 2023, district_code=district),
            "pptx": build_briefing(ds, province, 2023, district, lang=lang, fmt="pptx"),
            "pdf": build_briefing(ds, province, 2023, district, lang=lang, fmt="pdf"),
            "lang": lang,
        }
    return out


def _slides_text(data: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(data))
    texts = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        texts.append("\n".join(parts))
    return texts


def _runs(data: bytes):
    prs = Presentation(io.BytesIO(data))
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            for tf in frames:
                for p in tf.paragraphs:
                    yield from p.runs


def _pdf_pages(data: bytes) -> list[str]:
    return [unicodedata.normalize("NFC", p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pct(x, lang):
    from metrics.fmt import format_percent

    return format_percent(x, lang)


@pytest.mark.parametrize("name", list(CASES))
def test_pptx_is_16_9_with_all_slides_and_the_headline(packs, name):
    pack = packs[name]
    prs = Presentation(io.BytesIO(pack["pptx"]))
    assert len(prs.slides) == N_SLIDES
    assert abs(Emu(prs.slide_width).inches / Emu(prs.slide_height).inches - 16 / 9) < 0.01
    texts = _slides_text(pack["pptx"])
    headline = pack["summary"]["captions"][pack["lang"]]
    assert headline and _flat(headline) in _flat(texts[0])


@pytest.mark.parametrize("name", list(CASES))
def test_pptx_figures_equal_metrics(packs, name):
    """The KPI slide quotes THE figure of each level (metrics.present: its count, how it is
    known, its source); the map slide gives what the map draws, worded as such."""
    from metrics.present import figure_parts

    pack = packs[name]
    lang, counts = pack["lang"], pack["summary"]["counts"]
    kpi = _flat(_slides_text(pack["pptx"])[1])
    for lv, fig in pack["summary"]["figures"].items():
        p = figure_parts(fig, lang)
        assert p["count"] in kpi and p["how"] in kpi, lv
        if p["source"]:
            assert p["source"]["label"] in kpi, lv
    map_slide = _flat(_slides_text(pack["pptx"])[2])
    # what the map draws: xã with and without a record, never a level's count beside THE figure
    undecided = counts["unknown"] + counts["not_assessed"]
    assert _flat(t_export("map_subtitle", lang, level=at_least("standard", lang),
                          n=format_number(int(counts["known"]), lang))) in map_slide
    if undecided:
        assert _flat(t_export("map_subtitle_unknown", lang, n=format_number(int(undecided), lang))) in map_slide
    fig = pack["summary"]["figures"]["standard"]
    if (fig["value"], fig["denominator"]) != (counts["atleast_standard"], counts["eligible"]):
        assert f"{counts['atleast_standard']}/{counts['eligible']}" not in map_slide


def test_pptx_district_table_equals_metrics(packs):
    from metrics.present import value_text

    pack = packs["province-vi"]
    table = _slides_text(pack["pptx"])[5]
    lines = table.split("\n")
    full = build_summary_of(pack)
    for d in pack["summary"]["districts"][:12]:
        assert d["area_name"] in lines
        i = lines.index(d["area_name"])
        assert lines[i + 2] == str(d["eligible"]), d["area_name"]          # eligible xã
        assert lines[i + 3].startswith(value_text(full[d["area_code"]], "vi")), d["area_name"]


def build_summary_of(pack) -> dict:
    """Each district's own standard figure (what the district table must quote)."""
    from metrics.figures import figure
    from metrics.prepare import as_prepared

    prep = as_prepared(dataset_for(False), "42")
    return {d["area_code"]: figure(prep, 2023, "standard", d["area_code"]) for d in pack["summary"]["districts"]}


def test_pptx_sources_slide(packs):
    from loaders.boundaries import load_meta

    meta = load_meta("42-2020")
    vi = _flat(_slides_text(packs["province-vi"]["pptx"])[-1])
    assert "Nguồn dữ liệu" in vi
    assert _flat(meta["attribution_vi"]) in vi and _flat(meta["attribution_en"]) in vi
    for cls in ("Chính thức", "Được báo cáo", "Suy ra", "Minh họa"):
        assert cls in vi
    en = _flat(_slides_text(packs["district-en"]["pptx"])[-1])
    assert "Sources" in en and "Official" in en and "Illustrative" in en


@pytest.mark.parametrize("name", list(CASES))
def test_pptx_runs_are_nfc_legible_and_in_a_vietnamese_font(packs, name):
    runs = list(_runs(packs[name]["pptx"]))
    assert len(runs) > 50
    for run in runs:
        assert unicodedata.is_normalized("NFC", run.text), run.text
        assert "\ufffd" not in run.text
        assert run.font.name == "Arial"
        assert run.font.size is not None and run.font.size.pt >= 9, (run.text, run.font.size.pt)


def test_vietnamese_diacritics_survive(ds, packs):
    from metrics.status import status_as_of

    prov = "\n".join(_slides_text(packs["province-vi"]["pptx"]))
    dist = "\n".join(_slides_text(packs["district-en"]["pptx"]))
    assert "Huyện Hương Khê" in prov and "đạt chuẩn" in prov
    assert "Huyện Hương Khê" in dist
    # The district pack's commune table: names exactly as metrics has them (with diacritics).
    prs = Presentation(io.BytesIO(packs["district-en"]["pptx"]))
    table = next(s.table for s in prs.slides[5].shapes if s.has_table)
    shown = [row.cells[0].text for row in list(table.rows)[1:]]
    st = status_as_of(ds, "42", 2023)
    names = set(st.loc[st["district_code"] == "444", "name"])
    assert len(shown) >= 10 and set(shown) <= names, set(shown) - names
    assert any(ch in "".join(shown) for ch in "ươạềỹ")
    pdf = "\n".join(_pdf_pages(packs["district-en"]["pdf"]))
    assert "Hương Khê" in pdf and shown[0] in pdf
    assert "đạt chuẩn" in "\n".join(_pdf_pages(packs["province-vi"]["pdf"]))


@pytest.mark.parametrize("name", list(CASES))
def test_pdf_pages_text_and_numbers(packs, name):
    pack = packs[name]
    pages = _pdf_pages(pack["pdf"])
    assert len(pages) == N_SLIDES
    whole = "\n".join(pages)
    assert "\ufffd" not in whole
    headline = pack["summary"]["captions"][pack["lang"]]
    assert _flat(headline) in _flat(pages[0])
    from metrics.present import figure_parts
    for lv, fig in pack["summary"]["figures"].items():
        assert figure_parts(fig, pack["lang"])["count"] in _flat(pages[1]), lv
    assert "censusVN2009" in pages[-1]
    from loaders.boundaries import load_meta

    attribution = load_meta("42-2020")[f"attribution_{pack['lang']}"]
    assert _flat(attribution) in _flat(pages[2])      # the map page carries it whole


def test_pdf_embeds_a_truetype_font(packs):
    reader = PdfReader(io.BytesIO(packs["province-vi"]["pdf"]))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font.get("/FontDescriptor")] + [
                    d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]:
                if desc is not None and "/FontFile2" in desc.get_object():
                    embedded.add(str(font["/BaseFont"]))
    assert any("Noto" in f or "DejaVu" in f for f in embedded), embedded


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_with_pdftoppm(packs):
    from PIL import Image

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, pack in packs.items():
        pdf = ARTIFACTS / f"{name}.pdf"
        pdf.write_bytes(pack["pdf"])
        (ARTIFACTS / f"{name}.pptx").write_bytes(pack["pptx"])
        for old in ARTIFACTS.glob(f"{name}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / name)],
                       check=True, timeout=120)
        pngs = sorted(ARTIFACTS.glob(f"{name}-*.png"))
        assert len(pngs) == N_SLIDES
        for png in pngs:
            img = Image.open(png).convert("L")
            assert img.size == (800, 450)
            assert img.getextrema()[0] < 100   # something dark (text) is drawn on each page


@pytest.mark.parametrize("year", [2021, 2023])
def test_illustrative_rows_are_labelled(ds, year):
    """With illustrative rows included, every page says so (the "MINH HỌA" banner; the
    boundary note's lower-case "minh họa" is another matter). The fill only fills gaps: in
    2021 four Hương Khê xã have no sourced record (the fill decides them), in 2023 none."""
    illustrative = dataset_for(True)
    if not (illustrative.status["provenance"] == "illustrative").any():
        pytest.skip("no illustrative rows shipped")
    data = build_briefing(illustrative, "42", year, "444", lang="vi", fmt="pdf")
    pages = _pdf_pages(data)
    labelled = ["MINH HỌA" in p for p in pages]
    from metrics.status import status_as_of

    st = status_as_of(illustrative, "42", year)
    if st[st["district_code"] == "444"]["illustrative"].any():
        assert year == 2021 and all(labelled), labelled
    else:
        assert year == 2023 and not labelled[0]
        _assert_fits(build_briefing(illustrative, "42", year, "444", lang="vi", fmt="pptx"))


def test_kpi_targets_and_gaps_come_from_metrics(packs):
    """Each KPI tile states the target metrics pick for its figure, with the gap measured on THE
    figure (reported 181/181, 60 and 15 in 2023), never a count of its own."""
    from metrics.present import target_parts
    from metrics.targets import headline_target

    prs = Presentation(io.BytesIO(packs["province-vi"]["pptx"]))
    targets = packs["province-vi"]["summary"]["targets"]
    tiles = [_flat(s.text_frame.text) for s in prs.slides[1].shapes
             if s.has_text_frame and "Mục tiêu" in s.text_frame.text]
    assert len(tiles) == 3
    for text, level in zip(tiles, ("standard", "advanced", "model")):
        tp = target_parts(headline_target(targets, "42", level, 2023), "vi")
        assert tp["goal"] in text and tp["state"] in text, (level, text)
    # sourced: 100 % by 2025 met (181/181 reported); ≥ 50 % advanced by 2025: 91 of 182 xã, 60 reported
    assert "đã đạt" in tiles[0] and "còn thiếu 31 xã" in tiles[1]


def _need_inches(paragraphs, width):
    """Height a text frame needs: word-wrapped lines × 1.2 × size (font advance widths)."""
    from ui.export import fonts

    need = 0.0
    for p in paragraphs:
        size = max([r.font.size.pt for r in p.runs] or [18])
        bold = any(r.font.bold for r in p.runs)
        lines, line = 1, ""
        for word in (p.text or " ").split(" "):
            trial = f"{line} {word}" if line else word
            if line and fonts.text_width(trial, size, bold) > width:
                lines, line = lines + 1, word
            else:
                line = trial
        need += lines * size * 1.2 / 72
    return need


@pytest.mark.parametrize("name", list(CASES))
def test_pptx_text_fits_its_boxes_and_the_slide(packs, name):
    _assert_fits(packs[name]["pptx"])


def _assert_fits(data: bytes):
    prs = Presentation(io.BytesIO(data))
    height = Emu(prs.slide_height).inches
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text.strip():
                box_w = Emu(shape.width).inches - 0.1
                need = _need_inches(shape.text_frame.paragraphs, box_w)
                assert need <= Emu(shape.height).inches + 0.05, (number, shape.text_frame.text[:60])
            if shape.has_table:
                table, bottom = shape.table, Emu(shape.top).inches
                for row in table.rows:
                    cells = [_need_inches(c.text_frame.paragraphs, Emu(table.columns[j].width).inches
                                          - Emu(c.margin_left).inches - Emu(c.margin_right).inches)
                             + Emu(c.margin_top).inches + Emu(c.margin_bottom).inches
                             for j, c in enumerate(row.cells)]
                    bottom += max(max(cells), Emu(row.height).inches)
                assert bottom <= height - 0.55, (number, "table runs into the footer", bottom)


def test_sources_slide_has_the_citation_line(packs):
    import datetime as dt

    from ui.export.share import format_date

    text = _flat(_slides_text(packs["province-vi"]["pptx"])[-1])
    assert f"Trích dẫn: NTM Atlas, {format_date(dt.date.today(), 'vi')}, QĐ " in text
    pdf = _flat(_pdf_pages(packs["district-en"]["pdf"])[-1])
    assert f"Cite as: NTM Atlas, {dt.date.today().isoformat()}, QĐ " in pdf


def test_export_font_covers_every_vietnamese_letter():
    from ui.export import fonts

    family, path = fonts.matplotlib_font()
    assert len(fonts.VIETNAMESE_SAMPLE) == 134          # 67 letters × 2 cases
    assert fonts.covers(path) and family in ("Noto Sans", "DejaVu Sans")
    assert not fonts.covers(path, "\U0001F600")         # the check can say no


def test_cover_and_holdouts_say_how_many_communes_have_no_record(packs):
    counts = packs["province-vi"]["summary"]["counts"]
    slides = [_flat(s) for s in _slides_text(packs["province-vi"]["pptx"])]
    # worded as what the map can draw, never as a competing share of the headline figure
    assert f"Trên bản đồ: {counts['eligible'] - counts['unknown']} xã có bản ghi, {counts['unknown']} xã chưa có bản ghi" \
        in slides[0]
    # the holdouts slide names the xã a rule would judge that have no record; in 2023 the
    # province's target of every xã by 2022 makes that every xã without a record
    judged = [u for u in packs["province-vi"]["summary"]["holdouts"]["units"]
              if u["listed_as"] == "no_record" and u["admin_level"] == "commune"]
    assert len(judged) == counts["unknown"]
    assert _flat(t_export("no_record_note", "vi", n=format_number(len(judged), "vi"), year=2023)) in slides[3]
