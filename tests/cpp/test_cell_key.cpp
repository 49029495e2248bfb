// The cell key method (famgraph/cell_key.hpp, docs/disclosure.md "The cell key method").
//
// Expected probabilities are derived by hand below (closed forms) or are the published example of
// the R package ptable's vignette (create_cnt_ptable(D = 2, V = 1)). The maximum-entropy property
// itself is checked against an independent solver (scipy) in tests/python/test_cell_key.py.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "famgraph/cell_key.hpp"

namespace fd = famgraph::disclosure;
using Catch::Matchers::Contains;

namespace {

double sum(std::span<const double> r) {
  double s = 0;
  for (double x : r) s += x;
  return s;
}

double p_of(const fd::PTable& t, std::uint64_t i, int v) {
  return t.row(i)[static_cast<std::size_t>(v + t.max_deviation())];
}

}  // namespace

TEST_CASE("p-table D = 2, V = 1: the symmetric row has the closed form x = 6^(-1/4)", "[cell_key]") {
  // p ∝ (x⁴, x, 1, x, x⁴) with x = e^λ₂; variance 2(x + 4x⁴)/(1 + 2x + 2x⁴) = 1 ⟺ 6x⁴ = 1.
  const double x = std::pow(6.0, -0.25);
  const double z = 1 + 2 * x + 2 * x * x * x * x;
  const fd::PTable t = fd::make_ptable({2, 1.0, 0, true});
  REQUIRE(t.i_max() == 2);
  CHECK(p_of(t, 2, 0) == Approx(1 / z).epsilon(1e-13));
  CHECK(p_of(t, 2, 1) == Approx(x / z).epsilon(1e-13));
  CHECK(p_of(t, 2, -1) == Approx(x / z).epsilon(1e-13));
  CHECK(p_of(t, 2, 2) == Approx(1.0 / 6 / z).epsilon(1e-13));
  CHECK(p_of(t, 2, -2) == Approx(1.0 / 6 / z).epsilon(1e-13));
  // The ptable vignette prints these rows for create_cnt_ptable(D = 2, V = 1):
  // i = 1: 0.3665 0.3665 0.1676 0.0995 (variance 0.932, the monotone constraint binding);
  // i = 2: 0.0638 … 0.383 (p_stay).
  CHECK(p_of(t, 1, -1) == Approx(0.3665).margin(5e-5));
  CHECK(p_of(t, 1, 0) == Approx(0.3665).margin(5e-5));
  CHECK(p_of(t, 1, 1) == Approx(0.1676).margin(5e-5));
  CHECK(p_of(t, 1, 2) == Approx(0.0995).margin(5e-5));
  CHECK(p_of(t, 1, -2) == 0.0);
  CHECK(t.variance(1) == Approx(0.932).margin(5e-4));
  CHECK(p_of(t, 2, -2) == Approx(0.0638).margin(5e-5));
  CHECK(p_of(t, 2, 0) == Approx(0.383).margin(5e-4));
  // Pooled: p(−1) = p(0) exactly (up to rounding), and the row is the mean-only maximum, whose
  // multiplier solves −e^(−λ/2) + e^λ + 2e^(2λ) = 0 (pooled atom at v = −½ with weight 2).
  CHECK(p_of(t, 1, -1) == Approx(p_of(t, 1, 0)).epsilon(1e-12));
  const double lambda = std::log(p_of(t, 1, 1) / p_of(t, 1, -1)) * 2.0 / 3.0;  // q₁/q_B = e^(1.5λ)
  CHECK(-std::exp(-lambda / 2) + std::exp(lambda) + 2 * std::exp(2 * lambda) == Approx(0).margin(1e-12));
  CHECK(p_of(t, 1, 2) / p_of(t, 1, 1) == Approx(std::exp(lambda)).epsilon(1e-12));
  // Row 0 and rows beyond i_max.
  CHECK(p_of(t, 0, 0) == 1.0);
  CHECK(p_of(t, 1000000, 1) == p_of(t, 2, 1));
}

