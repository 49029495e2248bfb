// Disclosure control of linked tables (famgraph/disclosure_linked.hpp, docs/disclosure.md "Linked
// tables"). Every rule here reproduces the pure-Python rules it replaced exactly (tie-breaks and
// the order of the fixed-point passes included): tests/python/test_disclosure_linked.py keeps them
// as an oracle.
#include "famgraph/disclosure_linked.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <string>

namespace famgraph::disclosure {

namespace {

void mark_secondary(Suppression& x, bool& changed) {
  if (x == Suppression::none) {
    x = Suppression::secondary;
    changed = true;
  }
}

// Cells and margins of a stratum (not its total): what protect_bounded_strata hides.
constexpr std::array<Field2x2, 8> cells_and_margins = {Field2x2::a,       Field2x2::b,         Field2x2::c,
                                                       Field2x2::d,       Field2x2::exposed,   Field2x2::unexposed,
                                                       Field2x2::outcome, Field2x2::no_outcome};

std::string index_text(std::size_t i) { return std::to_string(i); }

// A combination table: one size (number of organisations) per count.
void check_combinations(std::span<const std::uint64_t> counts, std::span<const std::uint32_t> n_organisations) {
  if (counts.size() != n_organisations.size())
    throw std::invalid_argument("combinations: " + index_text(counts.size()) + " counts but " +
                                index_text(n_organisations.size()) + " sizes");
}

}  // namespace

void check_constraints(std::span<const AdditiveConstraint> constraints, std::size_t n) {
  for (std::size_t j = 0; j < constraints.size(); ++j) {
    const auto& c = constraints[j];
    if (c.whole >= n)
      throw std::out_of_range("additive constraint " + index_text(j) + ": whole " + index_text(c.whole) +
                              " is not below the number of counts, " + index_text(n));
    std::vector<std::size_t> seen;
    seen.reserve(c.parts.size() + 1);
    seen.push_back(c.whole);
    for (std::size_t p : c.parts) {
      if (p >= n)
        throw std::out_of_range("additive constraint " + index_text(j) + ": part " + index_text(p) +
                                " is not below the number of counts, " + index_text(n));
      if (std::find(seen.begin(), seen.end(), p) != seen.end())
        throw std::invalid_argument("additive constraint " + index_text(j) + ": index " + index_text(p) +
                                    " is listed twice (parts must be distinct and differ from the whole)");
      seen.push_back(p);
    }
  }
}

bool protect_parts(std::span<const std::uint64_t> values, std::span<Suppression> status,
                   std::span<const AdditiveConstraint> constraints, const Policy& policy) {
  if (!policy.enabled()) return false;
  bool changed = false;
  for (const auto& c : constraints) {
    if (is_suppressed(status[c.whole])) continue;  // an unpublished whole gives no sum away
    std::size_t n_hidden = 0;
    std::uint64_t hidden_sum = 0;
    for (std::size_t p : c.parts)
      if (is_suppressed(status[p])) {
        ++n_hidden;
        hidden_sum = saturating_add(hidden_sum, values[p]);
      }
    if (n_hidden == 0) continue;
    // whole − published parts = the sum of the hidden ones: at least two of them, summing to at
    // least min_cell, or that difference is a small count (or one hidden count itself).
    while (n_hidden < 2 || hidden_sum < policy.min_cell) {
      std::size_t pick = values.size();
      for (std::size_t p : c.parts)
        if (!is_suppressed(status[p]) &&
            (pick == values.size() || values[p] < values[pick] || (values[p] == values[pick] && p < pick)))
          pick = p;
      if (pick == values.size()) break;  // every part hidden: their sum is the whole, ≥ min_cell or hidden
      status[pick] = Suppression::secondary;
      ++n_hidden;
      hidden_sum = saturating_add(hidden_sum, values[pick]);
      changed = true;
    }
  }
  return changed;
}

std::vector<Suppression> suppress_additive(std::span<const std::uint64_t> values,
                                           std::span<const AdditiveConstraint> constraints, const Policy& policy) {
  check_constraints(constraints, values.size());
  std::vector<Suppression> status(values.size(), Suppression::none);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (below_min_cell(values[i], policy)) status[i] = Suppression::primary;
  while (protect_parts(values, status, constraints, policy)) {
  }
  return status;
}

bool close_2x2(Suppressed2x2& s) noexcept {
  bool changed = false;
  auto hide_group = [&](std::initializer_list<Field2x2> group) {
    if (std::any_of(group.begin(), group.end(), [&](Field2x2 f) { return s.suppressed(f); }))
      for (Field2x2 f : group) mark_secondary(s.at(f), changed);
  };
  if (s.suppressed(Field2x2::total)) {
    for (Field2x2 f : fields_2x2) mark_secondary(s.at(f), changed);
    return changed;
  }
  // A hidden margin would follow from two published cells: hide the cells with it.
  if (s.suppressed(Field2x2::exposed) || s.suppressed(Field2x2::unexposed) || s.suppressed(Field2x2::outcome) ||
      s.suppressed(Field2x2::no_outcome))
    for (Field2x2 f : {Field2x2::a, Field2x2::b, Field2x2::c, Field2x2::d}) mark_secondary(s.at(f), changed);
  hide_group({Field2x2::a, Field2x2::b, Field2x2::c, Field2x2::d});
  hide_group({Field2x2::exposed, Field2x2::unexposed});
  hide_group({Field2x2::outcome, Field2x2::no_outcome});
  return changed;
}

bool protect_bounded_strata(std::span<const Table2x2Counts> tables, std::span<Suppressed2x2> status,
                            std::span<const AdditiveConstraint> linked, const Policy& policy) {
  if (!policy.enabled()) return false;
  bool changed = false;
  for (const auto& c : linked) {
    if (status[c.whole].suppressed(Field2x2::a)) continue;
    // Sums of non-negative terms; every difference below is ≥ 0 (lo ≤ a ≤ lo + width for each
    // stratum). Saturation only matters beyond 2^64 − 1, far above any min_cell.
    std::uint64_t total_width = 0, slack = 0;
    std::vector<std::uint64_t> widths;
    for (std::size_t r : c.parts) {
      if (!status[r].suppressed(Field2x2::a)) continue;
      const auto& t = tables[r];
      const std::uint64_t outcome = t.saturated(Field2x2::outcome), unexposed = t.saturated(Field2x2::unexposed);
      const std::uint64_t lo = outcome > unexposed ? outcome - unexposed : 0;
      const std::uint64_t width = std::min(t.saturated(Field2x2::exposed), outcome) - lo;
      widths.push_back(width);
      total_width = saturating_add(total_width, width);
      slack = saturating_add(slack, t.a - lo);
    }
    if (widths.empty()) continue;
    std::uint64_t tight = std::min(slack, total_width - slack);
    for (std::uint64_t w : widths) tight = std::min({tight, w, total_width - w});
    if (tight >= policy.min_cell) continue;
    for (std::size_t r : c.parts)
      for (Field2x2 f : cells_and_margins) mark_secondary(status[r].at(f), changed);
  }
  return changed;
}

std::vector<Suppressed2x2> suppress_linked_2x2(std::span<const Table2x2Counts> tables,
                                               std::span<const AdditiveConstraint> linked, const Policy& policy) {
  check_constraints(linked, tables.size());
  std::vector<Suppressed2x2> status(tables.size());
  for (std::size_t i = 0; i < tables.size(); ++i) status[i] = suppress(tables[i], policy);
  if (!policy.enabled()) return status;
  // One column per number: within a pass the nine numbers do not interact (a constraint on field f
  // reads and writes field f only), so visiting field by field, constraint by constraint, equals
  // visiting constraint by constraint, field by field.
  std::vector<std::uint64_t> values(tables.size());
  std::vector<Suppression> column(tables.size());
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& s : status) changed |= close_2x2(s);
    for (Field2x2 f : fields_2x2) {
      for (std::size_t i = 0; i < tables.size(); ++i) {
        values[i] = tables[i].saturated(f);
        column[i] = status[i].at(f);
      }
      if (protect_parts(values, column, linked, policy)) {
        changed = true;
        for (std::size_t i = 0; i < tables.size(); ++i) status[i].at(f) = column[i];
      }
    }
    changed |= protect_bounded_strata(tables, status, linked, policy);
  }
  return status;
}

