// Indicators 4c (GIF with the matched permutation test) and 4d (FIR), docs/spec/indicators.md §gif, §fir:
// exact values derived by hand on small pedigrees, and pair loops over KinshipCalculator::kinship (the
// ancestor walk, independent of the Colleau passes under test) on random and synthetic populations.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/indicators/familiality.hpp"
#include "famgraph/indicators/recurrence.hpp"
#include "famgraph/kinship.hpp"
#include "famgraph/synth/generator.hpp"

using namespace famgraph;
using namespace famgraph::indicators;

namespace {

struct Person {
  PersonId id;
  char sex;             // 'F', 'M', 'U'
  int year;             // birth year (born 1 June); 0 = unknown
  PersonId mother = 0;  // 0 = unknown
  PersonId father = 0;
  int exit_year = 0;    // 0 = still observed
};

struct Event {
  PersonId incident, person;
  Role role;
  int year;  // 1 March
};

Date june(int year) { return year ? Date{days_from_civil(year, 6, 1), DatePrecision::day} : Date{}; }

Dataset make(const std::vector<Person>& ps, const std::vector<Event>& evs) {
  io::RawTables raw;
  auto& r = raw.persons;
  for (const auto& p : ps) {
    r.id.push_back(p.id);
    r.sex.push_back(p.sex == 'F' ? Sex::F : p.sex == 'M' ? Sex::M : Sex::U);
    r.birth.push_back(june(p.year));
    r.exit.push_back(june(p.exit_year));
    r.mother.push_back(p.mother ? p.mother : io::NO_ID);
    r.father.push_back(p.father ? p.father : io::NO_ID);
  }
  const auto kind = *raw.kinds.intern("x");
  const auto src = *raw.sources.intern("org");
  for (const auto& e : evs) {
    raw.events.incident.push_back(e.incident);
    raw.events.person.push_back(e.person);
    raw.events.role.push_back(static_cast<std::uint8_t>(e.role));
    raw.events.date.push_back({days_from_civil(e.year, 3, 1), DatePrecision::day});
    raw.events.kind.push_back(kind);
    raw.events.src.push_back(src);
  }
  return build_dataset(std::move(raw));
}

const Window W2000{days_from_civil(2000, 1, 1), days_from_civil(2020, 12, 31)};

/// 1F(1950) × 2M(1950) → 3F, 4M (1975, full sibs); 5F (1975, unrelated); 6U = 3 × 4 (1995, F = 1/4).
std::vector<Person> family() {
  return {{1, 'F', 1950}, {2, 'M', 1950}, {3, 'F', 1975, 1, 2}, {4, 'M', 1975, 1, 2},
          {5, 'F', 1975}, {6, 'U', 1995, 3, 4}};
}

Event perp(PersonId incident, PersonId person, int year = 2010) {
  return {incident, person, Role::perpetrator, year};
}

/// Σ_{i<j∈S} φ_ij by a pair loop over the ancestor-walk kinship.
double pair_sum(const KinshipCalculator& k, std::vector<Index> s) {
  std::sort(s.begin(), s.end());
  double sum = 0.0;
  for (std::size_t a = 0; a < s.size(); ++a)
    for (std::size_t b = a + 1; b < s.size(); ++b) sum += k.kinship(s[a], s[b]);
  return sum;
}

double gif_of_set(const KinshipCalculator& k, const std::vector<Index>& s) {
  const double n = static_cast<double>(s.size());
  return 1e5 * pair_sum(k, s) / (n * (n - 1) / 2);
}

/// Equal to a relative 1e-12 (exact when either is 0: "no related pair" must be an exact 0).
bool close(double a, double b, double rel = 1e-12) {
  return a == b || std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

/// A random population with consanguinity: generations of ~`per_gen` persons whose parents are
/// drawn from a small pool of the previous generation (so sibs, half-sibs and cousins mate), some
/// unknown parents, unknown birth dates, sex U, exits, and random event rows.
std::pair<std::vector<Person>, std::vector<Event>> random_population(std::uint64_t seed, int gens,
                                                                     int per_gen) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int k) { return std::uniform_int_distribution<int>(0, k - 1)(rng); };
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p; };
  std::vector<Person> ps;
  std::vector<std::vector<std::size_t>> by_gen(static_cast<std::size_t>(gens));
  PersonId next = 10;
  for (int g = 0; g < gens; ++g) {
    for (int k = 0; k < per_gen; ++k) {
      Person p{next, coin(0.06) ? 'U' : coin(0.5) ? 'F' : 'M', 1900 + 25 * g + uni(5)};
      next += 3;
      if (g > 0) {
        std::vector<std::size_t> women, men;
        for (auto q : by_gen[g - 1]) {
          if (ps[q].sex != 'M') women.push_back(q);
          if (ps[q].sex != 'F') men.push_back(q);
        }
        if (!women.empty() && !coin(0.1)) p.mother = ps[women[uni(static_cast<int>(women.size()))]].id;
        if (!men.empty() && !coin(0.1)) p.father = ps[men[uni(static_cast<int>(men.size()))]].id;
        if (p.father == p.mother) p.father = 0;
      }
      if (g + 1 == gens && coin(0.1)) p.year = 0;  // unknown birth date (not a parent: no order check)
      if (p.year && coin(0.1)) p.exit_year = std::min(2030, p.year + 40 + uni(60));
      by_gen[g].push_back(ps.size());
      ps.push_back(p);
    }
  }
  std::vector<Event> evs;
  PersonId inc = 1;
  for (const auto& p : ps) {
    if (!coin(0.3)) continue;
    const int lo = std::max(1995, p.year ? p.year + 1 : 1995);
    const int hi = p.exit_year ? std::min(2025, p.exit_year - 1) : 2025;
    if (lo > hi) continue;
    evs.push_back({inc++, p.id, coin(0.6) ? Role::perpetrator : Role::victim, lo + uni(hi - lo + 1)});
  }
  return {ps, evs};
}

}  // namespace

