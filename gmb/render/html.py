"""A map as one self-contained, interactive HTML page for residents (``gmb html``).

The network's nodes and edges are built with pyvis (as vis-network data); the page is then written
as ONE file with vis-network's JavaScript and CSS inlined, so it opens from a USB stick with no
internet connection and makes no network request (a Content-Security-Policy forbids any).

All user text (labels, notes, quotes, loop names, scenario names) travels as data: one
``<script type="application/json">`` block in which ``<``, ``>``, ``&`` and U+2028/2029 are
escaped as ``\\uXXXX``, read with ``JSON.parse`` and put into the page with ``textContent``.
The static HTML holds no user text at all. The page's scripts run under CSP hashes, so even a
hostile label that somehow became markup could not run.

The page (scripts in ``assets/*.js``, joined in :data:`SCRIPTS` order into one script that shares one
scope) opens with a first-visit guide (:mod:`~gmb.render.guide`), then the map with a legend beside it,
a story mode stepping through the facilitator's named loops (or the most telling ones through the
outcome, :func:`~gmb.render.stories.story_steps`), every loop behind "Vis alle løkker", a play mode
that shows a push travel along the arrows (precomputed by :mod:`~gmb.render.play`), a da/en switch, a
search box, an accessible text version with the workshop's voices, and with simulation results charts
of the outcome (per group of children and the gap in words on a map with segments,
:mod:`~gmb.render.gap_charts`). The chosen loop, variable, story step and language live in the URL
fragment; a print stylesheet fits the map, legend, stories and charts on a few A4 pages.

Example
-------
>>> from gmb.maps.causalmap import CausalMap
>>> cmap = CausalMap.new("Trivsel")
>>> cmap.add_variable("sleep", {"da": "Søvn", "en": "Sleep"})
>>> cmap.add_variable("mood", {"da": "<b>Humør</b>", "en": "Mood"})
>>> _ = cmap.add_link("sleep", "mood", "+")
>>> _ = cmap.add_link("mood", "sleep", "+")
>>> page = render_html(cmap)
>>> "<b>Humør" in page, "\\\\u003cb\\\\u003eHumør" in page
(False, True)
>>> page == render_html(cmap)
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
from importlib import resources
from pathlib import Path

from gmb.analysis.loopset import MAX_LENGTH
from gmb.analysis.signed import link_sign
from gmb.errors import GmbError
from gmb.maps.causalmap import CausalMap
from gmb.maps.outpaths import write_output
from gmb.render.guide import guide_data, voice
from gmb.render.layout import PORTRAIT, layout_positions, saved_positions
from gmb.render.stories import chain_text, is_delayed, loop_count_text, loop_story, story_steps
from gmb.render.style import NO_THEME_COLOR, POLARITY_COLORS, arrow_width, darker, theme_colors

__all__ = ["render_html", "write_html", "page_data", "script_json", "SIZE_MEASURES"]

SIZE_MEASURES = ("loops", "degree", "betweenness", "closeness", "reach", "in_degree", "out_degree")
"""Centrality columns that can set the size of the dots (see :mod:`gmb.analysis.centrality`)."""
SCRIPTS = ("words.js", "explorer.js", "marks.js", "details.js", "lists.js", "charts.js", "gapcharts.js", "story.js",
           "guide.js", "play.js", "touch.js", "share.js", "main.js")
"""The page's own script files, joined in this order inside one function (they share its scope)."""
STYLES = ("explorer.css", "panels.css", "phone.css", "print.css")
"""The page's own style sheets, joined in this order."""
MIN_SIZE, MAX_SIZE = 14, 34
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def render_html(cmap: CausalMap, language: str | None = None, results: str | os.PathLike | None = None,
                scenarios: str | os.PathLike | None = None, size_by: str = "loops", max_loops: int = 200,
                max_loop_length: int | None = MAX_LENGTH, workshop: str | os.PathLike | None = None,
                play: bool = True) -> str:
    """The page's full text. ``language`` is the one it opens in (default: the map's first).

    ``results`` is a directory written by ``gmb simulate`` (its ``results.csv``) and ``scenarios``
    the scenario file it ran, for the scenarios' names; ``size_by`` the centrality column that sets
    node sizes; ``max_loops`` / ``max_loop_length`` bound the loop list; ``workshop`` is the site's
    workshop record (its folder or ``workshop.yaml``) the guide tells the map's origin from; ``play``
    whether to add play mode's precomputed runs.
    """
    data = page_data(cmap, language, results, scenarios, size_by, max_loops, max_loop_length, workshop, play)
    css = "\n".join(_asset(name) for name in STYLES)
    vis_css = _vis_asset("vis-network.css")
    app = '(function () {\n  "use strict";\n' + "\n".join(_asset(name) for name in SCRIPTS) + "\n})();\n"
    scripts = [_vis_asset("vis-network.min.js"), app]
    for text in scripts:
        if "</script" in text.lower():
            raise GmbError("a bundled script contains '</script'; reinstall gmb and pyvis")
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    policy = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
              "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
    template = _asset("page.html")
    parts = {"policy": policy, "vis_css": vis_css, "css": css, "data": script_json(data),
             "vis_js": scripts[0], "app_js": scripts[1], "lang": html.escape(data["language"])}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)


