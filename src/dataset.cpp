// Validation and construction of the columnar Dataset from raw rows (docs/spec/data_contract.md §validation).
#include "famgraph/dataset.hpp"

#include <algorithm>
#include <array>
#include <memory>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <numeric>
#include <string>
#include <tuple>

#include "famgraph/io/csv.hpp"

namespace famgraph {

Index PersonTable::index_of(PersonId pid) const noexcept {
  auto it = std::lower_bound(id.begin(), id.end(), pid);
  if (it == id.end() || *it != pid) return NONE;
  return static_cast<Index>(it - id.begin());
}

namespace {

template <class T>
std::size_t cap(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

/// Maps external ids to dense indices. A direct table when ids are dense enough, which is the
/// common case for register and synthetic data, else binary search.
class IdIndex {
 public:
  explicit IdIndex(const std::vector<PersonId>& sorted) : ids_(sorted) {
    if (sorted.empty()) return;
    lo_ = sorted.front();
    const auto hi = sorted.back();
    const auto range = static_cast<unsigned long long>(hi) - static_cast<unsigned long long>(lo_);
    if (range < 4ULL * sorted.size() + 1024) {
      table_.assign(range + 1, NONE);
      for (std::size_t i = 0; i < sorted.size(); ++i)
        table_[static_cast<unsigned long long>(sorted[i]) - static_cast<unsigned long long>(lo_)] =
            static_cast<Index>(i);
    }
  }
  [[nodiscard]] Index find(PersonId pid) const noexcept {
    if (ids_.empty()) return NONE;
    if (!table_.empty()) {
      if (pid < lo_) return NONE;
      const auto off = static_cast<unsigned long long>(pid) - static_cast<unsigned long long>(lo_);
      return off < table_.size() ? table_[off] : NONE;
    }
    auto it = std::lower_bound(ids_.begin(), ids_.end(), pid);
    if (it == ids_.end() || *it != pid) return NONE;
    return static_cast<Index>(it - ids_.begin());
  }

 private:
  const std::vector<PersonId>& ids_;
  PersonId lo_ = 0;
  std::vector<Index> table_;
};

std::string id_str(PersonId v) { return std::to_string(v); }

/// CSR offsets (size n+1) of a column of keys in 0..n-1: key k owns rows offsets[k]..offsets[k+1]
/// when the rows are grouped by key.
std::vector<std::uint32_t> offsets_of(std::size_t n, const std::vector<std::uint32_t>& keys) {
  std::vector<std::uint32_t> off(n + 1, 0);
  for (auto k : keys) ++off[k + 1];
  std::partial_sum(off.begin(), off.end(), off.begin());
  return off;
}

/// CSR from (key, value) pairs: offsets of size n+1, values grouped by key, sorted and unique.
/// Counting sort by key, then a small sort per key: linear in the number of pairs.
void build_csr(std::size_t n, const std::vector<std::pair<Index, Index>>& pairs,
               std::vector<std::uint32_t>& offsets, std::vector<Index>& values) {
  std::vector<std::uint32_t> start(n + 1, 0);
  for (const auto& [k, v] : pairs) ++start[k + 1];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<Index> grouped(pairs.size());
  {
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& [k, v] : pairs) grouped[fill[k]++] = v;
  }
  offsets.assign(n + 1, 0);
  std::size_t out = 0;
  for (std::size_t k = 0; k < n; ++k) {
    auto b = grouped.begin() + start[k], e = grouped.begin() + start[k + 1];
    std::sort(b, e);
    e = std::unique(b, e);
    for (auto it = b; it != e; ++it) grouped[out++] = *it;
    offsets[k + 1] = static_cast<std::uint32_t>(out);
  }
  grouped.resize(out);
  grouped.shrink_to_fit();
  values = std::move(grouped);
}

class Builder {
 public:
  Builder(io::RawTables& raw, const LoadOptions& opt, IssueLog& log)
      : raw_(raw), opt_(opt), log_(log) {}

  Dataset run() {
    if (q_) take_parse_problems();
    build_persons();
    if (!log_.full()) check_cycles();
    build_children();
    if (!log_.full()) build_partnerships();
    if (!log_.full()) build_events();
    if (!log_.full()) build_contacts();
    log_.throw_if_errors();
    build_partner_csr();
    compact_dictionaries();
    ds_.report.warnings = log_.warnings();
    ds_.report.warning_counts = log_.warning_counts();
    if (q_) finish_quarantine();
    return std::move(ds_);
  }

 private:
  enum Tab : std::uint8_t { T_PERSONS, T_PARTNERSHIPS, T_EVENTS, T_CONTACTS };
  static constexpr const char* tab_name[] = {"persons", "partnerships", "events", "contacts"};

