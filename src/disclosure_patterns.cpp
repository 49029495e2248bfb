#include "famgraph/disclosure_patterns.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace famgraph::disclosure {

std::vector<std::size_t> merge_adjacent_levels(std::span<const std::uint64_t> k, std::span<const std::uint64_t> n,
                                               const Policy& policy) {
  if (k.size() != n.size())
    throw std::invalid_argument("merge_adjacent_levels: " + std::to_string(k.size()) + " outcome counts but " +
                                std::to_string(n.size()) + " person counts; expected one of each per level");
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i] > n[i])
      throw std::invalid_argument("merge_adjacent_levels: level " + std::to_string(i) + " has " +
                                  std::to_string(k[i]) + " outcomes among " + std::to_string(n[i]) +
                                  " persons; expected at most as many outcomes as persons");
  // A group: its first level, its outcomes and its persons (sums stay exact: they are at most the
  // persons of the input, which fit).
  struct Group {
    std::size_t first;
    std::uint64_t k, n;
  };
  std::vector<Group> groups;
  groups.reserve(k.size());
  for (std::size_t i = 0; i < k.size(); ++i) groups.push_back({i, k[i], n[i]});
  auto bad = [&](const Group& g) { return count_hidden(g.k, policy) || count_hidden(g.n - g.k, policy); };
  while (groups.size() > 1) {
    std::size_t i = groups.size();
    for (std::size_t j = 0; j < groups.size(); ++j)
      if (bad(groups[j]) && (i == groups.size() || groups[j].n < groups[i].n)) i = j;  // first smallest
    if (i == groups.size()) break;
    std::size_t j = 0;
    if (i == groups.size() - 1)
      j = i - 1;
    else if (i == 0)
      j = 1;
    else
      j = groups[i + 1].n < groups[i - 1].n ? i + 1 : i - 1;  // the earlier neighbour on a tie
    const std::size_t a = std::min(i, j), b = std::max(i, j);
    groups[a].k += groups[b].k;
    groups[a].n += groups[b].n;
    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(b));
  }
  std::vector<std::size_t> out(k.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::size_t end = g + 1 < groups.size() ? groups[g + 1].first : k.size();
    for (std::size_t i = groups[g].first; i < end; ++i) out[i] = groups[g].first;
  }
  return out;
}

QualityRowStatus quality_row_status(const QualityRow& row, const Policy& policy) {
  QualityRowStatus s;
  if (!policy.enabled() || !row.n) return s;
  const std::uint64_t n = *row.n;
  const bool n_small = count_hidden(n, policy);
  if (n_small) {
    s.value = true;
  } else if (row.k) {
    const std::uint64_t k = *row.k;
    switch (row.kind) {
      case QualityKind::linkability: s.value = proportion_hidden(k, n, policy, Zero::small); break;
      case QualityKind::consistency: s.value = difference_hidden(n, k, policy, Zero::safe); break;
      case QualityKind::share: s.value = proportion_hidden(k, n, policy, Zero::safe); break;
    }
  }
  // The table's rows are published by its completeness rows: rows − n (the rows without a value) is
  // a published count of its own.
  const bool complement = !row.completeness && row.table_rows &&
                          difference_hidden(*row.table_rows, n, policy, Zero::safe);
  s.value = s.value || complement;
  s.n = s.value && (n_small || complement);
  return s;
}

namespace {

// Signed arithmetic for the bounds on U: a Bonferroni bound can be negative (then it bounds nothing)
// and a range hi − lo can be negative (then U is over-determined, which is below every min_cell).
using Wide = long double;  // exact for integers below 2^64 on x86-64 (64-bit mantissa)

class MatchRates {
 public:
  MatchRates(const MatchRateCounts& c, const Policy& p)
      : n_(c.n), found_(c.found), names_(c.names), hidden_n_(c.n_hidden), persons_(c.persons), policy_(p),
        k_(c.n.size()) {}

  MatchRateStatus run(bool unlinked_hidden) {
    protect_pairs();
    if (unlinked_hidden && k_ >= 2) {
      while (u_room() < static_cast<Wide>(policy_.min_cell)) {
        if (!all_pairs_) {
          all_pairs_ = true;
        } else {
          std::size_t pick = k_;
          for (std::size_t o = 0; o < k_; ++o)
            if (!hidden_n_[o] &&
                (pick == k_ || n_[o] > n_[pick] || (n_[o] == n_[pick] && names_[o] > names_[pick])))
              pick = o;
          if (pick == k_) break;
          hidden_n_[pick] = true;
        }
        protect_pairs();
      }
    }
    return status();
  }

  MatchRateStatus status() const {
    MatchRateStatus s;
    s.n_hidden = hidden_n_;
    s.all_pairs_hidden = all_pairs_;
    s.found_hidden.assign(k_ * k_, false);
    for (std::size_t a = 0; a < k_; ++a)
      for (std::size_t b = 0; b < k_; ++b)
        if (a != b) s.found_hidden[a * k_ + b] = found_hidden(a, b);
    return s;
  }

