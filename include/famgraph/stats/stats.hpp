#pragma once
// Umbrella header for famgraph::stats (DESIGN.md §4.0, §5): header-only, deterministic, no threads.
// Undefined results are std::nullopt throughout (see interval.hpp).
#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/logistic.hpp"
#include "famgraph/stats/proportion.hpp"
#include "famgraph/stats/quantile.hpp"
#include "famgraph/stats/survival.hpp"
#include "famgraph/stats/two_by_two.hpp"
