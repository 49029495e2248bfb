// The maximum-entropy perturbation table and the cell-key lookup (famgraph/cell_key.hpp).
//
// Row i of the p-table is the solution of
//
//     maximise  H(p) = −Σ_v p_v log p_v   over the allowed v (|v| ≤ D, i + v = 0 or i + v > js)
//     subject to Σ p_v = 1,  Σ v p_v = 0,  Σ v² p_v ≤ V,
//                and (monotone) p_v ≤ p_v' for consecutive allowed v < v' ≤ 0,
//
// a strictly concave problem with linear constraints (Giessing 2016; the R package ptable, whose
// default `optim = 1` is this problem with the variance as an upper bound). Without the monotone
// constraints, the Karush–Kuhn–Tucker conditions give p_v ∝ exp(λ₁v + λ₂v²) with λ₂ ≤ 0, and λ₂ = 0
// when the variance bound is slack. The monotone constraints that bind pool consecutive atoms into
// blocks of equal probability; within a pooling pattern the solution has the same exponential form
// in the block means of v and v² (each block weighted by its size). The optimum is the pooled
// solution of largest entropy among the pooling patterns whose solution satisfies the monotone
// constraints: the optimum's own active set is one of these patterns, and each such solution is a
// feasible point. There are at most 2^D patterns per row (D ≤ 10).
//
// For a pattern, λ₁ with λ₂ = 0 is found first (the mean-only maximum); if its variance exceeds V,
// (λ₁, λ₂) solve the dual  min F(λ) = log Σ_B w_B exp(λ₁ m1_B + λ₂ m2_B) − λ₂ V  by Newton's method
// with a backtracking line search (F is convex, its gradient is (E m1, E m2 − V) and its Hessian the
// covariance of (m1, m2)).
#include "famgraph/cell_key.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace famgraph::disclosure {

namespace {

/// Pooled atoms: weight (number of atoms), mean of v, mean of v².
struct Atom {
  double w, m1, m2;
};

struct Solution {
  std::vector<double> q;  ///< probability of each single atom of each block
  double entropy;
  double variance;
};

/// Probabilities of the exponential family q_B ∝ exp(l1 m1 + l2 m2) (per single atom), with the
/// log-normaliser; stable for large multipliers.
struct Family {
  std::vector<double> q;
  double log_z;
};

Family family(const std::vector<Atom>& atoms, double l1, double l2) {
  double mx = -std::numeric_limits<double>::infinity();
  for (const Atom& a : atoms) mx = std::max(mx, l1 * a.m1 + l2 * a.m2);
  std::vector<double> q(atoms.size());
  double z = 0.0;
  for (std::size_t k = 0; k < atoms.size(); ++k) {
    q[k] = std::exp(l1 * atoms[k].m1 + l2 * atoms[k].m2 - mx);
    z += atoms[k].w * q[k];
  }
  for (double& x : q) x /= z;
  return {std::move(q), mx + std::log(z)};
}

struct Moments {
  double e1 = 0, e2 = 0, v11 = 0, v12 = 0, v22 = 0;
};

Moments moments(const std::vector<Atom>& atoms, const std::vector<double>& q) {
  Moments m;
  for (std::size_t k = 0; k < atoms.size(); ++k) {
    const double p = atoms[k].w * q[k];
    m.e1 += p * atoms[k].m1;
    m.e2 += p * atoms[k].m2;
  }
  for (std::size_t k = 0; k < atoms.size(); ++k) {
    const double p = atoms[k].w * q[k];
    const double d1 = atoms[k].m1 - m.e1, d2 = atoms[k].m2 - m.e2;
    m.v11 += p * d1 * d1;
    m.v12 += p * d1 * d2;
    m.v22 += p * d2 * d2;
  }
  return m;
}

/// λ₁ with mean 0 and λ₂ = 0; nullopt when mean 0 is impossible (all m1 on one side of 0, not all 0).
std::optional<double> solve_mean(const std::vector<Atom>& atoms) {
  double lo_m = std::numeric_limits<double>::infinity(), hi_m = -lo_m;
  for (const Atom& a : atoms) {
    lo_m = std::min(lo_m, a.m1);
    hi_m = std::max(hi_m, a.m1);
  }
  if (lo_m == 0.0 && hi_m == 0.0) return 0.0;
  if (!(lo_m < 0.0 && hi_m > 0.0)) return std::nullopt;
  // E[m1](λ) increases from lo_m to hi_m: bracket the root, then safeguarded Newton.
  double lo = -1.0, hi = 1.0;
  auto mean_at = [&](double l) { return moments(atoms, family(atoms, l, 0.0).q).e1; };
  while (mean_at(lo) > 0.0) lo *= 2.0;
  while (mean_at(hi) < 0.0) hi *= 2.0;
  double l = 0.0;
  for (int it = 0; it < 200; ++it) {
    const Moments m = moments(atoms, family(atoms, l, 0.0).q);
    if (m.e1 > 0.0) hi = l;
    else if (m.e1 < 0.0) lo = l;
    else break;
    double next = m.v11 > 0.0 ? l - m.e1 / m.v11 : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::abs(next - l) <= 1e-15 * std::max(1.0, std::abs(l))) {
      l = next;
      break;
    }
    l = next;
  }
  return l;
}