  io::RawTables& raw_;
  const LoadOptions& opt_;
  IssueLog& log_;
  Dataset ds_;
  std::vector<std::size_t> row_of_;  // person index -> raw row (SIZE_MAX for added parents)
  std::unique_ptr<IdIndex> index_;    // id -> index for the other tables, built once
  const bool q_ = opt_.on_error == OnError::quarantine;
  std::array<std::vector<std::uint8_t>, 4> bad_;  // quarantine: rows set aside, per table
  std::vector<PersonId> q_ids_;                   // quarantine: ids of persons set aside
  std::vector<std::uint8_t> q_table_;             // table of each ds_.quarantine entry

  const io::RowSource& source(Tab t) const {
    switch (t) {
      case T_PERSONS: return raw_.persons.source;
      case T_PARTNERSHIPS: return raw_.partnerships.source;
      case T_EVENTS: return raw_.events.source;
      default: return raw_.contacts.source;
    }
  }
  Tab tab_of(const io::RowSource& src) const {
    if (&src == &raw_.persons.source) return T_PERSONS;
    if (&src == &raw_.partnerships.source) return T_PARTNERSHIPS;
    if (&src == &raw_.events.source) return T_EVENTS;
    return T_CONTACTS;
  }
  [[nodiscard]] bool is_bad(Tab t, std::size_t row) const { return q_ && bad_[t][row] != 0; }

  /// A row problem: an error (raise) or the row set aside with it (quarantine).
  bool err(const io::RowSource& src, std::size_t row, const char* rule, const char* column,
           const std::string& value, std::string message) {
    if (q_) {
      set_aside(tab_of(src), row, "record",
                DataIssue{Severity::error, rule, src.file, src.line_of(row), column, shown(value),
                          std::move(message)});
      return true;
    }
    return log_.error(rule, src.file, src.line_of(row), column, value, std::move(message));
  }
  /// A problem of one parent link of person row `row`: an error, or the link dropped (quarantine).
  void link_err(std::size_t row, const char* rule, const char* column, const std::string& value,
                std::string message) {
    const auto& src = raw_.persons.source;
    if (!q_) {
      log_.error(rule, src.file, src.line_of(row), column, value, std::move(message));
      return;
    }
    set_aside(T_PERSONS, row, "link",
              DataIssue{Severity::error, rule, src.file, src.line_of(row), column, shown(value),
                        std::move(message) + "; the link is dropped, the person kept"});
  }

  void set_aside(Tab t, std::size_t row, const char* action, DataIssue issue,
                 std::string record = {}, bool have_record = false) {
    if (action[0] == 'r') {
      if (bad_[t][row]) return;  // one entry per record: its first problem
      bad_[t][row] = 1;
    }
    ds_.quarantine.push_back(
        {tab_name[t], action, std::move(issue), have_record ? std::move(record) : render(t, row)});
    q_table_.push_back(t);
  }

  // Quarantine: the problems found while parsing become entries of their rows (or of records that
  // never became rows); a problem of a whole file (a missing column, an unreadable file) cannot be
  // set aside record by record and is still thrown.
  void take_parse_problems() {
    std::vector<DataIssue> errs = log_.take_errors();
    std::vector<std::uint8_t> claimed(errs.size(), 0);
    const std::size_t sizes[] = {raw_.persons.size(), raw_.partnerships.size(), raw_.events.size(),
                                 raw_.contacts.size()};
    for (int t = 0; t < 4; ++t) bad_[t].assign(sizes[t], 0);
    for (int t = 0; t < 4; ++t) {
      const auto tab = static_cast<Tab>(t);
      const auto& src = source(tab);
      for (const auto& [row, idx] : src.rejected) {
        if (idx >= errs.size() || row >= sizes[t]) continue;
        claimed[idx] = 1;
        if (bad_[t][row]) continue;
        auto it = src.text.find(row);
        if (it != src.text.end())
          set_aside(tab, row, "record", errs[idx], it->second, true);
        else
          set_aside(tab, row, "record", errs[idx]);
      }
      for (const auto& [idx, text] : src.unparsed) {
        if (idx >= errs.size()) continue;
        claimed[idx] = 1;
        ds_.quarantine.push_back({tab_name[t], "record", errs[idx], text});
        q_table_.push_back(tab);
      }
    }
    std::vector<DataIssue> fatal;
    for (std::size_t k = 0; k < errs.size(); ++k)
      if (!claimed[k]) fatal.push_back(std::move(errs[k]));
    if (!fatal.empty()) throw DataError(std::move(fatal));
  }

  void finish_quarantine() {
    auto& q = ds_.quarantine;
    std::vector<std::size_t> order(q.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return std::tie(q_table_[x], q[x].issue.line) < std::tie(q_table_[y], q[y].issue.line);
    });
    std::vector<QuarantinedRecord> sorted;
    sorted.reserve(q.size());
    for (auto k : order) sorted.push_back(std::move(q[k]));
    q = std::move(sorted);
    for (const auto& r : q) ++ds_.quarantine_counts[r.issue.rule];
  }

