// Kinship φ and inbreeding F (docs/spec/data_contract.md §kinship): textbook values on hand-made pedigrees,
// and a brute-force recursion (written here, independent of the library) on random pedigrees. The classic
// values are dyadic rationals, so they are compared exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/kinship.hpp"

using namespace famgraph;

namespace {

struct Person {
  PersonId id;
  char sex;  // 'F', 'M', 'U'
  PersonId mother = 0, father = 0;  // 0 = unknown
};

io::RawTables raw_of(const std::vector<Person>& ps) {
  io::RawTables raw;
  auto& r = raw.persons;
  for (const auto& p : ps) {
    r.id.push_back(p.id);
    r.sex.push_back(p.sex == 'F' ? Sex::F : p.sex == 'M' ? Sex::M : Sex::U);
    r.birth.push_back({});
    r.exit.push_back({});
    r.mother.push_back(p.mother ? p.mother : io::NO_ID);
    r.father.push_back(p.father ? p.father : io::NO_ID);
  }
  return raw;
}

/// A dataset with its graph and kinship calculator (which hold references to each other).
struct Kin {
  Dataset ds;
  std::unique_ptr<FamilyGraph> g;
  std::unique_ptr<KinshipCalculator> k;
  explicit Kin(const std::vector<Person>& ps, KinshipOptions opt = {}) {
    ds = build_dataset(raw_of(ps));
    g = std::make_unique<FamilyGraph>(ds.persons);
    k = std::make_unique<KinshipCalculator>(*g, opt);
  }
  Index ix(PersonId id) const {
    const Index i = ds.persons.index_of(id);
    REQUIRE(i != NONE);
    return i;
  }
  double phi(PersonId a, PersonId b) const { return k->kinship(ix(a), ix(b)); }
  double F(PersonId a) const { return k->inbreeding()[ix(a)]; }
  double D(PersonId a) const { return k->mendelian_variance()[ix(a)]; }
};

/*  Classic relationships.
      1F × 2M → 3F, 4M (full sibs);  1F × 5M → 6F (half sib of 3, 4);  1F × ? → 16F, 17M
      3F × 7M → 9F, 11M;   8F × 4M → 10M          (9 and 10 first cousins; 4 uncle of 9)
      9F × 13M → 12M;      15F × 10M → 14F        (12 and 14 second cousins)
      double first cousins: brothers 31M, 32M (30F × 29M) marry sisters 34F, 35F (33F × 28M):
      36 = 34 × 31, 37 = 35 × 32.
    Inbred offspring:
      20 = 3 × 4 (full sibs), 21 = 6 × 4 (half sibs), 22 = 9 × 10 (first cousins),
      23 = 9 × 4 (uncle × niece), 24 = 3 × 2 (father × daughter), 25 = 16 × 17 (half sibs,
      fathers unknown)
*/
std::vector<Person> classic() {
  return {{1, 'F'},         {2, 'M'},         {3, 'F', 1, 2},   {4, 'M', 1, 2},   {5, 'M'},
          {6, 'F', 1, 5},   {7, 'M'},         {8, 'F'},         {9, 'F', 3, 7},   {10, 'M', 8, 4},
          {11, 'M', 3, 7},  {13, 'M'},        {12, 'M', 9, 13}, {15, 'F'},        {14, 'F', 15, 10},
          {16, 'F', 1, 0},  {17, 'M', 1, 0},  {28, 'M'},        {29, 'M'},        {30, 'F'},
          {31, 'M', 30, 29}, {32, 'M', 30, 29}, {33, 'F'},      {34, 'F', 33, 28}, {35, 'F', 33, 28},
          {36, 'U', 34, 31}, {37, 'U', 35, 32}, {20, 'U', 3, 4}, {21, 'U', 6, 4},  {22, 'U', 9, 10},
          {23, 'U', 9, 4},  {24, 'U', 3, 2},  {25, 'U', 16, 17}};
}

const Kin& classic_kin() {
  static const Kin k(classic());
  return k;
}

/// Full-sib mating over generations: 101×102 → 103, 104 → 105, 106 → 107, 108 → 109, 110 → 111.
std::vector<Person> sib_mating() {
  return {{101, 'F'},           {102, 'M'},           {103, 'F', 101, 102}, {104, 'M', 101, 102},
          {105, 'F', 103, 104}, {106, 'M', 103, 104}, {107, 'F', 105, 106}, {108, 'M', 105, 106},
          {109, 'F', 107, 108}, {110, 'M', 107, 108}, {111, 'U', 109, 110}};
}

// ---- brute force: the textbook recursion, memoised in a dense matrix (fine for ~60 persons).
struct Brute {
  const PersonTable& P;
  std::vector<int> gen;
  std::vector<double> memo;
  std::size_t n;
  explicit Brute(const PersonTable& p) : P(p), gen(p.size(), -1), memo(p.size() * p.size(), -1.0), n(p.size()) {
    for (Index i = 0; i < n; ++i) depth(i);
  }
  int depth(Index i) {
    if (gen[i] >= 0) return gen[i];
    int g = 0;
    for (Index p : {P.mother[i], P.father[i]})
      if (p != NONE) g = std::max(g, depth(p) + 1);
    return gen[i] = g;
  }
  double F(Index i) {
    return P.mother[i] != NONE && P.father[i] != NONE ? phi(P.mother[i], P.father[i]) : 0.0;
  }
  double phi(Index i, Index j) {
    if (i == NONE || j == NONE) return 0.0;
    if (i == j) return 0.5 * (1.0 + F(i));
    // Recurse on the one that cannot be an ancestor of the other (an ancestor has a lower depth).
    if (gen[i] < gen[j] || (gen[i] == gen[j] && i < j)) std::swap(i, j);
    double& m = memo[static_cast<std::size_t>(i) * n + j];
    if (m >= 0.0) return m;
    const double v = 0.5 * (phi(P.mother[i], j) + phi(P.father[i], j));
    memo[static_cast<std::size_t>(j) * n + i] = v;
    return m = v;
  }
};

/// A random pedigree: `founders` founders, then children of random existing persons, often
/// relatives (siblings, parent × child, cousins...), sometimes with an unknown parent; ids shuffled
/// so that index order is not birth order.
std::vector<Person> random_pedigree(std::uint64_t seed, int n, int founders) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int k) { return static_cast<int>(std::uniform_int_distribution<int>(0, k - 1)(rng)); };
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p; };
  std::vector<PersonId> ids(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) ids[k] = 1000 + 7 * k;
  std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<Person> ps;
  std::vector<int> mom(n, -1), dad(n, -1);
  std::vector<char> sex(n);
  for (int k = 0; k < n; ++k) {
    sex[k] = coin(0.05) ? 'U' : coin(0.5) ? 'F' : 'M';
    if (k >= founders) {
      std::vector<int> women, men;
      for (int q = 0; q < k; ++q) {
        if (sex[q] != 'M') women.push_back(q);
        if (sex[q] != 'F') men.push_back(q);
      }
      int m = -1, f = -1;
      if (!women.empty() && !coin(0.08)) m = women[uni(static_cast<int>(women.size()))];
      if (!men.empty() && !coin(0.08)) {
        f = men[uni(static_cast<int>(men.size()))];
        // Half the time try for a relative of the mother: her parent or child, or someone
        // sharing a parent or grandparent with her.
        if (m >= 0 && coin(0.5)) {
          auto anc = [&](int x) {
            std::vector<int> a;
            for (int p : {mom[x], dad[x]})
              if (p >= 0) {
                a.push_back(p);
                for (int g : {mom[p], dad[p]})
                  if (g >= 0) a.push_back(g);
              }
            return a;
          };
          const auto am = anc(m);
          for (int attempt = 0; attempt < 40; ++attempt) {
            const int q = men[uni(static_cast<int>(men.size()))];
            if (q == m) continue;
            bool r = q == mom[m] || q == dad[m] || mom[q] == m || dad[q] == m;
            for (int x : am)
              for (int y : anc(q)) r = r || x == y;
            if (r) {
              f = q;
              break;
            }
          }
        }
      }
      if (f == m) f = -1;  // a 'U' person cannot be both parents
      mom[k] = m;
      dad[k] = f;
    }
    ps.push_back({ids[k], sex[k], mom[k] >= 0 ? ids[mom[k]] : 0, dad[k] >= 0 ? ids[dad[k]] : 0});
  }
  std::shuffle(ps.begin(), ps.end(), rng);  // file order is arbitrary too
  return ps;
}

}  // namespace

