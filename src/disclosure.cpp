// Disclosure control (famgraph/disclosure.hpp): the messages, the column forms of the rules and the
// text of counts. The rules themselves are in the header; this file applies them to columns.
#include "famgraph/disclosure.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace famgraph::disclosure {

std::string invalid_count_message(std::string_view name, std::string_view got) {
  return "count " + std::string(name) + " must be a non-negative integer, got " + std::string(got);
}

std::string invalid_count_column_message(std::string_view column, std::string_view got) {
  return "column " + std::string(column) + " must hold non-negative integer counts, got " + std::string(got);
}

std::string count_too_large_message(std::string_view name, std::string_view got) {
  return "count " + std::string(name) + " must be at most 18446744073709551615 (2^64 - 1), got " +
         std::string(got);
}

std::string margin_mismatch_message(std::string_view column, std::string_view field, std::string_view given,
                                    std::size_t row, std::string_view sum) {
  return "column " + std::string(column) + " (the " + std::string(field) + " margin) is " +
         std::string(given) + " in row " + std::to_string(row) + ", but its cells sum to " + std::string(sum);
}

std::vector<std::uint64_t> checked_counts(std::span<const std::int64_t> values) {
  std::vector<std::uint64_t> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0)
      throw std::invalid_argument(
          invalid_count_message("[" + std::to_string(i) + "]", std::to_string(values[i])));
    out[i] = static_cast<std::uint64_t>(values[i]);
  }
  return out;
}

Table2x2Counts checked_table(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  const std::array<std::int64_t, 4> v = {a, b, c, d};
  for (std::size_t i = 0; i < 4; ++i)
    if (v[i] < 0)
      throw std::invalid_argument(invalid_count_message(field_name(fields_2x2[i]), std::to_string(v[i])));
  return {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(c),
          static_cast<std::uint64_t>(d)};
}

namespace {

bool overflows(const Table2x2Counts& t) {
  // Every margin is at most the total, so the table fits iff its total does (unsigned sums wrap).
  const std::uint64_t ab = t.a + t.b, cd = t.c + t.d;
  return ab < t.a || cd < t.c || ab + cd < ab;
}

std::string overflow_message(const Table2x2Counts& t, std::string_view where) {
  return "the counts " + std::to_string(t.a) + ", " + std::to_string(t.b) + ", " + std::to_string(t.c) +
         ", " + std::to_string(t.d) + std::string(where) +
         " sum to more than 18446744073709551615 (2^64 - 1)";
}

void check_lengths(std::size_t n, std::span<const std::uint64_t> b, std::span<const std::uint64_t> c,
                   std::span<const std::uint64_t> d) {
  if (b.size() != n || c.size() != n || d.size() != n)
    throw std::invalid_argument("the count columns a, b, c, d differ in length (" + std::to_string(n) + ", " +
                                std::to_string(b.size()) + ", " + std::to_string(c.size()) + ", " +
                                std::to_string(d.size()) + ")");
}

}  // namespace

std::array<std::uint64_t, 9> values_checked(const Table2x2Counts& t) {
  if (overflows(t)) throw std::overflow_error(overflow_message(t, ""));
  std::array<std::uint64_t, 9> v{};
  for (Field2x2 f : fields_2x2) v[static_cast<std::size_t>(f)] = t.value(f);
  return v;
}

Suppressed2x2Columns suppress_2x2_columns(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                                          std::span<const std::uint64_t> c, std::span<const std::uint64_t> d,
                                          const Policy& policy) {
  const std::size_t n = a.size();
  check_lengths(n, b, c, d);
  Suppressed2x2Columns out;
  for (auto& col : out.status) col.assign(n, Suppression::none);
  if (!policy.enabled()) return out;
  for (std::size_t i = 0; i < n; ++i) {
    const Suppressed2x2 s = suppress(Table2x2Counts{a[i], b[i], c[i], d[i]}, policy);
    for (Field2x2 f : fields_2x2) out.status[static_cast<std::size_t>(f)][i] = s.at(f);
  }
  return out;
}

std::array<std::vector<std::uint64_t>, 9> values_2x2_columns(std::span<const std::uint64_t> a,
                                                             std::span<const std::uint64_t> b,
                                                             std::span<const std::uint64_t> c,
                                                             std::span<const std::uint64_t> d) {
  const std::size_t n = a.size();
  check_lengths(n, b, c, d);
  std::array<std::vector<std::uint64_t>, 9> out;
  for (auto& col : out) col.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Table2x2Counts t{a[i], b[i], c[i], d[i]};
    if (overflows(t)) throw std::overflow_error(overflow_message(t, " of row " + std::to_string(i)));
    for (Field2x2 f : fields_2x2) out[static_cast<std::size_t>(f)][i] = t.value(f);
  }
  return out;
}

std::vector<bool> estimate_suppressed_columns(std::span<const std::span<const Suppression>> sources,
                                              std::size_t n) {
  std::vector<bool> out(n, false);
  for (const auto& col : sources) {
    if (col.size() != n)
      throw std::invalid_argument("a source column has " + std::to_string(col.size()) +
                                  " entries, expected " + std::to_string(n));
    for (std::size_t i = 0; i < n; ++i)
      if (is_suppressed(col[i])) out[i] = true;
  }
  return out;
}

std::string format_count(double value) {
  if (std::isnan(value)) throw std::invalid_argument("format_count: the value is NaN (a missing count)");
  if (std::isinf(value)) throw std::overflow_error("cannot convert float infinity to integer");
  // The integer part, printed exactly (%.0f of an integral double is exact); + 0.0 turns -0 into 0.
  const double whole = std::trunc(value) + 0.0;
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", whole);
  return buf;
}

std::string format_count_cell(double value, bool hidden, const Policy& policy) {
  if (hidden) return marker(policy);
  if (std::isnan(value)) return std::string(missing_text);
  return format_count(value);
}

std::vector<std::string> format_count_column(std::span<const double> values, std::span<const bool> hidden,
                                             const Policy& policy) {
  if (hidden.size() != values.size())
    throw std::invalid_argument("format_count_column: " + std::to_string(values.size()) + " values but " +
                                std::to_string(hidden.size()) + " flags");
  std::vector<std::string> out;
  out.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(format_count_cell(values[i], hidden[i], policy));
  return out;
}

}  // namespace famgraph::disclosure