 private:
  std::uint64_t found(std::size_t a, std::size_t b) const { return found_[a * k_ + b]; }

  bool found_hidden(std::size_t a, std::size_t b) const {
    const std::uint64_t f = found(a, b);
    return all_pairs_ || hidden_n_[a] || hidden_n_[b] || count_hidden(f, policy_) ||
           difference_hidden(n_[a], f, policy_) || difference_hidden(n_[b], f, policy_);
  }

  /// What the reader knows of |C \ A| at most: not_found of (C, A), else n_C; nothing (infinite)
  /// when n_C is hidden.
  Wide outside(std::size_t c, std::size_t a) const {
    if (hidden_n_[c]) return std::numeric_limits<Wide>::infinity();
    return found_hidden(c, a) ? static_cast<Wide>(n_[c]) : static_cast<Wide>(n_[c]) - static_cast<Wide>(found(c, a));
  }

  void protect_pairs() {
    for (bool more = true; more;) {
      more = false;
      for (std::size_t a = 0; a < k_; ++a)
        for (std::size_t b = a + 1; b < k_; ++b) {
          if (!found_hidden(a, b) || (hidden_n_[a] && hidden_n_[b])) continue;
          Wide room = 0;
          for (std::size_t c = 0; c < k_; ++c)
            if (c != a && c != b && !hidden_n_[c])  // a hidden n_C may be small
              room += std::min(outside(c, a), outside(c, b));
          if (room < static_cast<Wide>(policy_.min_cell)) hidden_n_[a] = hidden_n_[b] = more = true;
        }
    }
  }

  /// The width of the range of U the published numbers leave.
  Wide u_room() const {
    Wide lo = 0, hi = static_cast<Wide>(persons_);
    for (std::size_t b = 0; b < k_; ++b) {
      if (hidden_n_[b]) continue;
      Wide sum = 0;
      std::optional<Wide> exact;  // the largest published |A \ B| (none: 0)
      for (std::size_t a = 0; a < k_; ++a) {
        if (a == b) continue;
        if (!found_hidden(a, b)) {
          const Wide x = static_cast<Wide>(n_[a]) - static_cast<Wide>(found(a, b));
          exact = exact ? std::max(*exact, x) : x;
        }
        sum += outside(a, b);
      }
      lo = std::max(lo, static_cast<Wide>(n_[b]) + exact.value_or(0));
      hi = std::min(hi, static_cast<Wide>(n_[b]) + sum);
    }
    // Bonferroni: |∪ S| ≥ Σ_S n − Σ_{pairs of S} found, for sets S of published n whose pairs are
    // all published (sets of 2 … 12: more organisations than that do not occur).
    std::vector<std::size_t> shown;
    for (std::size_t o = 0; o < k_; ++o)
      if (!hidden_n_[o]) shown.push_back(o);
    std::vector<std::size_t> subset;
    const std::size_t max_size = std::min<std::size_t>(shown.size(), 12);
    auto visit = [&](auto&& self, std::size_t from) -> void {
      if (subset.size() >= 2) {
        Wide bound = 0;
        bool ok = true;
        for (std::size_t i = 0; i < subset.size() && ok; ++i) {
          bound += static_cast<Wide>(n_[subset[i]]);
          for (std::size_t j = i + 1; j < subset.size(); ++j) {
            if (found_hidden(subset[i], subset[j])) {
              ok = false;
              break;
            }
            bound -= static_cast<Wide>(found(subset[i], subset[j]));
          }
        }
        if (ok) lo = std::max(lo, bound);
      }
      if (subset.size() == max_size) return;
      for (std::size_t i = from; i < shown.size(); ++i) {
        subset.push_back(shown[i]);
        self(self, i + 1);
        subset.pop_back();
      }
    };
    visit(visit, 0);
    return hi - lo;
  }

  std::span<const std::uint64_t> n_, found_;
  std::span<const std::string> names_;
  std::vector<bool> hidden_n_;
  std::uint64_t persons_;
  Policy policy_;
  std::size_t k_;
  bool all_pairs_ = false;
};

}  // namespace

MatchRateStatus suppress_match_rates(const MatchRateCounts& counts, const Policy& policy) {
  const std::size_t k = counts.n.size();
  if (counts.found.size() != k * k || counts.names.size() != k || counts.n_hidden.size() != k)
    throw std::invalid_argument("suppress_match_rates: " + std::to_string(k) + " organisations need " +
                                std::to_string(k * k) + " found counts, " + std::to_string(k) + " names and " +
                                std::to_string(k) + " hidden flags; got " + std::to_string(counts.found.size()) +
                                ", " + std::to_string(counts.names.size()) + " and " +
                                std::to_string(counts.n_hidden.size()));
  MatchRates rates(counts, policy);
  if (!policy.enabled()) return rates.status();
  return rates.run(counts.unlinked_hidden);
}

}  // namespace famgraph::disclosure
