#pragma once
// Indicator 7, the adjusted association (docs/spec/indicators.md §adjusted_association): the design
// of the logistic model of the victim→perpetrator outcome on childhood exposure, sex and birth
// decade over the persons eligible for indicator 1. Which rows and which levels enter the model
// (sexes dropped, birth decades merged so that no coefficient rests on a small cell) and the crude
// 2×2 table are decided here; the caller only encodes the levels and fits the model
// (famgraph.indicators.adjusted_association with famgraph.stats.logistic).
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/disclosure.hpp"
#include "famgraph/indicators/common.hpp"
#include "famgraph/indicators/transmission.hpp"

namespace famgraph::indicators {

struct AdjustedDesignOptions {
  /// A sex with fewer than min_cell outcomes or non-outcomes leaves the model; birth decades with
  /// fewer are merged with a neighbour (disclosure::merge_adjacent_levels). A threshold of 0 counts
  /// as 1: a level without outcomes or without non-outcomes has no finite coefficient.
  disclosure::Policy policy;
};

struct AdjustedDesign {
  /// One entry per eligible person of indicator 1, in the order of VictimToPerpetratorCounts::person.
  std::vector<std::uint8_t> outcome, exposed;
  std::vector<std::uint8_t> sex;           ///< Sex code (F, M, U)
  std::vector<std::int32_t> birth_decade;  ///< birth_decade (date.hpp) of the imputed birth date
  std::vector<std::uint8_t> kept;          ///< in the model: the person's sex is not dropped
  /// The first birth decade of the row's merged group (for a row not kept: its own decade).
  std::vector<std::int32_t> decade_group;
  std::size_t rows_kept = 0;
  Counts2x2 crude;                          ///< exposure × outcome over every eligible person
  std::vector<std::uint8_t> dropped_sexes;  ///< Sex codes, ascending
  /// Birth decade → the first decade of its group, for every decade of a kept row merged into an
  /// earlier one (ascending).
  std::map<std::int32_t, std::int32_t> merged_decades;
};

/// The design from the counts of indicator 1 on the same dataset (victim_to_perpetrator_counts).
/// O(eligible persons + decades²). Throws std::invalid_argument when `counts` is not of `ds` (a
/// person index out of range, or the per-person columns of different lengths).
AdjustedDesign adjusted_design(const Dataset& ds, const VictimToPerpetratorCounts& counts,
                               const AdjustedDesignOptions& options = {});

}  // namespace famgraph::indicators
