#include <charconv>

#include "famgraph/io/raw_tables.hpp"

namespace famgraph::io {

bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string printable(std::string_view v) { return escape(v); }

void FieldParser::record_error(std::size_t row, const char* column, std::string_view value,
                               std::string rule, std::string message) {
  log_.error(std::move(rule), src_.file, src_.line_of(row), column, std::string(value),
             std::move(message));
}

PersonId FieldParser::id(std::string_view text, std::size_t row, const char* column,
                         bool required) {
  const std::string_view t = trim(text);
  if (t.empty()) {
    if (required)
      record_error(row, column, t, "missing.required",
                   std::string("missing value: ") + column + " is required");
    return NO_ID;
  }
  PersonId v = 0;
  const char* b = t.data();
  const char* e = b + t.size();
  if (*b == '+' && (t.size() == 1 || t[1] != '-')) ++b;  // "+5" is 5, "+-5" is not a number
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) {
    record_error(row, column, t, "parse.int",
                 "'" + shown(t) + "' is out of range (expected an integer id that fits in 64 bits)");
    return NO_ID;
  }
  if (ec != std::errc() || p != e || b == e) {
    record_error(row, column, t, "parse.int",
                 "'" + shown(t) + "' is not an integer (expected a whole-number id)");
    return NO_ID;
  }
  if (v == NO_ID) {
    record_error(row, column, t, "parse.int", "'" + shown(t) + "' is reserved (expected an id > -2^63)");
    return NO_ID;
  }
  return v;
}

Date FieldParser::date(std::string_view text, std::size_t row, const char* column, bool required) {
  const std::string_view t = trim(text);
  if (t.empty()) {
    if (required)
      record_error(row, column, t, "missing.required",
                   std::string("missing value: ") + column + " is required");
    return {};
  }
  if (auto d = parse_date(t)) return *d;
  record_error(row, column, t, "parse.date",
               "'" + shown(t) + "' is not a valid date (expected YYYY-MM-DD, YYYY-MM or YYYY, years " +
                   std::to_string(min_year) + "-" + std::to_string(max_year) + ")");
  return {};
}

Sex FieldParser::sex(std::string_view text, std::size_t row) {
  const std::string_view t = trim(text);
  if (t.empty() || t == "U") return Sex::U;
  if (t == "F") return Sex::F;
  if (t == "M") return Sex::M;
  record_error(row, "sex", t, "parse.sex",
               "'" + shown(t) + "' is not a sex code (expected F, M, U or empty)");
  return Sex::U;
}

std::uint8_t FieldParser::role(std::string_view text, std::size_t row) {
  const std::string_view t = trim(text);
  for (int r = 0; r < n_roles; ++r)
    if (t == to_string(static_cast<Role>(r))) return static_cast<std::uint8_t>(r);
  if (t.empty()) {
    record_error(row, "role", t, "missing.required", "missing value: role is required");
  } else {
    record_error(row, "role", t, "parse.role",
                 "'" + shown(t) +
                     "' is not a role (expected victim, perpetrator, witness or other)");
  }
  return BAD_ROLE;
}

std::uint16_t FieldParser::category(StringDict& dict, std::string_view text, std::size_t row,
                                    const char* column, bool required) {
  const std::string_view t = trim(text);
  if (t.empty() && required) {
    record_error(row, column, t, "missing.required",
                 std::string("missing value: ") + column + " is required");
  }
  if (!valid_utf8(t)) {
    record_error(row, column, t, "parse.utf8", "value is not valid UTF-8 text");
    return 0;
  }
  if (auto code = dict.intern(t)) return *code;
  record_error(row, column, t, "parse.category",
               "too many distinct values (at most " + std::to_string(StringDict::max_size) + ")");
  return 0;
}

}  // namespace famgraph::io
