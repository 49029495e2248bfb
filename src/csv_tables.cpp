#include <algorithm>
#include <cerrno>
#include <functional>
#include <stdexcept>

#include "famgraph/io/csv.hpp"
#include "famgraph/io/csv_reader.hpp"
#include "famgraph/io/files.hpp"

namespace famgraph::io {

CsvPaths CsvPaths::in_directory(const std::filesystem::path& dir) {
  require_folder(dir, "a folder holding persons.csv");
  CsvPaths p;
  p.persons = dir / "persons.csv";
  if (!optional_input(p.persons))
    throw FileError(ENOENT, shown(p.persons.string(), 1000) + ": not found (persons.csv is required)");
  // A table is absent only when nothing is there: a broken link is reported when it is opened.
  auto opt = [&](const char* name) { return optional_input(dir / name); };
  p.partnerships = opt("partnerships.csv");
  p.events = opt("events.csv");
  p.contacts = opt("contacts.csv");
  return p;
}

namespace {

using RowFn = std::function<void(const std::vector<std::string_view>& f, std::size_t row)>;

// Reads a CSV stream: checks the header for the required columns, then calls `on_row` with the
// fields reordered as `required`. Rows with the wrong number of fields or broken quoting are
// reported and skipped (they never reach the tables, and the load fails).
void read_table(CsvReader& reader, const std::vector<std::string>& required, RowSource& src,
                IssueLog& log, const RowFn& on_row) {
  std::vector<std::string_view> fields;
  if (!reader.next(fields)) {
    log.error("header.empty_file", src.file, 0, "", "",
              "file is empty (expected a header row with columns: " + [&] {
                std::string s;
                for (const auto& c : required) s += (s.empty() ? "" : ", ") + c;
                return s;
              }() + ")");
    return;
  }
  if (!reader.error().empty()) {
    const std::string rule = reader.error_rule();
    log.error(rule, src.file, reader.line(), "", "",
              rule == "csv.syntax" ? "header: " + reader.error() : reader.error());
    return;
  }
  std::vector<std::size_t> pos(required.size(), SIZE_MAX);
  std::vector<std::string> header;
  for (auto f : fields) header.emplace_back(printable(trim(f)));
  for (std::size_t k = 0; k < required.size(); ++k) {
    auto it = std::find(header.begin(), header.end(), required[k]);
    if (it == header.end()) {
      std::string found;
      for (std::size_t h = 0; h < header.size() && h < 20; ++h)
        found += (found.empty() ? "" : ", ") + shown(header[h]);
      if (header.size() > 20) found += ", ... (" + std::to_string(header.size()) + " columns)";
      log.error("header.missing_column", src.file, reader.line(), required[k], "",
                "required column '" + required[k] + "' is missing (header has: " + found + ")");
    } else {
      if (std::find(it + 1, header.end(), required[k]) != header.end())
        log.error("header.duplicate_column", src.file, reader.line(), required[k], "",
                  "column '" + required[k] + "' appears more than once in the header");
      pos[k] = static_cast<std::size_t>(it - header.begin());
    }
  }
  if (std::find(pos.begin(), pos.end(), SIZE_MAX) != pos.end()) return;
  const std::size_t width = header.size();
  std::vector<std::string_view> ordered(required.size());
  std::size_t row = 0;
  while (!log.full() && reader.next(fields)) {
    if (!reader.error().empty()) {
      log.error(reader.error_rule(), src.file, reader.line(), "", "", reader.error());
      continue;
    }
    if (fields.size() != width) {
      log.error("csv.field_count", src.file, reader.line(), "", "",
                "record has " + std::to_string(fields.size()) + " fields, expected " +
                    std::to_string(width) + " (as in the header)");
      continue;
    }
    for (std::size_t k = 0; k < required.size(); ++k) ordered[k] = fields[pos[k]];
    if (reader.line() > UINT32_MAX) throw std::runtime_error(src.file + ": more than 2^32 lines");
    src.line.push_back(static_cast<std::uint32_t>(reader.line()));
    on_row(ordered, row++);
  }
}

void read_persons(CsvReader& r, RawTables& t, IssueLog& log) {
  auto& p = t.persons;
  FieldParser fp(log, p.source);
  read_table(r, persons_columns(), p.source, log, [&](const auto& f, std::size_t row) {
    p.id.push_back(fp.id(f[0], row, "person_id", true));
    p.sex.push_back(fp.sex(f[1], row));
    p.birth.push_back(fp.date(f[2], row, "birth_date", false));
    p.exit.push_back(fp.date(f[3], row, "exit_date", false));
    p.mother.push_back(fp.id(f[4], row, "mother_id", false));
    p.father.push_back(fp.id(f[5], row, "father_id", false));
  });
}

void read_partnerships(CsvReader& r, RawTables& t, IssueLog& log) {
  auto& p = t.partnerships;
  FieldParser fp(log, p.source);
  read_table(r, partnerships_columns(), p.source, log, [&](const auto& f, std::size_t row) {
    p.a.push_back(fp.id(f[0], row, "person_a", true));
    p.b.push_back(fp.id(f[1], row, "person_b", true));
    p.start.push_back(fp.date(f[2], row, "start_date", false));
    p.end.push_back(fp.date(f[3], row, "end_date", false));
  });
}

void read_events(CsvReader& r, RawTables& t, IssueLog& log) {
  auto& e = t.events;
  FieldParser fp(log, e.source);
  read_table(r, events_columns(), e.source, log, [&](const auto& f, std::size_t row) {
    e.incident.push_back(fp.id(f[0], row, "incident_id", true));
    e.person.push_back(fp.id(f[1], row, "person_id", true));
    e.role.push_back(fp.role(f[2], row));
    e.date.push_back(fp.date(f[3], row, "date", true));
    e.kind.push_back(fp.category(t.kinds, f[4], row, "kind", false));
    e.src.push_back(fp.category(t.sources, f[5], row, "source", true));
  });
}

void read_contacts(CsvReader& r, RawTables& t, IssueLog& log) {
  auto& c = t.contacts;
  FieldParser fp(log, c.source);
  read_table(r, contacts_columns(), c.source, log, [&](const auto& f, std::size_t row) {
    c.person.push_back(fp.id(f[0], row, "person_id", true));
    c.src.push_back(fp.category(t.sources, f[1], row, "source", true));
    c.start.push_back(fp.date(f[2], row, "start_date", true));
    c.end.push_back(fp.date(f[3], row, "end_date", false));
    c.kind.push_back(fp.category(t.kinds, f[4], row, "kind", false));
  });
}

void dispatch(CsvReader& r, RawTables& t, const std::string& table, IssueLog& log) {
  if (table == "persons") return read_persons(r, t, log);
  if (table == "partnerships") return read_partnerships(r, t, log);
  if (table == "events") return read_events(r, t, log);
  if (table == "contacts") return read_contacts(r, t, log);
  throw std::invalid_argument("unknown table '" + table +
                              "' (expected persons, partnerships, events or contacts)");
}

}  // namespace

RawTables read_csv_tables(const CsvPaths& paths, IssueLog& log) {
  RawTables t;
  auto one = [&](const std::filesystem::path& path, const std::string& table, RowSource& src) {
    src.file = path.filename().string();
    CsvReader r(path.string());
    dispatch(r, t, table, log);
  };
  one(paths.persons, "persons", t.persons.source);
  if (paths.partnerships) one(*paths.partnerships, "partnerships", t.partnerships.source);
  if (paths.events) one(*paths.events, "events", t.events.source);
  if (paths.contacts) one(*paths.contacts, "contacts", t.contacts.source);
  return t;
}

void read_csv_table_from_string(RawTables& out, const std::string& table, std::string text,
                                const std::string& file_label, IssueLog& log) {
  if (table != "persons" && table != "partnerships" && table != "events" && table != "contacts")
    throw std::invalid_argument("unknown table '" + table +
                                "' (expected persons, partnerships, events or contacts)");
  CsvReader r = CsvReader::from_string(std::move(text));
  RowSource* src = table == "persons"        ? &out.persons.source
                   : table == "partnerships" ? &out.partnerships.source
                   : table == "events"       ? &out.events.source
                                             : &out.contacts.source;
  src->file = file_label;
  dispatch(r, out, table, log);
}

}  // namespace famgraph::io