TEST_CASE("familiality: gif hand-derived values", "[familiality]") {
  SECTION("two full sibs as the only cases: mean φ = 1/4") {
    const auto ds = make(family(), {perp(1, 3), perp(2, 4)});
    GifOptions o;
    o.window = W2000;
    o.n_sim = 0;
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 2);
    CHECK(r.n_pairs == 1.0);
    CHECK(r.kinship_sum == 0.25);
    CHECK(r.gif == 25000.0);
    CHECK(r.sims.empty());
    CHECK(std::isnan(r.p_value));
  }
  SECTION("a parent–child pair and an unrelated case: mean of {1/4, 0, 0}") {
    const auto ds = make(family(), {perp(1, 1), perp(2, 3), perp(3, 5)});
    GifOptions o;
    o.window = W2000;
    o.n_sim = 0;
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 3);
    CHECK(r.n_pairs == 3.0);
    CHECK(r.kinship_sum == 0.25);
    CHECK(r.gif == Approx(1e5 / 12).epsilon(1e-15));
  }
  SECTION("inbred: full sibs and their child, φ(3,6) = φ(4,6) = 3/8") {
    const auto ds = make(family(), {perp(1, 3), perp(2, 4), perp(3, 6, 2015)});
    GifOptions o;
    o.window = W2000;
    o.n_sim = 0;
    const auto r = gif(ds, o);
    CHECK(r.kinship_sum == 1.0);  // 1/4 + 3/8 + 3/8
    CHECK(r.gif == Approx(1e5 / 3).epsilon(1e-15));
  }
  SECTION("no related cases: GIF exactly 0 and every control set ties (p = 1)") {
    const auto ds = make(family(), {perp(1, 1), perp(2, 2)});
    GifOptions o;
    o.window = W2000;
    o.n_sim = 20;
    const auto r = gif(ds, o);
    CHECK(r.gif == 0.0);
    CHECK(r.n_ge == 20);
    CHECK(r.p_value == 1.0);
  }
  SECTION("case roles select the cases") {
    const auto ds = make(family(), {perp(1, 3), {2, 4, Role::victim, 2010}, {2, 1, Role::victim, 2010}});
    GifOptions o;
    o.window = W2000;
    o.n_sim = 0;
    CHECK(gif(ds, o).n_cases == 1);
    o.case_roles = roles({Role::victim});
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 2);
    CHECK(r.gif == 25000.0);  // 4 and their mother 1
    o.case_roles = roles({Role::victim, Role::perpetrator});
    CHECK(gif(ds, o).kinship_sum == 0.75);  // 1–3, 1–4, 3–4
  }
}

