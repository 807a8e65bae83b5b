"""The page frame: URL state (``state``), page furniture (``layout``), the string store access
(``i18n``) and cached access to the dataset and metrics (``data``). Imports no other ui room."""
