"""Checks a map for errors (it is wrong) and warnings (it is probably unfinished).

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("demo")
>>> cmap.add_variable("sleep", "Søvn")
>>> cmap.add_variable("screens", "Skærmtid")
>>> cmap.add_link("screens", "sleep", "?")
('screens', 'sleep')
>>> [p.code for p in validate(cmap).warnings]
['no-causes', 'unknown-polarity', 'no-outcome']
"""

from __future__ import annotations

import math
import numbers
import unicodedata

from gmb.maps.causalmap import CausalMap
from gmb.maps.problems import Problem, Report
from gmb.maps.schema import CONFIDENCES, KINDS, LINK_KEYS, POLARITIES, SOURCE_KEYS, STRENGTHS, THEME_KEYS, VARIABLE_KEYS
from gmb.maps.segments import segment_problems

__all__ = ["Problem", "Report", "validate", "near_duplicate_labels"]


def validate(cmap: CausalMap) -> Report:
    """All errors and warnings of a map, each with the line it comes from when the map was loaded."""
    report = Report()
    lines = cmap.origin
    var_line = (lambda v: lines.variable_lines.get(v)) if lines else (lambda v: None)
    link_line = (lambda u, v: lines.link_lines.get((u, v))) if lines else (lambda u, v: None)

    def var_problem(level, code, var, message):
        report.add(Problem(level, code, f"variable {var!r}: {message}", variable=var, line=var_line(var)))

    def link_problem(level, code, u, v, message):
        report.add(Problem(level, code, f"link {u} → {v}: {message}", link=(u, v), line=link_line(u, v)))

    themes = cmap.themes if isinstance(cmap.themes, dict) else {}
    for var, attrs in cmap.graph.nodes(data=True):
        kind = attrs.get("kind", "index")
        if kind not in KINDS:
            var_problem("error", "invalid-kind", var, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        theme = attrs.get("theme")
        if theme is not None and not (isinstance(theme, str) and theme in themes):
            known = ", ".join(themes) or "none yet"
            var_problem("error", "unknown-theme", var, f"unknown theme {theme!r} (themes: {known}); "
                        f"add it with 'gmb theme add MAP {theme} --label TEXT'")
        adjust = attrs.get("adjust_time")
        if adjust is not None and not _positive(adjust):
            var_problem("error", "invalid-adjust-time", var, f"adjust_time {adjust!r} must be a positive number")
        label = attrs.get("label")
        if not label:
            var_problem("warning", "no-label", var, f"no label; add one with 'gmb var set MAP {var} label.{cmap.languages[0]}=TEXT'")
        for lang, text in (label.items() if isinstance(label, dict) else [(None, label)]):
            if text is not None and not isinstance(text, str):
                where = f"label.{lang}" if lang is not None else "label"
                var_problem("warning", "label-not-text", var, f"{where} is read as {text!r}, not as text; "
                            "put the label in quotes")
        for key in attrs:
            if key not in VARIABLE_KEYS:
                var_problem("warning", "unknown-key", var, f"unknown key {key!r} (known: {', '.join(VARIABLE_KEYS)})")
        for key in _unknown(attrs.get("source"), SOURCE_KEYS):
            var_problem("warning", "unknown-key", var, f"unknown key source.{key} (known: {', '.join(SOURCE_KEYS)})")
        indegree, outdegree = cmap.graph.in_degree(var), cmap.graph.out_degree(var)
        if indegree + outdegree == 0:
            var_problem("warning", "isolated", var, "isolated: no links in or out")
        elif indegree == 0 and kind not in ("action", "constant"):
            var_problem("warning", "no-causes", var, "nothing causes it; add a link into it, or set kind=constant")
        elif indegree and kind == "action":
            var_problem("warning", "action-with-causes", var, "an action has causes; scenarios switch actions on, so these links are ignored")

    for u, v, attrs in cmap.links():
        if u == v:
            link_problem("error", "self-link", u, v, "links a variable to itself; remove it")
        polarity = attrs.get("polarity")
        if polarity not in POLARITIES:
            link_problem("error", "invalid-polarity", u, v, f"polarity {polarity!r} must be +, - or ?")
        elif polarity == "?":
            link_problem("warning", "unknown-polarity", u, v, "polarity not yet agreed (?)")
        flow, target_kind = attrs.get("flow"), cmap.graph.nodes[v].get("kind", "index")
        if flow is not None and flow not in ("inflow", "outflow"):
            link_problem("warning", "stock-flow", u, v, f"flow {flow!r} must be inflow or outflow for 'gmb simulate'; "
                         f"set it with 'gmb link set MAP {u} {v} flow=inflow'")
        elif flow is not None and target_kind != "stock":
            link_problem("warning", "stock-flow", u, v, f"is a flow but {v!r} is not a stock; set kind=stock or remove flow")
        elif flow is None and target_kind == "stock":
            link_problem("warning", "stock-flow", u, v, f"goes into the stock {v!r} without saying how it flows; "
                         "set flow=inflow or flow=outflow")
        elif flow is not None and polarity in ("+", "-") and polarity != ("+" if flow == "inflow" else "-"):
            link_problem("warning", "stock-flow", u, v, f"an {flow} has polarity {'+' if flow == 'inflow' else '-'}, "
                         f"not {polarity}; fix the polarity or the flow")
        strength = attrs.get("strength")
        if strength is not None and strength not in STRENGTHS and not _positive(strength):
            link_problem("error", "invalid-strength", u, v,
                         f"strength {strength!r} must be weak, medium, strong or a positive number")
        delay = attrs.get("delay")
        if delay is not None and not isinstance(delay, bool) and not _positive(delay, zero=True):
            link_problem("error", "invalid-delay", u, v, f"delay {delay!r} must be true, false or a time (number ≥ 0)")
        confidence = attrs.get("confidence")
        if confidence is not None and confidence not in CONFIDENCES and not (
                _positive(confidence, zero=True) and confidence <= 1):
            link_problem("error", "invalid-confidence", u, v,
                         f"confidence {confidence!r} must be low, medium, high or a number from 0 to 1")
        for key in attrs:
            if key not in LINK_KEYS:
                link_problem("warning", "unknown-key", u, v, f"unknown key {key!r} (known: {', '.join(LINK_KEYS)})")
        for key in _unknown(attrs.get("source"), SOURCE_KEYS):
            link_problem("warning", "unknown-key", u, v, f"unknown key source.{key} (known: {', '.join(SOURCE_KEYS)})")

    repeats: dict[tuple, int] = {}
    for link in cmap.invalid_links:
        u, v = link.get("from"), link.get("to")
        missing = [str(x) for x in (u, v) if x not in cmap.graph]
        line = lines.link_lines.get((u, v)) if lines else None
        if missing:
            message = f"link {u} → {v}: no variable {' or '.join(repr(m) for m in missing)}; add it or fix the link"
            report.add(Problem("error", "missing-variable", message, link=(u, v), line=line))
        else:
            n = repeats[u, v] = repeats.get((u, v), 0) + 1
            later = lines.repeated_link_lines.get((u, v), []) if lines else []
            first = f" (first at line {line})" if line is not None else ""
            report.add(Problem("error", "duplicate-link", f"link {u} → {v} appears more than once{first}; keep one",
                               link=(u, v), line=later[n - 1] if n <= len(later) else line))

    for theme, entry in themes.items():
        for key in _unknown(entry, THEME_KEYS):
            report.add(Problem("warning", "unknown-key", f"theme {theme!r}: unknown key {key!r} "
                               f"(known: {', '.join(THEME_KEYS)})", line=lines.key_lines.get("themes") if lines else None))

    strengths = cmap.meta.get("strengths")
    if strengths is not None and (not isinstance(strengths, dict) or any(
            key not in STRENGTHS or not _positive(value) for key, value in strengths.items())):
        report.add(Problem("error", "invalid-strengths", "strengths must map weak, medium and strong to positive "
                           "numbers, e.g. {weak: 0.1, medium: 0.2, strong: 0.3}",
                           line=lines.key_lines.get("strengths") if lines else None))

    for problem in segment_problems(cmap):
        report.add(problem)

    for var in cmap.outcome:
        if var not in cmap.graph:
            report.add(Problem("error", "unknown-outcome", f"outcome {var!r} is not a variable; set it with 'gmb outcome MAP VAR'",
                               variable=str(var), line=lines.key_lines.get("outcome") if lines else None))
    if not cmap.outcome:
        report.add(Problem("warning", "no-outcome", "no outcome set; choose one with 'gmb outcome MAP VAR'"))

    for a, b, text_a, text_b in near_duplicate_labels(cmap):
        var_problem("warning", "near-duplicate", b, f"label {text_b!r} is nearly the same as {text_a!r} of {a!r}; "
                    f"if they are one variable, run 'gmb var merge MAP {a} {b}'")
    return report


def near_duplicate_labels(cmap: CausalMap) -> list[tuple[str, str, str, str]]:
    """Pairs of variables whose labels differ only in case, spacing or punctuation, or by one letter
    (not a digit) in a longer label: ``(var_a, var_b, label_a, label_b)``."""
    buckets: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for var in cmap.graph:
        for text in dict.fromkeys(cmap.names(var)[1:] or [var]):
            norm = _normalise(text)
            digits = "".join(ch for ch in norm if ch.isdigit())
            near = 8 <= len(norm) <= 200   # one letter off: not looked for in labels of a paragraph's length
            keys = {norm} | ({norm[:i] + norm[i + 1:] for i in range(len(norm))} if near else set())
            for key in keys:
                buckets.setdefault((key, digits), []).append((var, text))
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for entries in buckets.values():
        for i, (var_a, text_a) in enumerate(entries):
            for var_b, text_b in entries[i + 1:]:
                if var_a != var_b and (var_a, var_b) not in pairs and (var_b, var_a) not in pairs:
                    pairs[(var_a, var_b)] = (text_a, text_b)
    return [(a, b, ta, tb) for (a, b), (ta, tb) in pairs.items()]


def _unknown(mapping, known: tuple[str, ...]) -> list:
    """The keys of ``mapping`` (if it is one) that are not ``known``."""
    return [key for key in mapping if key not in known] if isinstance(mapping, dict) else []


def _normalise(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text)).casefold() if ch.isalnum())


def _positive(value, zero: bool = False) -> bool:
    """A finite number above zero (or from zero); ``True`` and ``.inf`` are not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        return False
    return value >= 0 if zero else value > 0
