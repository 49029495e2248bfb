// Design diagnostics and the verdict rules (docs/estimands.md).
#include "famgraph/indicators/design.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "famgraph/stats/quantile.hpp"

namespace famgraph::indicators {

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::estimable: return "estimable";
    case Verdict::imprecise: return "imprecise";
    case Verdict::not_estimable: return "not estimable in this window";
  }
  return "?";
}

namespace {

std::string whole(double x) {
  std::ostringstream o;
  o << static_cast<long long>(std::llround(x));
  return o.str();
}

std::string ratio_text(double x) {
  std::ostringstream o;
  o.precision(x < 10 ? 2 : 3);
  o << x;
  return o.str();
}

}  // namespace

VerdictResult verdict(const VerdictInputs& in, const DesignRules& rules) {
  VerdictResult r;
  auto set = [&r](Verdict v, int rule, std::string reason) {
    r.verdict = v;
    r.rule = rule;
    r.reason = std::move(reason);
    return r;
  };
  const bool ages = in.age_rule && in.oldest_age && in.age_q1 && in.age_median;
  if (in.informative_strata == 0)
    return set(Verdict::not_estimable, 1,
               "no birth cohort has both exposed and unexposed persons with an outcome");
  if (ages && static_cast<double>(*in.oldest_age) < *in.age_q1)
    return set(Verdict::not_estimable, 2,
               "the eligible persons are at most " + std::to_string(*in.oldest_age) +
                   " at the end of the window; perpetration in these data is first recorded at a median age of " +
                   whole(*in.age_median) + " (a quarter of it before " + whole(*in.age_q1) + ")");
  // The numbers of outcomes are counts that may be small: the sentences give only the threshold.
  const std::uint64_t fewest = std::min(in.outcomes_exposed, in.outcomes_unexposed);
  const char* group = in.outcomes_exposed <= in.outcomes_unexposed ? "exposed" : "unexposed";
  if (fewest < rules.min_outcomes)
    return set(Verdict::not_estimable, 3,
               std::string("fewer than ") + std::to_string(rules.min_outcomes) + " outcomes among the " + group +
                   " in the birth cohorts that can be compared");
  if (ages && static_cast<double>(*in.oldest_age) < *in.age_median)
    return set(Verdict::imprecise, 4,
               "the window shows only the start of adult life: the eligible persons are at most " +
                   std::to_string(*in.oldest_age) + ", younger than the median age of " + whole(*in.age_median) +
                   " at which perpetration is first recorded");
  if (fewest < rules.precise_outcomes)
    return set(Verdict::imprecise, 5,
               std::string("fewer than ") + std::to_string(rules.precise_outcomes) + " outcomes among the " + group +
                   " in the birth cohorts that can be compared");
  if (!in.ci_lower || !in.ci_upper || !(*in.ci_lower > 0.0) || !std::isfinite(*in.ci_upper) ||
      *in.ci_upper / *in.ci_lower > rules.max_ci_ratio) {
    std::string why = "the interval of the matched odds ratio";
    if (in.ci_lower && in.ci_upper && *in.ci_lower > 0.0 && std::isfinite(*in.ci_upper))
      why += " (" + ratio_text(*in.ci_lower) + " to " + ratio_text(*in.ci_upper) + ")";
    return set(Verdict::imprecise, 6, why + " spans more than a factor " + ratio_text(rules.max_ci_ratio));
  }
  return set(Verdict::estimable, 0, "");
}

VerdictResult count_verdict(std::uint64_t units, std::string_view what, const DesignRules& rules) {
  VerdictResult r;
  // The sentences give the threshold, never the count: the count may be small.
  if (units < rules.min_outcomes) {
    r.verdict = Verdict::not_estimable;
    r.rule = 3;
    r.reason = "fewer than " + std::to_string(rules.min_outcomes) + " " + std::string(what);
  } else if (units < rules.precise_outcomes) {
    r.verdict = Verdict::imprecise;
    r.rule = 5;
    r.reason = "fewer than " + std::to_string(rules.precise_outcomes) + " " + std::string(what);
  } else {
    r.verdict = Verdict::estimable;
  }
  return r;
}

std::vector<CohortDesign> cohort_design(Window w) {
  std::vector<CohortDesign> out;
  if (w.start == NO_DAY || w.end == NO_DAY || w.end < w.start) return out;
  // 18th birthdays in (ws, we]: born in (ws - 18y, we - 18y].
  const int first = civil_from_days(add_years(w.start, -18)).year;
  const int last = civil_from_days(add_years(w.end, -18)).year;
  constexpr double days_per_year = 365.2425;
  for (int y = first; y <= last; ++y) {
    // Some day of year y must have its 18th birthday in (ws, we].
    const Day jan1 = days_from_civil(y, 1, 1), dec31 = days_from_civil(y, 12, 31);
    if (!(add_years(dec31, 18) > w.start && add_years(jan1, 18) <= w.end)) continue;
    const Day birth = days_from_civil(y, 7, 1);
    const Day adult = add_years(birth, 18);
    const Day c0 = std::max(birth, w.start), c1 = std::min(adult, w.end + 1);
    const Day a0 = std::max(adult, w.start), a1 = w.end + 1;
    CohortDesign c;
    c.birth_year = y;
    c.childhood_years = c1 > c0 ? (c1 - c0) / days_per_year : 0.0;
    c.adult_years = a1 > a0 ? (a1 - a0) / days_per_year : 0.0;
    out.push_back(c);
  }
  return out;
}

int oldest_eligible_age(Window w) {
  // The first eligible birthday is the day after ws (18th birthday > ws).
  return age_in_years(add_years(w.start + 1, -18), w.end);
}

PerpetrationAges first_perpetration_ages(const Dataset& ds, Window w) {
  const auto& P = ds.persons;
  const auto& E = ds.events;
  std::vector<double> ages;
  for (std::size_t i = 0; i < P.size(); ++i) {
    if (P.birth_precision[i] == DatePrecision::missing) continue;
    const Day adult = add_years(P.birth[i], 18);
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k) {
      // rows are sorted by date within a person: the first match is the earliest
      if (E.role[k] != Role::perpetrator || E.date[k] < adult || !in_window(E.date[k], w)) continue;
      ages.push_back(static_cast<double>(age_in_years(P.birth[i], E.date[k])));
      break;
    }
  }
  PerpetrationAges out;
  out.persons = ages.size();
  if (const auto q = stats::quartiles(ages)) {
    out.q1 = q->q1;
    out.median = q->median;
    out.q3 = q->q3;
  }
  return out;
}

}  // namespace famgraph::indicators