TEST_CASE("p-table without the monotone constraint: the plain exponential-quadratic row", "[cell_key]") {
  const fd::PTable t = fd::make_ptable({2, 1.0, 0, false});
  // Row 1 (v = −1..2) then has variance 1 and p(−1) > p(0).
  CHECK(t.mean(1) == Approx(0).margin(1e-13));
  CHECK(t.variance(1) == Approx(1.0).epsilon(1e-12));
  CHECK(p_of(t, 1, -1) > p_of(t, 1, 0));
  // log p is quadratic in v: its second difference is constant.
  const double l[] = {std::log(p_of(t, 1, -1)), std::log(p_of(t, 1, 0)), std::log(p_of(t, 1, 1)),
                      std::log(p_of(t, 1, 2))};
  CHECK(l[2] - 2 * l[1] + l[0] == Approx(l[3] - 2 * l[2] + l[1]).margin(1e-12));
}

TEST_CASE("p-table D = 1: closed forms", "[cell_key]") {
  // Atoms −1, 0, 1 with mean 0: p(±1) = V/2 when V < 2/3; otherwise the uniform row (the variance
  // bound is slack: the entropy maximum with mean 0 has variance 2/3).
  const fd::PTable t = fd::make_ptable({1, 0.5, 0, true});
  REQUIRE(t.i_max() == 1);
  CHECK(p_of(t, 1, -1) == Approx(0.25).epsilon(1e-13));
  CHECK(p_of(t, 1, 0) == Approx(0.5).epsilon(1e-13));
  CHECK(p_of(t, 1, 1) == Approx(0.25).epsilon(1e-13));
  const fd::PTable u = fd::make_ptable({1, 1.0, 0, true});
  for (int v = -1; v <= 1; ++v) CHECK(p_of(u, 1, v) == Approx(1.0 / 3).epsilon(1e-13));
  CHECK(u.variance(1) == Approx(2.0 / 3).epsilon(1e-13));
}

TEST_CASE("p-table js = 1: the ptable vignette's row for count 1", "[cell_key]") {
  // create_cnt_ptable(D = 2, V = 1.08, js = 1): count 1 goes to 0, 2 or 3 (1 is blocked). Three
  // atoms and three constraints: a + b + c = 1, −a + b + 2c = 0, a + b + 4c = 1.08 give
  // c = 0.08/3, b = 0.46, a = 0.51333… (the vignette: 0.5133, 0.46, 0.0267).
  const fd::PTable t = fd::make_ptable({2, 1.08, 1, true});
  REQUIRE(t.i_max() == 4);  // D + js + 1
  CHECK(p_of(t, 1, -1) == Approx(1.54 / 3).epsilon(1e-12));
  CHECK(p_of(t, 1, 0) == 0.0);
  CHECK(p_of(t, 1, 1) == Approx(0.46).epsilon(1e-12));
  CHECK(p_of(t, 1, 2) == Approx(0.08 / 3).epsilon(1e-12));
  // No count becomes 1; count 2 can become 0.
  for (int i = 0; i <= 3; ++i) CHECK(p_of(t, static_cast<std::uint64_t>(i), 1 - i) == 0.0);
  CHECK(p_of(t, 2, -2) > 0.0);
  CHECK(p_of(t, 2, -1) == 0.0);
}

TEST_CASE("p-table properties over a grid of parameters", "[cell_key]") {
  for (int D = 1; D <= 6; ++D)
    for (double V : {0.3, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0})
      for (int js = 0; js < D; ++js)
        for (bool mono : {true, false}) {
          fd::PTable t;
          try {
            t = fd::make_ptable({D, V, js, mono});
          } catch (const std::invalid_argument& e) {
            // Only a variance too small for the blocked counts may fail.
            CHECK(js > 0);
            CHECK_THAT(e.what(), Contains("too small"));
            continue;
          }
          INFO("D = " << D << ", V = " << V << ", js = " << js << ", monotone = " << mono);
          CHECK(t.i_max() == (js == 0 ? std::uint64_t(D) : std::uint64_t(D + js + 1)));
          for (std::uint64_t i = 0; i <= t.i_max() + 2; ++i) {
            INFO("count " << i);
            const auto r = t.row(i);
            CHECK(sum(r) == Approx(1.0).epsilon(1e-12));
            CHECK(t.mean(i) == Approx(0.0).margin(1e-10));
            CHECK(t.variance(i) <= V * (1 + 1e-10));
            for (int v = -D; v <= D; ++v) {
              const double p = p_of(t, i, v);
              const std::int64_t j = static_cast<std::int64_t>(i) + v;
              CHECK(p >= 0.0);
              if (j < 0 || (j >= 1 && j <= js)) CHECK(p == 0.0);
            }
            if (mono && i >= 1 && (i > static_cast<std::uint64_t>(js)))
              for (int v = -D; v < 0; ++v)
                if (p_of(t, i, v) > 0.0 && p_of(t, i, v + 1) > 0.0)
                  CHECK(p_of(t, i, v) <= p_of(t, i, v + 1) * (1 + 1e-12));
          }
          // The symmetric row reaches V whenever V is below the uniform row's variance D(D+1)/3.
          if (V < D * (D + 1) / 3.0) CHECK(t.variance(t.i_max()) == Approx(V).epsilon(1e-10));
          else CHECK(t.variance(t.i_max()) == Approx(D * (D + 1) / 3.0).epsilon(1e-10));
          CHECK(p_of(t, 0, 0) == 1.0);
        }
}

