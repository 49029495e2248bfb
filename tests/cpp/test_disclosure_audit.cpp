// The LP audit and repair of famgraph/disclosure_audit.hpp: hand-derived cases (ranges worked out
// on paper), validation, and small random problems against a brute-force enumeration of the integer
// solutions (the LP range of the relaxation must contain the integer range). The exact agreement of
// the ranges with an independent LP solver is checked in tests/python/test_disclosure_audit_core.py
// (scipy's HiGHS).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/disclosure_audit.hpp"

namespace fd = famgraph::disclosure;
using Catch::Matchers::Contains;
using fd::AuditGroup;
using fd::AuditOptions;
using fd::AuditProblem;
using fd::AuditRow;
using fd::AuditTerm;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// A problem whose atoms are the cells themselves; builder helpers for readable cases.
struct Builder {
  AuditProblem p;
  explicit Builder(std::vector<double> truth) { p.truth = std::move(truth); }
  /// A published exact count (its own group) of the given atoms; returns the group.
  std::size_t count(std::vector<std::size_t> atoms, bool suppressible = true) {
    std::vector<AuditTerm> terms;
    double v = 0;
    for (auto a : atoms) {
      terms.push_back({a, 1.0});
      v += p.truth[a];
    }
    const std::size_t g = p.groups.size();
    p.groups.push_back(AuditGroup{v, terms, suppressible});
    p.rows.push_back(AuditRow{terms, v, v, g});
    return g;
  }
  void target(std::vector<std::size_t> atoms) {
    std::vector<AuditTerm> terms;
    for (auto a : atoms) terms.push_back({a, 1.0});
    p.targets.push_back(terms);
  }
};

AuditOptions opts(std::uint64_t min_cell = 10, fd::Zero zero = fd::Zero::small) {
  AuditOptions o;
  o.policy.min_cell = min_cell;
  o.zero = zero;
  return o;
}

