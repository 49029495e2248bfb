#pragma once
// The 2×2 exposure × outcome table of docs/spec/common_rules.md §two-by-two-tables: risks, risk ratio (Katz),
// odds ratio (Woolf, Haldane–Anscombe on zero cells), risk difference (Newcombe's hybrid score interval).
//
// Every zero-cell rule below is the contract's, not a library default; in particular
// statsmodels' Table2x2(shift_zeros=True) replaces only the zero cells by 0.5 and does so for the
// risk ratio too, whereas the specification adds 0.5 to all four cells and only for the odds ratio.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "famgraph/stats/interval.hpp"
#include "famgraph/stats/proportion.hpp"

namespace famgraph::stats {

/// a = exposed & outcome, b = exposed & no outcome, c = unexposed & outcome,
/// d = unexposed & no outcome.
struct Table2x2 {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  std::uint64_t n_exposed() const noexcept { return a + b; }
  std::uint64_t n_unexposed() const noexcept { return c + d; }
  std::uint64_t total() const noexcept { return a + b + c + d; }
  friend bool operator==(const Table2x2&, const Table2x2&) = default;
};

/// A point estimate with its interval; `ci` is nullopt where the contract gives none
/// (e.g. a risk ratio of exactly 0).
struct Estimate {
  double value = 0.0;
  std::optional<Interval> ci;
};

/// Everything the specification reports for one 2×2 table. A nullopt member is "undefined" (JSON null).
struct TwoByTwoResult {
  Table2x2 table;
  double level = 0.95;  ///< confidence level of every interval below
  double z = z975;      ///< the normal critical value used for Wilson, Katz, Woolf and Newcombe

  /// a/(a+b) and c/(c+d) with Wilson intervals; nullopt for an empty group.
  std::optional<Estimate> risk_exposed;
  std::optional<Estimate> risk_unexposed;

  /// (a/(a+b)) / (c/(c+d)) on the raw cells. nullopt if a group is empty or c = 0; exactly 0
  /// (with no interval) if a = 0 < c; otherwise with the Katz log interval
  /// exp(log RR ± z·sqrt(1/a − 1/(a+b) + 1/c − 1/(c+d))).
  std::optional<Estimate> risk_ratio;

  /// Odds ratio with the Woolf log interval exp(log OR ± z·sqrt(1/a + 1/b + 1/c + 1/d)). When any
  /// cell is 0, both the estimate and the interval use a+½, b+½, c+½, d+½ (Haldane–Anscombe) and
  /// `or_corrected` is true. nullopt (and no correction) when a group is empty.
  std::optional<Estimate> odds_ratio;
  bool or_corrected = false;
  /// The uncorrected a·d/(b·c); nullopt when b·c = 0 (which includes every empty-group table).
  std::optional<double> or_raw;

  /// a/(a+b) − c/(c+d) with Newcombe's hybrid score interval (Newcombe 1998, method 10); nullopt
  /// when a group is empty.
  std::optional<Estimate> risk_difference;
};

/// Newcombe's hybrid score interval (Stat Med 1998;17:873–890, method 10) for p1 − p2 from the
/// two Wilson intervals [l1, u1] of p1 and [l2, u2] of p2:
///   lower = (p1 − p2) − sqrt((p1 − l1)² + (u2 − p2)²)
///   upper = (p1 − p2) + sqrt((u1 − p1)² + (p2 − l2)²).
/// nullopt when n1 = 0 or n2 = 0. Throws std::invalid_argument if k1 > n1 or k2 > n2.
inline std::optional<Estimate> newcombe_difference(std::uint64_t k1, std::uint64_t n1, std::uint64_t k2,
                                                   std::uint64_t n2, double level = 0.95) {
  const auto w1 = wilson(k1, n1, level);
  const auto w2 = wilson(k2, n2, level);
  if (!w1 || !w2) return std::nullopt;
  const double p1 = static_cast<double>(k1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(k2) / static_cast<double>(n2);
  const double diff = p1 - p2;
  const double lower = diff - std::hypot(p1 - w1->lower, w2->upper - p2);
  const double upper = diff + std::hypot(w1->upper - p1, p2 - w2->lower);
  // Mathematically within [−1, 1] already (each square root is at most the sum of its terms);
  // the clamp only absorbs rounding at the extremes, e.g. 10/10 vs 0/20.
  return Estimate{diff, Interval{std::max(lower, -1.0), std::min(upper, 1.0)}};
}

/// Analyses a 2×2 table as docs/spec/common_rules.md §two-by-two-tables prescribes (see TwoByTwoResult for
/// every rule).
/// Throws std::invalid_argument on a level outside (0, 1).
inline TwoByTwoResult analyse(const Table2x2& t, double level = 0.95) {
  TwoByTwoResult r;
  r.table = t;
  r.level = level;
  r.z = z_for_level(level);
  const double z = r.z;
  const std::uint64_t n1 = t.n_exposed(), n2 = t.n_unexposed();
  const double a = static_cast<double>(t.a), b = static_cast<double>(t.b);
  const double c = static_cast<double>(t.c), d = static_cast<double>(t.d);
  const double n1d = static_cast<double>(n1), n2d = static_cast<double>(n2);

  if (n1 > 0) r.risk_exposed = Estimate{a / n1d, wilson(t.a, n1, level)};
  if (n2 > 0) r.risk_unexposed = Estimate{c / n2d, wilson(t.c, n2, level)};
  // An empty group leaves RR, OR and RD undefined: there is nothing to compare, and a ½-cell
  // correction would invent a group out of nothing.
  if (n1 == 0 || n2 == 0) return r;

  // Risk ratio on the raw cells. (a·n2)/(c·n1) rounds once less than a quotient of risks.
  if (t.c > 0) {
    if (t.a == 0) {
      r.risk_ratio = Estimate{0.0, std::nullopt};  // log scale undefined: no Katz interval
    } else {
      const double rr = (a * n2d) / (c * n1d);
      // 1/a − 1/n1 written as (n1 − a)/(a·n1): an exact integer numerator, never negative.
      const double se =
          std::sqrt(static_cast<double>(t.b) / (a * n1d) + static_cast<double>(t.d) / (c * n2d));
      r.risk_ratio = Estimate{rr, Interval{rr * std::exp(-z * se), rr * std::exp(z * se)}};
    }
  }

  // Odds ratio: Haldane–Anscombe ½ added to all four cells when any cell is 0.
  if (t.b > 0 && t.c > 0) r.or_raw = (a * d) / (b * c);
  r.or_corrected = t.a == 0 || t.b == 0 || t.c == 0 || t.d == 0;
  const double h = r.or_corrected ? 0.5 : 0.0;
  const double ah = a + h, bh = b + h, ch = c + h, dh = d + h;
  const double odds_ratio = (ah * dh) / (bh * ch);
  const double se = std::sqrt(1.0 / ah + 1.0 / bh + 1.0 / ch + 1.0 / dh);
  r.odds_ratio =
      Estimate{odds_ratio, Interval{odds_ratio * std::exp(-z * se), odds_ratio * std::exp(z * se)}};

  r.risk_difference = newcombe_difference(t.a, n1, t.c, n2, level);
  return r;
}

}  // namespace famgraph::stats