TEST_CASE("kinship: classic relationships", "[kinship]") {
  const auto& k = classic_kin();
  CHECK(k.phi(3, 3) == 0.5);        // self, not inbred
  CHECK(k.phi(1, 2) == 0.0);        // unrelated founders
  CHECK(k.phi(1, 3) == 0.25);       // parent–child
  CHECK(k.phi(3, 1) == 0.25);
  CHECK(k.phi(2, 4) == 0.25);
  CHECK(k.phi(3, 4) == 0.25);       // full sibs
  CHECK(k.phi(3, 6) == 0.125);      // half sibs (different second parent)
  CHECK(k.phi(16, 17) == 0.125);    // half sibs, fathers unknown (distinct founders)
  CHECK(k.phi(16, 3) == 0.125);
  CHECK(k.phi(1, 9) == 0.125);      // grandparent
  CHECK(k.phi(10, 2) == 0.125);
  CHECK(k.phi(4, 9) == 0.125);      // uncle
  CHECK(k.phi(3, 10) == 0.125);     // aunt
  CHECK(k.phi(6, 9) == 0.0625);     // half aunt
  CHECK(k.phi(9, 10) == 0.0625);    // first cousins
  CHECK(k.phi(11, 10) == 0.0625);
  CHECK(k.phi(36, 37) == 0.125);    // double first cousins
  CHECK(k.phi(12, 14) == 1.0 / 64); // second cousins
  CHECK(k.phi(1, 12) == 1.0 / 16);  // great-grandparent
  CHECK(k.phi(9, 5) == 0.0);
  CHECK(k.phi(36, 9) == 0.0);       // different families
}

