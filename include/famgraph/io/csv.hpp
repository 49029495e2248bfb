#pragma once
// Reading the four input tables from CSV files (docs/spec/data_contract.md §tables).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "famgraph/data_error.hpp"
#include "famgraph/io/csv_reader.hpp"
#include "famgraph/io/raw_tables.hpp"

namespace famgraph::io {

/// Paths of the four tables. Only `persons` is required; an absent optional table is empty.
struct CsvPaths {
  std::filesystem::path persons;
  std::optional<std::filesystem::path> partnerships, events, contacts;

  /// `dir/persons.csv` and whichever of `partnerships.csv`, `events.csv`, `contacts.csv` exist.
  static CsvPaths in_directory(const std::filesystem::path& dir);
};

/// How an export writes its CSV (docs/data_formats.md, "Dialects").
struct CsvDialect {
  /// Field separator: ',', ';', '\t' or '|'; 0 = detected from each file's header (the most
  /// frequent of the four outside quotes; ',' when none occurs). A detected separator other than
  /// ',' is stated as the warning `csv.separator_detected`.
  char sep = 0;
  Encoding encoding = Encoding::utf8;
  /// Header name in the file -> famgraph column (both compared case-insensitively), e.g.
  /// {"CLIENT_ID", "person_id"}. Headers match the documented names case-insensitively anyway.
  std::map<std::string, std::string> columns;
};

/// The separator a header line suggests: the most frequent of ',' ';' '\t' '|' outside double
/// quotes (ties and none: ',').
char detect_separator(std::string_view header_line) noexcept;
/// Parses "utf-8", "utf-8-sig", "cp1252" or "latin-1" (and common spellings); throws
/// std::invalid_argument naming the accepted values otherwise.
Encoding parse_encoding(std::string_view name);
/// Fields joined by commas, each quoted (RFC 4180) when it holds a comma, quote or line break.
std::string join_csv_record(const std::vector<std::string>& fields);

/// Parses the files into raw rows, recording every parse problem in `log` (reading goes on after an
/// error so that many are reported at once; it stops early once the log is full).
/// Throws std::runtime_error if a file cannot be opened.
RawTables read_csv_tables(const CsvPaths& paths, IssueLog& log, const ParseOptions& parse = {},
                          const CsvDialect& dialect = {});

/// Parses one table from CSV text (used by the fuzzer and tests). `table` is one of
/// "persons", "partnerships", "events", "contacts".
void read_csv_table_from_string(RawTables& out, const std::string& table, std::string text,
                                const std::string& file_label, IssueLog& log,
                                const ParseOptions& parse = {}, const CsvDialect& dialect = {});

}  // namespace famgraph::io
