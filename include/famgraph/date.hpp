#pragma once
// Calendar dates as int32 day numbers (days since 1970-01-01, proleptic Gregorian), with the
// precision of partially known dates (YYYY, YYYY-MM) kept beside them.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace famgraph {

using Day = std::int32_t;
inline constexpr Day NO_DAY = INT32_MIN;

/// How precisely a date is known. A partial date is imputed to the middle of its period.
enum class DatePrecision : std::uint8_t { missing = 0, year = 1, month = 2, day = 3 };

struct YMD {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// Howard Hinnant's civil-calendar algorithms (public domain), valid for the whole int32 range used.
constexpr Day days_from_civil(int y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

constexpr YMD civil_from_days(Day z) noexcept {
  const int zz = z + 719468;
  const int era = (zz >= 0 ? zz : zz - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(zz - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

constexpr bool is_leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(int y, unsigned m) noexcept {
  constexpr unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29u : dm[m - 1];
}

/// The same month and day `years` later; 29 February maps to 28 February in a non-leap year.
constexpr Day add_years(Day d, int years) noexcept {
  YMD c = civil_from_days(d);
  const int y = c.year + years;
  const unsigned day = (c.month == 2 && c.day == 29 && !is_leap(y)) ? 28u : c.day;
  return days_from_civil(y, c.month, day);
}

/// Completed years between birth and d (d >= birth).
constexpr int age_in_years(Day birth, Day d) noexcept {
  const YMD b = civil_from_days(birth);
  const YMD x = civil_from_days(d);
  int age = x.year - b.year;
  if (d < add_years(birth, age)) --age;
  return age;
}

/// The decade of a calendar year, ⌊year/10⌋·10, floored for years before 0 too (−5 → −10): the
/// birth decades of the indicators (strata of indicator 1, the GIF, the adjusted association).
constexpr int decade_of(int year) noexcept { return (year >= 0 ? year / 10 : (year - 9) / 10) * 10; }

/// The decade of the calendar year of a day (days before 1970 are negative: day −1, 1969-12-31,
/// is in 1960).
constexpr int decade_of_day(Day d) noexcept { return decade_of(civil_from_days(d).year); }

/// A possibly partial date: the imputed day plus its precision.
struct Date {
  Day day = NO_DAY;
  DatePrecision precision = DatePrecision::missing;

  [[nodiscard]] constexpr bool known() const noexcept { return precision != DatePrecision::missing; }
  /// First day of the period this date may denote.
  [[nodiscard]] constexpr Day lo() const noexcept {
    if (precision == DatePrecision::missing) return NO_DAY;
    if (precision == DatePrecision::day) return day;  // the common case, without calendar arithmetic
    const YMD c = civil_from_days(day);
    if (precision == DatePrecision::year) return days_from_civil(c.year, 1, 1);
    if (precision == DatePrecision::month) return days_from_civil(c.year, c.month, 1);
    return day;
  }
  /// Last day of the period this date may denote.
  [[nodiscard]] constexpr Day hi() const noexcept {
    if (precision == DatePrecision::missing) return NO_DAY;
    if (precision == DatePrecision::day) return day;
    const YMD c = civil_from_days(day);
    if (precision == DatePrecision::year) return days_from_civil(c.year, 12, 31);
    if (precision == DatePrecision::month)
      return days_from_civil(c.year, c.month, days_in_month(c.year, c.month));
    return day;
  }
  friend constexpr bool operator==(const Date&, const Date&) = default;
};

/// Years accepted in register input dates by default; anything else is almost certainly a typo or
/// a sentinel value. Loaders take `min_year`/`max_year` options (genealogies reach back centuries).
inline constexpr int min_year = 1800;
inline constexpr int max_year = 2200;
/// The widest year range a loader accepts: four-digit years, all far inside the int32 day range.
inline constexpr int min_year_limit = 1;
inline constexpr int max_year_limit = 9999;

/// Parses `YYYY-MM-DD`, `YYYY-MM` (imputed to the 15th) or `YYYY` (imputed to 1 July), years in
/// [lo_year, hi_year]. Returns nullopt for anything else (including impossible days such as
/// 2023-02-29). An empty string is not handled here: callers treat it as "missing".
constexpr std::optional<Date> parse_date(std::string_view s, int lo_year = min_year,
                                         int hi_year = max_year) noexcept {
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t k = pos; k < pos + n; ++k) {
      if (s[k] < '0' || s[k] > '9') return false;
      v = v * 10 + (s[k] - '0');
    }
    out = v;
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (s.size() != 4 && s.size() != 7 && s.size() != 10) return std::nullopt;
  if (!digits(0, 4, y) || y < lo_year || y > hi_year) return std::nullopt;
  if (s.size() == 4) return Date{days_from_civil(y, 7, 1), DatePrecision::year};
  if (s[4] != '-' || !digits(5, 2, m) || m < 1 || m > 12) return std::nullopt;
  if (s.size() == 7) return Date{days_from_civil(y, static_cast<unsigned>(m), 15), DatePrecision::month};
  if (s[7] != '-' || !digits(8, 2, d) || d < 1 ||
      d > static_cast<int>(days_in_month(y, static_cast<unsigned>(m))))
    return std::nullopt;
  return Date{days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)),
              DatePrecision::day};
}

/// ISO text of a date at its own precision (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`); empty if missing.
inline std::string format_date(Date d) {
  if (!d.known()) return {};
  const YMD c = civil_from_days(d.day);
  char buf[16];
  auto put = [&](char* p, int v, int width) {
    for (int k = width - 1; k >= 0; --k, v /= 10) p[k] = static_cast<char>('0' + v % 10);
  };
  put(buf, c.year, 4);
  std::size_t len = 4;
  if (d.precision >= DatePrecision::month) {
    buf[4] = '-';
    put(buf + 5, static_cast<int>(c.month), 2);
    len = 7;
  }
  if (d.precision == DatePrecision::day) {
    buf[7] = '-';
    put(buf + 8, static_cast<int>(c.day), 2);
    len = 10;
  }
  return std::string(buf, len);
}

/// ISO `YYYY-MM-DD` of a day number.
inline std::string format_day(Day d) { return format_date(Date{d, DatePrecision::day}); }

}  // namespace famgraph
