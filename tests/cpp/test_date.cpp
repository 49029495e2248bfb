// Unit tests of famgraph/date.hpp. Every expected day number below is derived by hand from the
// calendar (not from the code under test); the derivation is written next to it.
#include <catch2/catch.hpp>

#include <string>

#include "famgraph/date.hpp"

using famgraph::add_years;
using famgraph::age_in_years;
using famgraph::civil_from_days;
using famgraph::Date;
using famgraph::DatePrecision;
using famgraph::Day;
using famgraph::days_from_civil;
using famgraph::NO_DAY;
using famgraph::parse_date;

namespace {
// Independent leap-year rule and month lengths for the round-trip walk.
bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned month_len(int y, unsigned m) {
  switch (m) {
    case 4: case 6: case 9: case 11: return 30;
    case 2: return leap(y) ? 29 : 28;
    default: return 31;
  }
}
}  // namespace

TEST_CASE("days_from_civil: fixed points derived by hand", "[date]") {
  // The epoch.
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  // 1970..1999 = 30 years with 7 leap years (72,76,80,84,88,92,96): 30*365 + 7 = 10957.
  CHECK(days_from_civil(2000, 1, 1) == 10957);
  // 2000-02-29 = 2000-01-01 + 31 (January) + 28 = 10957 + 59.
  CHECK(days_from_civil(2000, 2, 29) == 11016);
  // 1800..1969 = 170 years; leap years 1804..1968 step 4 = 42, minus 1900 = 41.
  CHECK(days_from_civil(1800, 1, 1) == -(170 * 365 + 41));
  // 1985-01-01: 1970..1984 = 15 years, leap 72,76,80,84 → 15*365 + 4 = 5479.
  CHECK(days_from_civil(1985, 1, 1) == 5479);
}

