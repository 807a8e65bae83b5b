"""Lay a ``Pack`` out as a 16:9 PowerPoint deck (python-pptx).

Type is large for a briefing room (body ≥ 16 pt, tables ≥ 14 pt); every run
is NFC and set in a font with Vietnamese glyphs. The map and the progress
chart are 200-dpi images drawn by matplotlib from the same data.
"""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from ui.maps import palette
from ui.export import charts, fonts, mapimage
from ui.export.pack import Pack, Table
from ui.export.strings import t

W, H = 13.333, 7.5
MARGIN = 0.5
DARK = RGBColor(0x22, 0x22, 0x22)
GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xD7, 0x19, 0x1C)
HEADER_FILL = RGBColor(0x05, 0x30, 0x61)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _style_run(run, size: float, bold: bool = False, colour: RGBColor = DARK, lang: str = "vi"):
    run.text = fonts.nfc(run.text)
    run.font.name = fonts.PPTX_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    run.font._rPr.set("lang", t("locale", lang))


def add_text(slide, x, y, w, h, lines, size=18, bold=False, colour=DARK, align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, lang="vi", spacing=1.0):
    """A text box; ``lines`` is a string or a list of paragraphs (str or (text, size, bold, colour))."""
    box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    if isinstance(lines, str):
        lines = [lines]
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        p.line_spacing = spacing
        text, psize, pbold, pcolour = (line, size, bold, colour) if isinstance(line, str) else line
        run = p.add_run()
        run.text = text
        _style_run(run, psize, pbold, pcolour, lang)
    return box


def _slide(prs, pack: Pack, title: str, number: int, footer: str | None = None):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    add_text(slide, MARGIN, 0.3, W - 2 * MARGIN, 0.8, title, size=30, bold=True, lang=pack.lang)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(MARGIN), Inches(1.08),
                                 Inches(W - 2 * MARGIN), Emu(38100))
    bar.fill.solid()
    bar.fill.fore_color.rgb = HEADER_FILL
    bar.line.fill.background()
    if footer:   # long line (full attribution): smaller type, more room
        add_text(slide, MARGIN, H - 0.75, W - 2 * MARGIN - 0.8, 0.7, footer, size=9, colour=GREY,
                 lang=pack.lang)
    else:
        footer = f"{pack.scope_name} · {pack.year} · {pack.source_line}"
        add_text(slide, MARGIN, H - 0.55, W - 2 * MARGIN - 0.8, 0.45, footer, size=10, colour=GREY,
                 lang=pack.lang)
    add_text(slide, W - MARGIN - 0.8, H - 0.55, 0.8, 0.45, str(number), size=11, colour=GREY,
             align=PP_ALIGN.RIGHT, lang=pack.lang)
    if pack.illustrative:
        add_text(slide, MARGIN, 1.12, W - 2 * MARGIN, 0.4, t("illustrative_label", pack.lang),
                 size=14, bold=True, colour=RED, lang=pack.lang)
    return slide


def _cover(prs, pack: Pack):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(W), Inches(2.6))
    band.fill.solid()
    band.fill.fore_color.rgb = HEADER_FILL
    band.line.fill.background()
    white = RGBColor(0xFF, 0xFF, 0xFF)
    add_text(slide, MARGIN, 0.3, W - 2 * MARGIN, 1.35, pack.title, size=32, bold=True,
             colour=white, lang=pack.lang)
    add_text(slide, MARGIN, 1.75, W - 2 * MARGIN, 0.6,
             f"{t('briefing', pack.lang)} · {t('generated', pack.lang)} {pack.generated_on}",
             size=18, colour=white, lang=pack.lang)
    add_text(slide, MARGIN, 2.85, W - 2 * MARGIN, 1.7, pack.headline, size=26, bold=False,
             lang=pack.lang, spacing=1.05)
    facts = [(f"• {f}", 18, False, GREY) for f in pack.extra.get("cover_facts", [])]
    if facts:
        add_text(slide, MARGIN, 4.6, W - 2 * MARGIN, 1.3, facts, lang=pack.lang)
    if pack.illustrative:
        add_text(slide, MARGIN, 6.0, W - 2 * MARGIN, 0.5, t("illustrative_label", pack.lang),
                 size=16, bold=True, colour=RED, lang=pack.lang)
    add_text(slide, MARGIN, H - 0.9, W - 2 * MARGIN, 0.8, pack.source_line, size=12,
             colour=GREY, lang=pack.lang)