NestedStatus suppress_nested(std::span<const std::uint64_t> cumulative, std::uint64_t n, const Policy& policy) {
  NestedStatus out;
  out.hidden.assign(cumulative.size(), false);
  if (!policy.enabled()) return out;
  if (below_min_cell(n, policy)) {  // every count is ≤ n: all small
    out.total_hidden = true;
    out.hidden.assign(cumulative.size(), true);
    return out;
  }
  // Checked where the increments are formed (with the rule off nothing is computed from them).
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    const std::uint64_t previous = i == 0 ? 0 : cumulative[i - 1];
    if (cumulative[i] < previous || cumulative[i] > n)
      throw std::invalid_argument("nested counts must satisfy 0 <= k_1 <= k_2 <= ... <= n = " + std::to_string(n) +
                                  ", got " + std::to_string(cumulative[i]) + " at position " + index_text(i) +
                                  " after " + std::to_string(previous));
  }
  std::vector<std::uint64_t> inc(cumulative.size() + 1);
  std::uint64_t previous = 0;
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    inc[i] = cumulative[i] - previous;
    previous = cumulative[i];
  }
  inc.back() = n - previous;
  const auto s = suppress_one_way(inc, policy, Total::published);
  // The hidden increments between two published counts (or a published count and the end) are
  // given by their difference: none, or at least two that sum to at least min_cell.
  auto ok = [&](std::size_t lo, std::size_t hi) {
    std::size_t count = 0;
    std::uint64_t sum = 0;
    for (std::size_t i = lo; i < hi; ++i)
      if (is_suppressed(s.counts[i])) {
        ++count;
        sum = saturating_add(sum, inc[i]);
      }
    return count == 0 || (count >= 2 && sum >= policy.min_cell);
  };
  std::size_t last = 0;  // increments before `last` are closed off by a published count
  for (std::size_t k = 0; k < cumulative.size(); ++k) {
    const bool publish = ok(last, k + 1) && ok(k + 1, inc.size());
    out.hidden[k] = !publish;
    if (publish) last = k + 1;
  }
  return out;
}

