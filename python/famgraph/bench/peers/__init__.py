"""What a researcher would write instead of famgraph: pandas + networkx (and python-igraph, NetworKit,
and pedigree packages from PyPI where they apply), for the definitions of docs/spec/indicators.md.

Written from the specification, not from famgraph's code: plain pandas merges and groupbys, networkx
walks, a memoised kinship recursion. Every function takes the tables loaded by
:func:`peers.tables.load` (pandas DataFrames with day numbers) and returns plain numbers, so the
benchmark harness (:mod:`famgraph.bench`) can check them against famgraph's at every size.

Modules
-------
tables       reading the four tables (CSV or Parquet) and the date rules of
             docs/spec/common_rules.md §dates
relatives    full/half siblings and first cousins (pandas, networkx, python-igraph, NetworKit);
             components and generation depth
kinship      inbreeding and kinship: memoised recursion, pednet's kinship matrix, inbreeding-calculator
indicators   indicators 1, 3, 4a, 4b, 5, 6 of docs/spec/indicators.md (counts) in pandas (+ networkx
             for chains)
worker       the subprocess entry point the driver runs for one (tool, task, size)

Example
-------
>>> from famgraph.bench.peers import tables, relatives                        # doctest: +SKIP
>>> t = tables.load("/tmp/pop/csv", "csv")                     # doctest: +SKIP
>>> relatives.pandas_pair_counts(t.persons)                     # doctest: +SKIP
{'full_sibling': 1210, 'half_sibling': 388, 'first_cousin': 2071}
"""
