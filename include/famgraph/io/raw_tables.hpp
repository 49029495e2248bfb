#pragma once
// The four input tables as parsed but not yet validated rows (DESIGN.md §2). Every loader (CSV,
// pandas/Parquet through the Python bindings, the synthetic generator) fills these, and
// `build_dataset` validates them into a Dataset. Each row remembers where it came from.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "famgraph/data_error.hpp"
#include "famgraph/date.hpp"
#include "famgraph/types.hpp"

namespace famgraph::io {

/// Marks a missing id in raw tables. The value itself is rejected as an input id.
inline constexpr PersonId NO_ID = std::numeric_limits<PersonId>::min();

/// Where the rows of a table came from (for error messages).
struct RowSource {
  std::string file;                 ///< e.g. "persons.csv" or "persons (DataFrame)"
  std::vector<std::uint32_t> line;  ///< per row: line of the record (see DataIssue::line)
  [[nodiscard]] std::size_t line_of(std::size_t row) const {
    return row < line.size() ? line[row] : row + 2;
  }
};

/// Interns free-text categories (event kind, organisation code) as small integers.
class StringDict {
 public:
  static constexpr std::uint32_t max_size = 65535;
  /// Returns the code, or nullopt if the dictionary is full.
  std::optional<std::uint16_t> intern(std::string_view s) {
    auto it = index_.find(std::string(s));
    if (it != index_.end()) return it->second;
    if (values_.size() >= max_size) return std::nullopt;
    const auto code = static_cast<std::uint16_t>(values_.size());
    values_.emplace_back(s);
    index_.emplace(values_.back(), code);
    return code;
  }
  [[nodiscard]] const std::vector<std::string>& values() const noexcept { return values_; }
  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }

 private:
  std::vector<std::string> values_;
  std::unordered_map<std::string, std::uint16_t> index_;
};

struct RawPersons {
  RowSource source{"persons", {}};
  std::vector<PersonId> id, mother, father;
  std::vector<Sex> sex;
  std::vector<Date> birth, exit;
  [[nodiscard]] std::size_t size() const noexcept { return id.size(); }
};

struct RawPartnerships {
  RowSource source{"partnerships", {}};
  std::vector<PersonId> a, b;
  std::vector<Date> start, end;
  [[nodiscard]] std::size_t size() const noexcept { return a.size(); }
};

/// Role value used in raw rows whose role failed to parse (already reported).
inline constexpr std::uint8_t BAD_ROLE = 255;

struct RawEvents {
  RowSource source{"events", {}};
  std::vector<PersonId> incident, person;
  std::vector<std::uint8_t> role;  ///< Role, or BAD_ROLE
  std::vector<Date> date;
  std::vector<std::uint16_t> kind, src;  ///< codes into the dictionaries of RawTables
  [[nodiscard]] std::size_t size() const noexcept { return person.size(); }
};

struct RawContacts {
  RowSource source{"contacts", {}};
  std::vector<PersonId> person;
  std::vector<std::uint16_t> src, kind;
  std::vector<Date> start, end;
  [[nodiscard]] std::size_t size() const noexcept { return person.size(); }
};

struct RawTables {
  RawPersons persons;
  RawPartnerships partnerships;
  RawEvents events;
  RawContacts contacts;
  StringDict kinds;    ///< event and contact kinds
  StringDict sources;  ///< organisation codes
};

// ---- field parsers shared by every loader ----------------------------------------------------

/// Column layout of each table (required columns, in the documented order).
inline const std::vector<std::string>& persons_columns() {
  static const std::vector<std::string> c{"person_id", "sex",       "birth_date",
                                          "exit_date", "mother_id", "father_id"};
  return c;
}
inline const std::vector<std::string>& partnerships_columns() {
  static const std::vector<std::string> c{"person_a", "person_b", "start_date", "end_date"};
  return c;
}
inline const std::vector<std::string>& events_columns() {
  static const std::vector<std::string> c{"incident_id", "person_id", "role",
                                          "date",        "kind",      "source"};
  return c;
}
inline const std::vector<std::string>& contacts_columns() {
  static const std::vector<std::string> c{"person_id", "source", "start_date", "end_date", "kind"};
  return c;
}

/// Strips ASCII spaces and tabs around a field (exports often pad them).
constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// True if `s` is valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view s) noexcept;
/// `s` with control characters and invalid UTF-8 bytes escaped (`famgraph::escape`), so that
/// messages quoting the input are always valid text without NULs; not clipped.
std::string printable(std::string_view s);

/// Reports problems of one table while its rows are being parsed, locating them by row.
class FieldParser {
 public:
  FieldParser(IssueLog& log, const RowSource& src) : log_(log), src_(src) {}

  /// An id: empty → NO_ID (an error if `required`); otherwise a decimal int64.
  PersonId id(std::string_view text, std::size_t row, const char* column, bool required);
  Date date(std::string_view text, std::size_t row, const char* column, bool required);
  Sex sex(std::string_view text, std::size_t row);
  std::uint8_t role(std::string_view text, std::size_t row);
  std::uint16_t category(StringDict& dict, std::string_view text, std::size_t row,
                         const char* column, bool required);
  void record_error(std::size_t row, const char* column, std::string_view value,
                    std::string rule, std::string message);

 private:
  IssueLog& log_;
  const RowSource& src_;
};

}  // namespace famgraph::io
