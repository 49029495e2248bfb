#include <unistd.h>

#include <algorithm>
#include <map>
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

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string sep_name(char c) { return c == '\t' ? std::string("\\t") : std::string(1, c); }

// Reads a CSV stream: checks the header for the required columns (case-insensitively, after the
// dialect's renaming), then calls `on_row` with the fields reordered as `required`. Records with
// the wrong number of fields or broken quoting are reported and skipped (they never reach the
// tables; under quarantine they are set aside with their text).
void read_table(CsvReader& reader, const std::vector<std::string>& required, RowSource& src,
                IssueLog& log, const CsvDialect& dialect, const RowFn& on_row) {
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
  std::map<std::string, std::string> rename;
  for (const auto& [from, to] : dialect.columns) rename[lower(trim(from))] = lower(trim(to));
  std::vector<std::size_t> pos(required.size(), SIZE_MAX);
  std::vector<std::string> header, key;
  for (auto f : fields) {
    header.emplace_back(printable(trim(f)));
    std::string k = lower(trim(f));
    if (auto it = rename.find(k); it != rename.end()) k = it->second;
    key.push_back(std::move(k));
  }
  for (std::size_t k = 0; k < required.size(); ++k) {
    auto it = std::find(key.begin(), key.end(), required[k]);
    if (it == key.end()) {
      std::string found;
      for (std::size_t h = 0; h < header.size() && h < 20; ++h)
        found += (found.empty() ? "" : ", ") + shown(header[h]);
      if (header.size() > 20) found += ", ... (" + std::to_string(header.size()) + " columns)";
      std::string hint;
      if (header.size() <= 2) {
        std::string joined;
        for (auto f : fields) joined += std::string(f);
        const char guess = detect_separator(joined);
        if (guess != reader.separator() && joined.find(guess) != std::string::npos)
          hint = "; this file looks '" + sep_name(guess) + "'-separated: pass sep='" +
                 sep_name(guess) + "'";
      }
      log.error("header.missing_column", src.file, reader.line(), required[k], "",
                "required column '" + required[k] + "' is missing (header has: " + found + ")" +
                    hint);
    } else {
      if (std::find(it + 1, key.end(), required[k]) != key.end())
        log.error("header.duplicate_column", src.file, reader.line(), required[k], "",
                  "column '" + required[k] + "' appears more than once in the header");
      pos[k] = static_cast<std::size_t>(it - key.begin());
    }
  }
  if (std::find(pos.begin(), pos.end(), SIZE_MAX) != pos.end()) return;
  const std::size_t width = header.size();
  std::vector<std::string_view> ordered(required.size());
  std::size_t row = 0;
  auto text_of = [](const std::vector<std::string_view>& f) {
    std::vector<std::string> v(f.begin(), f.end());
    return join_csv_record(v);
  };
  while (!log.full() && reader.next(fields)) {
    if (!reader.error().empty()) {
      const std::size_t before = log.errors().size();
      log.error(reader.error_rule(), src.file, reader.line(), "", "", reader.error());
      if (log.errors().size() > before && std::string_view(reader.error_rule()) == "csv.syntax")
        src.unparsed.emplace_back(static_cast<std::uint32_t>(before), text_of(fields));
      continue;
    }
    if (fields.size() != width) {
      const std::size_t before = log.errors().size();
      log.error("csv.field_count", src.file, reader.line(), "", "",
                "record has " + std::to_string(fields.size()) + " fields, expected " +
                    std::to_string(width) + " (as in the header)");
      if (log.errors().size() > before)
        src.unparsed.emplace_back(static_cast<std::uint32_t>(before), text_of(fields));
      continue;
    }
    for (std::size_t k = 0; k < required.size(); ++k) ordered[k] = fields[pos[k]];
    if (reader.line() > UINT32_MAX) throw std::runtime_error(src.file + ": more than 2^32 lines");
    src.line.push_back(static_cast<std::uint32_t>(reader.line()));
    const std::size_t rejected = src.rejected.size();
    on_row(ordered, row);
    // Keep the text of a row with a problem as read: the quarantine shows it.
    if (src.rejected.size() > rejected)
      src.text.emplace(static_cast<std::uint32_t>(row), text_of(ordered));
    ++row;
  }
}

void read_persons(CsvReader& r, RawTables& t, IssueLog& log, const ParseOptions& po,
                 const CsvDialect& d) {
  auto& p = t.persons;
  FieldParser fp(log, p.source, &po);
  read_table(r, persons_columns(), p.source, log, d, [&](const auto& f, std::size_t row) {
    p.id.push_back(fp.id(f[0], row, "person_id", true));
    p.sex.push_back(fp.sex(f[1], row));
    p.birth.push_back(fp.date(f[2], row, "birth_date", false));
    p.exit.push_back(fp.date(f[3], row, "exit_date", false));
    p.mother.push_back(fp.id(f[4], row, "mother_id", false));
    p.father.push_back(fp.id(f[5], row, "father_id", false));
  });
}

void read_partnerships(CsvReader& r, RawTables& t, IssueLog& log, const ParseOptions& po,
                 const CsvDialect& d) {
  auto& p = t.partnerships;
  FieldParser fp(log, p.source, &po);
  read_table(r, partnerships_columns(), p.source, log, d, [&](const auto& f, std::size_t row) {
    p.a.push_back(fp.id(f[0], row, "person_a", true));
    p.b.push_back(fp.id(f[1], row, "person_b", true));
    p.start.push_back(fp.date(f[2], row, "start_date", false));
    p.end.push_back(fp.date(f[3], row, "end_date", false));
  });
}

