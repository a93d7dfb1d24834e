"""Small maps for the analysis tests: built from a list of links, or at random from a seed."""

from __future__ import annotations

import random

import networkx as nx

from gmb.maps.causalmap import CausalMap


def make_map(links, variables=(), languages=("en",), **meta) -> CausalMap:
    """A map with ``links`` given as ``(from, to, polarity)`` or ``(from, to, polarity, strength)``."""
    cmap = CausalMap.new("test", list(languages))
    cmap.meta.update(meta)
    names = list(variables) + [v for link in links for v in link[:2]]
    for var in dict.fromkeys(names):
        cmap.add_variable(var, {languages[0]: var.upper()})
    for u, v, polarity, *strength in links:
        cmap.add_link(u, v, polarity, strength=strength[0] if strength else None)
    return cmap


def random_map(n: int, m: int, seed: int, unknown: float = 0.1) -> CausalMap:
    """A random map of ``n`` variables and ``m`` links, polarities + / - and some ``?``."""
    rng = random.Random(seed)
    graph = nx.gnm_random_graph(n, m, directed=True, seed=seed)
    cmap = CausalMap.new(f"random {n}/{m}", ["en"])
    for v in graph:
        cmap.add_variable(f"v{v:03d}", f"Variable {v}")
    for u, v in graph.edges:
        polarity = "?" if rng.random() < unknown else rng.choice("+-")
        cmap.add_link(f"v{u:03d}", f"v{v:03d}", polarity)
    return cmap
