// Indicator 5, early signalling: could it have been seen earlier? (DESIGN.md §4.0, §4.1)
#include "famgraph/indicators/signalling.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../counting_sort.hpp"

namespace famgraph::indicators {

namespace {

/// "Has person q a contact (of organisation org, or of any when org < 0) starting in [lo, hi]?",
/// by binary search: the contacts of a person are sorted by start, and a second index orders them
/// by (person, organisation, start).
class ContactStarts {
 public:
  explicit ContactStarts(const ContactTable& C) : C_(C), by_source_(C.size()) {
    for (std::size_t k = 0; k < C.size(); ++k) by_source_[k] = static_cast<std::uint32_t>(k);
    std::size_t n_src = 0;
    for (auto s : C.source) n_src = std::max<std::size_t>(n_src, std::size_t{s} + 1);
    // Contacts are sorted by (person, start, …): a stable sort by organisation, then by person,
    // gives (person, organisation, start).
    detail::counting_sort(by_source_, n_src, [&](std::uint32_t k) { return C.source[k]; });
    detail::counting_sort(by_source_, C.person_offsets.size(), [&](std::uint32_t k) { return C.person[k]; });
  }

  bool any(Index q, Day lo, Day hi, int org, std::uint64_t& work) const {
    std::uint32_t b = C_.person_offsets[q], e = C_.person_offsets[q + 1];
    if (b == e) return false;
    if (org < 0) {
      const auto k = lower(b, e, [&](std::uint32_t x) { return C_.start[x] < lo; }, work);
      return k < e && C_.start[k] <= hi;
    }
    // The organisation's slice of q's contacts, then the first start ≥ lo in it.
    const auto src = static_cast<std::uint16_t>(org);
    b = lower(b, e, [&](std::uint32_t x) { return C_.source[by_source_[x]] < src; }, work);
    e = lower(b, e, [&](std::uint32_t x) { return C_.source[by_source_[x]] <= src; }, work);
    const auto k = lower(b, e, [&](std::uint32_t x) { return C_.start[by_source_[x]] < lo; }, work);
    return k < e && C_.start[by_source_[k]] <= hi;
  }

 private:
  /// The first position in [b, e) where `before` is false (it is true, then false, along [b, e)).
  template <class Before>
  static std::uint32_t lower(std::uint32_t b, std::uint32_t e, Before&& before, std::uint64_t& work) {
    while (b < e) {
      ++work;
      const std::uint32_t mid = b + (e - b) / 2;
      if (before(mid)) b = mid + 1;
      else e = mid;
    }
    return b;
  }

  const ContactTable& C_;
  std::vector<std::uint32_t> by_source_;
};

}  // namespace

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
  const PersonDates pd = person_dates(P);
  const std::size_t n_org = ds.sources.size(), ny = opt.years.size();
  out.overall.assign(ny, {});
  out.by_org.assign(n_org, std::vector<SignallingCounts>(ny));
  const ContactStarts starts(C);
  out.work += 2 * C.size() + P.size();
  for (std::size_t i = 0; i < P.size(); ++i) {
    ++out.work;
    Day t0 = NO_DAY;
    for (auto k = E.person_offsets[i]; k < E.person_offsets[i + 1]; ++k) {
      ++out.work;
      if (in_window(E.date[k], w)) {
        t0 = E.date[k];  // rows are sorted by date
        break;
      }
    }
    if (t0 == NO_DAY) continue;
    ++out.first_incidents;
    const auto me = static_cast<Index>(i);
    const bool minor = pd.birth[i] != NO_DAY && t0 < pd.adult[i];
    out.minors += minor;
    for (std::size_t y = 0; y < ny; ++y) {
      const Day lo = t0 - 365 * opt.years[y], hi = t0 - 1;
      for (int org = -1; org < static_cast<int>(n_org); ++org) {
        ++out.work;
        SignallingCounts& s = org < 0 ? out.overall[y] : out.by_org[static_cast<std::size_t>(org)][y];
        const bool own = starts.any(me, lo, hi, org, out.work);
        s.preceded += own;
        if (minor) {
          bool any = own;
          for (Index par : {P.mother[i], P.father[i]})
            if (!any && par != NONE) any = starts.any(par, lo, hi, org, out.work);
          s.preceded_minor_self_or_parent += any;
        }
      }
    }
    if (C.person_offsets[i] < C.person_offsets[i + 1] && C.start[C.person_offsets[i]] < t0)
      out.lead_times.push_back(t0 - C.start[C.person_offsets[i]]);
  }
  std::sort(out.lead_times.begin(), out.lead_times.end());
  return out;
}

}  // namespace famgraph::indicators
