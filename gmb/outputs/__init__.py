"""What a run writes to disk: the result folders of ``gmb build``/``simulate`` and ``gmb leverage``/``ideas``.

Modules: :mod:`~gmb.outputs.staging` (a folder written all at once), :mod:`~gmb.outputs.simulation_files`
(model files, ``results.csv``, ``summary.csv``, plots, ``ASSUMPTIONS.md``),
:mod:`~gmb.outputs.leverage_files` (CSV, JSON and PNG of a ranking) and :mod:`~gmb.outputs.tables`
(the CSV tables people open in a spreadsheet, in the output language). It sits above :mod:`gmb.render`
because its files include pictures; it may import every layer but the command line.
"""
