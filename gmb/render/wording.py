"""Words every result shown to people shares: the caveat, which way to push, and the notes under a result.

A simulation of a hand-drawn map compares scenarios with each other; it does not forecast. Every
table, picture and page of results says so in the reader's language (:func:`caveat`). A leverage
ranking tells which way to push each candidate (:func:`direction_word`): a higher outcome is taken
to be better, so "decrease" means that pushing it down raises the outcome. The notes printed under
a result are worded here too, with the language's numbers: what ``gmb simulate``'s table means and
where its files are (:func:`explanation`, :func:`files_note`, :func:`band_note`), and what a Monte
Carlo run drew and left out (:func:`uncertainty_notes`, :func:`checks_note`).

Example
-------
>>> caveat("da")
'Sammenligning mellem scenarier i et tegnet kort — ikke en prognose'
>>> caveat("sv") == caveat("en")
True
>>> direction_word("decrease", "da"), direction_word("increase", "en"), direction_word("decrease", "en", "action")
('mindsk', 'increase', 'avoid')
>>> direction_word("increase", "da", "idea"), direction_word("decrease", "da", "idea")
('gennemfør', 'undgå')
>>> checks_note(200, 3, 1, 0, 4, "da")
'3 af 200 udgaver ustabile, 1 ikke i hvile — udeladt af statistikken'
>>> uncertainty_notes([("taus", {"factor": 1.5})], "da")
['tilpasningstider log-jævnt fordelt mellem τ / 1,5 og τ × 1,5; forsinkelser holdes fast']
"""

from __future__ import annotations

from gmb.render.numbers import count, plain

__all__ = ["CAVEAT", "DIRECTIONS", "NOTES", "GAP", "caveat", "direction_word", "words", "explanation", "files_note",
           "band_note", "checks_note", "uncertainty_notes", "press_note", "gap_sentence", "gap_summary", "quadrant_words",
           "helps"]

CAVEAT = {
    "da": "Sammenligning mellem scenarier i et tegnet kort — ikke en prognose",
    "en": "A comparison between scenarios of a hand-drawn map — not a forecast",
}
"""The caveat every result for people carries (others use English)."""

DIRECTIONS = {
    "da": {"increase": "øg", "decrease": "mindsk", "avoid": "undgå", "do": "gennemfør", "none": "–"},
    "en": {"increase": "increase", "decrease": "decrease", "avoid": "avoid", "do": "do", "none": "–"},
}
"""Which way to push: ``increase`` / ``decrease`` a variable; an action or idea that lowers the outcome:
``avoid``; an idea that raises it: ``do``."""


GAP = {
    "da": {"narrows": "mindre", "widens": "større", "same": "uændret",
           "sentence": "Forskellen mellem {worst} og {best} bliver {verdict}",
           "sentence_same": "Forskellen mellem {worst} og {best} forbliver den samme",
           "summary": "Forskellen mellem grupperne bliver mindre med: {narrows}; større med: {widens}.",
           "none": "ingen",
           "quadrants": {(True, "narrows"): "hjælper i gennemsnit og mindsker forskellen",
                         (True, "widens"): "hjælper i gennemsnit, men øger forskellen",
                         (True, "same"): "hjælper i gennemsnit, forskellen uændret",
                         (False, "narrows"): "skader i gennemsnit, men mindsker forskellen",
                         (False, "widens"): "skader i gennemsnit og øger forskellen",
                         (False, "same"): "skader i gennemsnit, forskellen uændret"}},
    "en": {"narrows": "smaller", "widens": "larger", "same": "unchanged",
           "sentence": "The gap between {worst} and {best} becomes {verdict}",
           "sentence_same": "The gap between {worst} and {best} stays the same",
           "summary": "The gap between the groups narrows with: {narrows}; it widens with: {widens}.",
           "none": "none",
           "quadrants": {(True, "narrows"): "helps on average and narrows the gap",
                         (True, "widens"): "helps on average but widens the gap",
                         (True, "same"): "helps on average, the gap unchanged",
                         (False, "narrows"): "harms on average but narrows the gap",
                         (False, "widens"): "harms on average and widens the gap",
                         (False, "same"): "harms on average, the gap unchanged"}},
}
"""How a result tells the gap between groups of children (:mod:`gmb.sd.gaps`) in words."""


