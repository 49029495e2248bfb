#pragma once
// Design diagnostics: what an observation window can show (docs/estimands.md). The cohort table is
// a property of the window alone; the age at first recorded perpetration is read from the data;
// the verdict turns both, with the matched estimate, into estimable / imprecise / not estimable
// and one sentence saying why. Every indicator reports its verdict first.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "famgraph/indicators/common.hpp"

namespace famgraph::indicators {

enum class Verdict : std::uint8_t { estimable = 0, imprecise = 1, not_estimable = 2 };

/// "estimable", "imprecise", "not estimable in this window".
std::string_view to_string(Verdict v) noexcept;

/// The thresholds of the verdict rules (docs/estimands.md, "Verdict rules"); the defaults are what
/// the validity study checks.
struct DesignRules {
  std::uint64_t min_outcomes = 10;      ///< per exposure group, below: not estimable
  std::uint64_t precise_outcomes = 20;  ///< per exposure group, below: imprecise
  double max_ci_ratio = 4.0;            ///< upper / lower of the matched OR's interval, above: imprecise
};

/// What the verdict of one matched comparison is computed from.
struct VerdictInputs {
  std::uint64_t informative_strata = 0;  ///< strata with exposed and unexposed persons and an outcome
  std::uint64_t outcomes_exposed = 0;    ///< outcomes among the exposed, in informative strata
  std::uint64_t outcomes_unexposed = 0;  ///< outcomes among the unexposed, in informative strata
  std::optional<double> ci_lower, ci_upper;  ///< the matched odds ratio's interval, if defined
  /// The age rule (rules 2 and 4) applies when the outcome is perpetration as an adult: the oldest
  /// age the eligible persons reach inside the window and the ages at which perpetration is first
  /// recorded in the window.
  bool age_rule = false;
  std::optional<int> oldest_age;
  std::optional<double> age_q1, age_median;
};

struct VerdictResult {
  Verdict verdict = Verdict::not_estimable;
  int rule = 0;        ///< the number of the rule that decided (0: none applied, estimable)
  std::string reason;  ///< one sentence, empty when estimable
};

/// The first rule that applies decides (docs/estimands.md).
VerdictResult verdict(const VerdictInputs& in, const DesignRules& rules = {});

/// The verdict of an indicator that does not compare persons of different ages (λ_R, repeat
/// incidents, GIF, FIR, early signalling): only the number of units its estimate rests on
/// matters — fewer than `rules.min_outcomes` is not estimable (rule 3), fewer than
/// `rules.precise_outcomes` imprecise (rule 5). `what` names the units ("cases", "first incidents").
VerdictResult count_verdict(std::uint64_t units, std::string_view what, const DesignRules& rules = {});

/// One birth cohort whose 18th birthday can fall inside the window: the whole years of childhood
/// and of adulthood that lie inside the window for a person born on 1 July of that year (a property
/// of the window, not of the data).
struct CohortDesign {
  int birth_year = 0;
  double childhood_years = 0.0;
  double adult_years = 0.0;
};

/// Every birth year b with ws < 18th birthday <= we for some day of b, oldest first.
std::vector<CohortDesign> cohort_design(Window w);

/// The age at the end of the window of the oldest persons whose 18th birthday falls inside it
/// (ws < 18th birthday <= we): a property of the window.
int oldest_eligible_age(Window w);

/// Ages at which adult perpetration is first recorded in the window: for every person with a known
/// birth date and an in-window perpetrator row on or after their 18th birthday, the age in
/// completed years at their first one.
struct PerpetrationAges {
  std::uint64_t persons = 0;
  std::optional<double> q1, median, q3;  ///< numpy-default quartiles of the ages
};
PerpetrationAges first_perpetration_ages(const Dataset& ds, Window w);

}  // namespace famgraph::indicators