TEST_CASE("kinship: inbreeding of offspring of relatives", "[kinship]") {
  const auto& k = classic_kin();
  CHECK(k.F(20) == 0.25);     // full sibs
  CHECK(k.F(21) == 0.125);    // half sibs
  CHECK(k.F(25) == 0.125);    // half sibs through a mother, fathers unknown
  CHECK(k.F(22) == 0.0625);   // first cousins
  CHECK(k.F(23) == 0.125);    // uncle × niece
  CHECK(k.F(24) == 0.25);     // father × daughter
  for (PersonId id : {1, 2, 3, 4, 6, 9, 10, 12, 14, 16, 36, 37}) {
    INFO("person " << id);
    CHECK(k.F(id) == 0.0);
  }
  // Self-kinship of an inbred person is ½(1 + F).
  CHECK(k.phi(20, 20) == 0.625);
  CHECK(k.phi(22, 22) == 0.53125);
  // The inbred child of full sibs 3 × 4 with its parents: ½(φ(3,3) + φ(4,3)) = ½(½ + ¼) = 3/8.
  CHECK(k.phi(20, 3) == 0.375);
  // The free function agrees.
  const auto F = inbreeding(*k.g);
  CHECK(std::equal(F.begin(), F.end(), k.k->inbreeding().begin(), k.k->inbreeding().end()));
}

TEST_CASE("kinship: repeated full-sib mating", "[kinship]") {
  // F_t = ¼(1 + 2F_{t−1} + F_{t−2}): 0, 1/4, 3/8, 1/2, 19/32.
  const Kin k(sib_mating());
  CHECK(k.F(103) == 0.0);
  CHECK(k.F(105) == 0.25);
  CHECK(k.F(107) == 0.375);
  CHECK(k.F(109) == 0.5);
  CHECK(k.F(111) == 19.0 / 32);
  CHECK(k.F(108) == k.F(107));
  // φ between the mating pairs equals the F of their offspring.
  CHECK(k.phi(103, 104) == 0.25);
  CHECK(k.phi(105, 106) == 0.375);
  CHECK(k.phi(107, 108) == 0.5);
  CHECK(k.phi(109, 110) == 19.0 / 32);
  // Self-kinship ½(1 + F): 109 has F = 1/2 → 3/4; 107 has F = 3/8 → 11/16.
  CHECK(k.phi(109, 109) == 0.75);
  CHECK(k.phi(107, 107) == 11.0 / 16);
  // Parent–offspring in the inbred line: φ(107,109) = ½(φ(107,107) + φ(107,108)) = ½(11/16 + 1/2).
  CHECK(k.phi(107, 109) == 19.0 / 32);
  // Mendelian sampling variances: founders 1; both parents known ½ − ¼(F_m + F_f).
  CHECK(k.D(101) == 1.0);
  CHECK(k.D(103) == 0.5);
  CHECK(k.D(109) == 0.5 - 0.25 * 0.75);  // parents 107, 108 with F = 3/8 each → 5/16
  CHECK(k.D(111) == 0.25);               // parents with F = 1/2 each
}