  /// The row as famgraph read it: fields in the documented column order, CSV-quoted when needed.
  std::string render(Tab t, std::size_t r) const {
    std::vector<std::string> f;
    auto id = [](PersonId v) { return v == io::NO_ID ? std::string() : id_str(v); };
    auto dict = [](const io::StringDict& d, std::uint16_t c) {
      return c < d.size() ? d.values()[c] : std::string();
    };
    switch (t) {
      case T_PERSONS: {
        const auto& p = raw_.persons;
        f = {id(p.id[r]), std::string(to_string(p.sex[r])), format_date(p.birth[r]),
             format_date(p.exit[r]), id(p.mother[r]), id(p.father[r])};
        break;
      }
      case T_PARTNERSHIPS: {
        const auto& p = raw_.partnerships;
        f = {id(p.a[r]), id(p.b[r]), format_date(p.start[r]), format_date(p.end[r])};
        break;
      }
      case T_EVENTS: {
        const auto& e = raw_.events;
        f = {id(e.incident[r]), id(e.person[r]),
             e.role[r] == io::BAD_ROLE ? std::string()
                                       : std::string(to_string(static_cast<Role>(e.role[r]))),
             format_date(e.date[r]), dict(raw_.kinds, e.kind[r]), dict(raw_.sources, e.src[r])};
        break;
      }
      case T_CONTACTS: {
        const auto& c = raw_.contacts;
        f = {id(c.person[r]), dict(raw_.sources, c.src[r]), format_date(c.start[r]),
             format_date(c.end[r]), dict(raw_.kinds, c.kind[r])};
        break;
      }
    }
    return io::join_csv_record(f);
  }

  [[nodiscard]] bool quarantined_id(PersonId pid) const {
    return std::binary_search(q_ids_.begin(), q_ids_.end(), pid);
  }

  std::string person_line(Index i) const {
    const auto r = row_of_[i];
    if (r == SIZE_MAX) return "added as missing parent";
    return raw_.persons.source.file + ":" + std::to_string(raw_.persons.source.line_of(r));
  }

  // Keeps only the kinds and organisations that occur in the tables (a loader may have interned
  // more), in their original order, so "every organisation in the data" means exactly that.
  void compact_dictionaries() {
    auto compact = [](const std::vector<std::string>& values, std::vector<std::uint16_t*> cols_begin,
                      std::vector<std::size_t> cols_size, std::vector<std::string>& out) {
      std::vector<std::uint8_t> used(values.size(), 0);
      for (std::size_t c = 0; c < cols_begin.size(); ++c)
        for (std::size_t k = 0; k < cols_size[c]; ++k) used[cols_begin[c][k]] = 1;
      std::vector<std::uint16_t> remap(values.size(), 0);
      out.clear();
      for (std::size_t v = 0; v < values.size(); ++v)
        if (used[v]) {
          remap[v] = static_cast<std::uint16_t>(out.size());
          out.push_back(values[v]);
        }
      for (std::size_t c = 0; c < cols_begin.size(); ++c)
        for (std::size_t k = 0; k < cols_size[c]; ++k) cols_begin[c][k] = remap[cols_begin[c][k]];
    };
    auto& E = ds_.events;
    auto& C = ds_.contacts;
    compact(raw_.sources.values(), {E.source.data(), C.source.data()}, {E.source.size(), C.source.size()},
            ds_.sources);
    compact(raw_.kinds.values(), {E.kind.data(), C.kind.data()}, {E.kind.size(), C.kind.size()}, ds_.kinds);
  }