def write_html(cmap: CausalMap, path: str | os.PathLike, **options) -> list[str]:
    """Write the page to ``path`` (in one step); options as for :func:`render_html`."""
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise GmbError(f"{path}: cannot write there; give a file name in an existing directory")
    page = render_html(cmap, **options)
    try:
        write_output(path, page)
    except OSError as exc:
        raise GmbError(f"{path}: cannot write there ({exc.strerror or exc}); give a file name in a directory "
                       "you can write to") from None
    return [str(path)]


def script_json(data) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/2029.

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in "&<>\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def page_data(cmap: CausalMap, language: str | None = None, results=None, scenarios=None, size_by: str = "loops",
              max_loops: int = 200, max_loop_length: int | None = MAX_LENGTH, workshop=None, play: bool = True) -> dict:
    """Everything the page shows, as plain data (the JSON block of the page).

    ``loopCount`` is the map's loops as every command counts them (:func:`gmb.analysis.loopset.map_loops`)
    and ``loopsStated`` that count in words, per language; ``loops`` lists at most ``max_loops`` of them.
    """
    from gmb.analysis.centrality import centrality_table
    from gmb.analysis.loopset import map_loops

    languages = cmap.languages
    language = language or languages[0]
    if language not in languages:
        raise GmbError(f"language {language!r} is not one of the map's languages ({', '.join(languages)}); "
                       "choose one of them with --language")
    if size_by not in SIZE_MEASURES:
        raise GmbError(f"cannot size variables by {size_by!r}; choose one of: {', '.join(SIZE_MEASURES)}")
    found = map_loops(cmap, max_length=max_loop_length, listed=max_loops)
    measure = {row["id"]: row.get(size_by) or 0 for row in centrality_table(cmap, found)}
    nodes, edges, edge_ids = _network(cmap, language, measure)
    loops = _loop_data(cmap, languages, edge_ids, found)
    return {
        "language": language,
        "languages": languages,
        "title": {lang: cmap.text(cmap.meta.get("title"), lang) for lang in languages},
        "description": {lang: cmap.text(cmap.meta.get("description"), lang) for lang in languages},
        "network": {"nodes": nodes, "edges": edges, "options": _vis_options()},
        "variables": {var: _variable(cmap, var, languages) for var in cmap.variables},
        "links": [_link(cmap, u, v, attrs, edge_ids[u, v], languages) for u, v, attrs in cmap.links()],
        "themes": _themes(cmap),
        "outcome": [v for v in cmap.outcome if v in cmap.graph],
        "sizeBy": size_by,
        "portrait": None if saved_positions(cmap) else
        {var: list(xy) for var, xy in layout_positions(cmap, aspect=PORTRAIT).items()},
        **loops,
        "story": story_steps(loops["loops"], sum(1 for loop in loops["loops"] if loop["named"]), cmap.outcome),
        "guide": guide_data(cmap, edge_ids, workshop),
        "charts": _charts(cmap, results, scenarios, languages) if results is not None else [],
        "segmentCharts": _segment_charts(cmap, results, scenarios, languages) if results is not None else [],
        "play": _play(cmap, scenarios) if play else None,
    }


def _network(cmap: CausalMap, language: str, measure: dict) -> tuple[list[dict], list[dict], dict]:
    """vis-network nodes and edges built with pyvis, and each link's edge id (``e1``, ``e2``, … in file order)."""
    from pyvis.network import Network

    colors = theme_colors(cmap)
    top = max(measure.values(), default=0) or 1
    positions = layout_positions(cmap)
    outcome = set(cmap.outcome)
    net = Network(directed=True)
    for var in cmap.variables:
        attrs = cmap.graph.nodes[var]
        color = colors.get(attrs.get("theme"), NO_THEME_COLOR)
        x, y = positions[var]
        net.add_node(var, label=cmap.label(var, language), shape="diamond" if attrs.get("kind") == "action" else "dot",
                     color={"background": color, "border": darker(color),
                            "highlight": {"background": color, "border": "#1f2933"},
                            "hover": {"background": color, "border": "#1f2933"}},
                     size=round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(measure.get(var, 0), 0) / top), 1),
                     x=x, y=y, borderWidth=4 if var in outcome else 1.5,
                     font={"size": 22, "color": "#111111"} if var in outcome else {})
    edge_ids = {}
    for number, (u, v, attrs) in enumerate(cmap.links(), start=1):
        sign, delayed = link_sign(attrs), is_delayed(attrs.get("delay"))
        color = POLARITY_COLORS[sign]
        edge_ids[u, v] = f"e{number}"
        net.add_edge(u, v, id=f"e{number}", color={"color": color, "highlight": color, "hover": color},
                     width=arrow_width(attrs.get("strength")), dashes=[7, 5] if delayed else False,
                     polarity=sign)
    nodes, edges = net.get_network_data()[:2]
    return nodes, edges, edge_ids


