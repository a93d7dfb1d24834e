"""The tables ``gmb leverage`` and ``gmb ideas rank`` print: the ranking, the pairwise table, the
judgements worth discussing next, and the synergy of pairs of ideas, in the report's language
(:func:`gmb.outputs.leverage_files.leverage_report`), numbers with two significant figures.

Example
-------
>>> from click.testing import CliRunner
>>> report = {"language": "en", "candidates": [{"id": "a", "label": "Sport", "group": "action"},
...           {"id": "b", "label": "Screens", "group": "action"}],
...           "pairwise": [{"a": "a", "b": "b", "p_a_more": 0.875, "p_b_more": 0.125, "samples": 8}]}
>>> lines = CliRunner().invoke(click.command()(lambda: print_pairwise(report))).output.splitlines()
>>> lines[0].startswith("How often does the action in the row have more effect than the action in the column?")
True
>>> for line in lines[1:4]:
...     print(line)
              1    2
1  Sport      –  88%
2  Screens  12%    –
"""

from __future__ import annotations

import click

from gmb.render.numbers import count, percent, share, significant
from gmb.render.wording import direction_word, words

__all__ = ["print_ranking", "print_notes", "print_pairwise", "print_sensitivity", "print_pairs"]

_WORDS = {
    "da": {"head": "Effekt på {outcome} efter {years} år: {measure} mod udgangspunktet, over {samples} udgaver af "
                   "kortet (seed {seed})",
           "final": "ændringen ved slutningen", "auc": "arealet under kurven (ændring × måneder)",
           "how": "Hver skubbes i den viste retning; højere udfald regnes for bedre, så positive tal hjælper.",
           "action": "Tiltag — hvad en arbejdsgruppe kan gøre", "state": "Tilstande — betyder noget, hvis noget "
                                                                        "kan flytte dem",
           "idea": "Idéer",
           "columns": ["nr", "", "retning", "effekt", "5–95 %", "P(rigtig retning)", "P(top 3)", "press-rang",
                       "gennemførlig"],
           "front": "* på fronten: ingen anden idé er både stærkere og lettere at gennemføre"},
    "en": {"head": "Effect on {outcome} after {years} years: {measure} against the baseline, over {samples} "
                   "versions of the map (seed {seed})",
           "final": "change at the horizon", "auc": "area under the curve (change × months)",
           "how": "Each is pushed the way shown; a higher outcome counts as better, so positive numbers help.",
           "action": "Actions — what a working group can do", "state": "States — they matter if something "
                                                                       "could move them",
           "idea": "Ideas",
           "columns": ["rank", "", "direction", "effect", "5–95 %", "P(right direction)", "P(top 3)", "press rank",
                       "feasible"],
           "front": "* on the front: no other idea is both stronger and easier to carry out"},
}
"""The printed ranking's words (other languages get English)."""
_MORE_WORDS = {
    "da": {"pairwise": "Hvor ofte har {noun} i rækken større effekt end {noun} i kolonnen? Andel af de samme {n} "
                       "udgaver af kortet, hver skubbet i den viste retning",
           "nouns": {"action": "tiltaget", "state": "tilstanden", "idea": "idéen"},
           "next": "Vurderinger, det er værd at drøfte næste gang — dem, der flytter mest på rækkefølgen af de "
                   "{k} øverste ({method}, {versions} udgaver af kortet{dropped})",
           "morris": "Morris-screening", "sobol": "Sobol-indeks",
           "dropped": "; {n} forløb udeladt: ustabile eller ikke i hvile",
           "explain_morris": "μ*: hvor mange procentpoint en kandidats andel af de {k} øverstes samlede effekt "
                             "i gennemsnit flytter sig, når vurderingen går fra den ene ende af sit spænd til "
                             "den anden; σ: hvor "
                             "meget det afhænger af de andre vurderinger",
           "explain_sobol": "ST: andel af usikkerheden om en kandidats andel af de {k} øverstes samlede effekt, som "
                            "vurderingen indgår i; S1: som den alene forklarer",
           "moves": "flytter mest"},
    "en": {"pairwise": "How often does the {noun} in the row have more effect than the {noun} in the column? Share "
                       "of the same {n} versions of the map, each pushed the way shown",
           "nouns": {"action": "action", "state": "state", "idea": "idea"},
           "next": "The judgements worth discussing next — those that move the order of the top {k} most "
                   "({method}, {versions} versions of the map{dropped})",
           "morris": "Morris screening", "sobol": "Sobol indices",
           "dropped": "; {n} trajectories left out: unstable or not at rest",
           "explain_morris": "μ*: how many percentage points a candidate's share of the top {k}'s combined effect "
                             "moves "
                             "on average when the judgement runs from one end of its range to the other; σ: how "
                             "much that depends on the other judgements",
           "explain_sobol": "ST: the share of the uncertainty about a candidate's share of the top {k}'s combined "
                            "effect that the judgement is part of; S1: that it explains alone",
           "moves": "moves most"},
}
"""The words of the pairwise table and the sensitivity screening (other languages get English)."""