  // ---------------------------------------------------------------- persons
  void build_persons() {
    auto& rp = raw_.persons;
    const std::size_t nraw = rp.size();
    // Rows whose id failed to parse were reported already; they take no part in the table.
    if (q_) {
      // A record-level problem sets the person aside before anyone links to them.
      for (std::size_t r = 0; r < nraw; ++r)
        if (!is_bad(T_PERSONS, r) && rp.birth[r].known() && rp.exit[r].known() &&
            rp.exit[r].hi() < rp.birth[r].lo())
          err(rp.source, r, "date.exit_before_birth", "exit_date", format_date(rp.exit[r]),
              "exit date " + format_date(rp.exit[r]) + " is before the birth date " +
                  format_date(rp.birth[r]));
    }
    std::vector<std::size_t> rows;
    rows.reserve(nraw);
    for (std::size_t r = 0; r < nraw; ++r)
      if (rp.id[r] != io::NO_ID && !is_bad(T_PERSONS, r)) rows.push_back(r);
    const bool sorted = std::is_sorted(rows.begin(), rows.end(), [&](std::size_t x, std::size_t y) {
      return rp.id[x] < rp.id[y];
    });
    if (!sorted)
      std::stable_sort(rows.begin(), rows.end(),
                       [&](std::size_t x, std::size_t y) { return rp.id[x] < rp.id[y]; });
    // Duplicates: report every repeat against the first occurrence (in file order).
    std::vector<std::size_t> unique_rows;
    unique_rows.reserve(rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      if (k > 0 && rp.id[rows[k]] == rp.id[unique_rows.back()]) {
        err(rp.source, rows[k], "person.duplicate_id", "person_id", id_str(rp.id[rows[k]]),
            "duplicate person_id " + id_str(rp.id[rows[k]]) + " (first on line " +
                std::to_string(rp.source.line_of(unique_rows.back())) + "; ids must be unique)");
        continue;
      }
      unique_rows.push_back(rows[k]);
    }
    rows.clear();
    rows.shrink_to_fit();

    auto& P = ds_.persons;
    std::vector<PersonId> ids(unique_rows.size());
    for (std::size_t k = 0; k < unique_rows.size(); ++k) ids[k] = rp.id[unique_rows[k]];

    // Parents missing from persons: an error, or (MissingParents::add) new founders.
    std::vector<PersonId> missing;
    {
      IdIndex idx(ids);
      if (q_) {
        // Persons set aside, except ids whose first record was kept (a later duplicate).
        for (std::size_t r = 0; r < nraw; ++r)
          if (is_bad(T_PERSONS, r) && rp.id[r] != io::NO_ID && idx.find(rp.id[r]) == NONE)
            q_ids_.push_back(rp.id[r]);
        std::sort(q_ids_.begin(), q_ids_.end());
        q_ids_.erase(std::unique(q_ids_.begin(), q_ids_.end()), q_ids_.end());
      }
      for (std::size_t r = 0; r < nraw && !log_.full(); ++r) {
        if (rp.id[r] == io::NO_ID || is_bad(T_PERSONS, r)) continue;
        for (int k = 0; k < 2; ++k) {
          const PersonId pid = k == 0 ? rp.mother[r] : rp.father[r];
          if (pid == io::NO_ID || idx.find(pid) != NONE) continue;
          const char* col = k == 0 ? "mother_id" : "father_id";
          if (q_ && quarantined_id(pid)) {
            link_err(r, "cascade.parent_quarantined", col, id_str(pid),
                     std::string(k == 0 ? "mother " : "father ") + id_str(pid) +
                         " is in the quarantine");
          } else if (opt_.missing_parents == MissingParents::add) {
            missing.push_back(pid);
          } else {
            link_err(r, "ref.unknown_id", col, id_str(pid),
                     id_str(pid) + " is not a person_id in " + rp.source.file);
          }
        }
      }
    }
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    P.n_added_parents = missing.size();

    const std::size_t n = ids.size() + missing.size();
    if (n >= NONE) {
      log_.error("person.too_many", rp.source.file, 0, "", "",
                 "more than 2^32-1 persons are not supported");
      return;
    }
    // Merge the two sorted id lists.
    P.id.resize(n);
    row_of_.resize(n);
    {
      std::size_t x = 0, y = 0, k = 0;
      while (x < ids.size() || y < missing.size()) {
        if (y >= missing.size() || (x < ids.size() && ids[x] < missing[y])) {
          P.id[k] = ids[x];
          row_of_[k++] = unique_rows[x++];
        } else {
          P.id[k] = missing[y++];
          row_of_[k++] = SIZE_MAX;
        }
      }
    }
    ids.clear();
    ids.shrink_to_fit();
    P.sex.resize(n);
    P.birth.resize(n);
    P.exit.resize(n);
    P.birth_precision.resize(n);
    P.exit_precision.resize(n);
    P.mother.assign(n, NONE);
    P.father.assign(n, NONE);
    IdIndex idx(P.id);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t r = row_of_[i];
      if (r == SIZE_MAX) {
        P.sex[i] = Sex::U;
        P.birth[i] = P.exit[i] = NO_DAY;
        P.birth_precision[i] = P.exit_precision[i] = DatePrecision::missing;
        continue;
      }
      P.sex[i] = rp.sex[r];
      P.birth[i] = rp.birth[r].day;
      P.birth_precision[i] = rp.birth[r].precision;
      P.exit[i] = rp.exit[r].day;
      P.exit_precision[i] = rp.exit[r].precision;
      if (rp.mother[r] != io::NO_ID) P.mother[i] = idx.find(rp.mother[r]);
      if (rp.father[r] != io::NO_ID) P.father[i] = idx.find(rp.father[r]);
      if (!rp.birth[r].known() && !log_.keeps_example("person.no_birth_date")) {
        log_.count_warning("person.no_birth_date");
      } else if (!rp.birth[r].known()) {
        log_.warning("person.no_birth_date", rp.source.file, rp.source.line_of(r), "birth_date", "",
                     "person " + id_str(P.id[i]) +
                         " has no birth date (excluded from age-based indicators)");
      }
      if (!q_ && rp.birth[r].known() && rp.exit[r].known() && rp.exit[r].hi() < rp.birth[r].lo())
        err(rp.source, r, "date.exit_before_birth", "exit_date", format_date(rp.exit[r]),
            "exit date " + format_date(rp.exit[r]) + " is before the birth date " +
                format_date(rp.birth[r]));
    }
    for (std::size_t i = 0; i < n && !log_.full(); ++i) check_parents(static_cast<Index>(i));
  }