def gap_sentence(worst: str, best: str, verdict: str, lang: str | None) -> str:
    """The gap in plain words: ``verdict`` is ``narrows``, ``widens`` or ``same``.

    >>> gap_sentence("børn i udsatte familier", "øvrige børn", "narrows", "da")
    'Forskellen mellem børn i udsatte familier og øvrige børn bliver mindre'
    """
    said = words(GAP, lang)
    return said["sentence_same" if verdict == "same" else "sentence"].format(worst=worst, best=best,
                                                                               verdict=said[verdict])


def helps(row: dict) -> bool:
    """Whether a ranked candidate (a row of :meth:`gmb.leverage.results.Leverage.table`) raises the outcome
    on average when pushed the way shown (an idea: when carried out)."""
    return row["median"] > 0 if row["kind"] == "idea" else row["effect"] > 0


def quadrant_words(row: dict, lang: str | None) -> str:
    """Where a ranked candidate lands on average gain × change of the gap, in words.

    >>> quadrant_words({"kind": "idea", "median": 0.02, "gap_quadrant": "narrows"}, "da")
    'hjælper i gennemsnit og mindsker forskellen'
    """
    return words(GAP, lang)["quadrants"][helps(row), row["gap_quadrant"]]


def gap_summary(narrows: list[str], widens: list[str], lang: str | None) -> str:
    """Which scenarios narrow the gap and which widen it, in one sentence."""
    said = words(GAP, lang)
    return said["summary"].format(narrows=", ".join(narrows) or said["none"], widens=", ".join(widens) or said["none"])


def words(table: dict, lang: str | None) -> dict:
    """``table[lang]``, or the English entry for a language gmb does not speak."""
    return table.get(lang or "en", table["en"])


def caveat(lang: str | None) -> str:
    """The caveat in ``lang`` (English for a language gmb does not speak)."""
    return words(CAVEAT, lang)


def direction_word(direction: str, lang: str | None, kind: str | None = None) -> str:
    """The word for ``direction`` (``increase``, ``decrease``, ``none``) in ``lang``; for an action or idea
    (``kind``) that works against the outcome, "avoid": it starts at zero and cannot be turned down;
    for an idea that helps, "do" (an idea is carried out, not turned up)."""
    if direction == "decrease" and kind in ("action", "idea"):
        direction = "avoid"
    elif direction == "increase" and kind == "idea":
        direction = "do"
    return words(DIRECTIONS, lang)[direction]