TEST_CASE("kinship: Mendelian variance with one known parent", "[kinship]") {
  // 3, 4 = 1 × 2; 5 = 3 × 4 (F = 1/4); 6 = 5 × unknown; 7 = unknown × 2.
  const Kin k({{1, 'F'}, {2, 'M'}, {3, 'F', 1, 2}, {4, 'M', 1, 2}, {5, 'F', 3, 4}, {6, 'U', 5, 0},
               {7, 'U', 0, 2}});
  CHECK(k.F(5) == 0.25);
  CHECK(k.D(6) == 0.75 - 0.25 * 0.25);
  CHECK(k.D(7) == 0.75);
  CHECK(k.F(6) == 0.0);
  CHECK(k.phi(6, 5) == 0.5 * k.phi(5, 5));  // ½(φ(5,5) + 0) = ½ · 5/8
  CHECK(k.phi(6, 5) == 0.3125);
}

TEST_CASE("kinship: bulk API and argument checks", "[kinship]") {
  const auto& k = classic_kin();
  const std::vector<Index> a{k.ix(3), k.ix(9), k.ix(12), k.ix(20), k.ix(1)};
  const std::vector<Index> b{k.ix(4), k.ix(10), k.ix(14), k.ix(20), k.ix(2)};
  const auto v = k.k->kinship(a, b);
  CHECK(v == std::vector<double>{0.25, 0.0625, 1.0 / 64, 0.625, 0.0});
  CHECK_THROWS_AS(k.k->kinship(std::span<const Index>(a), std::span<const Index>(b).first(2)),
                  std::invalid_argument);
  const Index n = static_cast<Index>(k.ds.persons.size());
  CHECK_THROWS_AS(k.k->kinship(n, 0), std::out_of_range);
  const std::vector<Index> bad{n};
  CHECK_THROWS_AS(k.k->kinship(bad, bad), std::out_of_range);
  CHECK_THROWS_AS(k.k->relationship_times(std::vector<double>(n + 1, 0.0)), std::invalid_argument);
  CHECK(k.k->kinship(std::vector<Index>{}, std::vector<Index>{}).empty());
}

TEST_CASE("kinship: relationship_times on the classic pedigree", "[kinship]") {
  const auto& k = classic_kin();
  const std::size_t n = k.ds.persons.size();
  // A·e_j is column j of A = 2Φ.
  for (PersonId id : {3, 20, 12, 36}) {
    std::vector<double> e(n, 0.0);
    e[k.ix(id)] = 1.0;
    const auto y = k.k->relationship_times(e);
    for (Index i = 0; i < n; ++i) {
      INFO("column " << id << ", row " << k.ds.persons.id[i]);
      CHECK(y[i] == 2.0 * k.k->kinship(i, k.ix(id)));
    }
  }
  // Hand value: x = indicator of {3, 4}: (A x)_3 = 2(φ33 + φ34) = 2(½ + ¼) = 3/2.
  std::vector<double> x(n, 0.0);
  x[k.ix(3)] = x[k.ix(4)] = 1.0;
  const auto y = k.k->relationship_times(x);
  CHECK(y[k.ix(3)] == 1.5);
  CHECK(y[k.ix(20)] == 2.0 * (0.375 + 0.375));  // child of both
  CHECK(y[k.ix(5)] == 0.0);
}

