#pragma once
// Indicator 4a, familial recurrence risk λ_R (Risch 1990) (docs/spec/indicators.md §recurrence_risk).
#include <cstdint>
#include <span>
#include <vector>

#include "famgraph/indicators/common.hpp"
#include "famgraph/relations.hpp"

namespace famgraph::indicators {

struct RecurrenceOptions {
  Window window;
  RoleSet case_roles = default_case_roles;
  std::vector<Relation> relations{Relation::parent, Relation::full_sibling, Relation::half_sibling};
};

struct RecurrenceCounts {
  Relation relation;
  std::uint64_t observed = 0, cases = 0;
  std::uint64_t case_relatives = 0;  ///< Σ over observed case probands of observed relatives that are cases
  std::uint64_t relatives = 0;       ///< Σ over observed case probands of observed relatives
  [[nodiscard]] double K() const noexcept { return observed ? double(cases) / double(observed) : 0.0; }
  [[nodiscard]] double K_R() const noexcept { return relatives ? double(case_relatives) / double(relatives) : 0.0; }
  [[nodiscard]] double lambda() const noexcept { return K() > 0 && relatives ? K_R() / K() : 0.0; }
};

/// Case: an observed person with an in-window event whose role is in `case_roles`. Pairs are
/// ordered (a case–case sibling pair counts twice), over observed persons only.
/// O(n + event rows + children and partner links) per relation: the relatives are counted by
/// aggregation over sibships, parents and couples (relative_counts.hpp), never pair by pair.
struct RecurrenceResultCounts {
  Window window;
  std::vector<RecurrenceCounts> by_relation;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};
RecurrenceResultCounts recurrence_counts(const Dataset& ds, const RecurrenceOptions& options = {});

// Indicator 4b, repeat incidents within T days of the first.

struct RepeatIncidentsOptions {
  Window window;
  int T = 365;  ///< days
  /// The cell key method: one record key per person, or empty (a family's key is
  /// disclosure::family_key of its parents'). Not owned.
  std::span<const std::uint64_t> person_keys;
};

struct RepeatCounts {
  std::uint64_t n = 0;       ///< units in the denominator: t0 + T ≤ min(we, exit)
  std::uint64_t repeat = 0;  ///< of which with a second distinct incident in [t0, t0 + T]
  /// Key sums of the units with and without a repeat (zero unless options.person_keys was given).
  std::uint64_t repeat_key_sum = 0, no_repeat_key_sum = 0;
};

struct RepeatIncidentsCounts {
  Window window;
  int T = 365;
  RepeatCounts persons, families;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};

/// O(n + event rows): a unit's first in-window row and the next row of another incident are
/// precomputed per person, so a family reads O(1) per member, and a parent in many families is not
/// re-read in full for each of them.

RepeatIncidentsCounts repeat_incidents_counts(const Dataset& ds, const RepeatIncidentsOptions& options = {});

/// Observed persons and cases (as defined above), shared with the bootstrap.
struct CaseStatus {
  std::vector<std::uint8_t> observed, is_case;
};
CaseStatus case_status(const Dataset& ds, Window w, RoleSet case_roles);

/// The per-proband terms of K_R, kept apart so that a cluster bootstrap can resample family
/// components without recounting relatives: for relation k and every observed case proband i,
/// relatives[k][i] observed relatives by the relation, case_relatives[k][i] of them cases (0 for
/// every other person). Summing them over persons gives recurrence_counts().
struct RecurrencePersonCounts {
  Window window;
  CaseStatus status;
  std::vector<Relation> relations;
  std::vector<std::vector<std::uint32_t>> case_relatives, relatives;
  std::uint64_t work = 0;  ///< elementary steps (common.hpp)
};
RecurrencePersonCounts recurrence_person_counts(const Dataset& ds, const RecurrenceOptions& options = {});

}  // namespace famgraph::indicators
