#pragma once
// Statistical disclosure control (docs/spec/disclosure.md): every count below `min_cell` (default 10) and
// every estimate derived from a suppressed count is suppressed, with secondary suppression so that no
// suppressed count can be recovered from what is published. min_cell = 0 turns it off, which `stamp` says on
// every output. The rules and the reasons for each are in docs/disclosure.md. This header (with
// src/disclosure.cpp) is the only implementation: famgraph.disclosure is a pandas adapter over its
// bindings (famgraph._core.disclosure), and both test suites read tests/fixtures/disclosure_cases.json.
//
// Threat model: the reader knows every published number of the table and that counts are
// non-negative integers. Against that reader every suppressed count of one table has a range of
// possible values at least `min_cell` wide (and so is never determined). Tables that share cells
// or margins (a table and its strata) are not protected jointly: see docs/disclosure.md.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace famgraph::disclosure {

inline constexpr std::uint64_t default_min_cell = 10;

/// The disclosure-control setting of one run. `min_cell = 0` turns disclosure control off.
struct Policy {
  std::uint64_t min_cell = default_min_cell;
  [[nodiscard]] constexpr bool enabled() const noexcept { return min_cell > 0; }
  friend bool operator==(const Policy&, const Policy&) = default;
};

/// The error message for an invalid `min_cell` option (famgraph.disclosure raises it through the
/// bindings).
inline std::string invalid_min_cell_message(std::string_view got) {
  return "min_cell must be an integer >= 0 (0 turns disclosure control off; default " +
         std::to_string(default_min_cell) + "), got " + std::string(got);
}

/// The error message for a `min_cell` that does not fit 64 bits (only Python integers can be that large).
inline std::string min_cell_too_large_message(std::string_view got) {
  return "min_cell must be at most 18446744073709551615 (2^64 - 1), got " + std::string(got);
}

/// A Policy from a signed option value (command line, bindings, configuration files): throws
/// std::invalid_argument naming the option and its allowed values when `min_cell` is negative.
inline Policy make_policy(std::int64_t min_cell) {
  if (min_cell < 0) throw std::invalid_argument(invalid_min_cell_message(std::to_string(min_cell)));
  return Policy{static_cast<std::uint64_t>(min_cell)};
}

/// The line every output carries. With `min_cell = 0` it says that disclosure control is off.
inline std::string stamp(const Policy& policy) {
  const std::string m = std::to_string(policy.min_cell);
  if (!policy.enabled())
    return "disclosure control: OFF (min_cell = 0): small counts are shown; not for publication";
  return "disclosure control: on (min_cell = " + m + "): counts below " + m +
         " and every estimate derived from a suppressed count are suppressed";
}

/// Why a value is not published. `primary`: the count itself is below min_cell. `secondary`:
/// suppressed so that a primary count cannot be recovered. The reason is for checking inside the
/// secure environment only: published output marks both the same way (docs/disclosure.md, "one
/// mark for every suppressed value"), because telling them apart can reveal a suppressed count.
enum class Suppression : std::uint8_t { none = 0, primary = 1, secondary = 2 };

[[nodiscard]] constexpr bool is_suppressed(Suppression s) noexcept { return s != Suppression::none; }

constexpr std::string_view to_string(Suppression s) noexcept {
  switch (s) {
    case Suppression::none: return "none";
    case Suppression::primary: return "primary";
    case Suppression::secondary: return "secondary";
  }
  return "?";
}

/// Whether a count is below the threshold (never, when disclosure control is off).
[[nodiscard]] constexpr bool below_min_cell(std::uint64_t count, const Policy& policy) noexcept {
  return policy.enabled() && count < policy.min_cell;
}

/// The text shown for every suppressed value, count or estimate, primary or secondary: "<10". It
/// marks a value suppressed under the rule min_cell = 10; it is not a bound on that value.
inline std::string marker(const Policy& policy) { return "<" + std::to_string(policy.min_cell); }

/// The text of a missing value (no estimate, no count) in text output.
inline constexpr std::string_view missing_text = "NA";

/// Error messages for invalid counts; `got` is the offending value as the caller shows it (the
/// Python adapter passes its repr). `name` is the count's name ("a", "[3]"), `column` a quoted
/// column name.
std::string invalid_count_message(std::string_view name, std::string_view got);
std::string invalid_count_column_message(std::string_view column, std::string_view got);
/// A count that does not fit the core's 64-bit counts (only Python integers can be that large).
std::string count_too_large_message(std::string_view name, std::string_view got);
/// A margin column that differs from the sum of its cells.
std::string margin_mismatch_message(std::string_view column, std::string_view field, std::string_view given,
                                    std::size_t row, std::string_view sum);