TEST_CASE("familiality: gif edge cases", "[familiality]") {
  GifOptions o;
  o.window = W2000;
  SECTION("no case") {
    const auto ds = make(family(), {{1, 3, Role::victim, 2010}});
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 0);
    CHECK(std::isnan(r.gif));
    CHECK(std::isnan(r.kinship_sum));
    CHECK(std::isnan(r.p_value));
    CHECK(r.sims.empty());
    CHECK(r.strata.size() == 5);  // 1950 F, 1950 M, 1970 F (3, 5), 1970 M, 1990 U
  }
  SECTION("one case") {
    const auto ds = make(family(), {perp(1, 3)});
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 1);
    CHECK(r.n_pairs == 0.0);
    CHECK(std::isnan(r.gif));
    CHECK(r.sims.empty());
    CHECK(std::isnan(r.p_value));
  }
  SECTION("no observed person") {
    const auto ds = make(family(), {perp(1, 3), perp(2, 4)});
    o.window = {days_from_civil(1900, 1, 1), days_from_civil(1940, 1, 1)};
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 0);
    CHECK(r.strata.empty());
    CHECK(std::isnan(r.gif));
    FirOptions fo;
    fo.window = o.window;
    const auto f = fir(ds, fo);
    for (std::size_t i = 0; i < f.fir.size(); ++i) {
      CHECK(std::isnan(f.fir[i]));
      CHECK(f.observed[i] == 0);
    }
  }
  SECTION("a case outside the window, or dead before it, is no case") {
    auto ps = family();
    ps[3].exit_year = 1999;  // person 4 leaves before the window
    const auto ds = make(ps, {perp(1, 3), perp(2, 4, 1998), perp(3, 5, 2021)});
    const auto r = gif(ds, o);
    CHECK(r.n_cases == 1);
  }
  SECTION("bad options name the option and the allowed values") {
    const auto ds = make(family(), {perp(1, 3), perp(2, 4)});
    o.n_sim = -1;
    CHECK_THROWS_WITH(gif(ds, o), Catch::Contains("n_sim") && Catch::Contains("allowed"));
    o.n_sim = 10;
    o.threads = -2;
    CHECK_THROWS_WITH(gif(ds, o), Catch::Contains("threads") && Catch::Contains("allowed"));
  }
}

TEST_CASE("familiality: gif strata", "[familiality]") {
  // Birth decades 1950, 1970, 1990 and unknown, crossed with sex; U is its own sex.
  auto ps = family();
  ps.push_back({7, 'M', 0});
  ps.push_back({8, 'U', 0});
  ps.push_back({9, 'M', 1979});
  ps.push_back({10, 'M', 1980});
  const auto ds = make(ps, {perp(1, 3), perp(2, 4), perp(3, 7), perp(4, 9)});
  GifOptions o;
  o.window = W2000;
  o.n_sim = 0;
  const auto r = gif(ds, o);
  const std::vector<GifStratum> want{{1950, Sex::F, 0, 1}, {1950, Sex::M, 0, 1}, {1970, Sex::F, 1, 2},
                                     {1970, Sex::M, 2, 2}, {1980, Sex::M, 0, 1}, {1990, Sex::U, 0, 1},
                                     {UNKNOWN_DECADE, Sex::M, 1, 1}, {UNKNOWN_DECADE, Sex::U, 0, 1}};
  CHECK(r.strata == want);
}

TEST_CASE("familiality: fir hand-derived values", "[familiality]") {
  // Cases 3, 4 (full sibs) and 6 (their child, F = 1/4); everyone observed.
  const auto ds = make(family(), {perp(1, 3), perp(2, 4), perp(3, 6, 2015)});
  FirOptions o;
  o.window = W2000;
  const auto r = fir(ds, o);
  const auto ix = [&](PersonId id) { return ds.persons.index_of(id); };
  // 1: relatives 3, 4 (1/4 each, cases), 6 (1/4, case), 2 (0): 3/4 / 3/4.
  CHECK(r.fir[ix(1)] == 1.0);
  // 3: relatives 1, 2, 4 (1/4 each), 6 (3/8); cases 4 and 6: (1/4 + 3/8) / (3/4 + 3/8) = 5/9.
  CHECK(r.fir[ix(3)] == Approx(5.0 / 9).epsilon(1e-15));
  CHECK(r.case_kinship[ix(3)] == 0.625);
  CHECK(r.observed_kinship[ix(3)] == 1.125);
  // 6: relatives 1, 2 (1/4), 3, 4 (3/8): cases 3 and 4: (3/4) / (5/4) = 3/5.
  CHECK(r.fir[ix(6)] == Approx(0.6).epsilon(1e-15));
  // 5: no relative: undefined.
  CHECK(std::isnan(r.fir[ix(5)]));
  CHECK(r.observed_kinship[ix(5)] == 0.0);
  CHECK(r.is_case[ix(6)] == 1);
  CHECK(r.is_case[ix(1)] == 0);

  // Person 2 not observed (left before the window): drops out of every denominator.
  auto ps = family();
  ps[1].exit_year = 1990;
  const auto ds2 = make(ps, {perp(1, 3), perp(2, 4), perp(3, 6, 2015)});
  const auto r2 = fir(ds2, o);
  CHECK(std::isnan(r2.fir[ds2.persons.index_of(2)]));
  CHECK(r2.observed[ds2.persons.index_of(2)] == 0);
  // 6: relatives 1 (1/4), 3, 4 (3/8): (3/4) / 1.
  CHECK(r2.fir[ds2.persons.index_of(6)] == 0.75);
}

