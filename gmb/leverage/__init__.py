"""Leverage: which push or action idea moves the outcome most, over many versions of a hand-drawn map.

Modules: :mod:`~gmb.leverage.uncertainty` (Monte Carlo draws of what the map leaves uncertain),
:mod:`~gmb.leverage.ranking` (every candidate in every sample),
:mod:`~gmb.leverage.results` (the sampled effects made into the ranked result),
:mod:`~gmb.leverage.pairwise` (how often one candidate beats another),
:mod:`~gmb.leverage.sensitivity` (which judgements move the ranking: Morris, Sobol),
:mod:`~gmb.leverage.ideas` (the idea bank, impact × feasibility, synergy) and
:mod:`~gmb.leverage.distributed` (chunks in this process, a process pool or on Dask).
May import :mod:`gmb.maps`, :mod:`gmb.analysis` and :mod:`gmb.sd`; the files it writes are in :mod:`gmb.outputs`.
"""
