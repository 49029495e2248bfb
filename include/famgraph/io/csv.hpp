#pragma once
// Reading the four input tables from CSV files (DESIGN.md §2).
#include <filesystem>
#include <optional>
#include <string>

#include "famgraph/data_error.hpp"
#include "famgraph/io/raw_tables.hpp"

namespace famgraph::io {

/// Paths of the four tables. Only `persons` is required; an absent optional table is empty.
struct CsvPaths {
  std::filesystem::path persons;
  std::optional<std::filesystem::path> partnerships, events, contacts;

  /// `dir/persons.csv` and whichever of `partnerships.csv`, `events.csv`, `contacts.csv` exist.
  static CsvPaths in_directory(const std::filesystem::path& dir);
};

/// Parses the files into raw rows, recording every parse problem in `log` (reading goes on after an
/// error so that many are reported at once; it stops early once the log is full).
/// Throws std::runtime_error if a file cannot be opened.
RawTables read_csv_tables(const CsvPaths& paths, IssueLog& log);

/// Parses one table from CSV text (used by the fuzzer and tests). `table` is one of
/// "persons", "partnerships", "events", "contacts".
void read_csv_table_from_string(RawTables& out, const std::string& table, std::string text,
                                const std::string& file_label, IssueLog& log);

}  // namespace famgraph::io
