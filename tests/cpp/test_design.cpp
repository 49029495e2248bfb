// Design diagnostics and verdict rules (docs/estimands.md): every rule with hand-made inputs, the
// cohort table of a window derived by hand, and the ages at first recorded adult perpetration on
// a small hand-made dataset.
#include <catch2/catch.hpp>

#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/indicators/design.hpp"

using famgraph::Date;
using famgraph::DatePrecision;
using famgraph::days_from_civil;
using famgraph::Role;
using famgraph::Sex;
namespace ind = famgraph::indicators;

namespace {

ind::VerdictInputs good() {
  ind::VerdictInputs in;
  in.informative_strata = 12;
  in.outcomes_exposed = 40;
  in.outcomes_unexposed = 200;
  in.ci_lower = 1.5;
  in.ci_upper = 2.5;
  in.age_rule = true;
  in.oldest_age = 57;
  in.age_q1 = 31;
  in.age_median = 38;
  return in;
}

}  // namespace

TEST_CASE("verdict: every rule in order", "[design]") {
  auto in = good();
  CHECK(ind::verdict(in).verdict == ind::Verdict::estimable);
  CHECK(ind::verdict(in).rule == 0);
  CHECK(ind::verdict(in).reason.empty());

  in.ci_upper = 6.1;  // 6.1 / 1.5 > 4
  auto r = ind::verdict(in);
  CHECK(r.verdict == ind::Verdict::imprecise);
  CHECK(r.rule == 6);
  CHECK(r.reason == "the interval of the matched odds ratio (1.5 to 6.1) spans more than a factor 4");
  in.ci_upper = 6.0;  // exactly 4: not more than a factor 4
  CHECK(ind::verdict(in).verdict == ind::Verdict::estimable);
  in.ci_lower.reset();
  CHECK(ind::verdict(in).rule == 6);  // an undefined interval is no information either
  in = good();

  in.outcomes_exposed = 19;
  r = ind::verdict(in);
  CHECK(r.verdict == ind::Verdict::imprecise);
  CHECK(r.rule == 5);
  CHECK(r.reason == "fewer than 20 outcomes among the exposed in the birth cohorts that can be compared");
  in.outcomes_exposed = 20;
  CHECK(ind::verdict(in).verdict == ind::Verdict::estimable);

  in = good();
  in.oldest_age = 37;  // below the median 38, above Q1 31
  r = ind::verdict(in);
  CHECK(r.verdict == ind::Verdict::imprecise);
  CHECK(r.rule == 4);
  CHECK(r.reason ==
        "the window shows only the start of adult life: the eligible persons are at most 37, younger than the "
        "median age of 38 at which perpetration is first recorded");
  in.age_rule = false;  // e.g. a victim outcome: the age rule does not apply
  CHECK(ind::verdict(in).verdict == ind::Verdict::estimable);

  in = good();
  in.outcomes_unexposed = 9;
  r = ind::verdict(in);
  CHECK(r.verdict == ind::Verdict::not_estimable);
  CHECK(r.rule == 3);
  CHECK(r.reason == "fewer than 10 outcomes among the unexposed in the birth cohorts that can be compared");
  // the sentence never gives the small count itself
  CHECK(r.reason.find('9') == std::string::npos);

  in = good();
  in.oldest_age = 30;  // below Q1
  r = ind::verdict(in);
  CHECK(r.verdict == ind::Verdict::not_estimable);
  CHECK(r.rule == 2);
  CHECK(r.reason ==
        "the eligible persons are at most 30 at the end of the window; perpetration in these data is first "
        "recorded at a median age of 38 (a quarter of it before 31)");

  in.informative_strata = 0;
  r = ind::verdict(in);
  CHECK(r.rule == 1);
  CHECK(r.verdict == ind::Verdict::not_estimable);
  CHECK(ind::to_string(ind::Verdict::not_estimable) == "not estimable in this window");
}