NOTES = {
    "da": {
        "read": "Sådan læses tabellen: {today}ændringen er forskellen til udgangspunktet uden nye tiltag efter "
                "{horizon} — en sammenligning mellem scenarierne, ikke en prognose.",
        "today": "1 er niveauet i dag, og ",
        "files": "Filerne ligger i {folder}: {files}.", "no_files": "Gem tallene og graferne med -o MAPPE.",
        "and": "og", "roles": {"results.csv": "alle tal", "summary.csv": "tabellen", "bands.csv": "båndene",
                               "ASSUMPTIONS.md": "antagelserne", ".png": "grafen",
                               "_segments.png": "grupperne", "_gap.png": "forskellen mellem grupperne"},
        "band": "Båndet (5–95 %) er over {used} udgaver af kortet (seed {seed}); {checks}.",
        "checked": "alle udgaver tjekket: {checks}", "counts": "{unstable} af {samples} udgaver ustabile, "
                                                                "{restless} ikke i hvile",
        "not_checked": "udgaverne ikke tjekket for stabilitet", "excluded": " — udeladt af statistikken", "kept": " — beholdt i statistikken (exclude=False)",
        "unchecked": "; {n} kunne ikke tjekkes for stabilitet (ingen afledt ved start)",
        "press": "press-rang —: intet langsigtet svar, {reason}",
        "strengths": "linkstyrker jævnt fordelt inden for deres klasse: {classes} (et link uden styrke er {default}; "
                     "en styrke givet som tal, og et flow-link uden styrke, holdes fast)",
        "misjudge": "hvert links klasse fejlvurderet: én klasse svagere med sandsynlighed {p}, hvor der er en, én "
                    "klasse stærkere med sandsynlighed {p}, hvor der er en",
        "scale": "tallene bag klasserne usikre: alle ganget med én faktor pr. udgave, jævnt fordelt mellem ×{low} "
                 "og ×{high}",
        "taus": "tilpasningstider log-jævnt fordelt mellem τ / {factor} og τ × {factor}; forsinkelser holdes fast",
        "balanced": "udstrømningerne fra de {n} beholdninger, der starter i hvile, skaleret i hver udgave, så de "
                    "stadig starter i hvile",
        "structure": "omstridt struktur: hvert af de {disputed} links med lav sikkerhed er med med sandsynlighed "
                     "{present}; hvert af de {unknown} links med fortegn ? er + med sandsynlighed {sign}, ellers -",
        "unknown": "de {unknown} links med fortegn ? udeladt (--no-structure; udelad den for at trække deres "
                   "fortegn)",
    },
    "en": {
        "read": "How to read it: {today}the change is the difference from the baseline without new actions after "
                "{horizon} — a comparison between the scenarios, not a forecast.",
        "today": "1 is today's level, and ",
        "files": "The files are in {folder}: {files}.", "no_files": "Save the numbers and charts with -o DIR.",
        "and": "and", "roles": {"results.csv": "every number", "summary.csv": "the table", "bands.csv": "the bands",
                                "ASSUMPTIONS.md": "the assumptions", ".png": "the chart",
                                "_segments.png": "the groups", "_gap.png": "the gap between the groups"},
        "band": "The band (5–95%) is over {used} versions of the map (seed {seed}); {checks}.",
        "checked": "every sample checked: {checks}", "counts": "{unstable} of {samples} samples unstable, "
                                                                "{restless} not at rest",
        "not_checked": "samples not checked for stability", "excluded": " — excluded from the statistics", "kept": " — kept in the statistics (exclude=False)",
        "unchecked": "; {n} could not be checked for stability (no derivative at the start)",
        "press": "press rank —: no long-run response, {reason}",
        "strengths": "link strengths uniform within their class: {classes} (a link without a strength is {default}; "
                     "a strength given as a number, and a flow link without one, are held fixed)",
        "misjudge": "each link's class misjudged: one class weaker with probability {p} where there is one, one "
                    "stronger with probability {p} where there is one",
        "scale": "the numbers behind the classes uncertain: all multiplied by one factor per sample, uniform "
                 "between ×{low} and ×{high}",
        "taus": "adjust times log-uniform between τ / {factor} and τ × {factor}; delays held fixed",
        "balanced": "the outflows of the {n} stocks that start at rest scaled in each sample so that they still "
                    "start at rest",
        "structure": "disputed structure: each of the {disputed} links of low confidence present with probability "
                     "{present}; each of the {unknown} links of polarity ? + with probability {sign}, else -",
        "unknown": "the {unknown} links of polarity ? are left out (--no-structure; leave it out to draw their sign)",
    },
}
"""The notes under a result (other languages get English). The English notes of a Monte Carlo run say
what :meth:`gmb.leverage.uncertainty.MapUncertainty.notes` and :func:`gmb.leverage.checks.exclusions` say."""