TEST_CASE("kinship: agrees with a brute-force recursion on 20 random pedigrees", "[kinship]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    INFO("seed " << seed);
    const auto ps = random_pedigree(seed, 60, 10);
    const Kin k(ps, KinshipOptions{1});
    const auto& P = k.ds.persons;
    const std::size_t n = P.size();
    REQUIRE(n == 60);
    Brute brute(P);
    // The pedigrees really are inbred.
    double maxF = 0.0;
    std::size_t bad = 0;
    for (Index i = 0; i < n; ++i) {
      maxF = std::max(maxF, brute.F(i));
      if (std::abs(k.k->inbreeding()[i] - brute.F(i)) > 1e-12 && ++bad < 5)
        FAIL_CHECK("F of " << P.id[i] << ": " << k.k->inbreeding()[i] << " vs " << brute.F(i));
    }
    CHECK(maxF > 0.0);
    std::vector<Index> a, b;
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < n; ++j) {
        a.push_back(i);
        b.push_back(j);
        const double want = brute.phi(i, j);
        const double got = k.k->kinship(i, j);
        if (std::abs(got - want) > 1e-12 && ++bad < 10)
          FAIL_CHECK("phi(" << P.id[i] << "," << P.id[j] << "): " << got << " vs " << want);
      }
    // The bulk API gives the same values.
    const auto bulk = k.k->kinship(a, b);
    for (std::size_t q = 0; q < a.size(); ++q)
      if (std::abs(bulk[q] - brute.phi(a[q], b[q])) > 1e-12 && ++bad < 10)
        FAIL_CHECK("bulk phi(" << P.id[a[q]] << "," << P.id[b[q]] << ")");
    CHECK(bad == 0);

    // relationship_times(x) == A·x with A = 2Φ from the brute force.
    std::mt19937_64 rng(seed * 7919);
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<double> x(n);
      for (auto& v : x)
        v = rep == 0 ? static_cast<double>(rng() % 2)                       // indicator of a set
                     : rep == 1 ? static_cast<double>(static_cast<int>(rng() % 7) - 3)  // small ints
                                : std::uniform_real_distribution<double>(-1, 1)(rng);
      const auto y = k.k->relationship_times(x);
      REQUIRE(y.size() == n);
      for (Index i = 0; i < n; ++i) {
        double want = 0.0;
        for (Index j = 0; j < n; ++j) want += 2.0 * brute.phi(i, j) * x[j];
        if (std::abs(y[i] - want) > 1e-12 * std::max(1.0, std::abs(want)) && ++bad < 10)
          FAIL_CHECK("(A x)_" << P.id[i] << " rep " << rep << ": " << y[i] << " vs " << want);
      }
    }
    CHECK(bad == 0);
  }
}

TEST_CASE("kinship: results do not depend on the number of threads", "[kinship]") {
  // Large enough that generations span several parallel chunks (grain 256).
  const auto ps = random_pedigree(4242, 3000, 600);
  const Kin k1(ps, KinshipOptions{1});
  const Kin k2(ps, KinshipOptions{2});
  const std::size_t n = k1.ds.persons.size();
  REQUIRE(k2.ds.persons.size() == n);
  const auto F1 = k1.k->inbreeding(), F2 = k2.k->inbreeding();
  CHECK(std::memcmp(F1.data(), F2.data(), n * sizeof(double)) == 0);
  const auto D1 = k1.k->mendelian_variance(), D2 = k2.k->mendelian_variance();
  CHECK(std::memcmp(D1.data(), D2.data(), n * sizeof(double)) == 0);
  std::size_t inbred = 0;
  for (double f : F1) inbred += f > 0.0;
  CHECK(inbred > 0);
  std::mt19937_64 rng(99);
  std::vector<Index> a(3000), b(3000);
  for (std::size_t q = 0; q < a.size(); ++q) {
    a[q] = static_cast<Index>(rng() % n);
    b[q] = static_cast<Index>(rng() % n);
  }
  const auto p1 = k1.k->kinship(a, b), p2 = k2.k->kinship(a, b);
  CHECK(std::memcmp(p1.data(), p2.data(), p1.size() * sizeof(double)) == 0);
  std::vector<double> x(n);
  for (auto& v : x) v = std::uniform_real_distribution<double>(0, 1)(rng);
  const auto y1 = k1.k->relationship_times(x), y2 = k2.k->relationship_times(x);
  CHECK(std::memcmp(y1.data(), y2.data(), n * sizeof(double)) == 0);
  // And the default (all threads) as well.
  const Kin k0(ps);
  CHECK(std::memcmp(F1.data(), k0.k->inbreeding().data(), n * sizeof(double)) == 0);
}
