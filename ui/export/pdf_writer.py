"""Lay a ``Pack`` out as a 16:9 PDF, one matplotlib figure per page.

The map and chart stay vector; text is TrueType embedded (Type 42) in a font
with full Vietnamese coverage, so it prints sharp and extracts as NFC text.
Text is wrapped by measuring it with the real font, so nothing overflows.
"""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

from ui.maps import palette  # noqa: E402
from ui.export import charts, fonts, mapimage  # noqa: E402
from ui.export.pack import Pack, Table  # noqa: E402
from ui.export.strings import t  # noqa: E402

W, H = 13.333, 7.5
MARGIN = 0.5
DARK, GREY, RED, HEADER = "#222222", "#555555", "#d7191c", "#053061"


class Page:
    """One page with inch-based helpers (origin top-left, like the slides)."""

    def __init__(self):
        self.fig = Figure(figsize=(W, H), facecolor="white")
        FigureCanvasAgg(self.fig)

    def _fy(self, y):
        return 1 - y / H

    def width_of(self, text, size, bold=False):
        # 3 % margin over the advance-width sum covers kerning and hinting differences.
        return fonts.text_width(text, size, bold) * 1.03

    def wrap(self, text, width, size, bold=False):
        lines = []
        for para in fonts.nfc(text).split("\n"):
            line = ""
            for word in para.split(" "):
                trial = f"{line} {word}" if line else word
                if line and self.width_of(trial, size, bold) > width:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            lines.append(line)
        return lines

    def text(self, x, y, w, text, size=18, bold=False, colour=DARK, spacing=1.3, max_lines=None,
             align="left"):
        """Wrapped text from (x, y) down; returns the height used in inches."""
        lines = self.wrap(text, w, size, bold)
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1].rstrip(" .,;") + " …"
        step = size * spacing / 72
        ha = {"left": "left", "right": "right", "center": "center"}[align]
        xx = {"left": x, "right": x + w, "center": x + w / 2}[align]
        for i, line in enumerate(lines):
            self.fig.text(xx / W, self._fy(y + i * step), line, fontsize=size,
                          fontweight="bold" if bold else "normal", color=colour, va="top", ha=ha)
        return len(lines) * step

    def rect(self, x, y, w, h, fill, edge="none", lw=0, rounded=False):
        cls = FancyBboxPatch if rounded else Rectangle
        kwargs = {"boxstyle": "round,pad=0,rounding_size=0.012"} if rounded else {}
        patch = cls((x / W, self._fy(y + h)), w / W, h / H, transform=self.fig.transFigure,
                    facecolor=fill, edgecolor=edge, linewidth=lw, **kwargs)
        self.fig.add_artist(patch)

    def axes(self, x, y, w, h):
        return self.fig.add_axes((x / W, self._fy(y + h), w / W, h / H))


def _page(pack: Pack, title: str, number: int, footer: str | None = None,
          footer_lines: int = 2, footer_size: float = 10) -> tuple[Page, float]:
    page = Page()
    page.text(MARGIN, 0.35, W - 2 * MARGIN, title, size=28, bold=True, max_lines=1)
    page.rect(MARGIN, 1.05, W - 2 * MARGIN, 0.04, HEADER)
    footer = footer or f"{pack.scope_name} · {pack.year} · {pack.source_line}"
    page.text(MARGIN, H - 0.12 - footer_size * 1.3 / 72 * footer_lines, W - 2 * MARGIN - 0.8,
              footer, size=footer_size, colour=GREY, max_lines=footer_lines)
    page.text(W - MARGIN - 0.8, H - 0.5, 0.8, str(number), size=10, colour=GREY, align="right")
    top = 1.3
    if pack.illustrative:
        page.text(MARGIN, 1.17, W - 2 * MARGIN, t("illustrative_label", pack.lang), size=14,
                  bold=True, colour=RED, max_lines=1)
        top = 1.6
    return page, top


