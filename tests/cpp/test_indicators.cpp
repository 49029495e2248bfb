// Aggregated relative counts against per-person enumeration, the matching strata, output-sensitive
// pair listing, and a pedigree deeper than 65,535 generations (docs/performance.md "Linear time").
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/indicators/common.hpp"
#include "famgraph/indicators/features.hpp"
#include "famgraph/indicators/overlap.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/relations.hpp"
#include "famgraph/relative_counts.hpp"
#include "famgraph/summary.hpp"

using namespace famgraph;

namespace {

Dataset load(const std::string& persons_csv, const std::string& partnerships_csv = "") {
  IssueLog log;
  io::RawTables raw;
  io::read_csv_table_from_string(raw, "persons", persons_csv, "persons.csv", log);
  if (!partnerships_csv.empty())
    io::read_csv_table_from_string(raw, "partnerships", partnerships_csv, "partnerships.csv", log);
  return build_dataset(std::move(raw), {}, log);
}

/// A random pedigree with what breaks naive aggregation: a placeholder parent (sex U) of many
/// children by many partners, large sibships (couples reused), and matings between relatives
/// (parents are drawn from few earlier persons, so siblings, parent × child and cousins mate).
Dataset random_pedigree(unsigned seed, int n) {
  std::mt19937 rng(seed);
  auto pick = [&](int hi) { return static_cast<int>(rng() % static_cast<unsigned>(hi)); };
  std::vector<char> sex;
  std::vector<int> mother, father;
  std::vector<std::pair<int, int>> couples;
  std::ostringstream p, q;
  p << "person_id,sex,birth_date,exit_date,mother_id,father_id\n";
  q << "person_a,person_b,start_date,end_date\n";
  for (int i = 0; i < n; ++i) {
    const char s = i == 0 ? 'U' : "FMFMU"[pick(5)];
    int m = -1, f = -1;
    if (i >= 6 && pick(10) > 0) {
      const int mode = pick(10);
      if (mode < 3 && !couples.empty()) {
        std::tie(m, f) = couples[static_cast<std::size_t>(pick(static_cast<int>(couples.size())))];
      } else {
        // parents among the last 40 persons (relatives of each other), or the placeholder 0
        auto draw = [&](bool as_mother) {
          for (int t = 0; t < 20; ++t) {
            const int c = mode == 9 ? 0 : std::max(0, i - 1 - pick(std::min(i, 40)));
            if (sex[c] == 'U' || sex[c] == (as_mother ? 'F' : 'M')) return c;
          }
          return -1;
        };
        m = pick(6) == 0 ? -1 : draw(true);
        f = pick(6) == 0 ? -1 : draw(false);
        if (m == f) f = -1;
        if (m >= 0 && f >= 0) couples.emplace_back(m, f);
      }
    }
    sex.push_back(s);
    mother.push_back(m);
    father.push_back(f);
    p << i + 1 << ',' << s << ",,," << (m >= 0 ? std::to_string(m + 1) : "") << ','
      << (f >= 0 ? std::to_string(f + 1) : "") << '\n';
    if (i > 0 && pick(8) == 0) q << i + 1 << ',' << pick(i) + 1 << ",,\n";
  }
  return load(p.str(), q.str());
}

}  // namespace

TEST_CASE("relative counts equal per-person enumeration on random pedigrees", "[relatives][linear]") {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    const Dataset ds = random_pedigree(seed, 400);
    const auto& P = ds.persons;
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> flags(P.size());
    for (auto& f : flags) f = static_cast<std::uint8_t>(rng() & 0xFF);
    const RelativeCounter counter(P);
    std::vector<Index> rel;
    for (Relation r : all_relations) {
      INFO("seed " << seed << ", " << to_string(r));
      const RelativeCounts c = counter.count(r, flags, 8);
      REQUIRE(c.counts.size() == P.size() * 8);
      bool same = true;
      for (std::size_t i = 0; i < P.size() && same; ++i) {
        relatives(P, static_cast<Index>(i), r, rel);
        for (int b = 0; b < 8; ++b) {
          std::uint32_t want = 0;
          for (Index j : rel) want += (flags[j] >> b) & 1u;
          if (c.count(static_cast<Index>(i), b) != want) {
            same = false;
            UNSCOPED_INFO("person " << P.id[i] << " flag " << b << ": " << c.count(static_cast<Index>(i), b)
                                    << " != " << want);
          }
        }
      }
      CHECK(same);
    }
  }
}

TEST_CASE("relative counts reject bad flags", "[relatives]") {
  const Dataset ds = random_pedigree(3, 20);
  std::vector<std::uint8_t> flags(ds.persons.size());
  CHECK_THROWS_AS(relative_counts(ds.persons, Relation::parent, flags, 0), std::invalid_argument);
  CHECK_THROWS_AS(relative_counts(ds.persons, Relation::parent, flags, 9), std::invalid_argument);
  flags.pop_back();
  CHECK_THROWS_AS(relative_counts(ds.persons, Relation::parent, flags, 1), std::invalid_argument);
}

