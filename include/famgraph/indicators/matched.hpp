#pragma once
// The matched headline of a comparison between persons of different ages (docs/estimands.md): the
// Mantel–Haenszel odds and risk ratios and the conditional logistic odds ratio over the strata of
// single birth year × sex × childhood household recorded, and — for the victim→perpetrator
// pathway — the follow-up-aware estimates (stratified Cox model on time since the 18th birthday,
// incidence rates and their Mantel–Haenszel rate ratio), the cohorts the window holds and the
// verdict. Every indicator that compares persons of different ages reads its headline from here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/indicators/common.hpp"
#include "famgraph/indicators/design.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "famgraph/stats/cox.hpp"
#include "famgraph/stats/mantel_haenszel.hpp"
#include "famgraph/stats/rates.hpp"

namespace famgraph::indicators {

struct MatchedOptions {
  double level = 0.95;
  DesignRules rules;
};

/// The pooled estimates of one stratified 2×2 table.
struct MatchedEstimate {
  std::size_t strata = 0;  ///< non-empty strata given
  /// Strata with exposed and unexposed persons and at least one outcome: the strata the verdict
  /// counts (the odds ratio also needs a non-outcome; `mh.n_informative` counts those).
  std::size_t informative_strata = 0;
  std::uint64_t outcomes_exposed = 0;    ///< Σ a over the informative strata
  std::uint64_t outcomes_unexposed = 0;  ///< Σ c over the informative strata
  /// The cells summed over the informative strata: what the pooled estimates are computed from,
  /// and what disclosure control checks before publishing them.
  stats::Table2x2 informative_cells;
  stats::MantelHaenszelResult mh;  ///< OR (RBG), RR (Greenland–Robins), CMH, Breslow–Day
  /// The conditional (fixed-strata) logistic odds ratio with its Wald interval; nullopt when the
  /// likelihood has no finite maximum (separation) or no stratum is informative (`clr_note` says).
  std::optional<stats::PooledEstimate> clr;
  std::string clr_note;
};

/// O(number of strata).
MatchedEstimate matched_estimate(const StratifiedCounts2x2& table, double level = 0.95);

/// The inputs of the verdict rules that the matched estimate gives (no age rule).
VerdictInputs verdict_inputs(const MatchedEstimate& m);

/// One birth cohort of the pathway: the window's years of childhood and adulthood (design.hpp) and
/// what the data hold for it.
struct PathwayCohort {
  int birth_year = 0;
  double childhood_years = 0.0;
  double adult_years = 0.0;
  std::uint64_t persons = 0;  ///< eligible persons born that year
  double person_years = 0.0;  ///< their adult follow-up inside the window (years of 365.25 days)
  bool contributes = false;   ///< a stratum of this year is informative
};

/// The follow-up-aware estimates of the pathway; index 0 = unexposed, 1 = exposed.
struct PathwayFollowUp {
  std::optional<stats::CoxResult> cox;  ///< nullopt when it cannot be fitted (`cox_note` says why)
  std::string cox_note;
  std::array<std::uint64_t, 2> events{};  ///< first adult perpetrations
  std::array<double, 2> person_years{};   ///< adult follow-up inside the window
  stats::MantelHaenszelRateRatio rate_ratio;
};

struct MatchedPathway {
  MatchedEstimate matched;
  PathwayFollowUp follow_up;
  std::vector<PathwayCohort> cohorts;  ///< oldest first (cohort_design of the window)
  int oldest_age = 0;                  ///< oldest_eligible_age of the window
  PerpetrationAges ages;               ///< first_perpetration_ages of the window
  VerdictResult verdict;
};

/// The matched pathway from its counts (victim_to_perpetrator_counts on the same dataset). The Cox
/// model: time since the 18th birthday in days, exposure the one covariate, one baseline hazard per
/// stratum, Efron ties. O(eligible persons · log) for the Cox fit, O(n + event rows) otherwise.
MatchedPathway matched_pathway(const Dataset& ds, const VictimToPerpetratorCounts& counts,
                               const MatchedOptions& options = {});

}  // namespace famgraph::indicators