TEST_CASE("p-table options are checked, naming the option", "[cell_key]") {
  CHECK_THROWS_WITH(fd::make_ptable({0, 1.0, 0, true}),
                    Contains("max_deviation must be an integer from 1 to 10"));
  CHECK_THROWS_WITH(fd::make_ptable({11, 1.0, 0, true}), Contains("got 11"));
  CHECK_THROWS_WITH(fd::make_ptable({2, 0.0, 0, true}), Contains("variance must be a positive number"));
  CHECK_THROWS_WITH(fd::make_ptable({2, std::nan(""), 0, true}),
                    Contains("variance must be a positive number"));
  CHECK_THROWS_WITH(fd::make_ptable({2, 1.0, 2, true}),
                    Contains("js must be an integer from 0 to max_deviation - 1"));
  CHECK_THROWS_WITH(fd::make_ptable({2, 1.0, -1, true}), Contains("got -1"));
  // js = 1: count 1 must move to 0 or ≥ 2 with mean 0: its variance is at least 1.
  CHECK_THROWS_WITH(fd::make_ptable({2, 0.9, 1, true}), Contains("variance = 0.9 is too small"));
}

TEST_CASE("cell-key lookup: intervals in ascending v, exact on the 2^64 grid", "[cell_key]") {
  const fd::PTable t = fd::make_ptable({2, 1.0, 0, true});
  const auto iv = t.intervals(5);
  REQUIRE(iv.size() == 5);
  CHECK(iv[0].lower == 0);
  double cum = 0.0;
  for (std::size_t k = 0; k < iv.size(); ++k) {
    CHECK(iv[k].v == static_cast<int>(k) - 2);
    CHECK(iv[k].lower == static_cast<std::uint64_t>(std::ldexp(cum, 64)));
    cum += p_of(t, 5, iv[k].v);
    // At the bound: this v; one below: the previous v.
    CHECK(t.noise(5, iv[k].lower) == iv[k].v);
    if (k > 0) CHECK(t.noise(5, iv[k].lower - 1) == iv[k - 1].v);
  }
  CHECK(t.noise(5, 0) == -2);
  CHECK(t.noise(5, std::numeric_limits<std::uint64_t>::max()) == 2);
  // Count 1 has no v = −2; count 0 is never perturbed.
  CHECK(t.intervals(1).size() == 4);
  CHECK(t.noise(1, 0) == -1);
  for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{1} << 63, ~std::uint64_t{0}})
    CHECK(t.noise(0, k) == 0);
}

TEST_CASE("cell-key lookup: frequencies over evenly spread keys equal the probabilities", "[cell_key]") {
  const fd::PTable t = fd::make_ptable({3, 2.0, 1, true});
  const std::uint64_t n = 200000;
  const std::uint64_t step = ~std::uint64_t{0} / n;
  for (std::uint64_t i : {1, 2, 3, 4, 5, 6, 100}) {
    std::map<int, std::uint64_t> freq;
    std::vector<std::uint64_t> counts(n, i), keys(n);
    for (std::uint64_t k = 0; k < n; ++k) keys[k] = k * step + step / 2;
    const auto out = fd::perturb(t, counts, keys);
    const auto nz = fd::noise(t, counts, keys);
    for (std::uint64_t k = 0; k < n; ++k) {
      ++freq[nz[k]];
      CHECK(out[k] == i + nz[k]);
      REQUIRE(static_cast<std::int64_t>(out[k]) >= 0);
    }
    for (int v = -3; v <= 3; ++v) CHECK(double(freq[v]) / n == Approx(p_of(t, i, v)).margin(1.5 / n));
  }
}