def _cover(pack: Pack) -> Page:
    page = Page()
    page.rect(0, 0, W, 2.6, HEADER)
    used = page.text(MARGIN, 0.4, W - 2 * MARGIN, pack.title, size=32, bold=True, colour="white",
                     max_lines=2, spacing=1.2)
    page.text(MARGIN, max(1.75, 0.4 + used + 0.15), W - 2 * MARGIN,
              f"{t('briefing', pack.lang)} · {t('generated', pack.lang)} {pack.generated_on}",
              size=18, colour="white", max_lines=1)
    used = page.text(MARGIN, 3.0, W - 2 * MARGIN, pack.headline, size=26, spacing=1.4, max_lines=5)
    y = 3.0 + used + 0.25
    for fact in pack.extra.get("cover_facts", []):
        y += page.text(MARGIN, y, W - 2 * MARGIN, f"• {fact}", size=18, colour=GREY, max_lines=2) + 0.05
    if pack.illustrative:
        page.text(MARGIN, 6.05, W - 2 * MARGIN, t("illustrative_label", pack.lang), size=16,
                  bold=True, colour=RED)
    page.text(MARGIN, H - 0.85, W - 2 * MARGIN, pack.source_line, size=11, colour=GREY, max_lines=3)
    return page


def _kpis(pack: Pack, number: int) -> Page:
    """One tile per figure (value, denominator and share, how it is known and its source, the
    target and gap), then the notes every figure shares and the comparison figures."""
    page, top = _page(pack, t("kpi_title", pack.lang), number)
    notes = pack.extra.get("kpi_notes") or []
    n_note_lines = sum(min(2, len(page.wrap(x, W - 2 * MARGIN, 12))) for x in notes)
    notes_h = 12 * 1.35 / 72 * n_note_lines + (0.15 if notes else 0)
    n = len(pack.kpis)
    cols = 3 if n > 4 else max(n, 1)
    rows = (n + cols - 1) // cols
    gap, bottom = 0.3, H - 0.75 - notes_h
    tile_w = (W - 2 * MARGIN - gap * (cols - 1)) / cols
    tile_h = (bottom - top - 0.1 - gap * (rows - 1)) / max(rows, 1)
    big = tile_h > 3.0 and tile_w > 3.4
    s_label, s_value, s_text = (20, 44, 17) if big else (15, 30, 14)
    after_detail = 0.2 if big else 0.08
    for i, kpi in enumerate(pack.kpis):
        r, c = divmod(i, cols)
        x, y = MARGIN + c * (tile_w + gap), top + 0.1 + r * (tile_h + gap)
        page.rect(x, y, tile_w, tile_h, "#f4f6f9", edge=palette.level_colour(kpi.level), lw=3,
                  rounded=True)
        inner = tile_w - 0.3
        yy = y + 0.2
        yy += page.text(x + 0.15, yy, inner, kpi.label, size=s_label, bold=True, max_lines=3)
        yy += 0.15 if big else 0.05
        yy += page.text(x + 0.15, yy, inner, kpi.value, size=s_value, bold=True,
                        colour=palette.value_colour(kpi.level), max_lines=1, spacing=1.25)
        yy += page.text(x + 0.15, yy, inner, kpi.detail, size=s_text, max_lines=2) + after_detail
        if kpi.basis:
            yy += page.text(x + 0.15, yy, inner, kpi.basis, size=s_text - 3, colour=GREY, max_lines=4) + 0.05
        yy += page.text(x + 0.15, yy, inner, kpi.target, size=s_text - 2, colour=GREY, max_lines=3)
        if kpi.gap:
            page.text(x + 0.15, yy + 0.05, inner, kpi.gap, size=s_text - 2, bold=True, max_lines=2)
    yy = bottom + 0.1
    for note in notes:
        yy += page.text(MARGIN, yy, W - 2 * MARGIN, note, size=12, colour=GREY, max_lines=2)
    return page


def _map(pack: Pack, number: int) -> Page:
    # The map page's footer is the full source line with the boundary attribution.
    footer = pack.extra.get("map_source_line") or pack.source_line
    lines = len(Page().wrap(footer, W - 2 * MARGIN - 0.8, 9))   # never cut the attribution
    page, top = _page(pack, pack.map_title, number, footer=footer, footer_lines=lines,
                      footer_size=9)
    used = page.text(MARGIN, top, W - 2 * MARGIN, pack.map_subtitle, size=17, colour=GREY, max_lines=2)
    y = top + used + 0.1
    h = H - 0.25 - 9 * 1.3 / 72 * lines - y
    ax = page.axes(MARGIN, y, (W - 2 * MARGIN) * 0.62, h)
    lax = page.axes(MARGIN + (W - 2 * MARGIN) * 0.64, y + 0.1, (W - 2 * MARGIN) * 0.36, h - 0.1)
    mapimage.draw_with_legend(ax, lax, pack.communes, pack.districts, pack.map_spec, pack.lang, fontsize=15)
    return page