ShareStatus suppress_shares(std::span<const std::uint64_t> k, std::span<const std::uint64_t> n,
                            std::span<const std::vector<std::size_t>> nested,
                            std::span<const AdditiveConstraint> siblings, const Policy& policy) {
  if (k.size() != n.size())
    throw std::invalid_argument("shares: k has " + index_text(k.size()) + " rows but n has " + index_text(n.size()));
  check_constraints(siblings, k.size());
  const std::size_t rows = k.size();
  ShareStatus out;
  out.n_hidden.resize(rows);
  out.k_hidden.resize(rows);
  const bool on = policy.enabled();
  for (std::size_t i = 0; i < rows; ++i) {
    out.n_hidden[i] = below_min_cell(n[i], policy);
    // (k, n − k) is a one-way table with total n; k > n (perturbed input) is never published.
    out.k_hidden[i] = on && (k[i] < policy.min_cell || k[i] > n[i] || n[i] - k[i] < policy.min_cell);
  }
  for (std::size_t g = 0; g < nested.size(); ++g) {
    const auto& group = nested[g];
    if (group.empty()) throw std::invalid_argument("nested group " + index_text(g) + " is empty");
    std::vector<std::uint64_t> cumulative;
    for (std::size_t r : group) {
      if (r >= rows)
        throw std::out_of_range("nested group " + index_text(g) + ": row " + index_text(r) +
                                " is not below the number of rows, " + index_text(rows));
      if (n[r] != n[group.front()])
        throw std::invalid_argument("nested group " + index_text(g) + ": nested rows must share n");
      cumulative.push_back(k[r]);
    }
    const auto s = suppress_nested(cumulative, n[group.front()], policy);
    for (std::size_t j = 0; j < group.size(); ++j) {
      out.k_hidden[group[j]] = s.hidden[j] || s.total_hidden;
      out.n_hidden[group[j]] = s.total_hidden;
    }
  }
  for (std::size_t i = 0; i < rows; ++i) out.k_hidden[i] = out.k_hidden[i] || out.n_hidden[i];
  if (!on) return out;
  for (const auto& c : siblings) {
    // One hidden count among a whole and its parts is the whole minus the others (or their sum).
    // With the whole published, the hidden parts are pinned to a sum (the whole minus the
    // published parts), so, as in protect_parts, they must also be at least two and sum to at
    // least min_cell: each of them can then be anything from 0 to that sum. Smallest published
    // part first (ties: the lowest row), until that holds or no part is left.
    for (;;) {
      std::size_t n_hidden = 0;
      std::uint64_t hidden_sum = 0, published_sum = 0;
      std::size_t pick = rows;
      for (std::size_t p : c.parts) {
        if (out.k_hidden[p]) {
          ++n_hidden;
          hidden_sum = saturating_add(hidden_sum, k[p]);
        } else {
          published_sum = saturating_add(published_sum, k[p]);
          if (pick == rows || k[p] < k[pick] || (k[p] == k[pick] && p < pick)) pick = p;
        }
      }
      // Parts that overlap sum to more than the whole: the reader who assumes a partition pins
      // the hidden parts to the whole minus the published ones, which may be less than their sum.
      const std::uint64_t rest = k[c.whole] > published_sum ? k[c.whole] - published_sum : 0;
      const std::uint64_t pinned_sum = std::min(hidden_sum, rest);
      const bool whole_hidden = out.k_hidden[c.whole];
      const bool pinned = whole_hidden ? n_hidden == 0
                                       : n_hidden == 1 || (n_hidden > 0 && pinned_sum < policy.min_cell);
      if (!pinned || pick == rows) break;
      out.k_hidden[pick] = true;
    }
  }
  return out;
}