def print_ranking(report: dict, ideas: bool = False) -> None:
    """The ranking for people: actions, then states, each by size with the way to push, two significant
    figures, numbers and words in the report's language, the caveat under the heading."""
    lang = report.get("language")
    said = words(_WORDS, lang)
    click.echo(said["head"].format(outcome=report["outcome_label"], years=f"{report['horizon_months'] / 12:g}",
                                   measure=said[report["measure"]], samples=count(report["samples"], lang),
                                   seed=report["seed"]))
    click.echo(report["caveat"])
    click.echo(said["how"])
    rows = report["candidates"]
    width = min(44, max(len(str(row["label"])) for row in rows))
    table = []
    for row in rows:
        label = str(row["label"])
        label = label if len(label) <= width else label[:width - 1] + "…"
        right = "–" if row["p_direction"] is None else share(row["p_direction"], lang)
        table.append([str(row["rank"]), label, direction_word(row["direction"], lang, row["kind"]),
                      significant(row["effect"], lang, sign=True),
                      (f"{significant(row['effect_p05'], lang, sign=True)} … "
                       f"{significant(row['effect_p95'], lang, sign=True)}"), right, share(row["p_top3"], lang),
                      "—" if row["press_rank"] is None else str(row["press_rank"])]
                     + ([f"{row['feasibility']}{' *' if row['pareto'] else '  '}"] if ideas else []))
    headers = said["columns"][:len(table[0])]
    widths = [max(len(r[i]) for r in [headers] + table) for i in range(len(headers))]
    groups = [row["group"] for row in rows]
    for n, cells in enumerate(table):
        if n == 0 or groups[n] != groups[n - 1]:
            click.echo("")
            click.echo(said["idea"] if ideas else said[groups[n]])
            cells_list = [headers]
        else:
            cells_list = []
        for line_cells in cells_list + [cells]:
            line = "  ".join(c.ljust(w) if i in (1, 2) else c.rjust(w)
                             for i, (c, w) in enumerate(zip(line_cells, widths)))
            click.echo(line.rstrip())
    click.echo("")
    if ideas:
        click.echo(said["front"])


def print_notes(report: dict) -> None:
    """What the run drew and what its checks left out, one line each."""
    for note in report["uncertainty"]:
        click.echo(f"- {note}")


def _chance(probability: float, lang: str | None) -> str:
    """A probability as a percentage with two significant figures (">99 %" rather than a rounded 100)."""
    return share(probability, lang) if 0.995 <= probability < 1 else percent(100 * probability, lang)


def print_pairwise(report: dict, ideas: bool = False) -> None:
    """The pairwise table: P(row has more effect than column), the top candidates numbered by rank."""
    pairs, lang = report["pairwise"], report.get("language")
    if not pairs:
        return
    said, rows = words(_MORE_WORDS, lang), {row["id"]: row for row in report["candidates"]}
    ids = list(dict.fromkeys([p["a"] for p in pairs] + [p["b"] for p in pairs]))
    groups = {rows[i]["group"] for i in ids}
    noun = said["nouns"]["idea" if ideas else groups.pop() if len(groups) == 1 else "state"]
    more = {(p["a"], p["b"]): p["p_a_more"] for p in pairs} | {(p["b"], p["a"]): p["p_b_more"] for p in pairs}
    numbers = [str(n + 1) for n in range(len(ids))]
    labels = [_short(str(rows[i]["label"]), 40) for i in ids]
    table = [[numbers[r], labels[r]] + ["–" if a == b else _chance(more[(a, b)], lang) for b in ids]
             for r, a in enumerate(ids)]
    header = ["", ""] + numbers
    widths = [max(len(line[c]) for line in [header] + table) for c in range(len(header))]
    click.echo(said["pairwise"].format(noun=noun, n=count(pairs[0]["samples"], lang)))
    for cells in [header] + table:
        click.echo("  ".join(c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
                   .rstrip())
    click.echo("")


def print_sensitivity(report: dict, top: int = 5) -> None:
    """The judgements worth discussing next: the screening's first ``top`` factors in words."""
    found, lang = report.get("sensitivity"), report.get("language")
    if not found:
        return
    said, rows = words(_MORE_WORDS, lang), {row["id"]: row for row in report["candidates"]}
    k = len(found["candidates"])
    dropped = said["dropped"].format(n=count(found["dropped"], lang)) if found["dropped"] else ""
    click.echo(said["next"].format(k=k, method=said[found["method"]], versions=count(found["versions"], lang),
                                   dropped=dropped))
    click.echo(said[f"explain_{found['method']}"].format(k=k))
    main, spread = ("mu_star", "sigma") if found["method"] == "morris" else ("ST", "S1")
    names = ("μ*", "σ") if found["method"] == "morris" else ("ST", "S1")
    scale = 100 if found["method"] == "morris" else 1
    table = [[str(n + 1), row["text"], f"{names[0]} {significant(scale * row[main], lang)}",
              f"{names[1]} {significant(scale * row[spread], lang)}",
              f"{said['moves']}: {_short(str(rows[row['moves']]['label']), 30)}"]
             for n, row in enumerate(found["factors"][:top])]
    widths = [max(len(line[c]) for line in table) for c in range(len(table[0]))]
    for cells in table:
        click.echo("  ".join(c.ljust(w) if i else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
                   .rstrip())
    click.echo("")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def print_pairs(report: dict, labels: dict) -> None:
    pairs = report["pairs"]
    if not pairs:
        return
    counts = {verdict: sum(1 for p in pairs if p["verdict"] == verdict)
              for verdict in ("synergy", "interference", "uncertain", "additive")}
    click.echo(f"Pairs: {len(pairs)} — " + ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n))
    for pair in [p for p in pairs if p["verdict"] != "additive"][:10]:
        number = lambda value: significant(value, report.get("language"), sign=True)
        click.echo(f"  {labels[pair['a']]} + {labels[pair['b']]}: {pair['verdict']} "
                   f"{number(pair['synergy'])} [{number(pair['p05'])}, {number(pair['p95'])}] "
                   f"(together {number(pair['combined'])}, sum {number(pair['sum'])})")
    if counts["additive"] == len(pairs):
        click.echo("  every pair adds up exactly: the model is linear where these ideas act "
                   "(no bound reached, no equation multiplying their effects)")