/// a + b, or 2^64 − 1 when that overflows. Comparisons with min_cell stay exact: a sum that does
/// not fit is at least any min_cell.
[[nodiscard]] constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  return b > max - a ? max : a + b;
}

/// Counts from signed values (bindings, files): throws std::invalid_argument with
/// invalid_count_message naming the first negative one ("[i]" for its position).
std::vector<std::uint64_t> checked_counts(std::span<const std::int64_t> values);

// ---- 2×2 tables ----------------------------------------------------------------------------

/// The nine published numbers of a 2×2 table: the four cells, the four margins and the total.
enum class Field2x2 : std::uint8_t {
  a = 0,          ///< exposed & outcome
  b = 1,          ///< exposed & no outcome
  c = 2,          ///< unexposed & outcome
  d = 3,          ///< unexposed & no outcome
  exposed = 4,    ///< a + b
  unexposed = 5,  ///< c + d
  outcome = 6,    ///< a + c
  no_outcome = 7, ///< b + d
  total = 8,      ///< a + b + c + d
};

inline constexpr std::array<Field2x2, 9> fields_2x2 = {
    Field2x2::a,       Field2x2::b,         Field2x2::c,          Field2x2::d,    Field2x2::exposed,
    Field2x2::unexposed, Field2x2::outcome, Field2x2::no_outcome, Field2x2::total};

/// The name of a field in the JSON form of docs/spec/interfaces.md §json and in its "suppressed" list: the
/// cells
/// as their paths in {"exposed": {"outcome": a, "no_outcome": b}, "unexposed": {...}}, the margins
/// under "margins".
constexpr std::string_view json_name(Field2x2 f) noexcept {
  switch (f) {
    case Field2x2::a: return "exposed.outcome";
    case Field2x2::b: return "exposed.no_outcome";
    case Field2x2::c: return "unexposed.outcome";
    case Field2x2::d: return "unexposed.no_outcome";
    case Field2x2::exposed: return "margins.exposed";
    case Field2x2::unexposed: return "margins.unexposed";
    case Field2x2::outcome: return "margins.outcome";
    case Field2x2::no_outcome: return "margins.no_outcome";
    case Field2x2::total: return "margins.total";
  }
  return "?";
}

/// a = exposed & outcome, b = exposed & no outcome, c = unexposed & outcome, d = unexposed & no
/// outcome (docs/spec/common_rules.md §two-by-two-tables). Aggregate: `Table2x2Counts{t.a, t.b, t.c, t.d}`
/// from any 2×2 struct.
struct Table2x2Counts {
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  [[nodiscard]] constexpr std::uint64_t exposed() const noexcept { return a + b; }
  [[nodiscard]] constexpr std::uint64_t unexposed() const noexcept { return c + d; }
  [[nodiscard]] constexpr std::uint64_t outcome() const noexcept { return a + c; }
  [[nodiscard]] constexpr std::uint64_t no_outcome() const noexcept { return b + d; }
  [[nodiscard]] constexpr std::uint64_t total() const noexcept { return a + b + c + d; }
  [[nodiscard]] constexpr std::uint64_t value(Field2x2 f) const noexcept {
    switch (f) {
      case Field2x2::a: return a;
      case Field2x2::b: return b;
      case Field2x2::c: return c;
      case Field2x2::d: return d;
      case Field2x2::exposed: return exposed();
      case Field2x2::unexposed: return unexposed();
      case Field2x2::outcome: return outcome();
      case Field2x2::no_outcome: return no_outcome();
      case Field2x2::total: return total();
    }
    return 0;
  }
  /// value(f) with saturating sums: what the rules compare with min_cell (exact for every table).
  [[nodiscard]] constexpr std::uint64_t saturated(Field2x2 f) const noexcept {
    switch (f) {
      case Field2x2::exposed: return saturating_add(a, b);
      case Field2x2::unexposed: return saturating_add(c, d);
      case Field2x2::outcome: return saturating_add(a, c);
      case Field2x2::no_outcome: return saturating_add(b, d);
      case Field2x2::total: return saturating_add(saturating_add(a, b), saturating_add(c, d));
      default: return value(f);
    }
  }
  friend bool operator==(const Table2x2Counts&, const Table2x2Counts&) = default;
};

