#include <charconv>
#include <stdexcept>

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

DateFormat parse_date_format(std::string_view p) {
  if (p.empty() || p == "ISO" || p == "iso" || p == "%Y-%m-%d") return DateFormat::iso;
  if (p == "%d-%m-%Y") return DateFormat::dmy_dash;
  if (p == "%d/%m/%Y") return DateFormat::dmy_slash;
  if (p == "%Y%m%d") return DateFormat::ymd_compact;
  throw std::invalid_argument("date_format='" + shown(p) +
                              "' (expected 'ISO' (%Y-%m-%d), '%d-%m-%Y', '%d/%m/%Y' or '%Y%m%d')");
}

const char* date_format_pattern(DateFormat f) noexcept {
  switch (f) {
    case DateFormat::dmy_dash: return "%d-%m-%Y";
    case DateFormat::dmy_slash: return "%d/%m/%Y";
    case DateFormat::ymd_compact: return "%Y%m%d";
    default: return "%Y-%m-%d";
  }
}

std::optional<Date> parse_date_as(std::string_view t, const ParseOptions& opt) noexcept {
  if (opt.date_format == DateFormat::iso) return parse_date(t, opt.min_year, opt.max_year);
  // Rearrange a full day-first or compact date into ISO and let the one ISO parser judge it; a
  // year or year-month alone reads as in ISO (exports write them so whatever the day format).
  char iso[10];
  if ((opt.date_format == DateFormat::dmy_dash || opt.date_format == DateFormat::dmy_slash) &&
      t.size() == 10) {
    const char sep = opt.date_format == DateFormat::dmy_dash ? '-' : '/';
    if (t[2] != sep || t[5] != sep) return parse_date(t, opt.min_year, opt.max_year);
    const char r[10] = {t[6], t[7], t[8], t[9], '-', t[3], t[4], '-', t[0], t[1]};
    std::copy(r, r + 10, iso);
    return parse_date(std::string_view(iso, 10), opt.min_year, opt.max_year);
  }
  if (opt.date_format == DateFormat::ymd_compact && t.size() == 8) {
    const char r[10] = {t[0], t[1], t[2], t[3], '-', t[4], t[5], '-', t[6], t[7]};
    std::copy(r, r + 10, iso);
    return parse_date(std::string_view(iso, 10), opt.min_year, opt.max_year);
  }
  return parse_date(t, opt.min_year, opt.max_year);
}

void FieldParser::record_error(std::size_t row, const char* column, std::string_view value,
                               std::string rule, std::string message) {
  const std::size_t before = log_.errors().size();
  log_.error(std::move(rule), src_.file, src_.line_of(row), column, std::string(value),
             std::move(message));
  if (log_.errors().size() > before)
    src_.rejected.emplace_back(static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(before));
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
  if (auto d = parse_date_as(t, opt_)) return *d;
  const std::string layout = opt_.date_format == DateFormat::iso
                                 ? std::string("YYYY-MM-DD, YYYY-MM or YYYY")
                                 : std::string(date_format_pattern(opt_.date_format)) +
                                       " (date_format), YYYY-MM or YYYY";
  record_error(row, column, t, "parse.date",
               "'" + shown(t) + "' is not a valid date (expected " + layout + ", years " +
                   std::to_string(opt_.min_year) + "-" + std::to_string(opt_.max_year) + ")");
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