def _kpis(prs, pack: Pack, number: int):
    """One tile per figure (value, denominator and share, how it is known and its source, the
    target and gap), then the notes every figure shares and the comparison figures."""
    slide = _slide(prs, pack, t("kpi_title", pack.lang), number)
    notes = pack.extra.get("kpi_notes") or []
    notes_h = sum(_lines(x, 12, W - 2 * MARGIN) for x in notes) * 12 * 1.3 / 72 + (0.15 if notes else 0)
    n = len(pack.kpis)
    cols = 3 if n > 4 else max(n, 1)
    rows = (n + cols - 1) // cols
    gap = 0.3
    top, bottom = 1.65, H - 0.75 - notes_h
    tile_w = (W - 2 * MARGIN - gap * (cols - 1)) / cols
    tile_h = (bottom - top - gap * (rows - 1)) / max(rows, 1)
    for i, kpi in enumerate(pack.kpis):
        r, c = divmod(i, cols)
        x, y = MARGIN + c * (tile_w + gap), top + r * (tile_h + gap)
        tile = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y),
                                      Inches(tile_w), Inches(tile_h))
        tile.adjustments[0] = 0.06
        tile.fill.solid()
        tile.fill.fore_color.rgb = RGBColor(0xF4, 0xF6, 0xF9)
        tile.line.color.rgb = _rgb(palette.level_colour(kpi.level))
        tile.line.width = Pt(3)
        s_label, s_value, s_text = (20, 44, 17) if tile_h > 3.0 and tile_w > 3.4 else (16, 32, 14)
        lines = [
            (kpi.label, s_label, True, DARK),
            (kpi.value, s_value, True, _rgb(palette.value_colour(kpi.level))),
            (kpi.detail, s_text, False, DARK),
        ]
        if kpi.basis:
            lines.append((kpi.basis, s_text - 3, False, GREY))
        lines.append((kpi.target, s_text - 2, False, GREY))
        if kpi.gap:
            lines.append((kpi.gap, s_text - 2, True, DARK))
        add_text(slide, x + 0.15, y + 0.1, tile_w - 0.3, tile_h - 0.2, lines, lang=pack.lang)
    if notes:
        add_text(slide, MARGIN, bottom + 0.1, W - 2 * MARGIN, notes_h, notes, size=12, colour=GREY, lang=pack.lang)


def _map(prs, pack: Pack, number: int):
    slide = _slide(prs, pack, pack.map_title, number, footer=pack.extra.get("map_source_line"))
    top = 1.6 if pack.illustrative else 1.25
    add_text(slide, MARGIN, top, W - 2 * MARGIN, 0.5, pack.map_subtitle, size=18, colour=GREY,
             lang=pack.lang)
    img_h = H - 0.85 - (top + 0.55)
    img_w = W - 2 * MARGIN
    buf = io.BytesIO()
    fonts.setup_matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=(img_w, img_h), dpi=200, facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 0.62, 1.0))
    lax = fig.add_axes((0.64, 0.02, 0.36, 0.96))
    mapimage.draw_with_legend(ax, lax, pack.communes, pack.districts, pack.map_spec, pack.lang, fontsize=15)
    fig.savefig(buf, format="png", dpi=200, facecolor="white")
    buf.seek(0)
    slide.shapes.add_picture(buf, Inches(MARGIN), Inches(top + 0.55), Inches(img_w), Inches(img_h))