TEST_CASE("relative pairs equal per-person enumeration on random pedigrees", "[relatives][linear]") {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const Dataset ds = random_pedigree(seed, 300);
    const auto& P = ds.persons;
    std::vector<Index> rel;
    for (Relation r : all_relations) {
      INFO("seed " << seed << ", " << to_string(r));
      std::vector<std::pair<Index, Index>> want;
      for (std::size_t i = 0; i < P.size(); ++i) {
        relatives(P, static_cast<Index>(i), r, rel);
        for (Index j : rel)
          if (!is_symmetric(r) || j > i) want.emplace_back(static_cast<Index>(i), j);
      }
      CHECK(relative_pairs(P, r) == want);
    }
  }
}

TEST_CASE("relative counts take linear work on a large sibship", "[relatives][linear]") {
  auto sibship = [](int k) {
    std::ostringstream p;
    p << "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,,,,\n2,M,,,,\n";
    for (int j = 0; j < k; ++j) {
      p << 3 + 2 * j << ',' << (j % 2 ? 'M' : 'F') << ",,,1,2\n";
      // every sib has a child with a partner from outside: k cousins and nephews each
      p << 4 + 2 * j << ",U,,," << (j % 2 ? "" : std::to_string(3 + 2 * j)) << ','
        << (j % 2 ? std::to_string(3 + 2 * j) : "") << '\n';
    }
    return load(p.str());
  };
  const Dataset a = sibship(2000), b = sibship(4000);
  for (Relation r : all_relations) {
    INFO(to_string(r));
    const std::vector<std::uint8_t> fa(a.persons.size(), 1), fb(b.persons.size(), 1);
    const auto wa = relative_counts(a.persons, r, fa, 1).work, wb = relative_counts(b.persons, r, fb, 1).work;
    CHECK(static_cast<double>(wb) <= 2.2 * static_cast<double>(wa));
  }
}

TEST_CASE("strata: single birth year x sex, sorted, births missing apart", "[strata]") {
  const Dataset ds = load(
      "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
      "1,F,1980-05-01,,,\n2,M,1980-12-31,,,\n3,F,1979,,,\n4,U,1980-02,,,\n5,F,,,,\n6,M,1980-01-01,,,\n"
      "7,F,1979-03-03,,,\n");
  const indicators::Strata st(ds.persons);
  REQUIRE(st.size() == 4);  // (1979, F), (1980, F), (1980, M), (1980, U)
  CHECK(st.key(0) == indicators::StratumKey{1979, Sex::F});
  CHECK(st.key(3) == indicators::StratumKey{1980, Sex::U});
  CHECK(st.of(ds.persons.index_of(5)) == indicators::Strata::none);
  CHECK(st.of(ds.persons.index_of(2)) == st.of(ds.persons.index_of(6)));
  indicators::StratumTally t(st);
  t.add(ds.persons.index_of(1), true, true);
  t.add(ds.persons.index_of(2), true, false);
  t.add(ds.persons.index_of(6), false, false);
  t.add(ds.persons.index_of(5), false, true);
  const auto r = t.result();
  CHECK(r.without_birth_date == 1);
  REQUIRE(r.strata.size() == 2);  // only non-empty strata
  CHECK((r.strata[0].birth_year == 1980 && r.strata[0].sex == Sex::F && r.strata[0].counts.a == 1));
  CHECK((r.strata[1].birth_year == 1980 && r.strata[1].sex == Sex::M && r.strata[1].counts.b == 1 &&
         r.strata[1].counts.d == 1));
}

TEST_CASE("a pedigree of 70,000 generations", "[graph][deep]") {
  constexpr int depth = 70'000;
  std::ostringstream p;
  p << "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,,,,\n";
  for (int i = 2; i <= depth; ++i) p << i << ",F,,," << i - 1 << ",\n";
  const Dataset ds = load(p.str());
  const FamilyGraph g(ds.persons);
  CHECK(g.max_generation() == depth - 1);
  CHECK(g.generation()[depth - 1] == depth - 1);
  CHECK(g.ancestors(depth - 1).size() == depth - 1);
  CHECK(g.descendants(0, 2) == std::vector<Index>{1, 2});
  const KinshipCalculator k(g);
  const DatasetSummary s = summarise(ds, g, k);
  CHECK(s.generations == depth);
  CHECK(to_text(s).find("generations          70000\n") != std::string::npos);
}