/// The smallest variance of a mean-0 distribution on the atoms, attained on one atom with m1 = 0 or
/// on two atoms on either side of 0; with the per-atom probabilities of the first minimiser.
struct MinVariance {
  double variance = std::numeric_limits<double>::infinity();
  std::vector<double> q;
};

MinVariance min_variance(const std::vector<Atom>& atoms) {
  MinVariance best;
  auto consider = [&](double var, std::size_t x, double px, std::size_t y, double py) {
    if (!(var < best.variance)) return;
    best.variance = var;
    best.q.assign(atoms.size(), 0.0);
    best.q[x] = px / atoms[x].w;
    if (py > 0.0) best.q[y] = py / atoms[y].w;
  };
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    const Atom& x = atoms[i];
    if (x.m1 == 0.0) consider(x.m2, i, 1.0, i, 0.0);
    if (x.m1 >= 0.0) continue;
    for (std::size_t j = 0; j < atoms.size(); ++j) {
      const Atom& y = atoms[j];
      if (y.m1 > 0.0)
        consider((y.m1 * x.m2 - x.m1 * y.m2) / (y.m1 - x.m1), i, y.m1 / (y.m1 - x.m1), j,
                 -x.m1 / (y.m1 - x.m1));
    }
  }
  return best;
}

/// The maximum-entropy distribution on pooled atoms with mean 0 and variance ≤ V; nullopt when
/// infeasible.
std::optional<Solution> solve_pooled(const std::vector<Atom>& atoms, double V) {
  const std::optional<double> l1_mean = solve_mean(atoms);
  if (!l1_mean) return std::nullopt;
  double l1 = *l1_mean, l2 = 0.0;
  Family f = family(atoms, l1, l2);
  Moments m = moments(atoms, f.q);
  if (m.e2 > V) {
    // The variance bound binds. Below the smallest possible variance it cannot be met; at it, the
    // minimiser is the only feasible distribution (some of its probabilities are 0).
    MinVariance mv = min_variance(atoms);
    if (V < mv.variance * (1.0 - 1e-12)) return std::nullopt;
    if (V <= mv.variance * (1.0 + 1e-12)) {
      double h = 0.0;
      for (std::size_t k = 0; k < atoms.size(); ++k)
        if (mv.q[k] > 0.0) h -= atoms[k].w * mv.q[k] * std::log(mv.q[k]);
      return Solution{std::move(mv.q), h, mv.variance};
    }
    auto dual = [&](double a, double b) { return family(atoms, a, b).log_z - b * V; };
    double F = f.log_z - l2 * V;
    for (int it = 0; it < 500; ++it) {
      const double g1 = m.e1, g2 = m.e2 - V;
      if (std::abs(g1) <= 1e-15 && std::abs(g2) <= 1e-14 * std::max(1.0, V)) break;
      const double det = m.v11 * m.v22 - m.v12 * m.v12;
      double d1, d2;
      if (det > 1e-300) {
        d1 = -(m.v22 * g1 - m.v12 * g2) / det;
        d2 = -(-m.v12 * g1 + m.v11 * g2) / det;
      } else {  // degenerate curvature: gradient step
        d1 = -g1;
        d2 = -g2;
      }
      double t = 1.0, Fn = dual(l1 + d1, l2 + d2);
      // Backtracking while the decrease is measurable; near the solution (predicted decrease at the
      // rounding level of F) the full Newton step is taken, where it converges quadratically.
      const double slope = g1 * d1 + g2 * d2;
      if (-slope > 1e-13 * std::max(1.0, std::abs(F))) {
        while (!(Fn <= F + 1e-4 * t * slope) && t > 1e-20) {
          t *= 0.5;
          Fn = dual(l1 + t * d1, l2 + t * d2);
        }
        if (t <= 1e-20) break;  // no further decrease at double precision
      }
      l1 += t * d1;
      l2 += t * d2;
      F = Fn;
      f = family(atoms, l1, l2);
      m = moments(atoms, f.q);
    }
    if (std::abs(m.e1) > 1e-9 || std::abs(m.e2 - V) > 1e-9 * std::max(1.0, V)) return std::nullopt;
  }
  double h = 0.0;
  for (std::size_t k = 0; k < atoms.size(); ++k)
    if (f.q[k] > 0.0) h -= atoms[k].w * f.q[k] * std::log(f.q[k]);
  return Solution{std::move(f.q), h, m.e2};
}