def _table(slide, table: Table, x, y, w, max_h, lang, size=14):
    n_rows = len(table.rows) + 1
    row_h = min(0.5, max_h / n_rows)
    shape = slide.shapes.add_table(n_rows, len(table.columns), Inches(x), Inches(y), Inches(w),
                                   Inches(row_h * n_rows))
    tbl = shape.table
    total = sum(table.widths)
    for j, rel in enumerate(table.widths):
        tbl.columns[j].width = Inches(w * rel / total)
    for i in range(n_rows):
        tbl.rows[i].height = Inches(row_h)
        values = table.columns if i == 0 else table.rows[i - 1]
        for j, value in enumerate(values):
            cell = tbl.cell(i, j)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.margin_left = cell.margin_right = Inches(0.06)
            tf = cell.text_frame
            tf.word_wrap = True
            tf.paragraphs[0].text = ""
            run = tf.paragraphs[0].add_run()
            run.text = str(value)
            _style_run(run, size, bold=(i == 0),
                       colour=RGBColor(0xFF, 0xFF, 0xFF) if i == 0 else DARK, lang=lang)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = HEADER_FILL
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF) if i % 2 else RGBColor(0xEE, 0xF2, 0xF7)
    return row_h * n_rows


def _table_slide(prs, pack: Pack, title: str, table: Table, empty_text: str, number: int):
    slide = _slide(prs, pack, title, number)
    top = 1.65 if pack.illustrative else 1.35
    if not table.rows:
        add_text(slide, MARGIN, top + 0.3, W - 2 * MARGIN, 1.0, empty_text, size=22, lang=pack.lang)
        if table.note:
            add_text(slide, MARGIN, top + 1.4, W - 2 * MARGIN, 1.0, table.note, size=18,
                     colour=GREY, lang=pack.lang)
        return
    avail = H - 0.8 - top - (0.75 if table.note else 0)
    size = 16 if len(table.rows) <= 9 else 14
    if table.split:
        size = 13 if len(table.columns) <= 4 else 12    # two half-width tables
    halves = table.halves()
    gap = 0.3
    width = (W - 2 * MARGIN - gap * (len(halves) - 1)) / len(halves)
    used = 0.0
    for i, half in enumerate(halves):
        used = max(used, _table(slide, half, MARGIN + i * (width + gap), top, width, avail,
                                pack.lang, size=size))
    if table.note:
        add_text(slide, MARGIN, top + used + 0.05, W - 2 * MARGIN, 0.7, table.note, size=14,
                 colour=GREY, lang=pack.lang)


def _leadership(prs, pack: Pack, number: int):
    """The index ranking and the late reporters of the year, side by side (``pack.extra``)."""
    lead = pack.extra["leadership"]
    slide = _slide(prs, pack, lead["title"], number)
    top = 1.65 if pack.illustrative else 1.35
    if lead["illustrative"] and not pack.illustrative:
        add_text(slide, MARGIN, 1.12, W - 2 * MARGIN, 0.4, t("illustrative_label", pack.lang),
                 size=14, bold=True, colour=RED, lang=pack.lang)
        top = 1.65
    gap = 0.4
    half = (W - 2 * MARGIN - gap) / 2
    avail = H - 0.8 - top - 1.3
    for i, (title, table) in enumerate(((lead["ranking_title"], lead["ranking"]),
                                        (lead["late_title"], lead["late"]))):
        x = MARGIN + i * (half + gap)
        add_text(slide, x, top, half, 0.45, title, size=18, bold=True, lang=pack.lang)
        used = _table(slide, table, x, top + 0.5, half, avail, pack.lang, size=13) if table.rows else 0.0
        if not table.rows:
            add_text(slide, x, top + 0.5, half, 0.5, "—", size=16, lang=pack.lang)
        if table.note:
            add_text(slide, x, top + 0.55 + used, half, 0.6, table.note, size=12, colour=GREY, lang=pack.lang)
    add_text(slide, MARGIN, H - 1.35, W - 2 * MARGIN, 0.75, lead["note"], size=11, colour=GREY, lang=pack.lang)