/// The short name of a field ("a" … "d", "exposed", …, "total"), as in famgraph.disclosure.FIELDS_2X2.
constexpr std::string_view field_name(Field2x2 f) noexcept {
  switch (f) {
    case Field2x2::a: return "a";
    case Field2x2::b: return "b";
    case Field2x2::c: return "c";
    case Field2x2::d: return "d";
    case Field2x2::exposed: return "exposed";
    case Field2x2::unexposed: return "unexposed";
    case Field2x2::outcome: return "outcome";
    case Field2x2::no_outcome: return "no_outcome";
    case Field2x2::total: return "total";
  }
  return "?";
}

/// A table from signed counts: throws std::invalid_argument with invalid_count_message naming the
/// first negative cell ("a" … "d").
Table2x2Counts checked_table(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

/// The nine published numbers, exactly, in `fields_2x2` order: throws std::overflow_error when a
/// margin exceeds 2^64 − 1 (suppress() itself works for every table).
std::array<std::uint64_t, 9> values_checked(const Table2x2Counts& t);

/// The suppression status of each of the nine numbers of a 2×2 table.
struct Suppressed2x2 {
  Suppression a = Suppression::none, b = Suppression::none, c = Suppression::none,
              d = Suppression::none;
  Suppression exposed = Suppression::none, unexposed = Suppression::none,
              outcome = Suppression::none, no_outcome = Suppression::none;
  Suppression total = Suppression::none;

  [[nodiscard]] constexpr Suppression at(Field2x2 f) const noexcept {
    return const_cast<Suppressed2x2*>(this)->at(f);  // the mutable overload only reads here
  }
  constexpr Suppression& at(Field2x2 f) noexcept {
    switch (f) {
      case Field2x2::a: return a;
      case Field2x2::b: return b;
      case Field2x2::c: return c;
      case Field2x2::d: return d;
      case Field2x2::exposed: return exposed;
      case Field2x2::unexposed: return unexposed;
      case Field2x2::outcome: return outcome;
      case Field2x2::no_outcome: return no_outcome;
      case Field2x2::total: return total;
    }
    return total;
  }
  [[nodiscard]] constexpr bool suppressed(Field2x2 f) const noexcept { return is_suppressed(at(f)); }
  [[nodiscard]] constexpr bool any() const noexcept {
    return std::any_of(fields_2x2.begin(), fields_2x2.end(),
                       [this](Field2x2 f) { return suppressed(f); });
  }
  /// The JSON "suppressed" list (docs/spec/interfaces.md §json): the json_name of every suppressed field, in
  /// the
  /// order of `fields_2x2`. It does not say which are primary.
  [[nodiscard]] std::vector<std::string_view> suppressed_names() const {
    std::vector<std::string_view> out;
    for (Field2x2 f : fields_2x2)
      if (suppressed(f)) out.push_back(json_name(f));
    return out;
  }
  friend bool operator==(const Suppressed2x2&, const Suppressed2x2&) = default;
};

/// Disclosure control of one 2×2 table published with its four margins and its total.
///
/// 1. Primary: each of the nine numbers below min_cell (zeros included).
/// 2. A total below min_cell: everything is suppressed (every number is ≤ the total, so all nine
///    are primary).
/// 3. If any cell is suppressed, all four cells are (the others as secondary): with the margins
///    published the table has one degree of freedom, so one published cell determines all four.
/// 4. If one row margin is suppressed, so is the other (secondary); likewise for the column
///    margins. The total is never suppressed as secondary.
/// Then no published number is below min_cell and every suppressed number can take a range of at
/// least min_cell + 1 values given the published ones (the range of a cell is bounded by the
/// smallest published margin, or by the total when margins are suppressed).
[[nodiscard]] inline Suppressed2x2 suppress(const Table2x2Counts& t, const Policy& policy = {}) {
  Suppressed2x2 s;
  if (!policy.enabled()) return s;
  for (Field2x2 f : fields_2x2)
    if (below_min_cell(t.saturated(f), policy)) s.at(f) = Suppression::primary;
  auto secondary = [](Suppression& x) {
    if (x == Suppression::none) x = Suppression::secondary;
  };
  if (s.total != Suppression::none) {  // all nine are primary already; kept for clarity
    for (Field2x2 f : fields_2x2) secondary(s.at(f));
    return s;
  }
  if (is_suppressed(s.a) || is_suppressed(s.b) || is_suppressed(s.c) || is_suppressed(s.d)) {
    secondary(s.a);
    secondary(s.b);
    secondary(s.c);
    secondary(s.d);
  }
  if (is_suppressed(s.exposed) || is_suppressed(s.unexposed)) {
    secondary(s.exposed);
    secondary(s.unexposed);
  }
  if (is_suppressed(s.outcome) || is_suppressed(s.no_outcome)) {
    secondary(s.outcome);
    secondary(s.no_outcome);
  }
  return s;
}

// ---- one-way frequency tables ----------------------------------------------------------------

/// Whether the table's total (the sum of its counts) is published, here or anywhere else.
enum class Total : std::uint8_t { published, not_published };

/// The status of each count of a one-way table, in input order, and of its total.
struct SuppressedOneWay {
  std::vector<Suppression> counts;
  Suppression total = Suppression::none;
  [[nodiscard]] bool any() const noexcept {
    return is_suppressed(total) ||
           std::any_of(counts.begin(), counts.end(), [](Suppression s) { return is_suppressed(s); });
  }
  friend bool operator==(const SuppressedOneWay&, const SuppressedOneWay&) = default;
};

/// Disclosure control of a one-way frequency table (counts per organisation, per combination, …).
///
/// 1. Primary: every count below min_cell (zeros included).
/// 2. With `Total::published`:
///    - a total below min_cell is suppressed too (and then so is every count, all being smaller);
///    - otherwise, while fewer than two counts are suppressed or the suppressed counts sum to less
///      than min_cell, the smallest published count is suppressed as well (secondary; ties: the
///      first in input order). The sum of the suppressed counts is total − published counts, so it
///      is itself a published number: two suppressed zeros would otherwise be recovered exactly,
///      and a sum below min_cell is a small count in its own right.
/// 3. With `Total::not_published`: primary suppression only; the caller guarantees that no total
///    of these counts is published anywhere.
[[nodiscard]] inline SuppressedOneWay suppress_one_way(std::span<const std::uint64_t> counts,
                                                       const Policy& policy = {},
                                                       Total total = Total::published) {
  SuppressedOneWay s;
  s.counts.assign(counts.size(), Suppression::none);
  if (!policy.enabled()) return s;
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (below_min_cell(counts[i], policy)) s.counts[i] = Suppression::primary;
  if (total == Total::not_published) return s;

  // Saturating: a sum beyond 2^64 − 1 must not wrap to a small, "suppressed" total.
  const std::uint64_t sum = std::accumulate(counts.begin(), counts.end(), std::uint64_t{0}, saturating_add);
  if (below_min_cell(sum, policy)) {
    s.total = Suppression::primary;
    for (auto& x : s.counts)
      if (x == Suppression::none) x = Suppression::secondary;  // unreachable: every count ≤ sum
    return s;
  }
  std::size_t n_suppressed = 0;
  std::uint64_t suppressed_sum = 0;
  for (std::size_t i = 0; i < counts.size(); ++i)
    if (is_suppressed(s.counts[i])) {
      ++n_suppressed;
      suppressed_sum = saturating_add(suppressed_sum, counts[i]);
    }
  if (n_suppressed == 0) return s;
  while (n_suppressed < 2 || suppressed_sum < policy.min_cell) {
    std::size_t pick = counts.size();
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (!is_suppressed(s.counts[i]) && (pick == counts.size() || counts[i] < counts[pick]))
        pick = i;
    if (pick == counts.size()) break;  // unreachable: all suppressed means sum ≥ min_cell
    s.counts[pick] = Suppression::secondary;
    ++n_suppressed;
    suppressed_sum = saturating_add(suppressed_sum, counts[pick]);
  }
  return s;
}

inline SuppressedOneWay suppress_one_way(std::initializer_list<std::uint64_t> counts,
                                         const Policy& policy = {},
                                         Total total = Total::published) {
  return suppress_one_way(std::span<const std::uint64_t>(counts.begin(), counts.size()), policy,
                          total);
}

// ---- estimates ---------------------------------------------------------------------------------

/// An estimate (a risk, RR, OR, RD, a share, λ_R, …) together with its interval, p-value and any
/// flag computed from the counts (e.g. "Haldane–Anscombe correction applied", which says that a
/// cell is 0) must be suppressed iff any count it is computed from is suppressed, for either
/// reason: a published risk a/(a+b) next to a published a+b gives a back.
[[nodiscard]] inline bool estimate_suppressed(std::span<const Suppression> sources) noexcept {
  return std::any_of(sources.begin(), sources.end(), [](Suppression s) { return is_suppressed(s); });
}

[[nodiscard]] inline bool estimate_suppressed(std::initializer_list<Suppression> sources) noexcept {
  return estimate_suppressed(std::span<const Suppression>(sources.begin(), sources.size()));
}

/// The estimates of a 2×2 table (docs/spec/common_rules.md §two-by-two-tables).
enum class Estimate2x2 : std::uint8_t {
  risk_exposed,     ///< a / (a + b): from a, b and the exposed margin
  risk_unexposed,   ///< c / (c + d): from c, d and the unexposed margin
  risk_ratio,       ///< from all four cells and the row margins
  odds_ratio,       ///< from all four cells
  risk_difference,  ///< from all four cells and the row margins
};

inline constexpr std::array<Estimate2x2, 5> estimates_2x2 = {
    Estimate2x2::risk_exposed, Estimate2x2::risk_unexposed, Estimate2x2::risk_ratio, Estimate2x2::odds_ratio,
    Estimate2x2::risk_difference};

constexpr std::string_view to_string(Estimate2x2 e) noexcept {
  switch (e) {
    case Estimate2x2::risk_exposed: return "risk_exposed";
    case Estimate2x2::risk_unexposed: return "risk_unexposed";
    case Estimate2x2::risk_ratio: return "risk_ratio";
    case Estimate2x2::odds_ratio: return "odds_ratio";
    case Estimate2x2::risk_difference: return "risk_difference";
  }
  return "?";
}

namespace detail {
inline constexpr std::array<Field2x2, 3> exposed_risk_sources = {Field2x2::a, Field2x2::b, Field2x2::exposed};
inline constexpr std::array<Field2x2, 3> unexposed_risk_sources = {Field2x2::c, Field2x2::d,
                                                                   Field2x2::unexposed};
inline constexpr std::array<Field2x2, 4> cell_sources = {Field2x2::a, Field2x2::b, Field2x2::c, Field2x2::d};
inline constexpr std::array<Field2x2, 6> cell_row_sources = {
    Field2x2::a, Field2x2::b, Field2x2::c, Field2x2::d, Field2x2::exposed, Field2x2::unexposed};
}  // namespace detail

/// The counts an estimate of a 2×2 table (with its interval) is computed from.
constexpr std::span<const Field2x2> estimate_sources(Estimate2x2 e) noexcept {
  switch (e) {
    case Estimate2x2::risk_exposed: return detail::exposed_risk_sources;
    case Estimate2x2::risk_unexposed: return detail::unexposed_risk_sources;
    case Estimate2x2::odds_ratio: return detail::cell_sources;
    case Estimate2x2::risk_ratio:
    case Estimate2x2::risk_difference: return detail::cell_row_sources;
  }
  return detail::cell_row_sources;
}

/// Whether an estimate of a 2×2 table, with its interval, must be suppressed.
[[nodiscard]] inline bool estimate_suppressed(const Suppressed2x2& s, Estimate2x2 e) noexcept {
  const auto src = estimate_sources(e);
  return std::any_of(src.begin(), src.end(), [&s](Field2x2 f) { return s.suppressed(f); });
}

// ---- columns: one call for a whole table of tables ---------------------------------------------

/// Status columns of n 2×2 tables (row i: the table a[i], b[i], c[i], d[i]): `status[f][i]` is the
/// status of field f (in `fields_2x2` order) of table i, exactly as suppress() gives it.
struct Suppressed2x2Columns {
  std::array<std::vector<Suppression>, 9> status;
};
Suppressed2x2Columns suppress_2x2_columns(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                                          std::span<const std::uint64_t> c, std::span<const std::uint64_t> d,
                                          const Policy& policy = {});

/// The nine value columns of n 2×2 tables (`fields_2x2` order): throws std::overflow_error naming
/// the row when a margin exceeds 2^64 − 1, std::invalid_argument when the columns differ in length.
std::array<std::vector<std::uint64_t>, 9> values_2x2_columns(std::span<const std::uint64_t> a,
                                                             std::span<const std::uint64_t> b,
                                                             std::span<const std::uint64_t> c,
                                                             std::span<const std::uint64_t> d);

/// Row i of the result: whether an estimate computed from the counts sources[0][i], sources[1][i],
/// … is suppressed (iff one of them is). Every source column has n entries.
std::vector<bool> estimate_suppressed_columns(std::span<const std::span<const Suppression>> sources,
                                              std::size_t n);

// ---- text --------------------------------------------------------------------------------------

/// The text of a count held as a double (a suppressed table's count columns are floating point):
/// its integer part ("7" for 7.0, "-3" for −3.7). Throws std::invalid_argument for NaN and
/// std::overflow_error for ±infinity.
std::string format_count(double value);

/// The text form of one count: marker(policy) when hidden, missing_text for NaN, else
/// format_count(value).
std::string format_count_cell(double value, bool hidden, const Policy& policy);

/// format_count_cell over a column.
std::vector<std::string> format_count_column(std::span<const double> values, std::span<const bool> hidden,
                                             const Policy& policy);

}  // namespace famgraph::disclosure
