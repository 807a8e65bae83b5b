"""The domain vocabulary of NTM Atlas: one place for each rule every layer shares.

- ``levels``: attainment levels, the ladder of each criteria set, provenance classes.
- ``units``: administrative levels, unit types, who is assessed on which ladder, name prefixes.
- ``vintages``: boundary vintages and the rule "a year is drawn on the vintage valid on
  31 December"; the vintages themselves (ids, provinces, validity) are data, read from
  ``geodata/boundaries/*/meta.json`` by ``loaders`` and passed in.
- ``text``: the one VI/EN string store (``domain/locales/{vi,en}.json``).

It imports nothing else of the project: ``loaders``, ``metrics``, ``ui``, ``pages`` and
``scripts`` import from it, never the other way.
"""
