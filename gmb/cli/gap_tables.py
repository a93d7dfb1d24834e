"""The gap tables for a map with segments: ``gmb simulate``'s (each group's value, the gap between the
best-off and the worst-off group, its change against the baseline, and which scenarios narrow it) and
the one under ``gmb leverage`` and ``gmb ideas rank`` (candidates by how much they narrow the gap).

The groups are columns A, B, … named in a legend line above the table (their labels are long).

Example
-------
>>> _WORDS["en"]["columns"][2:4]
('gap', 'change')
"""

from __future__ import annotations

import click

from gmb.render.numbers import fixed, percent, significant
from gmb.render.wording import GAP, caveat, gap_summary, words
from gmb.sd.reach import offer_label
from gmb.sd.scenarios import BASELINE

__all__ = ["print_gaps", "print_gap_ranking"]

_WORDS = {
    "da": {"head": "Forskellen mellem grupper af børn: {outcome} efter {horizon}", "groups": "grupper",
           "columns": ("scenarie", "slags tiltag", "forskel", "ændring", "forhold", "forskellen bliver"),
           "baseline": "Udgangspunkt (ingen nye tiltag)",
           "read": "Sådan læses tabellen: forskellen er den bedst stillede gruppes værdi minus den dårligst stillede "
                   "gruppes; forholdet er den ene divideret med den anden (1: ingen forskel)."},
    "en": {"head": "The gap between groups of children: {outcome} at {horizon}", "groups": "groups",
           "columns": ("scenario", "kind of action", "gap", "change", "ratio", "the gap becomes"),
           "baseline": "Baseline (no new actions)",
           "read": "How to read it: the gap is the best-off group's value minus the worst-off group's; the ratio "
                   "is the one divided by the other (1: no gap)."},
}


def print_gaps(results, cmap, lang: str, horizon: str) -> None:
    """Per per-segment outcome: the legend of the groups, the caveat, one row per run (the baseline first)
    and a sentence naming the scenarios that narrow the gap and those that widen it."""
    seg, said = results.spec.segmentation, words(_WORDS, lang)
    rows = results.gaps()
    if not rows:
        return
    labels = {s.name: cmap.text(s.label, lang, default=s.name) for s in results.plan.scenarios}
    labels[BASELINE] = said["baseline"]
    groups = [seg.label(cmap, s, lang) for s in seg.ids]
    letters = [chr(ord("A") + i) for i in range(len(groups))]
    name, kind, gap, change, ratio, verdict = said["columns"]
    width = max(len(name), *(len(label) for label in labels.values())) + 2
    offers = {r["scenario"]: offer_label(r["offer"], lang) for r in rows}
    kind_width = max(len(kind), *(len(text) for text in offers.values())) + 2
    for var in dict.fromkeys(r["outcome"] for r in rows):
        click.echo("")
        click.echo(said["head"].format(outcome=cmap.label(var, lang), horizon=horizon))
        click.echo(f"{said['groups']}: " + ", ".join(
            f"{letter} = {group} ({percent(100 * seg.shares[s], lang)})"
            for letter, group, s in zip(letters, groups, seg.ids)))
        click.echo(caveat(lang))
        click.echo(f"  {name:<{width}}{kind:<{kind_width}}" + "".join(f"{letter:>8}" for letter in letters)
                   + f"{gap:>9}{change:>10}{ratio:>9}  {verdict}")
        narrows, widens = [], []
        for row in (r for r in rows if r["outcome"] == var):
            is_base = row["scenario"] == BASELINE
            values = "".join(f"{fixed(row['segments'][s], 3, lang):>8}" for s in seg.ids)
            moved = "" if is_base else significant(row["gap_change"], lang, sign=True)
            word = "" if is_base else words(GAP, lang)["narrows" if row["narrows"] else
                                                        "widens" if row["widens"] else "same"]
            click.echo(f"  {labels[row['scenario']]:<{width}}{offers[row['scenario']]:<{kind_width}}{values}"
                       f"{fixed(row['gap'], 3, lang):>9}{moved:>10}{fixed(row['ratio'], 2, lang):>9}  {word}")
            if row["narrows"]:
                narrows.append(labels[row["scenario"]])
            elif row["widens"]:
                widens.append(labels[row["scenario"]])
        click.echo(gap_summary(narrows, widens, lang))
        click.echo(said["read"])


_RANK_WORDS = {
    "da": {"head": "Effekt på forskellen mellem grupperne ({groups}): ændringen i forskellen mellem den bedst og "
                   "den dårligst stillede gruppe, for et skub i den viste retning (en idé: gennemført)",
           "columns": ("nr", "retning", "ændring i forskel", "5–95 %", "P(mindsker)", "gennemsnit og forskel"),
           "action": "Tiltag", "state": "Tilstande (de fem, der flytter forskellen mest)"},
    "en": {"head": "Effect on the gap between the groups ({groups}): the change of the gap between the best-off and "
                   "the worst-off group, for a push the way shown (an idea: carried out)",
           "columns": ("no", "direction", "change of gap", "5–95%", "P(narrows)", "average and gap"),
           "action": "Actions", "state": "States (the five that move the gap most)"},
}


def print_gap_ranking(report: dict) -> None:
    """Under a leverage ranking of a map with segments: the candidates by how much they narrow the gap,
    actions (all) then states (five), with the interval, P(narrows) and the quadrant in words."""
    from gmb.render.wording import direction_word, quadrant_words

    found, lang = report.get("segments"), report.get("language")
    if not found:
        return
    said = words(_RANK_WORDS, lang)
    groups = ", ".join(f"{g['label']} {percent(100 * g['share'], lang)}" for g in found["groups"])
    click.echo("")
    click.echo(said["head"].format(groups=groups))
    number, direction, change, spread, chance, quadrant = said["columns"]
    rows = report["candidates"]
    width = max(len(str(row["label"])) for row in rows) + 2
    offers = {row["id"]: offer_label(row.get("offer"), lang) for row in rows}
    kind = max(map(len, offers.values())) + 2 if any(offers.values()) else 0
    for group, limit in (("action", None), ("state", 5)):
        members = sorted((row for row in rows if row["group"] == group), key=lambda row: row["gap_rank"])[:limit]
        if not members:
            continue
        click.echo(said[group])
        click.echo(f"{number:>3}  {'':<{width}}{'':<{kind}}{direction:<11}{change:>18}{spread:>26}{chance:>13}  "
                   f"{quadrant}")
        for row in members:
            interval = (f"{significant(row['gap_p05'], lang, sign=True)} … "
                        f"{significant(row['gap_p95'], lang, sign=True)}")
            click.echo(f"{row['gap_rank']:>3}  {row['label']:<{width}}{offers[row['id']]:<{kind}}"
                       f"{direction_word(row['direction'], lang, row['kind']):<11}"
                       f"{significant(row['gap_median'], lang, sign=True):>18}{interval:>26}"
                       f"{percent(100 * row['p_narrows'], lang):>13}  {quadrant_words(row, lang)}")