TEST_CASE("cohort design of a 15-year window", "[design]") {
  const ind::Window w{days_from_civil(2011, 1, 1), days_from_civil(2025, 12, 31)};
  const auto cohorts = ind::cohort_design(w);
  // 18th birthdays in (2011-01-01, 2025-12-31]: born 1993 (from 2 January) to 2007.
  REQUIRE(cohorts.size() == 15);
  CHECK(cohorts.front().birth_year == 1993);
  CHECK(cohorts.back().birth_year == 2007);
  for (const auto& c : cohorts) {
    // born 1 July: childhood and adulthood inside the window add up to the window (15 years)
    CHECK(c.childhood_years + c.adult_years == Approx(15.0).epsilon(0.002));
  }
  // born 1 July 1993: 18 on 1 July 2011, so half a year of childhood in the window
  CHECK(cohorts.front().childhood_years == Approx(0.5).margin(0.01));
  CHECK(cohorts.back().adult_years == Approx(0.5).margin(0.01));
  CHECK(ind::oldest_eligible_age(w) == 32);  // born 2 January 1993: 32 on 31 December 2025
  CHECK(ind::cohort_design(ind::Window{}).empty());
}

TEST_CASE("ages at the first recorded adult perpetration", "[design]") {
  famgraph::io::RawTables raw;
  auto person = [&](famgraph::PersonId id, int year) {
    raw.persons.id.push_back(id);
    raw.persons.sex.push_back(Sex::M);
    raw.persons.birth.push_back(year ? Date{days_from_civil(year, 6, 1), DatePrecision::day} : Date{});
    raw.persons.exit.push_back(Date{});
    raw.persons.mother.push_back(famgraph::io::NO_ID);
    raw.persons.father.push_back(famgraph::io::NO_ID);
  };
  const auto kind = *raw.kinds.intern("x");
  const auto src = *raw.sources.intern("org");
  famgraph::PersonId incident = 1;
  auto event = [&](famgraph::PersonId p, Role role, int y, int m, int d) {
    raw.events.incident.push_back(incident++);
    raw.events.person.push_back(p);
    raw.events.role.push_back(static_cast<std::uint8_t>(role));
    raw.events.date.push_back({days_from_civil(y, m, d), DatePrecision::day});
    raw.events.kind.push_back(kind);
    raw.events.src.push_back(src);
  };
  person(1, 1980);  // perpetrator at 30 (2010, outside), 35 (2015), 40: first in window at 35
  person(2, 1990);  // perpetrator at 16 (a minor: not counted) and at 25 (2015-07-01)
  person(3, 1970);  // perpetrator at 44 on 2015-05-31 (the day before the 45th birthday)
  person(4, 0);     // no birth date: not counted
  person(5, 1985);  // victim only
  event(1, Role::perpetrator, 2010, 1, 1);
  event(1, Role::perpetrator, 2015, 6, 1);
  event(1, Role::perpetrator, 2020, 6, 1);
  event(2, Role::perpetrator, 2006, 7, 1);
  event(2, Role::perpetrator, 2015, 7, 1);
  event(3, Role::perpetrator, 2015, 5, 31);
  event(4, Role::perpetrator, 2015, 1, 1);
  event(5, Role::victim, 2015, 1, 1);
  const auto ds = famgraph::build_dataset(std::move(raw));
  const auto ages = ind::first_perpetration_ages(ds, {days_from_civil(2006, 1, 1), days_from_civil(2025, 12, 31)});
  // person 1: 2010 is in this window (age 29); person 2: 25; person 3: 44
  CHECK(ages.persons == 3);
  REQUIRE(ages.median);
  CHECK(*ages.median == 29.0);
  CHECK(*ages.q1 == 27.0);
  CHECK(*ages.q3 == 36.5);
  const auto late = ind::first_perpetration_ages(ds, {days_from_civil(2011, 1, 1), days_from_civil(2025, 12, 31)});
  CHECK(late.persons == 3);
  CHECK(*late.median == 35.0);  // 35, 25, 44
}