CombinationStatus suppress_combinations(std::span<const std::uint64_t> counts,
                                        std::span<const std::uint32_t> n_organisations, const Policy& policy) {
  check_combinations(counts, n_organisations);
  const std::size_t rows = counts.size();
  auto is_multi = [&](std::size_t i) { return n_organisations[i] >= 2; };
  std::uint64_t k1 = 0, k2 = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    k1 = saturating_add(k1, counts[i]);
    if (is_multi(i)) k2 = saturating_add(k2, counts[i]);
  }
  CombinationStatus out;
  out.counts.assign(rows, Suppression::none);
  out.known_1plus_hidden = below_min_cell(k1, policy);
  out.known_2plus_hidden = policy.enabled() && (out.known_1plus_hidden || k2 < policy.min_cell ||
                                                k1 - k2 < policy.min_cell);
  // The groups whose totals are published: all combinations (total known_1plus) when known_2plus
  // is hidden, else the singles (total known_1plus − known_2plus) and the multis (known_2plus).
  std::vector<std::vector<std::size_t>> groups;
  if (out.known_2plus_hidden) {
    groups.emplace_back(rows);
    std::iota(groups.back().begin(), groups.back().end(), std::size_t{0});
  } else {
    groups.resize(2);
    for (std::size_t i = 0; i < rows; ++i) groups[is_multi(i) ? 1 : 0].push_back(i);
  }
  for (const auto& group : groups) {
    std::vector<std::uint64_t> c;
    for (std::size_t i : group) c.push_back(counts[i]);
    const auto s = suppress_one_way(c, policy, Total::published);
    for (std::size_t j = 0; j < group.size(); ++j) out.counts[group[j]] = s.counts[j];
  }
  const bool any = std::any_of(out.counts.begin(), out.counts.end(), is_suppressed);
  if (out.known_2plus_hidden && !out.known_1plus_hidden && any) {
    for (bool multi : {false, true}) {
      std::size_t pick = rows;
      bool hidden = false, present = false;
      for (std::size_t i = 0; i < rows; ++i) {
        if (is_multi(i) != multi) continue;
        present = true;
        hidden = hidden || is_suppressed(out.counts[i]);
        if (pick == rows || counts[i] < counts[pick]) pick = i;  // ties: the first
      }
      if (present && !hidden) out.counts[pick] = Suppression::secondary;
    }
  }
  return out;
}

PooledCombinations pool_combinations(std::span<const std::uint64_t> counts,
                                     std::span<const std::uint32_t> n_organisations, const Policy& policy) {
  check_combinations(counts, n_organisations);
  PooledCombinations out;
  for (bool multi : {false, true}) {
    PooledGroup& g = multi ? out.multi : out.single;
    std::vector<std::size_t> group;  // the non-empty combinations; empty ones are pooled implicitly
    for (std::size_t i = 0; i < counts.size(); ++i)
      if ((n_organisations[i] >= 2) == multi && counts[i] > 0) group.push_back(i);
    std::stable_sort(group.begin(), group.end(),
                     [&](std::size_t x, std::size_t y) { return counts[x] > counts[y]; });
    for (std::size_t i : group) {
      if (below_min_cell(counts[i], policy)) {
        g.pooled.push_back(i);
        g.pooled_count = saturating_add(g.pooled_count, counts[i]);
      } else {
        g.listed.push_back(i);
      }
    }
    // A pooled row below min_cell (or 0) says too much about what it pools: the smallest listed
    // combination (the last in order) joins it until it does not.
    while (below_min_cell(g.pooled_count, policy) && !g.listed.empty()) {
      g.pooled.push_back(g.listed.back());
      g.pooled_count = saturating_add(g.pooled_count, counts[g.listed.back()]);
      g.listed.pop_back();
    }
  }
  return out;
}

