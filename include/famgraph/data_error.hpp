#pragma once
// Structured data-quality findings (errors and warnings) and the exception that carries them.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace famgraph {

/// Longest value, in characters, that a message or `DataIssue::value` shows (docs/data_formats.md).
inline constexpr std::size_t clip_chars = 80;

/// `text` with control characters (U+0000-U+001F, U+007F-U+009F) and invisible ones that could
/// make a message lie (line/paragraph separators, bidirectional controls, U+FEFF) escaped as
/// `\n`, `\r`, `\t`, `\xNN` or `\uNNNN`, and each byte that is not valid UTF-8 as `\xNN`.
/// Backslashes are kept. The Python twin is `famgraph._errors.escape`.
std::string escape(std::string_view text);

/// A value as messages show it: `escape(value)`, clipped to `limit` characters; a longer value
/// keeps its beginning and ends with `…(N chars)`, N being its own length in characters (an
/// invalid byte counts as one). Never contains a NUL, so a C string of it is the whole text.
std::string shown(std::string_view value, std::size_t limit = clip_chars);

enum class Severity : std::uint8_t { error, warning };

/// One finding about the input, located as precisely as the input allows.
/// `line` is the 1-based physical line of the record in a CSV file (the header is line 1), or the
/// 0-based row position + 2 for in-memory tables, so messages read the same for both; 0 = whole file.
struct DataIssue {
  Severity severity = Severity::error;
  std::string rule;     ///< stable machine-readable code, e.g. "ref.unknown_id"
  std::string file;     ///< file name or table label, e.g. "persons.csv"
  std::size_t line = 0;
  std::string column;   ///< column name; empty when the issue concerns a whole record or file
  std::string value;    ///< the offending text as `shown` gives it (escaped, at most 80 characters)
  std::string message;  ///< what is wrong and what was expected

  /// `persons.csv:17:mother_id: 1234 is not a person_id in persons.csv`
  [[nodiscard]] std::string to_string() const {
    std::string s = file;
    if (line) s.append(":").append(std::to_string(line));
    if (!column.empty()) s.append(":").append(column);
    s.append(": ").append(message);
    return s;
  }
};

/// Thrown when input fails validation. Nothing was loaded.
class DataError : public std::runtime_error {
 public:
  explicit DataError(std::vector<DataIssue> errors, bool truncated = false)
      : std::runtime_error(summarise(errors, truncated)),
        errors_(std::move(errors)),
        truncated_(truncated) {}
  [[nodiscard]] const std::vector<DataIssue>& errors() const noexcept { return errors_; }
  /// True when collection stopped at the error limit; more errors may exist.
  [[nodiscard]] bool truncated() const noexcept { return truncated_; }

 private:
  static std::string summarise(const std::vector<DataIssue>& errors, bool truncated) {
    std::string s = std::to_string(errors.size()) + (errors.size() == 1 ? " error" : " errors") +
                    (truncated ? " (stopped at the limit; there may be more)" : "") +
                    " in the input:";
    std::size_t shown = 0;
    for (const auto& e : errors) {
      if (++shown > 20) {
        s += "\n  ... and " + std::to_string(errors.size() - 20) + " more";
        break;
      }
      s.append("\n  ").append(escape(e.to_string()));
    }
    return s;
  }
  std::vector<DataIssue> errors_;
  bool truncated_;
};

/// Collects errors up to a limit and warnings (all counted, the first `max_examples` kept).
class IssueLog {
 public:
  explicit IssueLog(std::size_t max_errors = 100, std::size_t max_examples = 100)
      : max_errors_(max_errors), max_examples_(max_examples) {}

  /// Records an error; returns false once the limit is reached (callers may stop early).
  bool error(std::string rule, std::string file, std::size_t line, std::string column,
             std::string value, std::string message) {
    if (errors_.size() >= max_errors_) {
      truncated_ = true;
      return false;
    }
    errors_.push_back({Severity::error, std::move(rule), std::move(file), line, std::move(column),
                       clip(value), std::move(message)});
    return errors_.size() < max_errors_;
  }
  void warning(std::string rule, std::string file, std::size_t line, std::string column,
               std::string value, std::string message) {
    if (warning_counts_[rule]++ < max_examples_)
      warnings_.push_back({Severity::warning, std::move(rule), std::move(file), line,
                           std::move(column), clip(value), std::move(message)});
  }
  /// True while examples of `rule` are still kept: callers skip building messages otherwise.
  [[nodiscard]] bool keeps_example(const std::string& rule) const {
    auto it = warning_counts_.find(rule);
    return it == warning_counts_.end() || it->second < max_examples_;
  }
  /// Counts a warning without keeping an example.
  void count_warning(const std::string& rule) { ++warning_counts_[rule]; }
  [[nodiscard]] bool full() const noexcept { return errors_.size() >= max_errors_; }
  [[nodiscard]] bool has_errors() const noexcept { return !errors_.empty(); }
  [[nodiscard]] const std::vector<DataIssue>& errors() const noexcept { return errors_; }
  [[nodiscard]] const std::vector<DataIssue>& warnings() const noexcept { return warnings_; }
  [[nodiscard]] const std::map<std::string, std::size_t>& warning_counts() const noexcept {
    return warning_counts_;
  }
  /// Hands over the errors recorded so far and forgets them (quarantine turns them into records).
  std::vector<DataIssue> take_errors() {
    truncated_ = false;
    return std::exchange(errors_, {});
  }
  /// Throws DataError if any error was recorded.
  void throw_if_errors() {
    if (!errors_.empty()) throw DataError(std::move(errors_), truncated_ || full());
  }

 private:
  static std::string clip(const std::string& v) { return shown(v); }
  std::size_t max_errors_, max_examples_;
  bool truncated_ = false;
  std::vector<DataIssue> errors_, warnings_;
  std::map<std::string, std::size_t> warning_counts_;
};

}  // namespace famgraph