std::string format_double(double x) {
  std::ostringstream s;
  s.precision(6);
  s << x;
  return s.str();
}

/// Row i of the maximum-entropy table: probabilities of v = −D..D.
std::vector<double> maxent_row(std::uint64_t i, const PTableOptions& o) {
  const int D = o.max_deviation;
  std::vector<int> vs;  // allowed v, ascending
  for (int v = -D; v <= D; ++v) {
    const std::int64_t j = static_cast<std::int64_t>(i) + v;
    if (j == 0 || j > o.js) vs.push_back(v);
  }
  // Atoms v ≤ 0 up to v = 0, when 0 is allowed, carry the monotone constraints.
  std::size_t z = 0;
  if (o.monotone && std::find(vs.begin(), vs.end(), 0) != vs.end())
    z = static_cast<std::size_t>(std::find(vs.begin(), vs.end(), 0) - vs.begin()) + 1;
  const std::uint32_t patterns = z > 1 ? (1u << (z - 1)) : 1u;

  std::optional<Solution> best;
  std::vector<std::size_t> best_block_of;
  for (std::uint32_t mask = 0; mask < patterns; ++mask) {
    // Bit g of mask set: atoms g and g + 1 (both among the first z) are pooled.
    std::vector<Atom> atoms;
    std::vector<std::size_t> block_of(vs.size());
    for (std::size_t k = 0; k < vs.size(); ++k) {
      const bool pooled = k > 0 && k < z && (mask >> (k - 1) & 1u);
      if (!pooled) atoms.push_back({0.0, 0.0, 0.0});
      Atom& a = atoms.back();
      a.m1 = (a.m1 * a.w + vs[k]) / (a.w + 1.0);
      a.m2 = (a.m2 * a.w + double(vs[k]) * vs[k]) / (a.w + 1.0);
      a.w += 1.0;
      block_of[k] = atoms.size() - 1;
    }
    std::optional<Solution> s = solve_pooled(atoms, o.variance);
    if (!s) continue;
    bool monotone_ok = true;
    for (std::size_t k = 0; k + 1 < z; ++k) {
      const double x = s->q[block_of[k]], y = s->q[block_of[k + 1]];
      if (x > y * (1.0 + 1e-12)) monotone_ok = false;
    }
    if (!monotone_ok) continue;
    if (!best || s->entropy > best->entropy + 1e-13) {
      best = std::move(s);
      best_block_of = block_of;
    }
  }
  if (!best) {
    std::vector<Atom> singles;
    for (int v : vs) singles.push_back({1.0, double(v), double(v) * v});
    throw std::invalid_argument(
        "variance = " + format_double(o.variance) + " is too small for max_deviation = " + std::to_string(D) +
        " and js = " + std::to_string(o.js) + (o.monotone ? " with monotone = true" : "") +
        ": no noise distribution for the count " + std::to_string(i) +
        " has mean 0 and a variance this small (the smallest possible variance with mean 0 is " +
        format_double(min_variance(singles).variance) + "); choose a larger variance or a smaller js");
  }
  std::vector<double> row(static_cast<std::size_t>(2 * D + 1), 0.0);
  for (std::size_t k = 0; k < vs.size(); ++k)
    row[static_cast<std::size_t>(vs[k] + D)] = best->q[best_block_of[k]];
  return row;
}

}  // namespace

