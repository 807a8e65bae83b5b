"""Import pipeline: readers (CSV/XLSX), layouts, unit matching, validation, one-transaction
imports with history and rollback, local accounts. Never imports streamlit."""
