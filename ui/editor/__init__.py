"""Editors: login (``auth``) and the import panel (``import_panel``). May import ``ui.frame``."""
