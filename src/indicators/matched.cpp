// The matched headline and the follow-up-aware pathway (docs/estimands.md).
#include "famgraph/indicators/matched.hpp"

#include <Eigen/Core>
#include <exception>
#include <vector>

#include "famgraph/date.hpp"
#include "famgraph/stats/conditional_logistic.hpp"

namespace famgraph::indicators {

namespace {

constexpr double kDaysPerYear = 365.25;

stats::Table2x2 table_of(const Counts2x2& c) { return {c.a, c.b, c.c, c.d}; }

}  // namespace

MatchedEstimate matched_estimate(const StratifiedCounts2x2& table, double level) {
  MatchedEstimate m;
  m.strata = table.strata.size();
  std::vector<stats::Table2x2> tables;
  tables.reserve(table.strata.size());
  for (const auto& s : table.strata) {
    const auto& c = s.counts;
    tables.push_back(table_of(c));
    if (c.a + c.b > 0 && c.c + c.d > 0 && c.a + c.c > 0) {
      ++m.informative_strata;
      m.outcomes_exposed += c.a;
      m.outcomes_unexposed += c.c;
      m.informative_cells.a += c.a;
      m.informative_cells.b += c.b;
      m.informative_cells.c += c.c;
      m.informative_cells.d += c.d;
    }
  }
  m.mh = stats::mantel_haenszel(tables, {level});
  if (m.mh.n_informative == 0) {
    m.clr_note = "no birth cohort has exposed and unexposed persons with and without the outcome";
    return m;
  }
  try {
    stats::ConditionalLogisticOptions o;
    o.level = level;
    const auto fit = stats::conditional_logistic_tables(tables, o);
    m.clr = stats::PooledEstimate{fit.odds_ratio[0], fit.se[0], fit.or_ci[0]};
  } catch (const stats::ConvergenceError&) {
    // Separation: within every informative cohort the outcomes are all among the exposed (or all
    // among the unexposed); the estimate is infinite (or 0), which the MH odds ratio also shows.
    m.clr_note = "the conditional likelihood has no finite maximum (every outcome on one side in every cohort)";
  } catch (const stats::LogisticError& e) {
    m.clr_note = e.what();
  }
  return m;
}

VerdictInputs verdict_inputs(const MatchedEstimate& m) {
  VerdictInputs in;
  in.informative_strata = m.informative_strata;
  in.outcomes_exposed = m.outcomes_exposed;
  in.outcomes_unexposed = m.outcomes_unexposed;
  if (m.mh.odds_ratio && m.mh.odds_ratio->ci) {
    in.ci_lower = m.mh.odds_ratio->ci->lower;
    in.ci_upper = m.mh.odds_ratio->ci->upper;
  }
  return in;
}

MatchedPathway matched_pathway(const Dataset& ds, const VictimToPerpetratorCounts& c,
                               const MatchedOptions& options) {
  MatchedPathway out;
  out.matched = matched_estimate(c.strata, options.level);
  const Strata strata(ds.persons);
  const auto& P = ds.persons;

  // Cohorts: the window's design, with each cohort's eligible persons and adult follow-up.
  const auto design = cohort_design(c.window);
  out.cohorts.reserve(design.size());
  const int first_year = design.empty() ? 0 : design.front().birth_year;
  for (const auto& d : design) out.cohorts.push_back({d.birth_year, d.childhood_years, d.adult_years, 0, 0.0, false});
  auto cohort = [&](int year) -> PathwayCohort* {
    const auto k = static_cast<std::ptrdiff_t>(year) - first_year;
    if (k < 0 || k >= static_cast<std::ptrdiff_t>(out.cohorts.size())) return nullptr;
    return &out.cohorts[static_cast<std::size_t>(k)];
  };
  for (const auto& s : c.strata.strata) {
    const auto& t = s.counts;
    if (t.a + t.b > 0 && t.c + t.d > 0 && t.a + t.c > 0)
      if (auto* k = cohort(s.birth_year)) k->contributes = true;
  }

  // Follow-up: one row per eligible person; rates by stratum for the MH rate ratio.
  const std::size_t n = c.time.size();
  std::vector<double> time(n);
  std::vector<std::int64_t> sid(n);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(n), 1);
  std::vector<stats::RateStratum> by_stratum(strata.size());
  for (std::size_t k = 0; k < n; ++k) {
    const Index i = c.person[k];
    const double years = static_cast<double>(c.time[k]) / kDaysPerYear;
    const bool exposed = c.exposed[k] != 0;
    const bool event = c.event[k] != 0;
    time[k] = static_cast<double>(c.time[k]);
    X(static_cast<Eigen::Index>(k), 0) = exposed ? 1.0 : 0.0;
    const std::uint32_t s = strata.of(i);
    sid[k] = static_cast<std::int64_t>(s);
    out.follow_up.events[exposed ? 1 : 0] += event ? 1 : 0;
    out.follow_up.person_years[exposed ? 1 : 0] += years;
    if (s != Strata::none) {
      auto& r = by_stratum[s];
      if (exposed) {
        r.events1 += event ? 1 : 0;
        r.person_time1 += years;
      } else {
        r.events0 += event ? 1 : 0;
        r.person_time0 += years;
      }
    }
    if (P.birth_precision[i] != DatePrecision::missing)
      if (auto* k2 = cohort(civil_from_days(P.birth[i]).year)) {
        ++k2->persons;
        k2->person_years += years;
      }
  }
  out.follow_up.rate_ratio = stats::mantel_haenszel_rate_ratio(by_stratum, options.level);
  if (out.follow_up.events[0] + out.follow_up.events[1] == 0) {
    out.follow_up.cox_note = "no first adult perpetration in the window";
  } else {
    try {
      stats::CoxOptions o;
      o.level = options.level;
      out.follow_up.cox = stats::cox_ph(time, c.event, X, sid, o);
    } catch (const stats::ConvergenceError&) {
      out.follow_up.cox_note =
          "the partial likelihood has no finite maximum (every first perpetration on one side in every cohort)";
    } catch (const stats::LogisticError&) {
      out.follow_up.cox_note = "exposure does not vary within any cohort at a first perpetration";
    }
  }

  out.oldest_age = oldest_eligible_age(c.window);
  out.ages = first_perpetration_ages(ds, c.window);
  VerdictInputs in = verdict_inputs(out.matched);
  in.age_rule = true;
  in.oldest_age = out.oldest_age;
  in.age_q1 = out.ages.q1;
  in.age_median = out.ages.median;
  out.verdict = verdict(in, options.rules);
  return out;
}

}  // namespace famgraph::indicators