TEST_CASE("feature table: hand-derived columns", "[features]") {
  IssueLog log;
  io::RawTables raw;
  io::read_csv_table_from_string(raw, "persons",
                                 "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
                                 "1,F,1960-01-01,,,\n2,M,1958-01-01,,,\n3,F,1990-06-15,,1,2\n4,M,,,3,\n",
                                 "persons.csv", log);
  io::read_csv_table_from_string(raw, "events",
                                 "incident_id,person_id,role,date,kind,source\n"
                                 "100,1,perpetrator,2000-01-01,dv,police\n100,3,victim,2000-01-01,dv,police\n"
                                 "101,3,perpetrator,2010-01-01,dv,police\n102,2,victim,1990-01-01,dv,police\n",
                                 "events.csv", log);
  io::read_csv_table_from_string(raw, "contacts",
                                 "person_id,source,start_date,end_date,kind\n"
                                 "3,school,1999-01-01,,dv\n3,health,1980-01-01,1985-01-01,dv\n",
                                 "contacts.csv", log);
  const Dataset ds = build_dataset(std::move(raw), {}, log);
  const FamilyGraph g(ds.persons);
  indicators::FeatureTableOptions o;
  o.window = {days_from_civil(1995, 1, 1), days_from_civil(2015, 12, 31)};
  const indicators::FeatureTable t = indicators::feature_table(ds, g, o);
  const auto V = static_cast<std::size_t>(Role::victim), Pp = static_cast<std::size_t>(Role::perpetrator);
  // person 3 (index 2): a victim as a child, a perpetrator as an adult
  CHECK(t.birth_known[2] == 1);
  CHECK(t.birth_year[2] == 1990);
  CHECK(t.generation[2] == 1);
  CHECK(t.child[V][2] == 1);
  CHECK(t.adult[V][2] == 0);
  CHECK(t.adult[Pp][2] == 1);
  CHECK(t.total[Pp][2] == 1);
  CHECK((t.has_mother[2] == 1 && t.mother_perpetrator[2] == 1 && t.mother_victim[2] == 0));
  CHECK((t.has_father[2] == 1 && t.father_victim[2] == 0));  // his event is before the window
  CHECK(t.n_organisations[2] == 2);                            // police, school (health ended before)
  CHECK(t.has_lead_time[2] == 1);
  CHECK(t.lead_time_days[2] == days_from_civil(2000, 1, 1) - days_from_civil(1980, 1, 1));
  CHECK((t.pathway_eligible[2] == 1 && t.pathway_exposed[2] == 1 && t.pathway_outcome[2] == 1));
  CHECK(t.grandparents_known[2] == 0);
  // person 4 (index 3): no birth date, both grandparents known
  CHECK(t.birth_known[3] == 0);
  CHECK(t.child[V][3] == 0);
  CHECK(t.grandparents_known[3] == 2);
  CHECK((t.grandparent_perpetrator[3] == 1 && t.grandparent_victim[3] == 0));
  CHECK((t.has_mother[3] == 1 && t.mother_victim[3] == 1 && t.has_father[3] == 0));
  CHECK(t.pathway_eligible[3] == 0);
  // person 1: no contact, no lead time; observed
  CHECK(t.has_lead_time[0] == 0);
  CHECK(t.n_organisations[0] == 1);
  CHECK(t.observed[0] == 1);
  CHECK(t.total[V][1] == 0);  // outside the window
  // a bad window is the common rule's error
  o.window = {days_from_civil(2015, 1, 1), days_from_civil(2010, 1, 1)};
  CHECK_THROWS_AS(indicators::feature_table(ds, g, o), std::invalid_argument);
}

TEST_CASE("overlap_from_combinations: pair counts and totals by hand", "[overlap]") {
  // Organisations 0, 1, 2: {0} 5, {0,1} 3, {0,1,2} 2, {1,2} 4, {2} 0 (left out).
  // known: n_0 = 5 + 3 + 2 = 10, n_1 = 3 + 2 + 4 = 9, n_2 = 2 + 4 = 6.
  // both(0,1) = 3 + 2 = 5, both(0,2) = 2, both(1,2) = 2 + 4 = 6; either = n_x + n_y − both:
  // (0,1) 14, (0,2) 14, (1,2) 9. known_1plus = 14, known_2plus = 3 + 2 + 4 = 9.
  const indicators::Combinations c = {{{0}, 5}, {{0, 1}, 3}, {{0, 1, 2}, 2}, {{1, 2}, 4}, {{2}, 0}};
  const auto o = indicators::overlap_from_combinations(c, 3);
  CHECK(o.combinations.size() == 4);
  CHECK(o.both[0][1] == 5);
  CHECK(o.both[0][2] == 2);
  CHECK(o.both[1][2] == 6);
  CHECK(o.either[0][1] == 14);
  CHECK(o.either[0][2] == 14);
  CHECK(o.either[1][2] == 9);
  CHECK(o.known_1plus == 14);
  CHECK(o.known_2plus == 9);
  CHECK_THROWS_AS(indicators::overlap_from_combinations(c, 2), std::invalid_argument);
}