def _progress(prs, pack: Pack, number: int):
    slide = _slide(prs, pack, pack.progress_title, number)
    top = 1.6 if pack.illustrative else 1.3
    # many notes (2025/2026: the boundary change, the legacy level, the new criteria set): a
    # smaller size, the band sized by the lines they take (about 200 characters a line at 10 pt)
    note_size = 12 if len(pack.progress_notes) <= 4 else 10
    lines = sum(max(1, math.ceil(len(n) / (200 if note_size == 10 else 140))) for n in pack.progress_notes)
    notes_h = lines * note_size * 1.3 / 72 + (0.15 if pack.progress_notes else 0)
    img_h = H - 0.7 - top - notes_h
    buf = io.BytesIO()
    charts.progress_png(pack.progress, pack.set_changes, buf, size=(W - 2 * MARGIN, img_h),
                        ylabel=t("progress_y", pack.lang), set_label=pack.extra.get("set_label", ""),
                        kind_labels=pack.extra.get("kind_labels"))
    buf.seek(0)
    slide.shapes.add_picture(buf, Inches(MARGIN), Inches(top), Inches(W - 2 * MARGIN), Inches(img_h))
    if pack.progress_notes:
        add_text(slide, MARGIN, top + img_h, W - 2 * MARGIN, notes_h, pack.progress_notes,
                 size=note_size, colour=GREY, lang=pack.lang)


def _sources(prs, pack: Pack, number: int):
    slide = _slide(prs, pack, t("sources_title", pack.lang), number)
    top = 1.6 if pack.illustrative else 1.3
    col_w = (W - 2 * MARGIN - 0.4) / 2
    cite = ""
    if pack.extra.get("citation"):
        cite = f"{t('cite_as', pack.lang)}: {pack.extra['citation']}"
    step = 13 * 1.2 / 72
    left = [(t("sources_used", pack.lang), 18, True, DARK)]
    budget = H - 0.75 - top - 0.4 - 18 * 1.2 / 72 - step       # room for the "more" line
    budget -= _lines(cite, 12, col_w - 0.1) * 12 * 1.2 / 72 if cite else 0
    for i, src in enumerate(pack.sources):
        need = _lines(f"• {src}", 13, col_w - 0.1) * step
        if need > budget:
            left.append((t("more_rows", pack.lang, n=len(pack.sources) - i), 13, False, GREY))
            break
        budget -= need
        left.append((f"• {src}", 13, False, DARK))
    if cite:
        left.append((cite, 12, False, GREY))
    add_text(slide, MARGIN, top, col_w, H - 0.75 - top, left, lang=pack.lang)
    right = [(t("attribution_title", pack.lang), 16, True, DARK),
             (pack.attribution_vi, 11, False, DARK),
             (pack.attribution_en, 11, False, GREY),
             (t("provenance_title", pack.lang), 16, True, DARK)]
    right += [(f"• {line}", 11, False, DARK) for line in pack.provenance_lines]
    right.append((t("weakest", pack.lang), 11, False, GREY))
    if pack.illustrative:
        right.append((pack.illustrative_note, 12, True, RED))
    add_text(slide, MARGIN + col_w + 0.4, top, col_w, H - 0.75 - top, right, lang=pack.lang)


def _lines(text: str, size: float, width: float) -> int:
    """Lines ``text`` wraps to in a box ``width`` inches wide (word wrap, font advance widths)."""
    lines, line = 1, ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if line and fonts.text_width(trial, size) * 1.03 > width:
            lines, line = lines + 1, word
        else:
            line = trial
    return lines


def write_pptx(pack: Pack, out) -> None:
    """Write the deck to ``out`` (path or binary file object)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(W), Inches(H)
    prs.core_properties.title = fonts.nfc(pack.title)
    prs.core_properties.author = "NTM Atlas"
    prs.core_properties.language = t("locale", pack.lang)
    _cover(prs, pack)
    _kpis(prs, pack, 2)
    _map(prs, pack, 3)
    _table_slide(prs, pack, pack.holdouts_title, pack.holdouts, t("no_holdouts", pack.lang), 4)
    _progress(prs, pack, 5)
    _table_slide(prs, pack, pack.districts_title, pack.districts_table, "", 6)
    number = 7
    if pack.extra.get("leadership"):
        _leadership(prs, pack, number)
        number += 1
    _sources(prs, pack, number)
    prs.save(out)
