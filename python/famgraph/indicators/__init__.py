"""Published indicators of transmission and recurrence (docs/spec/indicators.md), mirroring
``famgraph::indicators``.

Every function takes a :class:`famgraph.Dataset` and keyword options (window, roles, relations,
``min_cell``, ``level``, …), validates them (one clear error naming the option and the allowed
values), counts in C++ and returns a :class:`Result` whose tables are disclosure-controlled
(``min_cell=10`` by default; ``min_cell=0`` turns it off and says so on every output).
``disclosure="cell_key"`` with ``cell_key=famgraph.cell_key.CellKey(secret)`` perturbs every count
first, in the indicators of :data:`CELL_KEY_INDICATORS` (docs/disclosure.md).

Example
-------
>>> import famgraph as fg
>>> ds = fg.synth.generate(persons=5000, seed=1)
>>> r = fg.indicators.victim_to_perpetrator(ds)
>>> r.table.columns[:6].tolist()
['stratum', 'level', 'a', 'b', 'c', 'd']
"""

from . import registry
from ._cellkey import CELL_KEY_INDICATORS, DISCLOSURE_METHODS
from ._json import check_document, dataset_block, fingerprint, from_json, load_json
from ._options import RELATIONS, ROLES, parse_window
from ._result import Result
from .chains import chains
from .familiality import fir, gif
from .features import adjusted_association, feature_table
from .overlap import agency_overlap
from .recurrence import bootstrap_lambda, recurrence_risk, repeat_incidents
from .signalling import early_signalling
from .suite import NAMES, SCHEMA_VERSION, suite, to_json
from .transmission import relative_exposure, victim_to_perpetrator

__all__ = [
    "CELL_KEY_INDICATORS",
    "DISCLOSURE_METHODS",
    "NAMES",
    "RELATIONS",
    "ROLES",
    "SCHEMA_VERSION",
    "Result",
    "adjusted_association",
    "agency_overlap",
    "bootstrap_lambda",
    "chains",
    "check_document",
    "dataset_block",
    "early_signalling",
    "feature_table",
    "fingerprint",
    "fir",
    "from_json",
    "gif",
    "load_json",
    "parse_window",
    "recurrence_risk",
    "registry",
    "relative_exposure",
    "repeat_incidents",
    "suite",
    "to_json",
    "victim_to_perpetrator",
]


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