  // Children CSR (children ascending because i ascends), after the links the checks dropped.
  void build_children() {
    auto& P = ds_.persons;
    const std::size_t n = P.size();
    P.child_offsets.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      if (P.mother[i] != NONE) ++P.child_offsets[P.mother[i] + 1];
      if (P.father[i] != NONE && P.father[i] != P.mother[i]) ++P.child_offsets[P.father[i] + 1];
    }
    std::partial_sum(P.child_offsets.begin(), P.child_offsets.end(), P.child_offsets.begin());
    P.children.resize(P.child_offsets[n]);
    std::vector<std::uint32_t> fill(P.child_offsets.begin(), P.child_offsets.end() - 1);
    for (std::size_t i = 0; i < n; ++i) {
      if (P.mother[i] != NONE) P.children[fill[P.mother[i]]++] = static_cast<Index>(i);
      if (P.father[i] != NONE && P.father[i] != P.mother[i])
        P.children[fill[P.father[i]]++] = static_cast<Index>(i);
    }
  }

  void check_parents(Index c) {
    auto& P = ds_.persons;
    const auto& src = raw_.persons.source;
    const std::size_t r = row_of_[c];
    if (r == SIZE_MAX) return;
    if (P.mother[c] != NONE && P.mother[c] == P.father[c]) {
      link_err(r, "parent.same_person", "father_id", id_str(P.id[P.father[c]]),
               "person " + id_str(P.id[P.father[c]]) + " is both mother and father of " +
                   id_str(P.id[c]) + " (expected two different persons)");
      if (q_) P.mother[c] = P.father[c] = NONE;  // which of the two is right is unknowable
      return;
    }
    (void)src;
    const Date cb = P.birth_date(c);
    for (int k = 0; k < 2; ++k) {
      const Index p = k == 0 ? P.mother[c] : P.father[c];
      if (p == NONE) continue;
      const char* col = k == 0 ? "mother_id" : "father_id";
      const char* what = k == 0 ? "mother" : "father";
      const Sex wrong = k == 0 ? Sex::M : Sex::F;
      auto drop = [&] {
        if (q_) (k == 0 ? P.mother[c] : P.father[c]) = NONE;
      };
      if (P.sex[p] == wrong) {
        link_err(r, "parent.sex", col, id_str(P.id[p]),
                 std::string(what) + " " + id_str(P.id[p]) + " has sex " +
                     std::string(to_string(wrong)) + " (" + person_line(p) + "); expected " +
                     (k == 0 ? "F or U" : "M or U"));
        if (q_) {
          drop();
          continue;
        }
      }
      const Date pb = P.birth_date(p);
      if (!cb.known() || !pb.known()) continue;
      // Fast path: exact dates 12–70 years apart need no calendar arithmetic (12 years are at most
      // 4383 days, 70 years at least 25566).
      if (pb.precision == DatePrecision::day && cb.precision == DatePrecision::day &&
          cb.day - pb.day >= 4383 && cb.day - pb.day <= 25566)
        continue;
      // Partial dates fail only when every pair of days in their periods fails.
      if (pb.lo() > cb.hi()) {
        drop();
        link_err(r, "parent.born_after_child", col, id_str(P.id[p]),
            std::string(what) + " " + id_str(P.id[p]) + " (born " + format_date(pb) +
                ") is born after the child " + id_str(P.id[c]) + " (born " + format_date(cb) +
                "); expected a parent born at least 12 years earlier");
      } else if (add_years(pb.lo(), 12) > cb.hi()) {
        drop();
        link_err(r, "parent.too_young", col, id_str(P.id[p]),
            std::string(what) + " " + id_str(P.id[p]) + " (born " + format_date(pb) +
                ") is less than 12 years older than the child " + id_str(P.id[c]) + " (born " +
                format_date(cb) + "); expected a parent born at least 12 years earlier");
      } else if (add_years(pb.hi(), 70) < cb.lo()) {
        log_.warning("parent.older_than_70", src.file, src.line_of(r), col, id_str(P.id[p]),
                     std::string(what) + " " + id_str(P.id[p]) + " (born " + format_date(pb) +
                         ") was older than 70 at the birth of " + id_str(P.id[c]) + " (born " +
                         format_date(cb) + ")");
      }
    }
  }

  // A person who is their own ancestor: depth-first search along parent links; a link back to a
  // person on the current path closes a cycle, which is reported once with its members.
  void check_cycles() {
    auto& P = ds_.persons;
    const std::size_t n = P.size();
    std::vector<std::uint8_t> state(n, 0);  // 0 new, 1 on path, 2 done
    struct Frame {
      Index v;
      int next;
    };
    std::vector<Frame> stack;
    for (std::size_t s = 0; s < n && !log_.full(); ++s) {
      if (state[s]) continue;
      stack.push_back({static_cast<Index>(s), 0});
      state[s] = 1;
      while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.next == 2) {
          state[f.v] = 2;
          stack.pop_back();
          continue;
        }
        const Index p = f.next++ == 0 ? P.mother[f.v] : P.father[f.v];
        if (p == NONE || state[p] == 2) continue;
        if (state[p] == 0) {
          state[p] = 1;
          stack.push_back({p, 0});
          continue;
        }
        // p is on the path: the cycle is p -> ... -> f.v -> p (each a parent of the previous).
        // Under quarantine the link f.v -> p is dropped: removing every back edge of a
        // depth-first search leaves no cycle, and each person is kept.
        const bool via_mother = f.next == 1;
        std::size_t k = stack.size();
        while (k > 0 && stack[k - 1].v != p) --k;
        // A long cycle is shown by its first and last members, so that the message stays short.
        std::string path;
        const std::size_t members = stack.size() - (k - 1);
        for (std::size_t q = k - 1; q < stack.size(); ++q) {
          const std::size_t at = q - (k - 1);
          if (members > 20 && at == 10)
            path += "... (" + std::to_string(members - 12) + " more) -> ";
          if (members > 20 && at >= 10 && at < members - 2) continue;
          path += id_str(P.id[stack[q].v]) + " -> ";
        }
        path += id_str(P.id[p]);
        if (q_) {
          const Index child = f.v;
          (via_mother ? P.mother[child] : P.father[child]) = NONE;
          link_err(row_of_[child], "parent.cycle", via_mother ? "mother_id" : "father_id",
                   id_str(P.id[p]),
                   "person " + id_str(P.id[p]) + " is their own ancestor: " + path +
                       " (each followed by one of their recorded parents); the link from " +
                       id_str(P.id[child]) + " to their " + (via_mother ? "mother " : "father ") +
                       id_str(P.id[p]) + " closes the cycle");
          continue;
        }
        const std::size_t r = row_of_[p];
        log_.error("parent.cycle", raw_.persons.source.file,
                   r == SIZE_MAX ? 0 : raw_.persons.source.line_of(r), "mother_id/father_id",
                   id_str(P.id[p]),
                   "person " + id_str(P.id[p]) + " is their own ancestor: " + path +
                       " (each followed by one of their recorded parents)");
        if (log_.full()) return;
      }
    }
  }

  // ---------------------------------------------------------------- partnerships
  Index resolve(const io::RowSource& src, std::size_t row, const char* column, PersonId pid) {
    if (pid == io::NO_ID || is_bad(tab_of(src), row)) return NONE;
    if (!index_) index_ = std::make_unique<IdIndex>(ds_.persons.id);
    const Index i = index_->find(pid);
    if (i == NONE && q_ && quarantined_id(pid))
      err(src, row, "cascade.person_quarantined", column, id_str(pid),
          "person " + id_str(pid) + " is in the quarantine");
    else if (i == NONE)
      err(src, row, "ref.unknown_id", column, id_str(pid),
          id_str(pid) + " is not a person_id in " + raw_.persons.source.file);
    return i;
  }

  bool check_interval(const io::RowSource& src, std::size_t row, const char* end_col, Date start,
                      Date end, const char* start_col) {
    if (is_bad(tab_of(src), row)) return false;
    if (start.known() && end.known() && end.hi() < start.lo()) {
      err(src, row, "date.end_before_start", end_col, format_date(end),
          std::string(end_col) + " " + format_date(end) + " is before " + start_col + " " +
              format_date(start));
      return false;
    }
    return true;
  }

  void build_partnerships() {
    auto& rp = raw_.partnerships;
    auto& T = ds_.partnerships;
    std::vector<std::size_t> order;
    for (std::size_t r = 0; r < rp.size() && !log_.full(); ++r) {
      const Index a = resolve(rp.source, r, "person_a", rp.a[r]);
      const Index b = resolve(rp.source, r, "person_b", rp.b[r]);
      bool ok = a != NONE && b != NONE && !is_bad(T_PARTNERSHIPS, r);
      if (ok && a == b) {
        err(rp.source, r, "partnership.self", "person_b", id_str(rp.b[r]),
            "person_a and person_b are the same person " + id_str(rp.a[r]));
        ok = false;
      }
      ok = check_interval(rp.source, r, "end_date", rp.start[r], rp.end[r], "start_date") && ok;
      if (ok && !is_bad(T_PARTNERSHIPS, r)) order.push_back(r);
    }
    if (log_.has_errors()) return;
    std::vector<std::tuple<Index, Index, Day, Day, std::size_t>> rows;
    rows.reserve(order.size());
    for (auto r : order)
      rows.emplace_back(index_->find(rp.a[r]), index_->find(rp.b[r]),
                        rp.start[r].day, rp.end[r].day, r);
    std::sort(rows.begin(), rows.end());
    for (auto& [a, b, s, e, r] : rows) {
      T.a.push_back(a);
      T.b.push_back(b);
      T.start.push_back(rp.start[r].day);
      T.end.push_back(rp.end[r].day);
      T.start_precision.push_back(rp.start[r].precision);
      T.end_precision.push_back(rp.end[r].precision);
    }
  }

  void build_partner_csr() {
    auto& P = ds_.persons;
    std::vector<std::pair<Index, Index>> pairs;
    for (std::size_t k = 0; k < ds_.partnerships.size(); ++k) {
      pairs.emplace_back(ds_.partnerships.a[k], ds_.partnerships.b[k]);
      pairs.emplace_back(ds_.partnerships.b[k], ds_.partnerships.a[k]);
    }
    for (std::size_t i = 0; i < P.size(); ++i) {
      if (P.mother[i] != NONE && P.father[i] != NONE) {
        pairs.emplace_back(P.mother[i], P.father[i]);
        pairs.emplace_back(P.father[i], P.mother[i]);
      }
    }
    build_csr(P.size(), pairs, P.partner_offsets, P.partners);
  }

  // ---------------------------------------------------------------- events
  void check_lifetime(const io::RowSource& src, std::size_t row, Index i, Date d) {
    const auto& P = ds_.persons;
    const Date b = P.birth_date(i), x = P.exit_date(i);
    if (b.known() && d.hi() < b.lo())
      err(src, row, "event.before_birth", "date", format_date(d),
          "event on " + format_date(d) + " is before the birth of person " + id_str(P.id[i]) +
              " (born " + format_date(b) + ")");
    else if (x.known() && d.lo() > x.hi())
      err(src, row, "event.after_exit", "date", format_date(d),
          "event on " + format_date(d) + " is after the exit of person " + id_str(P.id[i]) +
              " (exit " + format_date(x) + ")");
  }

  void build_events() {
    auto& re = raw_.events;
    const std::size_t m = re.size();
    std::vector<Index> who(m, NONE);
    std::vector<std::uint32_t> keep;
    keep.reserve(m);
    for (std::size_t r = 0; r < m && !log_.full(); ++r) {
      who[r] = resolve(re.source, r, "person_id", re.person[r]);
      if (who[r] == NONE || re.incident[r] == io::NO_ID || re.role[r] == io::BAD_ROLE ||
          !re.date[r].known())
        continue;  // already reported
      check_lifetime(re.source, r, who[r], re.date[r]);
      if (!is_bad(T_EVENTS, r)) keep.push_back(static_cast<std::uint32_t>(r));
    }
    if (log_.has_errors()) return;
    auto& E = ds_.events;
    // Dense incident index (of the rows kept: all of them unless some were set aside).
    E.incident_id.resize(keep.size());
    for (std::size_t k = 0; k < keep.size(); ++k) E.incident_id[k] = re.incident[keep[k]];
    std::sort(E.incident_id.begin(), E.incident_id.end());
    E.incident_id.erase(std::unique(E.incident_id.begin(), E.incident_id.end()), E.incident_id.end());
    E.incident_id.shrink_to_fit();
    auto inc_of = [&](std::size_t r) {
      return static_cast<std::uint32_t>(
          std::lower_bound(E.incident_id.begin(), E.incident_id.end(), re.incident[r]) -
          E.incident_id.begin());
    };
    std::vector<std::uint32_t> inc(m, 0);
    for (auto r : keep) inc[r] = inc_of(r);
    // First kept row of each incident in file order (keep is still ascending here).
    std::vector<std::uint32_t> first_row(E.incident_id.size(), UINT32_MAX);
    for (auto r : keep)
      if (first_row[inc[r]] == UINT32_MAX) first_row[inc[r]] = r;
    std::sort(keep.begin(), keep.end(), [&](std::uint32_t x, std::uint32_t y) {
      return std::tie(who[x], re.date[x].day, inc[x], re.role[x], re.kind[x], re.src[x], x) <
             std::tie(who[y], re.date[y].day, inc[y], re.role[y], re.kind[y], re.src[y], y);
    });
    const std::size_t mk = keep.size();
    E.person.resize(mk);
    E.date.resize(mk);
    E.date_precision.resize(mk);
    E.role.resize(mk);
    E.incident.resize(mk);
    E.kind.resize(mk);
    E.source.resize(mk);
    for (std::size_t k = 0; k < mk; ++k) {
      const auto r = keep[k];
      E.person[k] = who[r];
      E.date[k] = re.date[r].day;
      E.date_precision[k] = re.date[r].precision;
      E.role[k] = static_cast<Role>(re.role[r]);
      E.incident[k] = inc[r];
      E.kind[k] = re.kind[r];
      E.source[k] = re.src[r];
    }
    E.person_offsets = offsets_of(ds_.persons.size(), E.person);
    // Incident -> participant rows.
    const std::size_t ni = E.incident_id.size();
    E.incident_offsets = offsets_of(ni, E.incident);
    E.incident_rows.resize(mk);
    std::vector<std::uint32_t> fill(E.incident_offsets.begin(), E.incident_offsets.end() - 1);
    for (std::size_t k = 0; k < mk; ++k) E.incident_rows[fill[E.incident[k]]++] = static_cast<std::uint32_t>(k);
    // Warn about incidents without a victim (indicators that need one skip them).
    for (std::size_t i = 0; i < ni; ++i) {
      bool victim = false;
      for (auto k = E.incident_offsets[i]; k < E.incident_offsets[i + 1]; ++k)
        victim = victim || E.role[E.incident_rows[k]] == Role::victim;
      if (!victim)
        log_.warning("incident.no_victim", re.source.file, re.source.line_of(first_row[i]),
                     "incident_id", id_str(E.incident_id[i]),
                     "incident " + id_str(E.incident_id[i]) + " has no participant with role victim");
    }
  }

  // ---------------------------------------------------------------- contacts
  void build_contacts() {
    auto& rc = raw_.contacts;
    const std::size_t m = rc.size();
    std::vector<Index> who(m, NONE);
    std::vector<std::uint32_t> keep;
    for (std::size_t r = 0; r < m && !log_.full(); ++r) {
      who[r] = resolve(rc.source, r, "person_id", rc.person[r]);
      const bool ok = check_interval(rc.source, r, "end_date", rc.start[r], rc.end[r], "start_date");
      if (who[r] != NONE && ok && rc.start[r].known() && !is_bad(T_CONTACTS, r))
        keep.push_back(static_cast<std::uint32_t>(r));
    }
    if (log_.has_errors()) return;
    std::sort(keep.begin(), keep.end(), [&](std::uint32_t x, std::uint32_t y) {
      return std::tie(who[x], rc.start[x].day, rc.src[x], rc.kind[x], rc.end[x].day, x) <
             std::tie(who[y], rc.start[y].day, rc.src[y], rc.kind[y], rc.end[y].day, y);
    });
    auto& C = ds_.contacts;
    for (auto r : keep) {
      C.person.push_back(who[r]);
      C.source.push_back(rc.src[r]);
      C.kind.push_back(rc.kind[r]);
      C.start.push_back(rc.start[r].day);
      C.start_precision.push_back(rc.start[r].precision);
      C.end.push_back(rc.end[r].day);
      C.end_precision.push_back(rc.end[r].precision);
    }
    C.person_offsets = offsets_of(ds_.persons.size(), C.person);
  }
};

}  // namespace

