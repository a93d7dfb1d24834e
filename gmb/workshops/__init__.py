"""The workshop workflow: workshop records, merging breakout groups' maps with synonyms, map diffs.

Modules: :mod:`~gmb.workshops.records` (``workshops/<site>/workshop.yaml`` and how the map grew),
:mod:`~gmb.workshops.merge`, :mod:`~gmb.workshops.synonyms`, :mod:`~gmb.workshops.diff`.
May import :mod:`gmb.maps`, :mod:`gmb.sd` and :mod:`gmb.analysis` (loops created and broken); it is
:mod:`gmb.leverage`'s sibling.
"""