std::span<const double> PTable::row(std::uint64_t count) const noexcept {
  return rows_[std::min<std::uint64_t>(count, i_max())];
}

double PTable::mean(std::uint64_t count) const noexcept {
  const auto r = row(count);
  double m = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) m += r[k] * (static_cast<double>(k) - max_deviation_);
  return m;
}

double PTable::variance(std::uint64_t count) const noexcept {
  const auto r = row(count);
  const double m = mean(count);
  double s = 0.0;
  for (std::size_t k = 0; k < r.size(); ++k) {
    const double d = static_cast<double>(k) - max_deviation_ - m;
    s += r[k] * d * d;
  }
  return s;
}

std::span<const PTable::Interval> PTable::intervals(std::uint64_t count) const noexcept {
  return intervals_[std::min<std::uint64_t>(count, i_max())];
}

std::int32_t PTable::noise(std::uint64_t count, std::uint64_t cell_key) const noexcept {
  const auto iv = intervals(count);
  // The last interval whose lower bound is ≤ the key; the first always starts at 0.
  const auto it = std::upper_bound(iv.begin(), iv.end(), cell_key,
                                   [](std::uint64_t k, const Interval& x) { return k < x.lower; });
  return std::prev(it)->v;
}

void PTable::build_intervals() {
  intervals_.clear();
  for (const auto& r : rows_) {
    // Lower bound of v's interval: floor(2^64 · P(noise < v)), with P summed in ascending v. A v
    // whose bound would reach 2^64 (probability below the grid) gets no interval; a v of
    // probability 0 neither.
    std::vector<Interval> iv;
    double cum = 0.0;
    for (std::size_t k = 0; k < r.size(); ++k) {
      if (r[k] > 0.0) {
        const double lower = std::ldexp(cum, 64);
        if (lower < 0x1p64) {
          const auto lo = static_cast<std::uint64_t>(lower);
          const auto v = static_cast<std::int32_t>(static_cast<int>(k) - max_deviation_);
          if (!iv.empty() && iv.back().lower == lo) iv.back().v = v;  // the earlier v had width 0
          else iv.push_back({lo, v});
        }
      }
      cum += r[k];
    }
    intervals_.push_back(std::move(iv));
  }
}

PTable make_ptable(const PTableOptions& o) {
  if (o.max_deviation < 1 || o.max_deviation > max_max_deviation)
    throw std::invalid_argument("max_deviation must be an integer from 1 to " +
                                std::to_string(max_max_deviation) + " (the largest noise; default " +
                                std::to_string(default_max_deviation) + "), got " +
                                std::to_string(o.max_deviation));
  if (!(o.variance > 0.0) || !std::isfinite(o.variance))
    throw std::invalid_argument("variance must be a positive number (the noise variance; default " +
                                format_double(default_variance) + "), got " + format_double(o.variance));
  if (o.js < 0 || o.js >= o.max_deviation)
    throw std::invalid_argument("js must be an integer from 0 to max_deviation - 1 = " +
                                std::to_string(o.max_deviation - 1) +
                                " (perturbed counts 1..js never occur; default 0), got " +
                                std::to_string(o.js));
  PTable t;
  t.max_deviation_ = o.max_deviation;
  t.options_ = o;
  // Rows up to the first count whose allowed v are all of −D..D: D when js = 0, else D + js + 1.
  const std::uint64_t i_max =
      o.js == 0 ? std::uint64_t(o.max_deviation) : std::uint64_t(o.max_deviation + o.js + 1);
  t.rows_.assign(1, std::vector<double>(static_cast<std::size_t>(2 * o.max_deviation + 1), 0.0));
  t.rows_[0][static_cast<std::size_t>(o.max_deviation)] = 1.0;
  for (std::uint64_t i = 1; i <= i_max; ++i) t.rows_.push_back(maxent_row(i, o));
  t.build_intervals();
  return t;
}