std::size_t Dataset::memory_bytes() const noexcept {
  const auto& P = persons;
  std::size_t b = cap(P.id) + cap(P.sex) + cap(P.birth) + cap(P.exit) + cap(P.birth_precision) +
                  cap(P.exit_precision) + cap(P.mother) + cap(P.father) + cap(P.child_offsets) +
                  cap(P.children) + cap(P.partner_offsets) + cap(P.partners);
  const auto& T = partnerships;
  b += cap(T.a) + cap(T.b) + cap(T.start) + cap(T.end) + cap(T.start_precision) + cap(T.end_precision);
  const auto& E = events;
  b += cap(E.person) + cap(E.date) + cap(E.date_precision) + cap(E.role) + cap(E.incident) +
       cap(E.kind) + cap(E.source) + cap(E.person_offsets) + cap(E.incident_id) +
       cap(E.incident_offsets) + cap(E.incident_rows);
  const auto& C = contacts;
  b += cap(C.person) + cap(C.source) + cap(C.kind) + cap(C.start) + cap(C.end) +
       cap(C.start_precision) + cap(C.end_precision) + cap(C.person_offsets);
  return b;
}

Dataset build_dataset(io::RawTables&& raw, const LoadOptions& options, IssueLog& log) {
  Builder b(raw, options, log);
  return b.run();
}

Dataset build_dataset(io::RawTables&& raw, const LoadOptions& options) {
  IssueLog log(options.error_limit());
  return build_dataset(std::move(raw), options, log);
}

Dataset load_csv(const std::filesystem::path& dir, const LoadOptions& options,
                 const io::CsvDialect& dialect) {
  IssueLog log(options.error_limit());
  auto paths = io::CsvPaths::in_directory(dir);
  Dataset ds;
  {
    io::RawTables raw = io::read_csv_tables(paths, log, options.parse, dialect);
    ds = build_dataset(std::move(raw), options, log);
  }
#ifdef __GLIBC__
  // Hand the parsing buffers back to the system so the resident size is the dataset's own.
  malloc_trim(0);
#endif
  return ds;
}

}  // namespace famgraph