TEST_CASE("familiality: gif and fir agree with pair loops on random inbred populations", "[familiality]") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const auto [ps, evs] = random_population(seed, 5, 30);
    const auto ds = make(ps, evs);
    const FamilyGraph g(ds.persons);
    const KinshipCalculator kin(g);
    double maxF = 0;
    for (double f : kin.inbreeding()) maxF = std::max(maxF, f);
    CHECK(maxF > 0.0);  // the population is inbred

    GifOptions o;
    o.window = W2000;
    o.n_sim = 40;
    o.seed = seed;
    const auto r = gif(ds, g, kin, o);
    const auto cs = case_status(ds, W2000, o.case_roles);
    std::vector<Index> cases;
    for (Index i = 0; i < ds.persons.size(); ++i)
      if (cs.is_case[i]) cases.push_back(i);
    REQUIRE(r.n_cases == cases.size());
    REQUIRE(cases.size() >= 2);
    CHECK(close(r.gif, gif_of_set(kin, cases)));
    CHECK(close(r.kinship_sum, pair_sum(kin, cases)));
    for (std::uint64_t k = 0; k < 40; k += 7)
      CHECK(close(r.sims[k], gif_of_set(kin, gif_control_set(ds, o, k))));

    // FIR by explicit sums over every observed j ≠ i.
    FirOptions fo;
    fo.window = W2000;
    const auto f = fir(ds, g, kin, fo);
    for (Index i = 0; i < ds.persons.size(); ++i) {
      if (!cs.observed[i]) {
        CHECK(std::isnan(f.fir[i]));
        continue;
      }
      double num = 0, den = 0;
      for (Index j = 0; j < ds.persons.size(); ++j) {
        if (j == i || !cs.observed[j]) continue;
        const double phi = kin.kinship(i, j);
        den += phi;
        if (cs.is_case[j]) num += phi;
      }
      CHECK(close(f.case_kinship[i], num));
      CHECK(close(f.observed_kinship[i], den));
      if (den == 0) CHECK(std::isnan(f.fir[i]));
      else CHECK(close(f.fir[i], num / den));
    }
  }
}

TEST_CASE("familiality: gif everyone a case makes every control set the case set", "[familiality]") {
  const auto [ps, evs0] = random_population(11, 4, 25);
  std::vector<Event> evs;
  PersonId inc = 1;
  for (const auto& p : ps)
    if (!p.exit_year || p.exit_year >= 2001) evs.push_back(perp(inc++, p.id, std::max(2001, p.year + 1)));
  const auto ds = make(ps, evs);
  GifOptions o;
  o.window = {days_from_civil(2001, 1, 1), days_from_civil(2030, 1, 1)};
  o.n_sim = 33;
  const auto r = gif(ds, o);
  for (const auto& s : r.strata) CHECK(s.n_cases == s.n_observed);
  for (double s : r.sims) CHECK(s == r.gif);  // the same set: bitwise the same computation
  CHECK(r.n_ge == 33);
  CHECK(r.p_value == 1.0);
}

