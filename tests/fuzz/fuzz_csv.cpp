// libFuzzer target: arbitrary bytes → the CSV parser of each of the four tables → build_dataset,
// and, when the input is valid, the graph, relations and kinship built on it.
//
// Input layout: the bytes are split on 0x1E (ASCII record separator) into up to four parts, the
// texts of persons, partnerships, events and contacts in that order; an input without a separator
// is fed to all four tables. Each input is loaded twice, with missing_parents strict and add.
// Only DataError may escape from loading; anything else (a crash, a sanitizer report, an
// exception, a broken invariant, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "famgraph/famgraph.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// UTF-8 code points (values in messages are escaped and clipped by characters, data_error.hpp).
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Everything downstream of a valid dataset must work without throwing.
void exercise(const famgraph::Dataset& ds) {
  using namespace famgraph;
  const auto& P = ds.persons;
  const FamilyGraph g(P);
  check(g.topological_order().size() == P.size());
  for (Index c = 0; c < P.size(); ++c)
    for (Index p : {P.mother[c], P.father[c]})
      if (p != NONE) check(g.topological_rank()[p] < g.topological_rank()[c]);
  const KinshipCalculator k(g, KinshipOptions{1});
  const auto F = k.inbreeding();
  for (double f : F) check(f >= 0.0 && f <= 1.0);
  std::vector<Index> rel;
  for (Index i = 0; i < P.size(); ++i) {
    for (Relation r : all_relations) {
      relatives(P, i, r, rel);
      for (Index j : rel) check(j < P.size() && j != i);
    }
    if (P.mother[i] != NONE) check(k.kinship(i, P.mother[i]) >= 0.25);
  }
  std::vector<double> x(P.size(), 1.0);
  const auto y = k.relationship_times(x);
  check(y.size() == P.size());
  if (P.size() > 0) (void)g.ancestors(0);
  (void)to_text(summarise(ds, g, k));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace famgraph;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t sep = in.find('\x1e', start);
    parts.emplace_back(in.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
    if (sep == std::string_view::npos || parts.size() == 4) break;
    start = sep + 1;
  }
  if (parts.size() == 1) parts.assign(4, parts[0]);
  while (parts.size() < 4) parts.emplace_back();

  static const char* const tables[4] = {"persons", "partnerships", "events", "contacts"};
  IssueLog log;
  io::RawTables raw;
  for (int t = 0; t < 4; ++t) {
    // An empty optional table is treated as absent, as when the file does not exist.
    if (t > 0 && parts[t].empty()) continue;
    io::read_csv_table_from_string(raw, tables[t], parts[t], std::string(tables[t]) + ".csv", log);
  }

  std::size_t persons_strict = 0;
  bool strict_ok = false;
  for (int mode = 0; mode < 2; ++mode) {
    LoadOptions opt;
    opt.missing_parents = mode == 0 ? MissingParents::strict : MissingParents::add;
    IssueLog l = log;
    io::RawTables r = raw;
    try {
      const Dataset ds = build_dataset(std::move(r), opt, l);
      for (const auto& w : ds.report.warnings) check(w.severity == Severity::warning);
      if (mode == 0) {
        strict_ok = true;
        persons_strict = ds.persons.size();
      } else if (strict_ok) {
        // Nothing was missing, so nothing may be added.
        check(ds.persons.size() == persons_strict && ds.persons.n_added_parents == 0);
      }
      exercise(ds);
    } catch (const DataError& e) {
      check(!e.errors().empty() && e.errors().size() <= opt.max_errors);
      for (const auto& issue : e.errors()) {
        check(issue.severity == Severity::error && !issue.rule.empty() && !issue.file.empty());
        check(characters(issue.value) <= 80);  // clipped to 80 characters ("…" is 3 bytes, 1 character)
        (void)issue.to_string();
      }
      check(mode == 0 || !strict_ok);
    }
  }
  return 0;
}