def _table(page: Page, table: Table, x, y, w, max_h, size):
    """Draw a table with wrapped cells; rows that do not fit are left for the note."""
    total = sum(table.widths)
    col_w = [w * rel / total for rel in table.widths]
    line = size * 1.25 / 72
    pad = 0.045

    def row_height(values, bold):
        return max(len(page.wrap(str(v), cw - 2 * pad, size, bold)) for v, cw in zip(values, col_w)) * line + 2 * pad

    yy = y
    for i, values in enumerate([table.columns] + table.rows):
        header = i == 0
        rh = row_height(values, header)
        if yy + rh > y + max_h:
            return yy - y, len(table.rows) - (i - 1)
        page.rect(x, yy, w, rh, HEADER if header else ("#ffffff" if i % 2 else "#eef2f7"))
        xx = x
        for v, cw in zip(values, col_w):
            page.text(xx + pad, yy + pad, cw - 2 * pad, str(v), size=size, bold=header,
                      colour="white" if header else DARK, spacing=1.25)
            xx += cw
        yy += rh
    return yy - y, 0


def _table_page(pack: Pack, title: str, table: Table, empty_text: str, number: int) -> Page:
    page, top = _page(pack, title, number)
    if not table.rows:
        used = page.text(MARGIN, top + 0.3, W - 2 * MARGIN, empty_text, size=22)
        if table.note:
            page.text(MARGIN, top + 0.5 + used, W - 2 * MARGIN, table.note, size=16, colour=GREY)
        return page
    size = 15 if len(table.rows) <= 9 else 13
    avail = H - 0.75 - top - 0.65
    if table.split:
        size = 13 if len(table.columns) <= 4 else 12    # two half-width tables
    halves = table.halves()
    gap = 0.3
    width = (W - 2 * MARGIN - gap * (len(halves) - 1)) / len(halves)
    used, left_out = 0.0, 0
    for i, half in enumerate(halves):
        u, lo = _table(page, half, MARGIN + i * (width + gap), top, width, avail, size)
        used, left_out = max(used, u), left_out + lo
    note = table.note
    if left_out and not note:
        note = t("more_rows", pack.lang, n=left_out)
    if note:
        page.text(MARGIN, top + used + 0.08, W - 2 * MARGIN, note, size=13, colour=GREY, max_lines=2)
    return page


def _leadership(pack: Pack, number: int) -> Page:
    """The index ranking and the late reporters of the year, side by side (``pack.extra``)."""
    lead = pack.extra["leadership"]
    page, top = _page(pack, lead["title"], number)
    if lead["illustrative"] and not pack.illustrative:
        page.text(MARGIN, 1.17, W - 2 * MARGIN, t("illustrative_label", pack.lang), size=14,
                  bold=True, colour=RED, max_lines=1)
        top = 1.6
    gap = 0.4
    half = (W - 2 * MARGIN - gap) / 2
    avail = H - 0.75 - top - 1.5
    for i, (title, table) in enumerate(((lead["ranking_title"], lead["ranking"]),
                                        (lead["late_title"], lead["late"]))):
        x = MARGIN + i * (half + gap)
        page.text(x, top, half, title, size=17, bold=True, max_lines=2)
        used, left_out = _table(page, table, x, top + 0.5, half, avail, 12) if table.rows else (0.0, 0)
        note = table.note or (t("more_rows", pack.lang, n=left_out) if left_out else "")
        if not table.rows:
            note = "—"
        if note:
            page.text(x, top + 0.58 + used, half, note, size=11, colour=GREY, max_lines=2)
    page.text(MARGIN, H - 1.3, W - 2 * MARGIN, lead["note"], size=10, colour=GREY, max_lines=3)
    return page


