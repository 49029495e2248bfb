#pragma once
// Indicator 5, early signalling: could it have been seen earlier? (docs/spec/indicators.md §early_signalling)
#include <map>
#include <vector>

#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

struct EarlySignallingOptions {
  Window window;
  std::vector<int> years{1, 2, 5};  ///< look-back periods N (a contact starting in [t0 − 365·N, t0 − 1])
};

struct SignallingCounts {
  std::uint64_t preceded = 0;                        ///< first incidents preceded by an own contact
  std::uint64_t preceded_minor_self_or_parent = 0;   ///< minors: own contact or a recorded parent's
};

struct EarlySignallingCounts {
  Window window;
  std::uint64_t first_incidents = 0;  ///< persons with an in-window event row
  std::uint64_t minors = 0;           ///< of which minors at t0 (birth known, t0 < 18th birthday)
  std::vector<int> years;
  std::vector<SignallingCounts> overall;  ///< per N
  /// Per organisation (code into Dataset::sources, every organisation listed), per N.
  std::vector<std::vector<SignallingCounts>> by_org;
  /// t0 − start of the earliest own contact starting before t0 (days), ascending.
  std::vector<std::int32_t> lead_times;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};

/// O(n + event rows + contacts + first incidents × |years| × (organisations + 1) × log c), c the
/// contacts of one person: each "a contact starting in [lo, hi]" question is a binary search in the
/// person's (or parent's) contacts by start, per organisation, so a parent with many contacts and
/// many children costs no more per child than any other parent.

EarlySignallingCounts early_signalling_counts(const Dataset& ds, const EarlySignallingOptions& options = {});

}  // namespace famgraph::indicators