PTable ptable_from_probabilities(int max_deviation, std::vector<std::vector<double>> rows) {
  const int D = max_deviation;
  if (D < 0 || D > 1000)
    throw std::invalid_argument("max_deviation must be an integer from 0 to 1000, got " + std::to_string(D));
  const std::size_t width = static_cast<std::size_t>(2 * D + 1);
  if (rows.empty()) throw std::invalid_argument("a p-table needs at least the row of count 0");
  double largest_variance = 0.0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    const std::string where = "p-table row of count " + std::to_string(i);
    if (r.size() != width)
      throw std::invalid_argument(where + " has " + std::to_string(r.size()) +
                                  " probabilities; expected 2 * " + std::to_string(D) + " + 1 = " +
                                  std::to_string(width) + " (v = -D..D)");
    double sum = 0.0;
    for (std::size_t k = 0; k < width; ++k) {
      if (!std::isfinite(r[k]) || r[k] < 0.0)
        throw std::invalid_argument(where + ": probability of v = " + std::to_string(int(k) - D) + " is " +
                                    format_double(r[k]) + "; expected a number >= 0");
      const std::int64_t target = static_cast<std::int64_t>(i) + (int(k) - D);
      if (r[k] > 0.0 && target < 0)
        throw std::invalid_argument(where + ": v = " + std::to_string(int(k) - D) +
                                    " has a positive probability but would make the count negative");
      sum += r[k];
    }
    if (std::abs(sum - 1.0) > 1e-9)
      throw std::invalid_argument(where + " sums to " + format_double(sum) + "; expected 1");
  }
  if (rows[0][static_cast<std::size_t>(D)] != 1.0)
    throw std::invalid_argument(
        "p-table row of count 0 must be {v = 0: 1}: a zero cell has no records, so its key carries no "
        "randomness, and zeros are not perturbed");
  PTable t;
  t.max_deviation_ = D;
  t.rows_ = std::move(rows);
  for (std::uint64_t i = 0; i <= t.i_max(); ++i) largest_variance = std::max(largest_variance, t.variance(i));
  t.options_ = PTableOptions{D, largest_variance, 0, false};
  t.build_intervals();
  return t;
}

std::vector<std::uint64_t> perturb(const PTable& table, std::span<const std::uint64_t> counts,
                                   std::span<const std::uint64_t> cell_keys) {
  if (counts.size() != cell_keys.size())
    throw std::invalid_argument("perturb: " + std::to_string(counts.size()) + " counts but " +
                                std::to_string(cell_keys.size()) + " cell keys");
  std::vector<std::uint64_t> out(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) out[k] = perturbed(table, counts[k], cell_keys[k]);
  return out;
}

std::vector<std::int32_t> noise(const PTable& table, std::span<const std::uint64_t> counts,
                                std::span<const std::uint64_t> cell_keys) {
  if (counts.size() != cell_keys.size())
    throw std::invalid_argument("noise: " + std::to_string(counts.size()) + " counts but " +
                                std::to_string(cell_keys.size()) + " cell keys");
  std::vector<std::int32_t> out(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) out[k] = table.noise(counts[k], cell_keys[k]);
  return out;
}

KeyedCounts tabulate(std::span<const std::uint32_t> cells, std::span<const std::uint64_t> record_keys,
                     std::size_t n_cells) {
  if (cells.size() != record_keys.size())
    throw std::invalid_argument("tabulate: " + std::to_string(cells.size()) + " cell codes but " +
                                std::to_string(record_keys.size()) + " record keys");
  KeyedCounts out{std::vector<std::uint64_t>(n_cells, 0), std::vector<std::uint64_t>(n_cells, 0)};
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (cells[r] >= n_cells)
      throw std::invalid_argument("tabulate: record " + std::to_string(r) + " is in cell " +
                                  std::to_string(cells[r]) + "; expected a cell below n_cells = " +
                                  std::to_string(n_cells));
    ++out.counts[cells[r]];
    out.key_sums[cells[r]] += record_keys[r];
  }
  return out;
}

void check_person_keys(std::span<const std::uint64_t> person_keys, std::size_t n_persons) {
  if (!person_keys.empty() && person_keys.size() != n_persons)
    throw std::invalid_argument("person_keys: expected one record key per person (" + std::to_string(n_persons) +
                                "), got " + std::to_string(person_keys.size()));
}

}  // namespace famgraph::disclosure
