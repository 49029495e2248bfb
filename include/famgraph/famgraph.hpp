#pragma once
// Umbrella header: everything famgraph offers.
#include "famgraph/data_error.hpp"
#include "famgraph/dataset.hpp"
#include "famgraph/date.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/io/raw_tables.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/relations.hpp"
#include "famgraph/summary.hpp"
#include "famgraph/types.hpp"
#include "famgraph/version.hpp"