def explanation(horizon: str, today: bool, lang: str | None) -> str:
    """What ``gmb simulate``'s table means, in one sentence: ``horizon`` as printed (e.g. "120 måneder"),
    ``today`` whether every outcome is an index that starts at 1.

    >>> explanation("10 years", True, "en")
    "How to read it: 1 is today's level, and the change is the difference from the baseline without new \
actions after 10 years — a comparison between the scenarios, not a forecast."
    """
    said = words(NOTES, lang)
    return said["read"].format(today=said["today"] if today else "", horizon=horizon)


def files_note(folder: str | None, names: list[str], lang: str | None) -> str:
    """Where the files are and what each holds (or how to get them, without a folder).

    >>> files_note("out", ["results.csv", "summary.csv", "mood.png"], "da")
    'Filerne ligger i out: results.csv (alle tal), summary.csv (tabellen) og mood.png (grafen).'
    """
    said = words(NOTES, lang)
    if not folder:
        return said["no_files"]
    roles = said["roles"]
    items = [f"{name} ({roles.get(name) or roles.get(_suffix(name)) or roles['.png']})"
             if name in roles or name.endswith(".png") else name for name in names]
    listed = f"{', '.join(items[:-1])} {said['and']} {items[-1]}" if len(items) > 1 else "".join(items)
    return said["files"].format(folder=folder, files=listed)


def _suffix(name: str) -> str:
    """A picture's role by its name's end: ``mood_gap.png`` → ``_gap.png``."""
    return next((end for end in ("_segments.png", "_gap.png") if name.endswith(end)), ".png")


def checks_note(samples: int, unstable: int, restless: int, unchecked: int, excluded: int, lang: str | None,
                checked: bool = True) -> str:
    """How many draws were unstable or not at rest, and what was done with them (:func:`gmb.leverage.checks.exclusions`;
    ``checked`` False: the draws were not checked).

    >>> checks_note(50, 0, 0, 2, 0, "en")
    'every sample checked: 0 of 50 samples unstable, 0 not at rest; 2 could not be checked for stability \
(no derivative at the start)'
    """
    said = words(NOTES, lang)
    if not checked:
        return said["not_checked"]
    note = said["counts"].format(unstable=count(unstable, lang), samples=count(samples, lang),
                                 restless=count(restless, lang))
    if unstable or restless:
        note += said["excluded"] if excluded else said["kept"]
    else:
        note = said["checked"].format(checks=note)
    return note + (said["unchecked"].format(n=count(unchecked, lang)) if unchecked else "")


def band_note(samples: int, used: int, unstable: int, restless: int, unchecked: int, seed: int,
              lang: str | None) -> str:
    """What the band of ``gmb simulate --band`` is over.

    >>> band_note(200, 198, 2, 0, 0, 7, "en")
    'The band (5–95%) is over 198 versions of the map (seed 7); 2 of 200 samples unstable, 0 not at rest — \
excluded from the statistics.'
    """
    checks = checks_note(samples, unstable, restless, unchecked, samples - used, lang)
    return words(NOTES, lang)["band"].format(used=count(used, lang), seed=seed, checks=checks)


def press_note(reason: str, lang: str | None) -> str:
    """Why the press rank is missing (``reason`` as the analysis gives it)."""
    return words(NOTES, lang)["press"].format(reason=reason)


def uncertainty_notes(facts: list[tuple[str, dict]], lang: str | None) -> list[str]:
    """What a Monte Carlo run drew (:meth:`gmb.leverage.uncertainty.MapUncertainty.facts`), one note per
    fact, numbers in the language's forms."""
    said = words(NOTES, lang)
    notes = []
    for key, values in facts:
        shown = {name: plain(value, lang) if isinstance(value, float) else count(value, lang) if isinstance(value, int)
                 else value for name, value in values.items()}
        if key == "strengths":
            shown["classes"] = ", ".join(f"{name} {plain(lo, lang)}–{plain(hi, lang)}" for name, lo, hi in
                                         values["classes"])
        notes.append(said[key].format(**shown))
    return notes
