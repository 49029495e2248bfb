// Indicator 5, early signalling: could it have been seen earlier? (docs/spec/indicators.md §early_signalling)
#include "famgraph/indicators/signalling.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../counting_sort.hpp"

namespace famgraph::indicators {

// Every first incident at t0 asks, for each look-back N and organisation (or any), "has this
// person — and, for a minor, the mother or the father — a contact starting in [t0 − 365·N,
// t0 − 1]?". That holds exactly when the latest start ≤ t0 − 1 is ≥ t0 − 365·N, so one answer per
// (person asked, t0, organisation) serves every N. The questions are answered offline: sorted by
// (person asked, t0) with counting sorts, they are merged with that person's contacts (sorted by
// start, per organisation), so a parent with many contacts and many children is read once, not
// once per child: O(n + contacts + questions × (1 + organisations the person asked is known to)).
EarlySignallingCounts early_signalling_counts(const Dataset& ds, const EarlySignallingOptions& opt) {
  for (int N : opt.years)
    if (N < 0) throw std::invalid_argument("years: " + std::to_string(N) + " (expected whole years >= 0)");
  EarlySignallingCounts out;
  const Window w = resolve_window(ds, opt.window);
  out.window = w;
  out.years = opt.years;
  const auto& P = ds.persons;
  const auto& E = ds.events;
  const auto& C = ds.contacts;
  const std::size_t n = P.size();
  const PersonDates pd = person_dates(P);
  const std::size_t n_org = ds.sources.size(), ny = opt.years.size(), n_col = n_org + 1;
  out.overall.assign(ny, {});
  out.by_org.assign(n_org, std::vector<SignallingCounts>(ny));

  // First incidents, in person order.
  struct First {
    Index person;
    Day t0;
    bool minor;
  };
  std::vector<First> first;
  for (std::size_t i = 0; i < n; ++i) {
    ++out.work;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k) {
      ++out.work;
      if (in_window(E.date[k], w)) {  // rows are sorted by date
        const Day t0 = E.date[k];
        first.push_back({static_cast<Index>(i), t0, pd.birth[i] != NO_DAY && t0 < pd.adult[i]});
        break;
      }
    }
  }
  // The questions: (person asked, t0, which first incident, own or a parent's).
  struct Question {
    Index asked;
    Day t0;
    std::uint32_t who;
    std::uint8_t parent;
  };
  std::vector<Question> qs;
  for (std::size_t f = 0; f < first.size(); ++f) {
    const Index i = first[f].person;
    qs.push_back({i, first[f].t0, static_cast<std::uint32_t>(f), 0});
    if (!first[f].minor) continue;
    for (Index par : {P.mother[i], P.father[i]})
      if (par != NONE && C.person_offsets[par] < C.person_offsets[par + 1])
        qs.push_back({par, first[f].t0, static_cast<std::uint32_t>(f), 1});
  }
  auto day_bits = [](Day d) { return static_cast<std::uint32_t>(d) ^ 0x80000000u; };  // order-preserving
  detail::counting_sort(qs, 1u << 16, [&](const Question& q) { return day_bits(q.t0) & 0xFFFFu; });
  detail::counting_sort(qs, 1u << 16, [&](const Question& q) { return day_bits(q.t0) >> 16; });
  detail::counting_sort(qs, n, [](const Question& q) { return q.asked; });
  out.work += 3 * qs.size() + n + 2 * (1u << 16);

  // The answers: bit 0 own contact, bit 1 a parent's, per (first incident, N, column), column 0 =
  // any organisation, 1 + o = organisation o.
  std::vector<std::uint8_t> hit(first.size() * ny * n_col, 0);
  // The contacts of the person asked, column by column, starts ascending within each: column 0
  // all of them (as stored, by start), column 1 + o those of organisation o (a stable counting
  // sort of the same list).
  std::vector<std::uint32_t> by_col;
  std::vector<std::uint32_t> col_begin(n_col + 1), fill(n_col);
  for (std::size_t a = 0, b = 0; a < qs.size(); a = b) {
    const Index q = qs[a].asked;
    for (b = a; b < qs.size() && qs[b].asked == q; ++b) {
    }
    const auto cb = C.person_offsets[q], ce = C.person_offsets[q + 1];
    if (cb == ce) continue;
    const std::size_t c = ce - cb;
    by_col.resize(2 * c);
    std::fill(col_begin.begin(), col_begin.end(), 0);
    col_begin[1] = static_cast<std::uint32_t>(c);
    for (auto k = cb; k < ce; ++k) ++col_begin[std::size_t{C.source[k]} + 2];
    for (std::size_t col = 1; col < n_col; ++col) col_begin[col + 1] += col_begin[col];
    std::copy(col_begin.begin() + 1, col_begin.end() - 1, fill.begin());
    for (auto k = cb; k < ce; ++k) {
      by_col[k - cb] = k;
      by_col[fill[C.source[k]]++] = k;
    }
    out.work += 3 * c + n_col;
    for (std::size_t col = 0; col < n_col; ++col) {
      const auto c0 = col_begin[col], c1 = col_begin[col + 1];
      if (c0 == c1) continue;
      auto p = c0;
      for (std::size_t x = a; x < b; ++x) {
        ++out.work;
        const Day t0 = qs[x].t0;
        while (p < c1 && C.start[by_col[p]] <= t0 - 1) {
          ++p;
          ++out.work;
        }
        if (p == c0) continue;  // no contact of this column starts before t0
        const Day latest = C.start[by_col[p - 1]];
        for (std::size_t y = 0; y < ny; ++y)
          if (latest >= t0 - 365 * opt.years[y])
            hit[(qs[x].who * ny + y) * n_col + col] |= static_cast<std::uint8_t>(1u << qs[x].parent);
      }
    }
  }
  // Counts, and the lead times (from each person's earliest contact).
  for (std::size_t f = 0; f < first.size(); ++f) {
    const First& fi = first[f];
    ++out.first_incidents;
    out.minors += fi.minor;
    for (std::size_t y = 0; y < ny; ++y)
      for (std::size_t col = 0; col < n_col; ++col) {
        ++out.work;
        SignallingCounts& s = col == 0 ? out.overall[y] : out.by_org[col - 1][y];
        const std::uint8_t h = hit[(f * ny + y) * n_col + col];
        s.preceded += h & 1u;
        if (fi.minor) s.preceded_minor_self_or_parent += h != 0;
      }
    const Index i = fi.person;
    if (C.person_offsets[i] < C.person_offsets[i + 1] && C.start[C.person_offsets[i]] < fi.t0)
      out.lead_times.push_back(fi.t0 - C.start[C.person_offsets[i]]);
  }
  std::sort(out.lead_times.begin(), out.lead_times.end());
  return out;
}

}  // namespace famgraph::indicators
