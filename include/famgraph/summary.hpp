#pragma once
// A descriptive overview of a loaded dataset: what `make demo` and `famgraph summary` print.
// These are data-description counts for the data holder, not publishable indicator cells.
#include <array>
#include <cstddef>
#include <string>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"

namespace famgraph {

struct DatasetSummary {
  std::size_t persons = 0, founders = 0, added_parents = 0, without_birth_date = 0;
  int generations = 0;  ///< max generation + 1 (0 for an empty dataset)
  std::size_t family_components = 0, largest_component = 0;
  std::size_t partnerships = 0, event_rows = 0, incidents = 0, contacts = 0, organisations = 0;
  std::array<std::size_t, n_roles> events_by_role{};
  std::size_t inbred = 0;  ///< persons with F > 0
  double mean_inbreeding = 0.0, max_inbreeding = 0.0;
  std::size_t warnings = 0;
};

DatasetSummary summarise(const Dataset& ds, const FamilyGraph& g, const KinshipCalculator& k);
/// Human-readable multi-line text.
std::string to_text(const DatasetSummary& s);

}  // namespace famgraph