def _themes(cmap: CausalMap) -> list[dict]:
    used = {attrs.get("theme") for _, attrs in cmap.graph.nodes(data=True)}
    return [{"id": theme, "color": color, "used": theme in used,
             "label": {lang: cmap.theme_label(theme, lang) for lang in cmap.languages}}
            for theme, color in theme_colors(cmap).items()]


def _variable(cmap: CausalMap, var: str, languages: list[str]) -> dict:
    attrs = cmap.graph.nodes[var]
    return {"label": {lang: cmap.label(var, lang) for lang in languages},
            "theme": attrs.get("theme") if attrs.get("theme") in cmap.themes else None,
            "kind": attrs.get("kind", "index"),
            "notes": {lang: cmap.text(attrs.get("notes"), lang) for lang in languages}}


def _link(cmap: CausalMap, u: str, v: str, attrs: dict, edge_id: str, languages: list[str]) -> dict:
    said = voice(attrs)
    return {"id": edge_id, "from": u, "to": v,
            "polarity": link_sign(attrs),
            "delay": is_delayed(attrs.get("delay")),
            "notes": {lang: cmap.text(attrs.get("notes"), lang) for lang in languages},
            "quote": said.pop("quote", ""), "who": said}


def _loop_data(cmap: CausalMap, languages: list[str], edge_ids: dict, listing) -> dict:
    """The loops for the explorer: the named ones first (in the map's order), then the most relevant others."""
    from gmb.analysis.loops import find_loop

    found = {loop.id: loop for loop in listing.loops}
    named = []
    for loop_id in cmap.loops:
        try:
            named.append(found.get(loop_id) or find_loop(cmap, loop_id))
        except GmbError:  # a name kept for a loop the map no longer has ('gmb validate' tells)
            continue
    unnamed = [loop for loop in found.values() if loop.id not in cmap.loops]
    loops = []
    for loop in named + unnamed:
        written = cmap.loops.get(loop.id) or {}
        chain = _from_outcome(loop.variables, cmap.outcome)
        loops.append({
            "id": loop.id, "kind": loop.polarity, "variables": list(chain), "named": loop.id in cmap.loops,
            "links": [edge_ids[link] for link in loop.links()],
            "name": {lang: cmap.text(written.get("name"), lang) for lang in languages} if written.get("name") else None,
            "chain": {lang: chain_text(cmap, chain, lang) for lang in languages},
            "story": {lang: _own_text(written.get("story"), lang) or loop_story(cmap, chain, lang)
                      for lang in languages},
        })
    return {"loops": loops, "loopsComplete": len(listing.loops) == listing.total and listing.counts.complete,
            "loopCount": listing.to_dict(), "loopsStated": {lang: loop_count_text(listing, lang) for lang in languages}}


def _from_outcome(variables: tuple[str, ...], outcome: list[str]) -> tuple[str, ...]:
    """The loop told from the map's outcome when it passes through it (residents care about that first)."""
    start = next((variables.index(v) for v in outcome if v in variables), 0)
    return variables[start:] + variables[:start]


def _own_text(value, lang: str) -> str:
    """Text written in ``lang`` (plain text counts for every language); "" if there is none in it."""
    if isinstance(value, dict):
        return str(value.get(lang) or "")
    return str(value) if value not in (None, "") else ""


def _charts(cmap: CausalMap, results, scenarios, languages: list[str]) -> list[dict]:
    from gmb.render.charts import outcome_charts

    return outcome_charts(cmap, results, languages, scenarios)


def _segment_charts(cmap: CausalMap, results, scenarios, languages: list[str]) -> list[dict]:
    from gmb.render.gap_charts import segment_charts

    return segment_charts(cmap, results, languages, scenarios)


def _play(cmap: CausalMap, scenarios) -> dict | None:
    from gmb.render.play import play_data

    return play_data(cmap, scenarios)


def _vis_options() -> dict:
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": False, "navigationButtons": False,
                        "dragNodes": False,
                        "keyboard": {"enabled": False}, "zoomSpeed": 0.6},
        "nodes": {"font": {"face": FONT, "size": 19, "color": "#1f2933", "strokeWidth": 4,
                           "strokeColor": "#ffffff"},
                  "widthConstraint": {"maximum": 210}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.7}},
                  "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.12},
                  "selectionWidth": 0, "hoverWidth": 0.5},
    }


def _asset(name: str) -> str:
    return resources.files("gmb.render").joinpath("assets", name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    """vis-network 9.1.2 as shipped inside the pyvis package (CSS without the unused button icons)."""
    import pyvis

    text = (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    if name.endswith(".css"):  # icons of the manipulation and navigation buttons, which the page hides
        text = re.sub(r"[^{}]*\{[^{}]*url\(\"?data:[^{}]*\}", "", text)
    return text