TEST_CASE("key sums wrap modulo 2^64; tabulate counts and sums per cell", "[cell_key]") {
  const std::vector<std::uint64_t> keys{std::uint64_t{1} << 63, std::uint64_t{1} << 63, 5, ~std::uint64_t{0}};
  CHECK(fd::key_sum(keys) == 4);  // 2^63 + 2^63 ≡ 0; 5 + (2^64 − 1) ≡ 4
  CHECK(fd::key_fraction(std::uint64_t{1} << 63) == 0.5);
  const std::vector<std::uint32_t> cells{0, 2, 0, 2};
  const auto kc = fd::tabulate(cells, keys, 3);
  CHECK(kc.counts == std::vector<std::uint64_t>{2, 0, 2});
  const std::uint64_t half = std::uint64_t{1} << 63;
  CHECK(kc.key_sums == std::vector<std::uint64_t>{half + 5, 0, half - 1});
  CHECK_THROWS_WITH(fd::tabulate(cells, keys, 2), Contains("in cell 2; expected a cell below n_cells = 2"));
  CHECK_THROWS_WITH(fd::tabulate(std::vector<std::uint32_t>{0}, keys, 3),
                    Contains("1 cell codes but 4 record keys"));
  CHECK_THROWS_WITH(fd::perturb(fd::make_ptable(), std::vector<std::uint64_t>{1, 2}, keys),
                    Contains("2 counts but 4"));
  // The 2×2 key sums: margins are sums of cells.
  fd::KeySums2x2 k2;
  k2.add(true, true, 1);
  k2.add(true, false, 2);
  k2.add(false, true, 4);
  k2.add(false, false, 8);
  k2.add(false, false, ~std::uint64_t{0});
  CHECK(k2.value(fd::Field2x2::d) == 7);
  CHECK(k2.value(fd::Field2x2::exposed) == 3);
  CHECK(k2.value(fd::Field2x2::no_outcome) == 9);
  CHECK(k2.value(fd::Field2x2::total) == 14);
}

TEST_CASE("p-table from given probabilities", "[cell_key]") {
  const fd::PTable t = fd::make_ptable({2, 1.0, 0, true});
  std::vector<std::vector<double>> rows;
  for (std::uint64_t i = 0; i <= t.i_max(); ++i) rows.emplace_back(t.row(i).begin(), t.row(i).end());
  const fd::PTable u = fd::ptable_from_probabilities(2, rows);
  CHECK(u == t);
  for (std::uint64_t i = 0; i <= 4; ++i)
    for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{12345} << 40, ~std::uint64_t{0} - 7})
      CHECK(u.noise(i, k) == t.noise(i, k));
  CHECK_THROWS_WITH(fd::ptable_from_probabilities(2, {{0, 0, 0.5, 0.5, 0}}),
                    Contains("row of count 0 must be"));
  CHECK_THROWS_WITH(fd::ptable_from_probabilities(1, {{0, 1, 0}, {0.5, 0.4, 0}}), Contains("sums to 0.9"));
  CHECK_THROWS_WITH(fd::ptable_from_probabilities(2, {{0, 0, 1, 0, 0}, {0.1, 0.2, 0.4, 0.2, 0.1}}),
                    Contains("would make the count negative"));
  CHECK_THROWS_WITH(fd::ptable_from_probabilities(1, {{0, 1}}), Contains("expected 2 * 1 + 1 = 3"));
  CHECK_THROWS_WITH(fd::ptable_from_probabilities(1, {{0, 1, 0}, {0.5, -0.1, 0.6}}),
                    Contains("expected a number >= 0"));
  // A v with zero probability gets no interval; the last row serves every larger count.
  const fd::PTable w = fd::ptable_from_probabilities(1, {{0, 1, 0}, {0.5, 0.0, 0.5}});
  CHECK(w.intervals(1).size() == 2);
  CHECK(w.noise(7, (std::uint64_t{1} << 63) - 1) == -1);
  CHECK(w.noise(7, std::uint64_t{1} << 63) == 1);
}
