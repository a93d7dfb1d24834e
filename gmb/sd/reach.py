"""Who a scenario reaches: the three kinds of action of the municipal handbook, read off a scenario.

*Lighed* gives everyone the same box: a **universal** offer, which in practice reaches resourceful
families first (the facilitator gives exposed families a lower ``reach:``). *Retfærdighed* gives more
boxes to those who need them: a **targeted** (proportionate) offer, reaching the neediest segment
more. *Frihed* removes the fence: a **structural** change of a shared variable, a constant or a link,
which reaches everyone alike. A scenario may say which it is (``offer:``); otherwise
:func:`offer_of` reads it off its interventions on a map with segments.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> from gmb.sd.spec import build_spec
>>> cmap = CausalMap.new("demo", ["en"])
>>> cmap.add_variable("club", "Club")
>>> cmap.add_variable("mood", "Mood", by_segment={"poor": {"initial": 0.8}})
>>> _ = cmap.add_link("club", "mood", "+")
>>> cmap.meta["segments"] = {"poor": {"share": 0.2}, "rich": {"share": 0.8}}
>>> cmap.set_outcome(["mood"])
['mood']
>>> spec = build_spec(cmap)
>>> offer_of(spec, {"push_club_poor": 0.1}, {"poor": 1.0, "rich": 0.0}), offer_of(spec, {"push_club_poor": 0.1}, {})
('targeted', 'universal')
>>> offer_of(spec, {"w_club_poor_to_mood_poor": 0.9}, {}), offer_label("targeted", "da")
('structural', 'målrettet tilbud (retfærdighed)')
"""

from __future__ import annotations

from gmb.sd.spec import ModelSpec

__all__ = ["offer_of", "offer_label", "neediest", "OFFER_LABELS"]

OFFER_LABELS = {
    "da": {"universal": "universelt tilbud (lighed)", "targeted": "målrettet tilbud (retfærdighed)",
           "structural": "strukturel ændring (frihed)"},
    "en": {"universal": "universal offer (equality)", "targeted": "targeted offer (equity)",
           "structural": "structural change (removing the fence)"},
}


def offer_label(offer: str | None, lang: str | None) -> str:
    """The kind of action in words (English for a language gmb does not speak; empty for None)."""
    return OFFER_LABELS.get(lang or "en", OFFER_LABELS["en"]).get(offer, "") if offer else ""


def neediest(spec: ModelSpec) -> str | None:
    """The segment whose first outcome starts lowest (None without segments or when all start alike)."""
    seg = spec.segmentation
    outcome = next(iter(spec.flat.outcome), None) if spec.flat else None
    copies = spec.copies(outcome) if outcome else {}
    if not seg or not copies:
        return None
    starts = {s: spec.variables[copy].initial for s, copy in copies.items()}
    lowest = min(starts, key=starts.get)
    return lowest if starts[lowest] < max(starts.values()) else None


def offer_of(spec: ModelSpec, settings: dict[str, float], reach: dict[str, float]) -> str | None:
    """universal, targeted or structural for a scenario's ``settings`` (model constants) and the
    ``reach`` of its pushes and actions per segment ({} when they reach every segment fully); None
    without segments."""
    seg = spec.segmentation
    if not seg:
        return None
    per_segment = {param for var in seg.copies for copy in seg.copies[var].values()
                   for param in spec.variables[copy].params.values()}
    if not per_segment & set(settings):
        return "structural"
    need = neediest(spec)
    if not reach or need is None or len(set(reach.values())) == 1:
        return "universal"
    others = [value for s, value in reach.items() if s != need]
    return "targeted" if reach[need] > sum(others) / len(others) else "universal"