std::vector<std::size_t> sorted(std::vector<std::size_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

TEST_CASE("audit: a 2x2 table with margins pins a hidden cell; the repair hides all four cells",
          "[disclosure][audit]") {
  // Cells a=3 b=20 / c=15 d=30; margins r1=23 r2=45, c1=18 c2=50, total 68 (margins and total
  // must stay published). a = r1 - b = c1 - c: one value.
  Builder b({3, 20, 15, 30});
  b.count({1});                  // group 0: b
  b.count({2});                  // group 1: c
  b.count({3});                  // group 2: d
  b.count({0, 1}, false);        // group 3: r1
  b.count({2, 3}, false);        // group 4: r2
  b.count({0, 2}, false);        // group 5: c1
  b.count({1, 3}, false);        // group 6: c2
  b.count({0, 1, 2, 3}, false);  // group 7: total
  b.target({0});
  const auto a = fd::audit(b.p, opts());
  REQUIRE(a.targets.size() == 1);
  CHECK(a.targets[0].minimum == Approx(3).margin(1e-9));
  CHECK(a.targets[0].maximum == Approx(3).margin(1e-9));
  CHECK(a.targets[0].disclosed);
  CHECK(a.disclosed == 1);
  CHECK(a.lp_solves == 2);
  // The certificate names published rows, at least one of them a cell a margin subtracts.
  CHECK_FALSE(a.targets[0].certificate_min.empty());
  CHECK_FALSE(a.targets[0].certificate_max.empty());

  // Hiding b (same row) leaves a = c1 - c; hiding c then leaves c = r2 - d: every cell goes, and
  // then a ranges over [max(0, c1 - r2), min(r1, c1)] = [0, 18]; b = r1 - a, c = c1 - a,
  // d = r2 - c the same width.
  const auto r = fd::protect(b.p, opts());
  CHECK(r.protected_all);
  CHECK(r.still_disclosed.empty());
  CHECK(sorted(r.suppressed) == std::vector<std::size_t>{0, 1, 2});
  CHECK(r.group_suppressed == std::vector<bool>{true, true, true, false, false, false, false, false});
  REQUIRE(r.targets.size() == 4);
  for (const auto& t : r.targets) {
    CHECK(t.maximum - t.minimum == Approx(18).margin(1e-7));
    CHECK_FALSE(t.disclosed);
  }
  CHECK(r.targets[0].minimum == Approx(0).margin(1e-9));
  CHECK(r.targets[0].maximum == Approx(18).margin(1e-9));
  CHECK(r.rounds >= 1);
  CHECK(r.rounds <= 3);
  // Same input, same output.
  CHECK(fd::protect(b.p, opts()) == r);
}

TEST_CASE("audit: a one-way table with its total gives the hidden cell by subtraction",
          "[disclosure][audit]") {
  // Parts 3, 12, 15, 20 and the total 50: the hidden 3 = 50 - 12 - 15 - 20.
  Builder b({3, 12, 15, 20});
  b.count({1});                  // group 0: 12
  b.count({2});                  // group 1: 15
  b.count({3});                  // group 2: 20
  b.count({0, 1, 2, 3}, false);  // group 3: the total
  b.target({0});
  const auto a = fd::audit(b.p, opts());
  CHECK(a.targets[0].minimum == Approx(3).margin(1e-9));
  CHECK(a.targets[0].maximum == Approx(3).margin(1e-9));
  CHECK(a.targets[0].disclosed);
  CHECK(a.targets[0].truth == 3);
  // Every published row is needed for the subtraction.
  CHECK(a.targets[0].certificate_min == std::vector<std::size_t>{0, 1, 2, 3});
  CHECK(a.targets[0].certificate_max == std::vector<std::size_t>{0, 1, 2, 3});

  // The repair hides the smallest part of the certificate (12): the two hidden parts sum to 15,
  // each in [0, 15].
  const auto r = fd::protect(b.p, opts());
  CHECK(r.protected_all);
  CHECK(r.suppressed == std::vector<std::size_t>{0});
  CHECK(r.rounds == 1);
  REQUIRE(r.targets.size() == 2);
  CHECK(r.targets[0].minimum == Approx(0).margin(1e-9));
  CHECK(r.targets[0].maximum == Approx(15).margin(1e-9));
  CHECK(r.targets[1].truth == 12);
  CHECK(r.targets[1].minimum == Approx(0).margin(1e-9));
  CHECK(r.targets[1].maximum == Approx(15).margin(1e-9));
  // Solves: 2 for the first audit, 2 + 2 after the repair (the old target and the new one), and a
  // final audit of both (4).
  CHECK(r.lp_solves == 10);
}

TEST_CASE("audit: the repair picks within the certificate, not the smallest group anywhere",
          "[disclosure][audit]") {
  // Table A: parts 3, 12, 15, 20 with the total 50 (fixed), 3 hidden. Table B, unrelated: parts
  // 11 and 30 with the total 41 (fixed), all published. 11 is the smallest suppressible group but
  // cannot widen the range of 3: only 12 (the smallest of A's certificate) may go.
  Builder b({3, 12, 15, 20, 11, 30});
  b.count({1});                  // group 0: 12
  b.count({2});                  // group 1: 15
  b.count({3});                  // group 2: 20
  b.count({0, 1, 2, 3}, false);  // group 3: A's total
  b.count({4});                  // group 4: 11
  b.count({5});                  // group 5: 30
  b.count({4, 5}, false);        // group 6: B's total
  b.target({0});
  const auto r = fd::protect(b.p, opts());
  CHECK(r.protected_all);
  CHECK(r.suppressed == std::vector<std::size_t>{0});
  CHECK(r.group_suppressed == std::vector<bool>{true, false, false, false, false, false, false});
}

TEST_CASE("audit: a share shown to 3 decimals pins its hidden numerator", "[disclosure][audit]") {
  // n = 200 persons (published, not suppressible), k = 7 hidden, the share 7/200 = 0.035 shown as
  // "0.035": 0.0345 <= k/n <= 0.0355, so 6.9 <= k <= 7.1. Atoms: x0 = k, x1 = n - k.
  AuditProblem p;
  p.truth = {7, 193};
  p.groups.push_back(AuditGroup{200, {{0, 1}, {1, 1}}, false});  // group 0: n
  p.groups.push_back(AuditGroup{7, {{0, 1}}, true});             // group 1: the share (k's)
  p.rows.push_back(AuditRow{{{0, 1}, {1, 1}}, 200, 200, 0});
  // k - 0.0345 n >= 0 and k - 0.0355 n <= 0, over atoms: (1 - lo) x0 - lo x1 and (1 - hi) x0 - hi x1.
  p.rows.push_back(AuditRow{{{0, 1 - 0.0345}, {1, -0.0345}}, 0, inf, 1});
  p.rows.push_back(AuditRow{{{0, 1 - 0.0355}, {1, -0.0355}}, -inf, 0, 1});
  p.targets.push_back({{0, 1}});
  const auto a = fd::audit(p, opts());
  CHECK(a.targets[0].minimum == Approx(6.9).margin(1e-7));
  CHECK(a.targets[0].maximum == Approx(7.1).margin(1e-7));
  CHECK(a.targets[0].disclosed);
  CHECK(a.targets[0].certificate_min == std::vector<std::size_t>{0, 1});
  CHECK(a.targets[0].certificate_max == std::vector<std::size_t>{0, 2});
  // Hiding the share (both rows) leaves k in [0, 200].
  const auto r = fd::protect(p, opts());
  CHECK(r.protected_all);
  CHECK(r.suppressed == std::vector<std::size_t>{1});
  CHECK(r.targets[0].minimum == Approx(0).margin(1e-9));
  CHECK(r.targets[0].maximum == Approx(200).margin(1e-7));
}

TEST_CASE("audit: nothing can be protected when only fixed numbers pin a count", "[disclosure][audit]") {
  // The total 25 and the part 20 must both stay published: the hidden 5 = 25 - 20.
  Builder b({5, 20});
  b.count({1}, false);
  b.count({0, 1}, false);
  b.target({0});
  const auto r = fd::protect(b.p, opts());
  CHECK_FALSE(r.protected_all);
  CHECK(r.still_disclosed == std::vector<std::size_t>{0});
  CHECK(r.suppressed.empty());
  CHECK(r.rounds == 0);
  CHECK(r.targets[0].minimum == Approx(5).margin(1e-9));
  CHECK(r.targets[0].maximum == Approx(5).margin(1e-9));
}

TEST_CASE("audit: the zero rule, min_cell = 0, unbounded ranges, the threshold", "[disclosure][audit]") {
  Builder b({0, 20});
  b.count({1}, false);
  b.count({0, 1}, false);
  b.target({0});
  CHECK(fd::audit(b.p, opts(10, fd::Zero::small)).targets[0].disclosed);
  CHECK_FALSE(fd::audit(b.p, opts(10, fd::Zero::safe)).targets[0].disclosed);
  CHECK_FALSE(fd::audit(b.p, opts(0)).targets[0].disclosed);  // disclosure control off
  CHECK(fd::protect(b.p, opts(10, fd::Zero::safe)).protected_all);

  // Nothing published about atom 0: [0, +inf), wide. A negative coefficient: (-inf, ...].
  Builder u({4, 6});
  u.count({1});
  u.target({0});
  const auto a = fd::audit(u.p, opts());
  CHECK(a.targets[0].minimum == 0);
  CHECK(a.targets[0].maximum == inf);
  CHECK_FALSE(a.targets[0].disclosed);
  u.p.targets = {{{0, -1.0}}};
  const auto n = fd::audit(u.p, opts());
  CHECK(n.targets[0].minimum == -inf);
  CHECK(n.targets[0].maximum == Approx(0).margin(1e-9));
  CHECK_FALSE(n.targets[0].disclosed);

  // Width exactly min_cell is safe, min_cell + 1 disclosed: x0 + x1 = 10 with x1 hidden too.
  Builder w({3, 7});
  w.count({0, 1}, false);
  w.target({0});
  CHECK_FALSE(fd::audit(w.p, opts(10)).targets[0].disclosed);  // [0, 10]: width 10
  CHECK(fd::audit(w.p, opts(11)).targets[0].disclosed);
  // Atom upper bounds known to the reader narrow the range: x0 <= 5 gives [0, 5].
  w.p.atom_upper = {5, inf};
  const auto ub = fd::audit(w.p, opts(10));
  CHECK(ub.targets[0].maximum == Approx(5).margin(1e-9));
  CHECK(ub.targets[0].disclosed);
}

TEST_CASE("audit: a secondary suppression is protected itself", "[disclosure][audit]") {
  // Parts 3, 4, 30, 40 with the total 77 (fixed): hiding 3 needs one more part; the smallest in
  // the certificate is 4, but then 3 + 4 = 7 is known (77 - 30 - 40) and both ranges are [0, 7]:
  // the repair must hide 30 too (the smallest left in the certificate of either).
  Builder b({3, 4, 30, 40});
  b.count({1});  // group 0: 4
  b.count({2});  // group 1: 30
  b.count({3});  // group 2: 40
  b.count({0, 1, 2, 3}, false);
  b.target({0});
  const auto r = fd::protect(b.p, opts());
  CHECK(r.protected_all);
  CHECK(r.suppressed == std::vector<std::size_t>{0, 1});
  REQUIRE(r.targets.size() == 3);
  // 3 + 4 + 30 = 37 hidden in three parts: each in [0, 37].
  for (const auto& t : r.targets) {
    CHECK(t.minimum == Approx(0).margin(1e-9));
    CHECK(t.maximum == Approx(37).margin(1e-9));
  }
}

TEST_CASE("audit: invalid problems are named", "[disclosure][audit]") {
  auto base = [] {
    Builder b({3, 7});
    b.count({0, 1}, false);
    b.target({0});
    return b.p;
  };
  auto throws = [](const AuditProblem& p, const std::string& what) {
    CHECK_THROWS_WITH(fd::audit(p, opts()), Contains(what));
    CHECK_THROWS_AS(fd::protect(p, opts()), std::invalid_argument);
  };
  {
    auto p = base();
    p.rows[0].terms.push_back({2, 1.0});
    throws(p, "row 0, term 2: atom 2 out of range (2 atoms)");
  }
  {
    auto p = base();
    p.targets[0][0].atom = 5;
    throws(p, "target 0, term 0: atom 5 out of range");
  }
  {
    auto p = base();
    p.rows[0].lower = 11;
    p.rows[0].upper = 9;
    throws(p, "row 0: lower 11 > upper 9");
  }
  {
    auto p = base();
    p.rows[0].upper = std::nan("");
    throws(p, "row 0: a bound is NaN");
  }
  {
    auto p = base();
    p.rows[0].terms[0].coef = std::nan("");
    throws(p, "coefficient nan is not finite");
  }
  {
    auto p = base();
    p.truth[1] = -1;
    throws(p, "atom 1: truth -1 is not a count >= 0");
  }
  {
    auto p = base();
    p.truth[0] = std::nan("");
    throws(p, "atom 0: truth nan");
  }
  {
    auto p = base();
    p.rows[0].lower = p.rows[0].upper = 11;  // the truth gives 10
    throws(p, "row 0: the true atom counts give 10, outside the published [11, 11]");
  }
  {
    auto p = base();
    p.rows[0].group = 3;
    throws(p, "row 0: group 3 out of range (1 groups)");
  }
  {
    auto p = base();
    p.groups[0].suppressible = true;
    p.groups[0].count.clear();
    throws(p, "group 0: suppressible but without a count expression");
  }
  {
    auto p = base();
    p.groups[0].value = 12;
    throws(p, "group 0: value 12 differs from its count at the true atom counts, 10");
  }
  {
    auto p = base();
    p.atom_upper = {1, 100};
    throws(p, "atom 0: upper bound 1 is NaN or below its truth 3");
  }
  {
    auto p = base();
    p.atom_upper = {1};
    throws(p, "atom_upper has 1 entries, expected 0 or 2");
  }
  {
    auto p = base();
    p.targets.push_back({});
    throws(p, "target 1: no terms");
  }
  {
    auto o = opts();
    o.tolerance = 0;
    CHECK_THROWS_WITH(fd::audit(base(), o), Contains("tolerance must be finite, > 0 and < 0.5, got 0"));
  }
  // Within the tolerance, a row holds (a share's bounds computed in floating point).
  auto p = base();
  p.rows[0].lower = p.rows[0].upper = 10 + 1e-9;
  CHECK_NOTHROW(fd::audit(p, opts()));
}

TEST_CASE("audit: no targets, no rows", "[disclosure][audit]") {
  AuditProblem p;
  p.truth = {1, 2};
  CHECK(fd::audit(p, opts()).targets.empty());
  CHECK(fd::protect(p, opts()).protected_all);
  p.targets = {{{0, 1.0}, {1, 1.0}}};  // no row at all: [0, inf)
  const auto a = fd::audit(p, opts());
  CHECK(a.targets[0].minimum == Approx(0).margin(1e-12));
  CHECK(a.targets[0].maximum == inf);
}

namespace {

/// Integer range of a target by enumeration of every x in the box [0, ub]^n that satisfies the rows.
std::pair<double, double> integer_range(const AuditProblem& p, const std::vector<AuditTerm>& target, int ub) {
  const std::size_t n = p.truth.size();
  std::vector<int> x(n, 0);
  double lo = inf, hi = -inf;
  while (true) {
    bool ok = true;
    for (const auto& r : p.rows) {
      double v = 0;
      for (const auto& t : r.terms) v += t.coef * x[t.atom];
      if (v < r.lower - 1e-9 || v > r.upper + 1e-9) {
        ok = false;
        break;
      }
    }
    if (ok) {
      double v = 0;
      for (const auto& t : target) v += t.coef * x[t.atom];
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    std::size_t i = 0;
    while (i < n && x[i] == ub) x[i++] = 0;
    if (i == n) break;
    ++x[i];
  }
  return {lo, hi};
}

}  // namespace

TEST_CASE("audit: the LP range contains the integer range (random small problems, enumerated)",
          "[disclosure][audit]") {
  std::mt19937_64 rng(20261208);
  constexpr int ub = 7;
  int checked = 0, strictly_wider = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 2 + rng() % 3;  // 2..4 atoms: at most 8^4 points
    AuditProblem p;
    for (std::size_t a = 0; a < n; ++a) p.truth.push_back(static_cast<double>(rng() % (ub + 1)));
    p.atom_upper.assign(n, ub);
    const std::size_t rows = 1 + rng() % 4;
    for (std::size_t i = 0; i < rows; ++i) {
      std::vector<AuditTerm> terms;
      for (std::size_t a = 0; a < n; ++a)
        if (rng() % 2)
          terms.push_back({a, static_cast<double>(1 + rng() % 3) * (rng() % 4 == 0 ? -1.0 : 1.0)});
      if (terms.empty()) terms.push_back({rng() % n, 1.0});
      double v = 0;
      for (const auto& t : terms) v += t.coef * p.truth[t.atom];
      // An exact count, or an interval around the truth (a rounded share, a range).
      const double lo = rng() % 2 ? v : v - static_cast<double>(rng() % 3);
      const double hi = rng() % 2 ? v : v + static_cast<double>(rng() % 3);
      p.groups.push_back(AuditGroup{std::abs(v), {}, false});
      p.rows.push_back(AuditRow{terms, lo, hi, i});
    }
    const std::size_t targets = 1 + rng() % 3;
    for (std::size_t k = 0; k < targets; ++k) {
      std::vector<AuditTerm> t;
      for (std::size_t a = 0; a < n; ++a)
        if (rng() % 2) t.push_back({a, rng() % 3 == 0 ? -1.0 : 1.0});
      if (t.empty()) t.push_back({rng() % n, 1.0});
      p.targets.push_back(t);
    }
    const auto res = fd::audit(p, opts(3));
    REQUIRE(res.targets.size() == targets);
    for (std::size_t k = 0; k < targets; ++k) {
      const auto [lo, hi] = integer_range(p, p.targets[k], ub);
      REQUIRE(lo <= hi);  // the truth is a solution
      const auto& r = res.targets[k];
      CHECK(r.minimum <= lo + 1e-7);
      CHECK(r.maximum >= hi - 1e-7);
      ++checked;
      if (r.minimum < lo - 1e-7 || r.maximum > hi + 1e-7) ++strictly_wider;
    }
  }
  CHECK(checked > 500);
  // The relaxation is genuinely looser on some of them (so the check above can tell).
  CHECK(strictly_wider > 0);
}

TEST_CASE("audit: protect() leaves every target of random problems wide, or says which are stuck",
          "[disclosure][audit]") {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    // A random two-way table r x c with margins and total; some cells hidden.
    const std::size_t R = 2 + rng() % 3, C = 2 + rng() % 3;
    AuditProblem p;
    for (std::size_t i = 0; i < R * C; ++i) p.truth.push_back(static_cast<double>(rng() % 40));
    auto add = [&](std::vector<AuditTerm> terms, bool suppressible) {
      double v = 0;
      for (const auto& t : terms) v += p.truth[t.atom];
      const std::size_t g = p.groups.size();
      p.groups.push_back(AuditGroup{v, terms, suppressible});
      p.rows.push_back(AuditRow{terms, v, v, g});
    };
    for (std::size_t i = 0; i < R * C; ++i) {
      if (p.truth[i] < 10)
        p.targets.push_back({{i, 1.0}});
      else
        add({{i, 1.0}}, true);
    }
    for (std::size_t r = 0; r < R; ++r) {
      std::vector<AuditTerm> t;
      for (std::size_t c = 0; c < C; ++c) t.push_back({r * C + c, 1.0});
      add(t, rng() % 4 != 0);
    }
    for (std::size_t c = 0; c < C; ++c) {
      std::vector<AuditTerm> t;
      for (std::size_t r = 0; r < R; ++r) t.push_back({r * C + c, 1.0});
      add(t, rng() % 4 != 0);
    }
    std::vector<AuditTerm> all;
    for (std::size_t i = 0; i < R * C; ++i) all.push_back({i, 1.0});
    add(all, false);
    if (p.targets.empty()) continue;
    const auto r = fd::protect(p, opts());
    // An independent audit of the published rows that remain, with every hidden count a target.
    AuditProblem q = p;
    q.rows.clear();
    for (const auto& row : p.rows)
      if (!r.group_suppressed[row.group]) q.rows.push_back(row);
    for (const auto g : r.suppressed) q.targets.push_back(p.groups[g].count);
    const auto check = fd::audit(q, opts());
    REQUIRE(check.targets.size() == r.targets.size());
    std::vector<std::size_t> disclosed;
    for (std::size_t t = 0; t < check.targets.size(); ++t) {
      CHECK(check.targets[t].minimum == Approx(r.targets[t].minimum).margin(1e-6));
      CHECK(check.targets[t].maximum == Approx(r.targets[t].maximum).margin(1e-6));
      if (check.targets[t].disclosed) disclosed.push_back(t);
    }
    CHECK(disclosed == r.still_disclosed);
    CHECK(r.protected_all == disclosed.empty());
    CHECK(fd::protect(p, opts()) == r);
  }
}
