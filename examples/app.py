"""The map features, one small app each, run together: from the repository root,

    .venv/bin/python -m streamlit run examples/app.py

(``python -m`` puts the repository root on the import path; static serving is on in
.streamlit/config.toml, and examples/static links to the app's static/.) Each page also runs
alone (``… streamlit run examples/province_map.py``). The browser tests start this app and
check every page (tests/browser/test_examples.py); the map benchmark measures the province and
national pages alone. Every page reads its view from the URL: ``province``, ``year``,
``district``, ``compare``, ``lang`` (DESIGN §3)."""
import streamlit as st

st.set_page_config(page_title="NTM Atlas — map examples", layout="wide")

EXAMPLES = [("province_map.py", "province_map", "Province map (commune levels)"),
            ("district_layer.py", "district_layer", "District layer"),
            ("criteria_layer.py", "criteria_layer", "Criteria layer"),
            ("district_view.py", "district_view", "One district's communes"),
            ("compare_years.py", "compare_years", "Two years side by side"),
            ("national_map.py", "national_map", "National map (2009 census layer)")]


def index() -> None:
    st.title("NTM Atlas — map examples")
    for path, slug, title in EXAMPLES:
        st.page_link(path, label=title)


st.navigation([st.Page(index, title="Examples", url_path="examples", default=True)] +
              [st.Page(path, title=title, url_path=slug) for path, slug, title in EXAMPLES]).run()