def _progress(pack: Pack, number: int) -> Page:
    page, top = _page(pack, pack.progress_title, number)
    size = 12 if len(pack.progress_notes) <= 4 else 10   # 2025/2026 carry more notes
    n_lines = sum(min(2, len(page.wrap(n, W - 2 * MARGIN, size))) for n in pack.progress_notes)
    notes_h = size * 1.3 / 72 * n_lines + (0.1 if pack.progress_notes else 0)
    ax = page.axes(MARGIN + 0.8, top + 0.1, (W - 2 * MARGIN) * 0.66, H - 0.75 - top - 0.7 - notes_h)
    charts.draw_progress(ax, pack.progress, pack.set_changes, fontsize=14,
                         ylabel=t("progress_y", pack.lang), set_label=pack.extra.get("set_label", ""),
                        kind_labels=pack.extra.get("kind_labels"))
    y = H - 0.75 - notes_h
    for note in pack.progress_notes:
        y += page.text(MARGIN, y, W - 2 * MARGIN, note, size=size, colour=GREY, max_lines=2)
    return page


def _sources(pack: Pack, number: int) -> Page:
    """Left: sources used, then the citation line. Right: boundary attribution (VI and EN),
    provenance classes, the illustrative note. Both columns stop above the footer."""
    page, top = _page(pack, t("sources_title", pack.lang), number)
    col_w = (W - 2 * MARGIN - 0.4) / 2
    bottom = H - 0.85
    step = 12 * 1.3 / 72
    cite = ""
    if pack.extra.get("citation"):
        cite = f"{t('cite_as', pack.lang)}: {pack.extra['citation']}"
    cite_h = (len(page.wrap(cite, col_w, 12)) * step + 0.15) if cite else 0
    y = top
    y += page.text(MARGIN, y, col_w, t("sources_used", pack.lang), size=17, bold=True)
    for i, src in enumerate(pack.sources):
        lines = len(page.wrap(f"• {src}", col_w, 12))
        if y + (lines + 1) * step + cite_h > bottom:   # keep a line for "and N more"
            y += page.text(MARGIN, y, col_w, t("more_rows", pack.lang, n=len(pack.sources) - i),
                           size=12, colour=GREY)
            break
        y += page.text(MARGIN, y, col_w, f"• {src}", size=12) + 0.04
    if cite:
        page.text(MARGIN, y + 0.15, col_w, cite, size=12, colour=GREY)
    x = MARGIN + col_w + 0.4
    blocks = [(t("attribution_title", pack.lang), 16, True, DARK, 0.0),
              (pack.attribution_vi, 11, False, DARK, 0.04),
              (pack.attribution_en, 11, False, GREY, 0.12),
              (t("provenance_title", pack.lang), 16, True, DARK, 0.0)]
    blocks += [(f"• {line}", 11, False, DARK, 0.03) for line in pack.provenance_lines]
    blocks.append((t("weakest", pack.lang), 11, False, GREY, 0.08))
    if pack.illustrative:
        blocks.append((pack.illustrative_note, 12, True, RED, 0.0))
    y = top
    for text, size, bold, colour, after in blocks:
        y += page.text(x, y, col_w, text, size=size, bold=bold, colour=colour,
                       spacing=1.25) + after
    return page


def write_pdf(pack: Pack, out) -> None:
    """Write the pack as a PDF to ``out`` (path or binary file object)."""
    fonts.setup_matplotlib()
    pages = [
        _cover(pack),
        _kpis(pack, 2),
        _map(pack, 3),
        _table_page(pack, pack.holdouts_title, pack.holdouts, t("no_holdouts", pack.lang), 4),
        _progress(pack, 5),
        _table_page(pack, pack.districts_title, pack.districts_table, "", 6),
    ]
    if pack.extra.get("leadership"):
        pages.append(_leadership(pack, 7))
    pages.append(_sources(pack, len(pages) + 1))
    meta = {"Title": fonts.nfc(pack.title), "Author": "NTM Atlas", "Subject": fonts.nfc(pack.headline),
            "CreationDate": dt.datetime.now(dt.timezone.utc)}
    with PdfPages(out, metadata=meta) as pdf:
        for page in pages:
            pdf.savefig(page.fig)