PairStatus overlap_pairs_hidden(const CombinationTable& t, const CombinationStatus& status, const Policy& policy) {
  const std::size_t rows = t.counts.size();
  if (t.members.size() != rows || t.n_organisations.size() != rows || status.counts.size() != rows)
    throw std::invalid_argument("overlap pairs: " + index_text(rows) + " counts but " + index_text(t.members.size()) +
                                " member lists, " + index_text(t.n_organisations.size()) + " sizes and " +
                                index_text(status.counts.size()) + " statuses");
  const std::size_t k = t.organisations;
  for (const auto& row : t.members)
    for (std::uint32_t o : row)
      if (o >= k)
        throw std::invalid_argument("overlap pairs: organisation " + index_text(o) +
                                    " is not below the number of organisations, " + index_text(k));
  PairStatus out;
  const std::size_t n_pairs = k < 2 ? 0 : k * (k - 1) / 2;
  out.both_hidden.assign(n_pairs, false);
  out.either_hidden.assign(n_pairs, false);
  if (!policy.enabled()) return out;

  // The groups whose totals are published (as suppress_combinations formed them).
  auto is_multi = [&](std::size_t i) { return t.n_organisations[i] >= 2; };
  std::vector<std::vector<std::size_t>> groups;
  if (status.known_2plus_hidden) {
    groups.emplace_back(rows);
    std::iota(groups.back().begin(), groups.back().end(), std::size_t{0});
  } else {
    groups.resize(2);
    for (std::size_t i = 0; i < rows; ++i) groups[is_multi(i) ? 1 : 0].push_back(i);
  }
  // With pooling: a non-empty pooled multi row, and the organisations not listed on their own.
  bool pooled_multi = false;
  std::vector<bool> single_listed(k, false);
  for (std::size_t i = 0; i < rows; ++i) {
    if (t.members[i].empty() && is_multi(i) && t.counts[i] > 0) pooled_multi = true;
    if (t.members[i].size() == 1) single_listed[t.members[i][0]] = true;
  }
  auto has = [&](std::size_t i, std::uint32_t o) {
    return std::find(t.members[i].begin(), t.members[i].end(), o) != t.members[i].end();
  };
  // Whether the sum over the rows that `in` selects tells nothing new.
  auto safe = [&](auto in, bool touches_unlisted) {
    if (t.pooled && (pooled_multi || touches_unlisted)) return false;
    for (const auto& group : groups) {
      std::size_t hidden = 0, inside = 0;
      for (std::size_t i : group)
        if (is_suppressed(status.counts[i])) {
          ++hidden;
          inside += in(i) ? 1 : 0;
        }
      if (inside > 0 && (inside < hidden || status.known_1plus_hidden)) return false;
    }
    return true;
  };
  std::size_t p = 0;
  for (std::uint32_t x = 0; x < k; ++x)
    for (std::uint32_t y = x + 1; y < k; ++y, ++p) {
      out.both_hidden[p] = !safe([&](std::size_t i) { return has(i, x) && has(i, y); }, false);
      out.either_hidden[p] =
          !safe([&](std::size_t i) { return has(i, x) || has(i, y); }, !single_listed[x] || !single_listed[y]);
    }
  return out;
}

CurveCoarsening coarsen_curve(std::uint64_t n_persons, std::span<const std::uint64_t> events,
                              std::span<const std::uint64_t> at_risk, const Policy& policy) {
  if (events.size() != at_risk.size())
    throw std::invalid_argument("curve: " + index_text(events.size()) + " event counts but " +
                                index_text(at_risk.size()) + " numbers at risk");
  CurveCoarsening out;
  out.drawn = n_persons > 0 && !below_min_cell(n_persons, policy);
  if (!out.drawn) return out;
  std::uint64_t pending = 0;  // events since the last published point
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i] == 0) continue;
    pending = saturating_add(pending, events[i]);
    if (!policy.enabled() || (pending >= policy.min_cell && at_risk[i] >= policy.min_cell)) {
      out.points.push_back(i);
      pending = 0;
    }
  }
  return out;
}

std::vector<bool> at_risk_hidden(std::uint64_t n, std::span<const std::uint64_t> at_risk,
                                 std::optional<bool> group_hidden, const Policy& policy) {
  const bool hide_0 = group_hidden.value_or(below_min_cell(n, policy));
  std::vector<bool> out{hide_0};
  if (at_risk.empty()) return out;
  std::vector<std::uint64_t> left(at_risk.size());
  for (std::size_t i = 0; i < at_risk.size(); ++i) {
    if (at_risk[i] > n)
      throw std::invalid_argument("number at risk " + std::to_string(at_risk[i]) + " at position " + index_text(i) +
                                  " exceeds the group size " + std::to_string(n));
    left[i] = n - at_risk[i];  // persons who left the risk set by then: nested, total n
  }
  const auto s = suppress_nested(left, n, policy);
  for (bool h : s.hidden) out.push_back(h || s.total_hidden || hide_0);
  return out;
}

}  // namespace famgraph::disclosure
