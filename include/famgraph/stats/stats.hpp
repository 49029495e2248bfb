#pragma once
// Umbrella header for famgraph::stats (docs/spec/statistics.md): deterministic; header-only except the
// conditional logistic and Cox fits (src/stats/), which use oneTBB but give the same numbers for any
// number of threads.
// Undefined results are std::nullopt throughout (see interval.hpp).
#include "famgraph/stats/conditional_logistic.hpp"
#include "famgraph/stats/cox.hpp"
#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/logistic.hpp"
#include "famgraph/stats/mantel_haenszel.hpp"
#include "famgraph/stats/number_at_risk.hpp"
#include "famgraph/stats/proportion.hpp"
#include "famgraph/stats/quantile.hpp"
#include "famgraph/stats/rates.hpp"
#include "famgraph/stats/survival.hpp"
#include "famgraph/stats/two_by_two.hpp"
