"""The Streamlit pieces (run with AppTest, no browser): embed view and export buttons."""

import io

from pptx import Presentation
from streamlit.testing.v1 import AppTest


def _embed_app():
    from ui.blocks import embed

    embed.render_embed({"province": "42", "district": "444", "year": "2023", "lang": "vi",
                        "level": "standard"})


def test_embed_view_is_map_image_and_source_line_only():
    at = AppTest.from_function(_embed_app, default_timeout=120).run()
    assert not at.exception
    kinds = [e.type for e in at.main]
    assert kinds.count("image") == 1
    import html
    import re
    line = next(h.proto.body for h in at.get("html") if "ntm-source-line" in h.proto.body)
    caption = html.unescape(re.sub(r"<[^>]+>", "", line))       # the source line: escaped text, not Markdown
    assert caption.startswith("Nguồn:") and "censusVN2009" in caption


def _buttons_app():
    from ui.export import buttons as export_buttons

    export_buttons.briefing_buttons({"province": "42", "district": "444", "year": "2023", "lang": "en"})
    export_buttons.map_buttons({"province": "42", "district": "444", "year": "2023", "lang": "en"})


def test_buttons_build_on_request_then_offer_the_download():
    at = AppTest.from_function(_buttons_app, default_timeout=120).run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert labels == ["Prepare PPTX", "Prepare PDF", "Prepare PNG", "Prepare SVG"]
    assert not at.get("download_button")           # nothing is built before it is asked for
    at.button[0].click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == ["Download PPTX"]
    assert at.get("status") or any(e.type == "status" for e in at.main)   # progress indicator
    # The built file is the real deck, kept in the session for this view.
    data = at.session_state["ntm_export::ntm-briefing-42-444-2023-en.pptx::0"]
    assert len(Presentation(io.BytesIO(data)).slides) == 7
