"""Share link, iframe snippet, citation line and embed detection (pure functions)."""

import datetime as dt
import html
import unicodedata
from urllib.parse import parse_qs, urlsplit

from ui.blocks import embed
from ui.export import share
from ui.export.buttons import file_name

BASE = "http://atlas.example:8501"


def test_share_url_carries_every_url_contract_param_and_nothing_else():
    state = {"province": "42", "district": "444", "year": 2023, "level": "advanced",
             "compare": 2020, "lang": "en", "commune": "18499", "layer": None, "junk": "x"}
    url = share.share_url(state, page="map", base=BASE)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE}/map"
    # the selected commune is kept (its panel, highlight and zoom come back with the link)
    assert parse_qs(parts.query) == {"province": ["42"], "district": ["444"], "year": ["2023"],
                                     "level": ["advanced"], "compare": ["2020"], "lang": ["en"],
                                     "commune": ["18499"]}


def test_share_url_accepts_a_view_state_object():
    class State:
        def as_params(self):
            return {"province": "38", "year": "2019", "lang": "vi"}

    url = share.share_url(State(), page="", base=BASE + "/")
    assert url == f"{BASE}/?province=38&year=2019&lang=vi"


def test_embed_snippet_is_an_escaped_iframe_to_the_embed_view():
    snippet = share.embed_snippet({"province": "42", "year": 2022, "lang": "vi"}, base=BASE)
    assert snippet.startswith("<iframe ") and snippet.endswith("</iframe>")
    src = html.unescape(snippet.split('src="', 1)[1].split('"', 1)[0])
    q = parse_qs(urlsplit(src).query)
    assert q["embed"] == ["1"] and q["province"] == ["42"] and q["year"] == ["2022"]
    assert "&amp;" in snippet  # the raw & is escaped inside the attribute
    assert "Bản đồ nông thôn mới" in snippet


def test_embed_snippet_escapes_hostile_values():
    snippet = share.embed_snippet({"province": '42"><script>alert(1)</script>'}, base=BASE)
    assert "<script>" not in snippet


def test_citation_line_vi_and_en():
    day = dt.date(2026, 11, 22)
    sources = ["1337/QĐ-UBND (2022-07-01)", "Báo Hà Tĩnh, 2023"]
    vi = share.citation(sources, "vi", day)
    assert vi == "NTM Atlas, 22/11/2026, 1337/QĐ-UBND (2022-07-01); Báo Hà Tĩnh, 2023"
    assert unicodedata.is_normalized("NFC", vi)
    assert share.citation(sources, "en", day).startswith("NTM Atlas, 2026-11-22, 1337/QĐ-UBND")
    assert share.citation([], "en", day) == "NTM Atlas, 2026-11-22"


def test_citation_normalises_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Hương Khê")
    assert "Hương Khê" in share.citation([decomposed], "vi", dt.date(2026, 1, 1))


def test_is_embed():
    assert embed.is_embed({"embed": "1"})
    assert embed.is_embed({"embed": ["true"]})
    assert not embed.is_embed({"embed": "0"})
    assert not embed.is_embed({})
    assert not embed.is_embed(None)


def test_download_file_names_are_safe():
    name = file_name("map", {"province": "42", "district": "444", "year": "2023",
                             "level": "model", "lang": "vi"}, "png")
    assert name == "ntm-map-42-444-2023-model-vi.png"
    assert file_name("briefing", {"province": "42/../x", "year": "2023"}, "pdf") == \
        "ntm-briefing-42_.._x-2023-vi.pdf"


def test_citation_sources_are_the_views_decisions_and_publishers():
    from metrics.status import status_as_of
    from ui.export.build import dataset_for

    ds = dataset_for(False)
    st = status_as_of(ds, "42", 2023)
    names = share.citation_sources(ds, st[st["district_code"] == "444"], "vi")
    decisions = set(st.loc[st["district_code"] == "444", "decision_no"].dropna())
    assert names and all(any(d in n for n in names) for d in list(decisions)[:3])
    line = share.citation(names, "vi", dt.date(2026, 11, 22))
    assert line.startswith("NTM Atlas, 22/11/2026, QĐ ")
