// Indicator 7's model design (famgraph/indicators/adjusted.hpp) on a hand-built dataset. Every
// expected value is derived by hand below from the rules the header states.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/indicators/adjusted.hpp"
#include "famgraph/indicators/transmission.hpp"
#include "famgraph/io/csv.hpp"

using namespace famgraph;

namespace {

// Window 1975-01-01 .. 2015-12-31. Every person's 18th birthday falls inside it (all eligible).
//   id sex birth       exposed (victim before 18)  outcome (perpetrator as adult)  decade
//   1  F   1959-06-01  yes (1976-01-01, age 16)    yes (1990)                      1950 (a day < 0)
//   2  M   1969-12-31  no                          no                              1960 (day −1)
//   3  F   1970-01-01  yes (1980)                  no                              1970 (day 0)
//   4  M   1979-12-31  no                          yes (2000)                      1970
//   5  F   1980-01-01  no                          yes (2005)                      1980
//   6  M   1980-06-01  yes (1990)                  no                              1980
//   7  U   1985-01-01  no                          no                              1980
Dataset seven() {
  IssueLog log;
  io::RawTables raw;
  io::read_csv_table_from_string(raw, "persons",
                                 "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
                                 "1,F,1959-06-01,,,\n2,M,1969-12-31,,,\n3,F,1970-01-01,,,\n4,M,1979-12-31,,,\n"
                                 "5,F,1980-01-01,,,\n6,M,1980-06-01,,,\n7,U,1985-01-01,,,\n",
                                 "persons.csv", log);
  io::read_csv_table_from_string(raw, "events",
                                 "incident_id,person_id,role,date,kind,source\n"
                                 "10,1,victim,1976-01-01,dv,police\n11,1,perpetrator,1990-01-01,dv,police\n"
                                 "12,3,victim,1980-01-01,dv,police\n13,4,perpetrator,2000-01-01,dv,police\n"
                                 "14,5,perpetrator,2005-01-01,dv,police\n15,6,victim,1990-01-01,dv,police\n",
                                 "events.csv", log);
  return build_dataset(std::move(raw), {}, log);
}

indicators::VictimToPerpetratorCounts counts_of(const Dataset& ds) {
  indicators::VictimToPerpetratorOptions o;
  o.window = {days_from_civil(1975, 1, 1), days_from_civil(2015, 12, 31)};
  return indicators::victim_to_perpetrator_counts(ds, o);
}

/// A design column by person id.
template <class T>
std::map<PersonId, T> by_id(const Dataset& ds, const indicators::VictimToPerpetratorCounts& c,
                            const std::vector<T>& column) {
  std::map<PersonId, T> out;
  for (std::size_t r = 0; r < c.person.size(); ++r) out[ds.persons.id[c.person[r]]] = column[r];
  return out;
}

}  // namespace

TEST_CASE("adjusted design: decades before 1970 and at the boundary, a sex dropped, decades merged",
          "[adjusted]") {
  const Dataset ds = seven();
  const auto c = counts_of(ds);
  REQUIRE(c.person.size() == 7);
  indicators::AdjustedDesignOptions o;
  o.policy.min_cell = 0;  // counts as 1: every level needs an outcome and a non-outcome
  const auto d = indicators::adjusted_design(ds, c, o);
  using D = std::map<PersonId, std::int32_t>;
  CHECK(by_id(ds, c, d.birth_decade) == D{{1, 1950}, {2, 1960}, {3, 1970}, {4, 1970}, {5, 1980}, {6, 1980}, {7, 1980}});
  using B = std::map<PersonId, std::uint8_t>;
  CHECK(by_id(ds, c, d.exposed) == B{{1, 1}, {2, 0}, {3, 1}, {4, 0}, {5, 0}, {6, 1}, {7, 0}});
  CHECK(by_id(ds, c, d.outcome) == B{{1, 1}, {2, 0}, {3, 0}, {4, 1}, {5, 1}, {6, 0}, {7, 0}});
  CHECK(by_id(ds, c, d.sex) == B{{1, 0}, {2, 1}, {3, 0}, {4, 1}, {5, 0}, {6, 1}, {7, 2}});
  // Crude table over all seven: a = {1}, b = {3, 6}, c = {4, 5}, d = {2, 7}.
  CHECK(d.crude == indicators::Counts2x2{1, 2, 2, 2});
  // Sex F: 2 outcomes of 3, M: 1 of 3 (both with outcomes and non-outcomes); U: 0 of 1, dropped.
  CHECK(d.dropped_sexes == std::vector<std::uint8_t>{static_cast<std::uint8_t>(Sex::U)});
  CHECK(by_id(ds, c, d.kept) == B{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {7, 0}});
  CHECK(d.rows_kept == 6);
  // Kept rows by decade (outcomes, persons): 1950 (1, 1), 1960 (0, 1), 1970 (1, 2), 1980 (1, 2).
  // 1950 lacks a non-outcome and 1960 an outcome; both have one person, the first (1950) joins its
  // only neighbour 1960: group 1950 (1, 2), which has both. 1970 and 1980 stay.
  CHECK(d.merged_decades == std::map<std::int32_t, std::int32_t>{{1960, 1950}});
  // Person 7 is not kept: its own decade.
  CHECK(by_id(ds, c, d.decade_group) == D{{1, 1950}, {2, 1950}, {3, 1970}, {4, 1970}, {5, 1980}, {6, 1980}, {7, 1980}});
}

TEST_CASE("adjusted design: min_cell 2 merges more and drops both sexes with too few", "[adjusted]") {
  const Dataset ds = seven();
  const auto c = counts_of(ds);
  indicators::AdjustedDesignOptions o;
  o.policy.min_cell = 2;
  const auto d = indicators::adjusted_design(ds, c, o);
  // F: 2 outcomes, 1 non-outcome (< 2): dropped; M: 1 outcome (< 2): dropped; U: dropped.
  CHECK(d.dropped_sexes == std::vector<std::uint8_t>{0, 1, 2});
  CHECK(d.rows_kept == 0);
  CHECK(d.merged_decades.empty());
  CHECK(d.crude == indicators::Counts2x2{1, 2, 2, 2});  // the crude table does not depend on it
}

TEST_CASE("adjusted design: counts of another dataset are refused", "[adjusted]") {
  const Dataset ds = seven();
  auto c = counts_of(ds);
  c.person[0] = 99;
  CHECK_THROWS_AS(indicators::adjusted_design(ds, c), std::invalid_argument);
  c = counts_of(ds);
  c.event.pop_back();
  CHECK_THROWS_AS(indicators::adjusted_design(ds, c), std::invalid_argument);
}
