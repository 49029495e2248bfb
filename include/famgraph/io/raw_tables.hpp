#pragma once
// The four input tables as parsed but not yet validated rows (docs/spec/data_contract.md §tables). Every
// loader (CSV, pandas/Parquet through the Python bindings, the synthetic generator) fills these, and
// `build_dataset` validates them into a Dataset. Each row remembers where it came from.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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
  /// Problems found while parsing rows: (row, index of the error in the IssueLog). Under
  /// OnError::quarantine these rows are set aside with their first problem.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> rejected;
  /// Records that never became rows (wrong number of fields, broken quoting): (index of the error
  /// in the IssueLog, the record's text).
  std::vector<std::pair<std::uint32_t, std::string>> unparsed;
  /// The text of rejected rows as read (fields in the documented column order), for the quarantine.
  std::unordered_map<std::uint32_t, std::string> text;
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
  RowSource source{"persons", {}, {}, {}, {}};
  std::vector<PersonId> id, mother, father;
  std::vector<Sex> sex;
  std::vector<Date> birth, exit;
  [[nodiscard]] std::size_t size() const noexcept { return id.size(); }
};

struct RawPartnerships {
  RowSource source{"partnerships", {}, {}, {}, {}};
  std::vector<PersonId> a, b;
  std::vector<Date> start, end;
  [[nodiscard]] std::size_t size() const noexcept { return a.size(); }
};

/// Role value used in raw rows whose role failed to parse (already reported).
inline constexpr std::uint8_t BAD_ROLE = 255;

struct RawEvents {
  RowSource source{"events", {}, {}, {}, {}};
  std::vector<PersonId> incident, person;
  std::vector<std::uint8_t> role;  ///< Role, or BAD_ROLE
  std::vector<Date> date;
  std::vector<std::uint16_t> kind, src;  ///< codes into the dictionaries of RawTables
  [[nodiscard]] std::size_t size() const noexcept { return person.size(); }
};

struct RawContacts {
  RowSource source{"contacts", {}, {}, {}, {}};
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

/// How text dates are written in an input (docs/data_formats.md, "Dialects").
enum class DateFormat : std::uint8_t {
  iso,    ///< YYYY-MM-DD, YYYY-MM or YYYY (the default)
  dmy_dash,   ///< %d-%m-%Y
  dmy_slash,  ///< %d/%m/%Y
  ymd_compact ///< %Y%m%d
};

/// Options of the field parsers: accepted years and the text date format.
struct ParseOptions {
  int min_year = famgraph::min_year;  ///< earliest accepted year (inclusive)
  int max_year = famgraph::max_year;  ///< latest accepted year (inclusive)
  DateFormat date_format = DateFormat::iso;
};

/// The DateFormat of a strftime-like pattern ("ISO"/"%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y",
/// "%Y%m%d"); throws std::invalid_argument naming the accepted patterns otherwise.
DateFormat parse_date_format(std::string_view pattern);
/// The pattern text of a DateFormat (as messages show it).
const char* date_format_pattern(DateFormat f) noexcept;
/// Parses `text` in `opt.date_format` with years in [opt.min_year, opt.max_year]. In a non-ISO
/// format a full ISO date is accepted too (exports mix them rarely, but the parser then never
/// misreads one for the other: the layouts differ in where the separators are).
std::optional<Date> parse_date_as(std::string_view text, const ParseOptions& opt) noexcept;

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
  /// `opt` (may be null) gives the accepted years and the date format of text dates.
  FieldParser(IssueLog& log, RowSource& src, const ParseOptions* opt = nullptr)
      : log_(log), src_(src), opt_(opt ? *opt : ParseOptions{}) {}

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
  RowSource& src_;
  ParseOptions opt_;
};

}  // namespace famgraph::io