TEST_CASE("days_from_civil / civil_from_days round trip over 1800-2200", "[date]") {
  // Walk every day with an independent calendar counter.
  int y = 1800;
  unsigned m = 1, d = 1;
  Day day = days_from_civil(1800, 1, 1);
  const Day last = days_from_civil(2200, 12, 31);
  std::size_t n = 0, bad = 0;
  for (; day <= last; ++day, ++n) {
    const auto c = civil_from_days(day);
    if (c.year != y || c.month != m || c.day != d || days_from_civil(y, m, d) != day) {
      if (++bad < 5) FAIL_CHECK("day " << day << ": expected " << y << "-" << m << "-" << d);
    }
    if (++d > month_len(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  CHECK(bad == 0);
  CHECK(y == 2201);
  CHECK(m == 1);
  CHECK(d == 1);
  // 401 years 1800..2200: 401*365 + leap days. Leap years: 1804..2200 step 4 = 100, minus
  // 1900, 2100, 2200 (1800 is not in the step list) = 97.
  CHECK(n == 401u * 365u + 97u);
}

TEST_CASE("is_leap and days_in_month", "[date]") {
  CHECK(famgraph::is_leap(2000));
  CHECK(famgraph::is_leap(1984));
  CHECK_FALSE(famgraph::is_leap(1900));
  CHECK_FALSE(famgraph::is_leap(2100));
  CHECK_FALSE(famgraph::is_leap(2023));
  CHECK(famgraph::days_in_month(2000, 2) == 29);
  CHECK(famgraph::days_in_month(1900, 2) == 28);
  CHECK(famgraph::days_in_month(2023, 4) == 30);
  CHECK(famgraph::days_in_month(2023, 12) == 31);
}

TEST_CASE("parse_date: full, month and year precision", "[date]") {
  SECTION("YYYY-MM-DD") {
    auto d = parse_date("2000-02-29");
    REQUIRE(d);
    CHECK(d->day == 11016);
    CHECK(d->precision == DatePrecision::day);
    CHECK(d->known());
  }
  SECTION("YYYY is imputed to 1 July") {
    // 1985-07-01 = 5479 + 181 (Jan..Jun = 31+28+31+30+31+30).
    auto d = parse_date("1985");
    REQUIRE(d);
    CHECK(d->day == 5479 + 181);
    CHECK(d->precision == DatePrecision::year);
  }
  SECTION("YYYY-MM is imputed to the 15th") {
    // 1985-03-15 = 5479 + 31 + 28 + 14.
    auto d = parse_date("1985-03");
    REQUIRE(d);
    CHECK(d->day == 5479 + 73);
    CHECK(d->precision == DatePrecision::month);
  }
  SECTION("the limits 1800 and 2200 are accepted") {
    REQUIRE(parse_date("1800-01-01"));
    CHECK(parse_date("1800-01-01")->day == -(170 * 365 + 41));
    CHECK(parse_date("2200-12-31"));
    CHECK(parse_date("1800"));
    CHECK(parse_date("2200"));
  }
}

TEST_CASE("parse_date: invalid input", "[date]") {
  const char* bad[] = {
      "2023-02-29",  // not a leap year
      "1900-02-29",  // century, not a leap year
      "1985-13-01",  // month 13
      "1985-00-10",  // month 0
      "1985-04-31",  // April has 30 days
      "1985-01-00",  // day 0
      "1985-00",     // month 0
      "1985-13",     // month 13
      "85",          // two-digit year
      "198",         // three digits
      "1799",        // before 1800
      "1799-12-31",
      "2201",        // after 2200
      "2201-01-01",
      "9999",
      "1985-03-15x",  // trailing junk
      "1985x",
      "1985-03x",
      "1985-3-15",   // unpadded
      "1985-03-5",
      "1985/03/15",  // wrong separator
      "19850315",
      " 1985",       // surrounding space is the caller's business
      "1985 ",
      "-985",
      "abcd",
      "1985-03-15T00:00",
  };
  for (const char* s : bad) {
    INFO("input: '" << s << "'");
    CHECK_FALSE(parse_date(s).has_value());
  }
}

TEST_CASE("Date::lo and Date::hi of partial dates", "[date]") {
  const auto y = *parse_date("1985");
  CHECK(y.lo() == 5479);        // 1985-01-01
  CHECK(y.hi() == 5479 + 364);  // 1985-12-31
  const auto leapfeb = *parse_date("1984-02");
  // 1984-01-01 = 5479 - 366 = 5113; Feb 1 = +31; Feb 29 = +59.
  CHECK(leapfeb.lo() == 5113 + 31);
  CHECK(leapfeb.hi() == 5113 + 59);
  const auto feb1900 = *parse_date("1900-02");
  CHECK(feb1900.hi() - feb1900.lo() == 27);  // 28 days
  const auto dec = *parse_date("1985-12");
  CHECK(dec.lo() == 5479 + 334);  // Dec 1: 365 - 31
  CHECK(dec.hi() == 5479 + 364);
  const auto full = *parse_date("1985-03-15");
  CHECK(full.lo() == full.day);
  CHECK(full.hi() == full.day);
  const Date missing{};
  CHECK_FALSE(missing.known());
  CHECK(missing.lo() == NO_DAY);
  CHECK(missing.hi() == NO_DAY);
}

TEST_CASE("add_years: 29 February maps to 28 February in non-leap years", "[date]") {
  const Day feb29 = days_from_civil(2000, 2, 29);
  CHECK(add_years(feb29, 1) == days_from_civil(2001, 2, 28));
  CHECK(add_years(feb29, 4) == days_from_civil(2004, 2, 29));
  CHECK(add_years(feb29, 18) == days_from_civil(2018, 2, 28));
  CHECK(add_years(feb29, 100) == days_from_civil(2100, 2, 28));  // 2100 is not leap
  CHECK(add_years(feb29, 400) == days_from_civil(2400, 2, 29));
  CHECK(add_years(days_from_civil(1999, 12, 31), 1) == days_from_civil(2000, 12, 31));
  CHECK(add_years(days_from_civil(2001, 3, 1), -1) == days_from_civil(2000, 3, 1));
  CHECK(add_years(days_from_civil(2001, 2, 28), 12) == days_from_civil(2013, 2, 28));
  CHECK(add_years(days_from_civil(1985, 7, 1), 0) == days_from_civil(1985, 7, 1));
}

TEST_CASE("age_in_years: completed years, the day before and on the birthday", "[date]") {
  const Day b = days_from_civil(2000, 3, 15);
  CHECK(age_in_years(b, b) == 0);
  CHECK(age_in_years(b, days_from_civil(2018, 3, 14)) == 17);
  CHECK(age_in_years(b, days_from_civil(2018, 3, 15)) == 18);
  CHECK(age_in_years(b, days_from_civil(2018, 12, 31)) == 18);
  CHECK(age_in_years(b, days_from_civil(2019, 1, 1)) == 18);
  CHECK(age_in_years(b, days_from_civil(2019, 3, 14)) == 18);
  CHECK(age_in_years(b, days_from_civil(2001, 3, 14)) == 0);
  CHECK(age_in_years(b, days_from_civil(2001, 3, 15)) == 1);
  // Born on 29 February: the 18th birthday is 28 February in a non-leap year.
  const Day leapling = days_from_civil(2000, 2, 29);
  CHECK(age_in_years(leapling, days_from_civil(2018, 2, 27)) == 17);
  CHECK(age_in_years(leapling, days_from_civil(2018, 2, 28)) == 18);
  CHECK(age_in_years(leapling, days_from_civil(2018, 3, 1)) == 18);
  // In a leap year the birthday is 29 February itself.
  CHECK(age_in_years(leapling, days_from_civil(2020, 2, 28)) == 19);
  CHECK(age_in_years(leapling, days_from_civil(2020, 2, 29)) == 20);
  // Born 31 December, asked on 1 January.
  CHECK(age_in_years(days_from_civil(1999, 12, 31), days_from_civil(2017, 12, 30)) == 17);
  CHECK(age_in_years(days_from_civil(1999, 12, 31), days_from_civil(2017, 12, 31)) == 18);
}

TEST_CASE("format_date writes a date at its own precision", "[date]") {
  CHECK(famgraph::format_date(*parse_date("1985")) == "1985");
  CHECK(famgraph::format_date(*parse_date("1985-03")) == "1985-03");
  CHECK(famgraph::format_date(*parse_date("1985-03-09")) == "1985-03-09");
  CHECK(famgraph::format_date(Date{}).empty());
  CHECK(famgraph::format_day(0) == "1970-01-01");
  CHECK(famgraph::format_day(11016) == "2000-02-29");
  CHECK(famgraph::format_day(-(170 * 365 + 41)) == "1800-01-01");
}

TEST_CASE("decade_of / decade_of_day: floored, before 1970 and at the decade boundary", "[date]") {
  using famgraph::decade_of;
  using famgraph::decade_of_day;
  CHECK(decade_of(1969) == 1960);
  CHECK(decade_of(1970) == 1970);
  CHECK(decade_of(1979) == 1970);
  CHECK(decade_of(1980) == 1980);
  CHECK(decade_of(0) == 0);
  CHECK(decade_of(-1) == -10);  // floored, not truncated towards 0
  CHECK(decade_of(-10) == -10);
  CHECK(decade_of(-11) == -20);
  // Day 0 is 1970-01-01; day −1 is 1969-12-31 (the last day of the 1960s).
  CHECK(decade_of_day(0) == 1970);
  CHECK(decade_of_day(-1) == 1960);
  // 1959-06-01: 1959-06-01 .. 1970-01-01 is 10 years (1960..1969, 3 leap days: 3653 days) plus
  // 1959-06-01 .. 1960-01-01 (30+31+31+30+31+30+31 = 214 days): day −3867.
  CHECK(days_from_civil(1959, 6, 1) == -3867);
  CHECK(decade_of_day(-3867) == 1950);
  // 1979-12-31 and 1980-01-01: 10 years of 1970..1979 (leap 1972, 76: 3652 days) from day 0.
  CHECK(decade_of_day(3651) == 1970);
  CHECK(decade_of_day(3652) == 1980);
}
