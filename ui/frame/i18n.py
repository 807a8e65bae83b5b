"""The UI's access to the one string store (``domain.text``): ``t``, languages, labels."""
from domain.text import (DEFAULT_LANG, LANGS, both, check_lang, default_lang, level_label,  # noqa: F401
                         provenance_label, t, table)