void read_events(CsvReader& r, RawTables& t, IssueLog& log, const ParseOptions& po,
                 const CsvDialect& d) {
  auto& e = t.events;
  FieldParser fp(log, e.source, &po);
  read_table(r, events_columns(), e.source, log, d, [&](const auto& f, std::size_t row) {
    e.incident.push_back(fp.id(f[0], row, "incident_id", true));
    e.person.push_back(fp.id(f[1], row, "person_id", true));
    e.role.push_back(fp.role(f[2], row));
    e.date.push_back(fp.date(f[3], row, "date", true));
    e.kind.push_back(fp.category(t.kinds, f[4], row, "kind", false));
    e.src.push_back(fp.category(t.sources, f[5], row, "source", true));
  });
}

void read_contacts(CsvReader& r, RawTables& t, IssueLog& log, const ParseOptions& po,
                 const CsvDialect& d) {
  auto& c = t.contacts;
  FieldParser fp(log, c.source, &po);
  read_table(r, contacts_columns(), c.source, log, d, [&](const auto& f, std::size_t row) {
    c.person.push_back(fp.id(f[0], row, "person_id", true));
    c.src.push_back(fp.category(t.sources, f[1], row, "source", true));
    c.start.push_back(fp.date(f[2], row, "start_date", true));
    c.end.push_back(fp.date(f[3], row, "end_date", false));
    c.kind.push_back(fp.category(t.kinds, f[4], row, "kind", false));
  });
}

void dispatch(CsvReader& r, RawTables& t, const std::string& table, IssueLog& log,
              const ParseOptions& po, const CsvDialect& d) {
  if (table == "persons") return read_persons(r, t, log, po, d);
  if (table == "partnerships") return read_partnerships(r, t, log, po, d);
  if (table == "events") return read_events(r, t, log, po, d);
  if (table == "contacts") return read_contacts(r, t, log, po, d);
  throw std::invalid_argument("unknown table '" + table +
                              "' (expected persons, partnerships, events or contacts)");
}

// The separator of a file: the dialect's, or detected from its first line (stated as a warning
// when it is not a comma, so that a wrong guess is visible).
char separator_for(const std::string& path, const std::string* text, const CsvDialect& d,
                   const std::string& label, IssueLog& log) {
  if (d.sep) return d.sep;
  std::string head;
  if (text) {
    head = text->substr(0, std::min<std::size_t>(text->size(), 1 << 16));
  } else {
    const int fd = open_input(path, "a CSV file");
    head.resize(1 << 16);
    const ssize_t got = ::read(fd, head.data(), head.size());
    ::close(fd);
    head.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  }
  const std::size_t nl = head.find('\n');
  if (nl != std::string::npos) head.resize(nl);
  const char sep = detect_separator(head);
  if (sep != ',')
    log.warning("csv.separator_detected", label, 1, "", sep_name(sep),
                "read as '" + sep_name(sep) + "'-separated (detected from the header; pass sep='" +
                    sep_name(sep) + "' to make it explicit)");
  return sep;
}

}  // namespace

char detect_separator(std::string_view line) noexcept {
  std::size_t count[4] = {0, 0, 0, 0};
  constexpr char cand[4] = {',', ';', '\t', '|'};
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int k = 0; k < 4; ++k) count[k] += c == cand[k];
  }
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (count[k] > count[best]) best = k;
  return cand[best];
}

Encoding parse_encoding(std::string_view name) {
  std::string n;
  for (char c : name)
    if (c != '-' && c != '_' && c != ' ') n.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  if (n.empty() || n == "utf8" || n == "utf8sig") return Encoding::utf8;
  if (n == "cp1252" || n == "windows1252") return Encoding::cp1252;
  if (n == "latin1" || n == "iso88591" || n == "l1") return Encoding::latin1;
  throw std::invalid_argument("encoding='" + shown(name) +
                              "' (expected 'utf-8', 'utf-8-sig', 'cp1252' or 'latin-1')");
}

std::string join_csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k) out.push_back(',');
    const auto& f = fields[k];
    if (f.find_first_of(",\"\r\n") == std::string::npos) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

RawTables read_csv_tables(const CsvPaths& paths, IssueLog& log, const ParseOptions& po,
                          const CsvDialect& d) {
  RawTables t;
  auto one = [&](const std::filesystem::path& path, const std::string& table, RowSource& src) {
    src.file = path.filename().string();
    const char sep = separator_for(path.string(), nullptr, d, src.file, log);
    CsvReader r(path.string(), 1 << 22, max_record_bytes, d.encoding);
    r.set_separator(sep);
    dispatch(r, t, table, log, po, d);
  };
  one(paths.persons, "persons", t.persons.source);
  if (paths.partnerships) one(*paths.partnerships, "partnerships", t.partnerships.source);
  if (paths.events) one(*paths.events, "events", t.events.source);
  if (paths.contacts) one(*paths.contacts, "contacts", t.contacts.source);
  return t;
}

void read_csv_table_from_string(RawTables& out, const std::string& table, std::string text,
                                const std::string& file_label, IssueLog& log,
                                const ParseOptions& po, const CsvDialect& d) {
  if (table != "persons" && table != "partnerships" && table != "events" && table != "contacts")
    throw std::invalid_argument("unknown table '" + table +
                                "' (expected persons, partnerships, events or contacts)");
  const char sep = separator_for("", &text, d, file_label, log);
  CsvReader r = CsvReader::from_string(std::move(text), max_record_bytes, d.encoding);
  r.set_separator(sep);
  RowSource* src = table == "persons"        ? &out.persons.source
                   : table == "partnerships" ? &out.partnerships.source
                   : table == "events"       ? &out.events.source
                                             : &out.contacts.source;
  src->file = file_label;
  dispatch(r, out, table, log, po, d);
}

}  // namespace famgraph::io
