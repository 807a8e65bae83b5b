"""NTM Atlas data layer: boundaries, registers, records, the store and `python -m loaders ...`.

Never imports streamlit (the UI caches on its side)."""
