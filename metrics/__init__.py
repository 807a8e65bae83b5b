"""NTM Atlas metrics: pure functions over the dataset's DataFrames (no Streamlit, no I/O).

See docs/data-model.md ("Domain rules the metrics enforce", "Metrics API")."""