TEST_CASE("familiality: gif permutation test on a synthetic population", "[familiality]") {
  synth::Params prm;
  prm.persons = 4000;
  prm.seed = 3;
  prm.window_years = 30;
  auto pop = synth::generate(prm);
  const Window w{pop.window_start, pop.window_end};
  const auto ds = build_dataset(std::move(pop.tables));
  const FamilyGraph g(ds.persons);
  const KinshipCalculator kin(g);
  GifOptions o;
  o.window = w;
  o.n_sim = 50;
  o.seed = 99;
  o.threads = 1;
  const auto r1 = gif(ds, g, kin, o);
  REQUIRE(r1.n_cases >= 20);
  REQUIRE(r1.sims.size() == 50);

  SECTION("bitwise identical for 1, 2 and 4 threads, and for another number of sets") {
    for (int t : {2, 4}) {
      o.threads = t;
      const auto rt = gif(ds, g, kin, o);
      CHECK(std::memcmp(rt.sims.data(), r1.sims.data(), r1.sims.size() * sizeof(double)) == 0);
      CHECK(std::memcmp(&rt.gif, &r1.gif, sizeof(double)) == 0);
      CHECK(rt.p_value == r1.p_value);
    }
    o.n_sim = 21;  // other blocks: set 20 now shares its pass with no other set
    const auto r21 = gif(ds, g, kin, o);
    CHECK(std::memcmp(r21.sims.data(), r1.sims.data(), 21 * sizeof(double)) == 0);
    o.n_sim = 50;
    o.seed = 100;
    CHECK(gif(ds, g, kin, o).sims != r1.sims);
  }
  SECTION("p-value formula") {
    std::uint64_t ge = 0;
    for (double s : r1.sims) ge += s >= r1.gif * (1 - GIF_TIE_TOLERANCE);
    CHECK(r1.n_ge == ge);
    CHECK(r1.p_value == (1.0 + static_cast<double>(ge)) / 51.0);
  }
  SECTION("each control set keeps the stratum sizes, draws observed persons without replacement") {
    const auto cs = case_status(ds, w, o.case_roles);
    std::vector<Index> cases;
    for (Index i = 0; i < ds.persons.size(); ++i)
      if (cs.is_case[i]) cases.push_back(i);
    CHECK(close(r1.gif, gif_of_set(kin, cases)));
    auto stratum_of = [&](Index i) {
      const auto& P = ds.persons;
      int dec = UNKNOWN_DECADE;
      if (P.birth_precision[i] != DatePrecision::missing) dec = civil_from_days(P.birth[i]).year / 10 * 10;
      return std::pair{dec, P.sex[i]};
    };
    std::map<std::pair<int, Sex>, std::uint64_t> want_cases, want_observed;
    for (Index i = 0; i < ds.persons.size(); ++i) {
      if (!cs.observed[i]) continue;
      ++want_observed[stratum_of(i)];
      want_cases[stratum_of(i)] += cs.is_case[i];
    }
    REQUIRE(r1.strata.size() == want_observed.size());
    for (const auto& s : r1.strata) {
      CHECK(s.n_cases == want_cases[{s.decade, s.sex}]);
      CHECK(s.n_observed == want_observed[{s.decade, s.sex}]);
    }
    std::size_t differs = 0;
    for (std::uint64_t k = 0; k < 50; k += 5) {
      const auto set = gif_control_set(ds, o, k);
      REQUIRE(set.size() == r1.n_cases);
      CHECK(std::set<Index>(set.begin(), set.end()).size() == set.size());
      std::map<std::pair<int, Sex>, std::uint64_t> got;
      for (Index i : set) {
        CHECK(cs.observed[i] == 1);
        ++got[stratum_of(i)];
      }
      for (const auto& [key, n] : want_cases)
        if (n) CHECK(got[key] == n);
      for (const auto& [key, n] : got) CHECK(n == want_cases[key]);
      differs += std::vector<Index>(set) != gif_control_set(ds, o, k + 1);
      CHECK(close(r1.sims[k], gif_of_set(kin, set)));
    }
    CHECK(differs == 10);
  }
  SECTION("fir numerator and denominator are (A·x)_i minus the diagonal") {
    FirOptions fo;
    fo.window = w;
    const auto f = fir(ds, g, kin, fo);
    const auto cs = case_status(ds, w, fo.case_roles);
    std::vector<double> c(ds.persons.size()), ob(ds.persons.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
      c[i] = cs.is_case[i];
      ob[i] = cs.observed[i];
    }
    const auto Ac = kin.relationship_times(c), Ao = kin.relationship_times(ob);
    const auto F = kin.inbreeding();
    std::size_t defined = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (!cs.observed[i]) continue;
      CHECK(std::abs(f.case_kinship[i] - 0.5 * (Ac[i] - (1 + F[i]) * c[i])) <= 1e-13);
      CHECK(std::abs(f.observed_kinship[i] - 0.5 * (Ao[i] - (1 + F[i]))) <= 1e-13);
      defined += !std::isnan(f.fir[i]);
    }
    CHECK(defined > 100);
  }
}
