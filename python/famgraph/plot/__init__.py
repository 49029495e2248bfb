"""Plots of famgraph data and indicator results (matplotlib; each function returns a Figure).

Every function can be used on its own in Jupyter (a returned Figure displays inline) and takes
``lang="en"`` or ``"nl"`` for titles and labels. Colours are the Okabe–Ito palette and series also
differ in line style, marker or hatch, so plots stay readable in grey scale. No plot shows a
person id. Suppressed values (disclosure control) are never drawn, only marked ``<10``; empty or
wholly suppressed results give a labelled panel saying so.

Example
-------
>>> import famgraph as fg
>>> ds = fg.synth.generate(persons=5_000, seed=3, progress=False)
>>> fig = fg.plot.population_pyramid(ds)
>>> fig = fg.plot.pedigree(ds, max_persons=40, lang="nl")
"""

from __future__ import annotations

from .._extras import require

require("report", "matplotlib", feature="famgraph.plot")

from ._style import OKABE_ITO, to_png  # noqa: E402
from .indicators import (  # noqa: E402
    PLOTS,
    adjusted_forest,
    agency_upset,
    chains_flow,
    early_signalling_plot,
    fir_plot,
    gif_plot,
    km_curves,
    plot_result,
    recurrence_plot,
    repeat_plot,
    transmission_forest,
)
from .pedigree import MAX_PEDIGREE_PERSONS, pedigree, pick_component  # noqa: E402
from .population import population_pyramid, pyramid_table  # noqa: E402

# The standard plot of each indicator under the indicator's own name (``Result.plot()`` uses these).
victim_to_perpetrator = km_curves
relative_exposure = transmission_forest
chains = chains_flow
recurrence_risk = recurrence_plot
repeat_incidents = repeat_plot
gif = gif_plot
fir = fir_plot
early_signalling = early_signalling_plot
agency_overlap = agency_upset
adjusted_association = adjusted_forest

__all__ = [
    "MAX_PEDIGREE_PERSONS",
    "OKABE_ITO",
    "PLOTS",
    "adjusted_association",
    "adjusted_forest",
    "agency_overlap",
    "agency_upset",
    "chains",
    "chains_flow",
    "early_signalling",
    "early_signalling_plot",
    "fir",
    "fir_plot",
    "gif",
    "gif_plot",
    "km_curves",
    "pedigree",
    "pick_component",
    "plot_result",
    "population_pyramid",
    "pyramid_table",
    "recurrence_plot",
    "recurrence_risk",
    "relative_exposure",
    "repeat_incidents",
    "repeat_plot",
    "to_png",
    "transmission_forest",
    "victim_to_perpetrator",
]


def __dir__() -> list[str]:
    # tab completion shows the public API only, not the helper imports
    return sorted(__all__)
