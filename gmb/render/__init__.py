"""Pictures of a map: they read a map (and simulation results) and draw it; they compute nothing new.

- :mod:`gmb.render.html` — one self-contained interactive HTML page for residents (``gmb html``);
- :mod:`gmb.render.static` — a static diagram for reports, PNG/SVG/PDF (``gmb export MAP -o x.png``);
- :mod:`gmb.render.circle` — a printable connection circle (``gmb circle``);
- helpers: :mod:`~gmb.render.layout` (deterministic positions), :mod:`~gmb.render.stories` (loops told
  in Danish and English), :mod:`~gmb.render.charts` (results as chart data), :mod:`~gmb.render.style`,
  :mod:`~gmb.render.numbers` (numbers for people: two figures, Danish decimal commas) and
  :mod:`~gmb.render.wording` (the caveat every result carries, the way to push), which the command
  line and the output files use too.

Heavy libraries (pyvis, matplotlib) are imported only inside the functions that draw.
May import :mod:`gmb.maps`, :mod:`gmb.analysis`, :mod:`gmb.sd` and :mod:`gmb.workshops` (what it draws);
never :mod:`gmb.outputs` or the command line.
"""
