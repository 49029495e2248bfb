// Validation of the input tables (docs/spec/data_contract.md §validation and the date rules of
// docs/spec/common_rules.md §dates): one case per rule,
// each checking the rule code, file, line, column and value of the reported DataIssue.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/date.hpp"
#include "famgraph/io/csv.hpp"

using namespace famgraph;
using famgraph::io::RawTables;
using famgraph::io::read_csv_table_from_string;

namespace {

const std::filesystem::path fixtures = FAMGRAPH_FIXTURES;

struct Csv {
  std::string persons = {}, partnerships = {}, events = {}, contacts = {};
};

const std::string persons_header = "person_id,sex,birth_date,exit_date,mother_id,father_id\n";
const std::string partnerships_header = "person_a,person_b,start_date,end_date\n";
const std::string events_header = "incident_id,person_id,role,date,kind,source\n";
const std::string contacts_header = "person_id,source,start_date,end_date,kind\n";

Dataset load(const Csv& c, const LoadOptions& opt = {}) {
  IssueLog log(opt.max_errors);
  RawTables raw;
  read_csv_table_from_string(raw, "persons", c.persons, "persons.csv", log);
  if (!c.partnerships.empty())
    read_csv_table_from_string(raw, "partnerships", c.partnerships, "partnerships.csv", log);
  if (!c.events.empty()) read_csv_table_from_string(raw, "events", c.events, "events.csv", log);
  if (!c.contacts.empty()) read_csv_table_from_string(raw, "contacts", c.contacts, "contacts.csv", log);
  return build_dataset(std::move(raw), opt, log);
}

struct Failure {
  std::vector<DataIssue> errors;
  bool truncated = false;
  bool thrown = false;
};

template <class Fn>
Failure failure_of(Fn fn) {
  Failure f;
  try {
    fn();
  } catch (const DataError& e) {
    f.errors = e.errors();
    f.truncated = e.truncated();
    f.thrown = true;
  }
  return f;
}

Failure errors_of(const Csv& c, const LoadOptions& opt = {}) {
  return failure_of([&] { (void)load(c, opt); });
}

/// Rules of the errors, in the order reported.
std::vector<std::string> rules_of(const Csv& c) {
  std::vector<std::string> r;
  for (const auto& e : errors_of(c).errors) r.push_back(e.rule);
  return r;
}

using Key = std::tuple<std::string, std::string, std::size_t, std::string, std::string>;
Key key(const DataIssue& e) { return {e.rule, e.file, e.line, e.column, e.value}; }

std::string describe(const std::vector<DataIssue>& v) {
  std::string s;
  for (const auto& e : v) s += "\n  [" + e.rule + "] " + e.to_string() + " (value '" + e.value + "')";
  return s;
}

// The persons of most fixtures: lines 2-5.
const std::string base_persons = persons_header +
                                 "1,F,1950-03-10,,,\n"
                                 "2,M,1948-07-22,2015-05-20,,\n"
                                 "3,F,1975-06-01,,1,2\n"
                                 "4,M,1978,,1,2\n";

}  // namespace

// ------------------------------------------------------------------ one fixture folder per rule

namespace {
struct FixtureCase {
  const char* dir;
  const char* rule;
  const char* file;
  std::size_t line;
  const char* column;
  const char* value;
  const char* message_part;  ///< a piece the message must contain
};

const FixtureCase fixture_cases[] = {
    {"person_duplicate_id", "person.duplicate_id", "persons.csv", 6, "person_id", "3", "first on line 4"},
    {"ref_unknown_mother", "ref.unknown_id", "persons.csv", 6, "mother_id", "1234",
     "1234 is not a person_id in persons.csv"},
    {"ref_unknown_father", "ref.unknown_id", "persons.csv", 6, "father_id", "4321",
     "4321 is not a person_id in persons.csv"},
    {"ref_unknown_partner", "ref.unknown_id", "partnerships.csv", 3, "person_b", "77",
     "77 is not a person_id in persons.csv"},
    {"ref_unknown_event_person", "ref.unknown_id", "events.csv", 3, "person_id", "55",
     "55 is not a person_id in persons.csv"},
    {"ref_unknown_contact_person", "ref.unknown_id", "contacts.csv", 3, "person_id", "66",
     "66 is not a person_id in persons.csv"},
    {"parent_same_person", "parent.same_person", "persons.csv", 6, "father_id", "2", "both mother and father"},
    {"parent_cycle", "parent.cycle", "persons.csv", 3, "mother_id/father_id", "10", "10 -> 12 -> 11 -> 10"},
    {"parent_born_after_child", "parent.born_after_child", "persons.csv", 6, "mother_id", "1", "1950-03-10"},
    {"parent_too_young", "parent.too_young", "persons.csv", 6, "mother_id", "1", "12 years"},
    {"parent_sex_mother_m", "parent.sex", "persons.csv", 6, "mother_id", "2", "sex M"},
    {"parent_sex_father_f", "parent.sex", "persons.csv", 6, "father_id", "1", "sex F"},
    {"parse_date", "parse.date", "persons.csv", 6, "birth_date", "2023-02-29", "2023-02-29"},
    {"parse_int", "parse.int", "persons.csv", 6, "mother_id", "abc", "abc"},
    {"parse_int_range", "parse.int", "persons.csv", 6, "person_id", "99999999999999999999", "range"},
    {"parse_sex", "parse.sex", "persons.csv", 6, "sex", "X", "'X'"},
    {"date_end_before_start_partnership", "date.end_before_start", "partnerships.csv", 2, "end_date",
     "1990-04-30", "1990-05-01"},
    {"date_end_before_start_contact", "date.end_before_start", "contacts.csv", 2, "end_date",
     "1985-05-04", "1985-05-05"},
    {"event_before_birth", "event.before_birth", "events.csv", 2, "date", "1975-05-31", "1975-06-01"},
    {"event_after_exit", "event.after_exit", "events.csv", 3, "date", "2015-05-21", "2015-05-20"},
    {"date_exit_before_birth", "date.exit_before_birth", "persons.csv", 6, "exit_date", "1990-05-04",
     "1990-05-05"},
    {"parse_role", "parse.role", "events.csv", 2, "role", "victem", "victem"},
    {"missing_incident_id", "missing.required", "events.csv", 2, "incident_id", "", "incident_id"},
    {"header_missing_column", "header.missing_column", "persons.csv", 1, "father_id", "", "father_id"},
    {"csv_field_count", "csv.field_count", "persons.csv", 6, "", "", "5 fields, expected 6"},
    {"csv_syntax", "csv.syntax", "persons.csv", 6, "", "", "quote"},
};
}  // namespace

TEST_CASE("validation: each rule from its fixture folder", "[validation]") {
  for (const auto& fc : fixture_cases) {
    SECTION(fc.dir) {
      const auto dir = fixtures / "invalid" / fc.dir;
      REQUIRE(std::filesystem::is_directory(dir));
      const auto f = failure_of([&] { (void)load_csv(dir); });
      INFO("errors:" << describe(f.errors));
      REQUIRE(f.thrown);
      REQUIRE(f.errors.size() == 1);
      const auto& e = f.errors[0];
      CHECK(e.severity == Severity::error);
      CHECK(e.rule == fc.rule);
      CHECK(e.file == fc.file);
      CHECK(e.line == fc.line);
      CHECK(e.column == fc.column);
      CHECK(e.value == fc.value);
      CHECK_THAT(e.message, Catch::Contains(fc.message_part));
      CHECK_FALSE(f.truncated);
    }
  }
}

TEST_CASE("validation: the base fixture persons are valid on their own", "[validation]") {
  // Guards the fixtures above: each must fail only because of its one bad line.
  const auto ds = load({base_persons});
  CHECK(ds.persons.size() == 4);
  const auto ok = load({base_persons, partnerships_header + "1,2,1970,1990\n",
                        events_header + "100,3,victim,1990-01-01,child_maltreatment,police\n",
                        contacts_header + "3,youth_care,1985-05-05,1986,support\n"});
  CHECK(ok.events.size() == 1);
  CHECK(ok.contacts.size() == 1);
  CHECK(ok.partnerships.size() == 1);
}

// ------------------------------------------------------------------ message format

TEST_CASE("validation: message of an unknown id in events", "[validation]") {
  const auto f = errors_of({base_persons, "", events_header +
                                                  "100,3,victim,1990,x,police\n"
                                                  "100,77,perpetrator,1990,x,police\n"});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].to_string() == "events.csv:3:person_id: 77 is not a person_id in persons.csv");
}

TEST_CASE("validation: message format persons.csv:17:mother_id exactly", "[validation]") {
  // Data contract example (also in data_error.hpp). The loader appends a hint about
  // missing_parents="add" to this message — reported as a deviation.
  std::string p = persons_header;
  for (int id = 1; id <= 15; ++id) p += std::to_string(id) + ",U,,,,\n";  // lines 2..16
  p += "17,F,,,1234,\n";                                                  // line 17
  const auto f = errors_of({p});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].rule == "ref.unknown_id");
  CHECK(f.errors[0].to_string() == "persons.csv:17:mother_id: 1234 is not a person_id in persons.csv");
}

TEST_CASE("validation: to_string prefix of the persons message", "[validation]") {
  std::string p = persons_header;
  for (int id = 1; id <= 15; ++id) p += std::to_string(id) + ",U,,,,\n";
  p += "17,F,,,1234,\n";
  const auto f = errors_of({p});
  REQUIRE(f.errors.size() == 1);
  CHECK_THAT(f.errors[0].to_string(),
             Catch::StartsWith("persons.csv:17:mother_id: 1234 is not a person_id in persons.csv"));
}

TEST_CASE("DataIssue::to_string and DataError::what", "[validation]") {
  DataIssue whole{Severity::error, "header.empty_file", "persons.csv", 0, "", "", "file is empty"};
  CHECK(whole.to_string() == "persons.csv: file is empty");
  DataIssue rec{Severity::error, "csv.syntax", "events.csv", 12, "", "", "stray quote"};
  CHECK(rec.to_string() == "events.csv:12: stray quote");
  DataError err({whole, rec}, false);
  CHECK_THAT(std::string(err.what()), Catch::StartsWith("2 errors in the input:"));
  CHECK_THAT(std::string(err.what()), Catch::Contains("events.csv:12: stray quote"));
  CHECK_FALSE(err.truncated());
  DataError one({rec}, true);
  CHECK_THAT(std::string(one.what()), Catch::StartsWith("1 error (stopped at the limit"));
  CHECK(one.truncated());
}

// ------------------------------------------------------------------ rules inline, with variants

TEST_CASE("validation: duplicate ids are reported against the first occurrence", "[validation]") {
  const auto f = errors_of({persons_header +
                            "5,F,,,,\n"   // line 2
                            "3,F,,,,\n"   // line 3
                            "5,M,,,,\n"   // line 4
                            "5,U,,,,\n"}); // line 5
  REQUIRE(f.errors.size() == 2);
  std::set<Key> got{key(f.errors[0]), key(f.errors[1])};
  CHECK(got == std::set<Key>{{"person.duplicate_id", "persons.csv", 4, "person_id", "5"},
                             {"person.duplicate_id", "persons.csv", 5, "person_id", "5"}});
  for (const auto& e : f.errors) CHECK_THAT(e.message, Catch::Contains("first on line 2"));
}

TEST_CASE("validation: unknown ids in every table", "[validation]") {
  const auto f = errors_of({base_persons + "5,F,,,901,902\n",
                            partnerships_header + "903,1,,\n1,904,,\n",
                            events_header + "100,905,victim,1990,x,police\n",
                            contacts_header + "906,care,1990,,y\n"});
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"ref.unknown_id", "persons.csv", 6, "mother_id", "901"},
                             {"ref.unknown_id", "persons.csv", 6, "father_id", "902"},
                             {"ref.unknown_id", "partnerships.csv", 2, "person_a", "903"},
                             {"ref.unknown_id", "partnerships.csv", 3, "person_b", "904"},
                             {"ref.unknown_id", "events.csv", 2, "person_id", "905"},
                             {"ref.unknown_id", "contacts.csv", 2, "person_id", "906"}});
  CHECK(f.errors.size() == 6);
}

TEST_CASE("validation: own ancestor through mother and father links", "[validation]") {
  // 1's father is 3, 3's mother is 2, 2's father is 1: 1 -> 3 -> 2 -> 1.
  const auto f = errors_of({persons_header +
                            "1,M,,,,3\n"
                            "2,F,,,,1\n"
                            "3,U,,,2,\n"});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].rule == "parent.cycle");
  CHECK(f.errors[0].line == 2);
  CHECK(f.errors[0].value == "1");
  CHECK_THAT(f.errors[0].message, Catch::Contains("1 -> 3 -> 2 -> 1"));
  // A person as their own mother.
  const auto self = errors_of({persons_header + "7,F,,,7,\n"});
  REQUIRE(self.errors.size() == 1);
  CHECK(self.errors[0].rule == "parent.cycle");
  CHECK_THAT(self.errors[0].message, Catch::Contains("7 -> 7"));
}

namespace {
/// Rules raised by a mother born `mb` and a child born `cb` (column mother_id, line 3).
std::vector<std::string> parent_rules(const std::string& mb, const std::string& cb,
                                      bool as_father = false) {
  const std::string p = persons_header + "1," + (as_father ? "M" : "F") + "," + mb + ",,,\n" +
                        "2,U," + cb + ",," + (as_father ? ",1" : "1,") + "\n";
  const auto f = errors_of({p});
  std::vector<std::string> r;
  for (const auto& e : f.errors) {
    CHECK(e.line == 3);
    CHECK(e.column == (as_father ? "father_id" : "mother_id"));
    CHECK(e.value == "1");
    r.push_back(e.rule);
  }
  return r;
}
using R = std::vector<std::string>;
}  // namespace

TEST_CASE("validation: parent born after the child / less than 12 years before", "[validation]") {
  // Full dates: the 12th birthday is the boundary.
  CHECK(parent_rules("1980-03-10", "1992-03-09") == R{"parent.too_young"});
  CHECK(parent_rules("1980-03-10", "1992-03-10").empty());
  CHECK(parent_rules("1980-03-10", "1980-03-10") == R{"parent.too_young"});
  CHECK(parent_rules("1980-03-10", "1980-03-09") == R{"parent.born_after_child"});
  CHECK(parent_rules("1990-01-01", "1989-12-31", true) == R{"parent.born_after_child"});
  CHECK(parent_rules("1970-01-01", "1981-12-31", true) == R{"parent.too_young"});
  // Born 29 Feb 1888: the 12th birthday falls in 1900, not a leap year → 28 Feb 1900.
  CHECK(parent_rules("1888-02-29", "1900-02-28").empty());
  CHECK(parent_rules("1888-02-29", "1900-02-27") == R{"parent.too_young"});
}

TEST_CASE("validation: partial dates fail a parent check only if every day fails", "[validation]") {
  // Mother "1980" = 1980-01-01..1980-12-31; earliest 12th birthday 1992-01-01.
  CHECK(parent_rules("1980", "1992").empty());               // 1992-12-31 ≥ 1992-01-01
  CHECK(parent_rules("1980", "1992-01").empty());            // 1992-01-31 ≥ 1992-01-01
  CHECK(parent_rules("1980", "1991-06") == R{"parent.too_young"});  // 1991-06-30 < 1992-01-01
  CHECK(parent_rules("1980", "1991-12") == R{"parent.too_young"});  // 1991-12-31 < 1992-01-01
  CHECK(parent_rules("1980", "1991-12-31") == R{"parent.too_young"});
  CHECK(parent_rules("1980", "1992-01-01").empty());
  // Mother "1980-05": earliest 12th birthday 1992-05-01.
  CHECK(parent_rules("1980-05", "1992-05").empty());
  CHECK(parent_rules("1980-05", "1992-04") == R{"parent.too_young"});
  CHECK(parent_rules("1980-05-31", "1992-05").empty());  // 1992-05-31 ≥ 1992-05-31
  // Born after: every day of the parent's period after every day of the child's.
  CHECK(parent_rules("1991", "1990") == R{"parent.born_after_child"});
  CHECK(parent_rules("1990-07", "1990-06") == R{"parent.born_after_child"});
  CHECK(parent_rules("1990", "1990-06") == R{"parent.too_young"});  // some pair is not "after"
  CHECK(parent_rules("1990-06-15", "1990-06") == R{"parent.too_young"});
  CHECK(parent_rules("1990-07-01", "1990-06") == R{"parent.born_after_child"});
}

TEST_CASE("validation: parent sex", "[validation]") {
  const auto f = errors_of({persons_header +
                            "1,M,1950,,,\n"   // line 2
                            "2,F,1950,,,\n"   // line 3
                            "3,U,1950,,,\n"   // line 4
                            "4,F,1980,,1,2\n" // line 5: mother M, father F
                            "5,F,1980,,3,3\n" // line 6: same person
                            "6,F,1980,,3,\n"  // line 7: U as mother is fine
                            "7,F,1980,,,3\n"  // line 8: U as father is fine
                            "8,F,1980,,2,1\n"}); // line 9: fine
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"parent.sex", "persons.csv", 5, "mother_id", "1"},
                             {"parent.sex", "persons.csv", 5, "father_id", "2"},
                             {"parent.same_person", "persons.csv", 6, "father_id", "3"}});
  CHECK(f.errors.size() == 3);
}

TEST_CASE("validation: bad field values", "[validation]") {
  const auto f = errors_of({persons_header +
                            "1,F,85,,,\n"                     // 2: parse.date birth_date
                            "2,F,1985-13-01,,,\n"             // 3: parse.date
                            "3,F,1799,,,\n"                   // 4: parse.date (year range)
                            "4,F,2201-01-01,,,\n"             // 5: parse.date
                            "5,F,1985-01-01x,,,\n"            // 6: parse.date (trailing junk)
                            "6,F,1985,1990-02-30,,\n"         // 7: parse.date exit_date
                            "x7,F,,,,\n"                      // 8: parse.int person_id
                            "8,F,,,99999999999999999999,\n"   // 9: parse.int mother_id (range)
                            "9,F,,,,1.5\n"                    // 10: parse.int father_id
                            "10,f,,,,\n"                      // 11: parse.sex
                            "11,Female,,,,\n"                 // 12: parse.sex
                            "-9223372036854775808,F,,,,\n"}); // 13: parse.int (reserved value)
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"parse.date", "persons.csv", 2, "birth_date", "85"},
                             {"parse.date", "persons.csv", 3, "birth_date", "1985-13-01"},
                             {"parse.date", "persons.csv", 4, "birth_date", "1799"},
                             {"parse.date", "persons.csv", 5, "birth_date", "2201-01-01"},
                             {"parse.date", "persons.csv", 6, "birth_date", "1985-01-01x"},
                             {"parse.date", "persons.csv", 7, "exit_date", "1990-02-30"},
                             {"parse.int", "persons.csv", 8, "person_id", "x7"},
                             {"parse.int", "persons.csv", 9, "mother_id", "99999999999999999999"},
                             {"parse.int", "persons.csv", 10, "father_id", "1.5"},
                             {"parse.sex", "persons.csv", 11, "sex", "f"},
                             {"parse.sex", "persons.csv", 12, "sex", "Female"},
                             {"parse.int", "persons.csv", 13, "person_id", "-9223372036854775808"}});
  CHECK(f.errors.size() == 12);
}

TEST_CASE("validation: ids tolerate padding and sign, values are trimmed", "[validation]") {
  const auto ds = load({persons_header + " 1 ,F,1950,,,\n-2,M,1950,,,\n+3,U, 1980 ,,1,-2\n"});
  REQUIRE(ds.persons.size() == 3);
  CHECK(ds.persons.id == std::vector<PersonId>{-2, 1, 3});
  CHECK(ds.persons.mother[2] == 1);
  CHECK(ds.persons.father[2] == 0);
  CHECK(ds.persons.birth_precision[2] == DatePrecision::year);
}

TEST_CASE("validation: a sign followed by another sign is not an id", "[validation]") {
  // Known bug (reported): "+-5" is accepted as -5 because the '+' is skipped before from_chars.
  const auto f = errors_of({persons_header + "+-5,F,,,,\n"});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].rule == "parse.int");
  CHECK(f.errors[0].value == "+-5");
}

TEST_CASE("validation: end before start in partnerships and contacts, with partial dates",
          "[validation]") {
  const auto f = errors_of({base_persons,
                            partnerships_header +
                                "1,2,2000,2000-03\n"         // 2: fine (some pair passes)
                                "1,2,2000-05,2000-04\n"      // 3: every day fails
                                "1,2,2000-05-10,2000-05\n"   // 4: fine
                                "1,2,2000-05-10,2000-05-09\n"// 5: fails
                                "1,2,2000-05-10,2000-05-10\n"// 6: fine (same day)
                                "1,2,,1999\n",               // 7: fine (start unknown)
                            "",
                            contacts_header +
                                "3,care,1990-01-01,1989-12-31,y\n"  // 2: fails
                                "3,care,1990-01,1990,y\n"           // 3: fine
                                "3,care,1990,1989-12,y\n"           // 4: fails
                                "3,care,1990-06-01,,y\n"});         // 5: fine (ongoing)
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"date.end_before_start", "partnerships.csv", 3, "end_date", "2000-04"},
                             {"date.end_before_start", "partnerships.csv", 5, "end_date", "2000-05-09"},
                             {"date.end_before_start", "contacts.csv", 2, "end_date", "1989-12-31"},
                             {"date.end_before_start", "contacts.csv", 4, "end_date", "1989-12"}});
  CHECK(f.errors.size() == 4);
}

TEST_CASE("validation: events before birth / after exit, with partial dates", "[validation]") {
  const std::string persons = persons_header +
                              "1,F,1985,,,\n"                 // born some day in 1985
                              "2,M,1985-06-15,2010-05-20,,\n" // exact dates
                              "3,F,1985-06,2010,,\n";         // month / year
  const auto f = errors_of({persons, "",
                            events_header +
                                "1,1,victim,1985-03,k,s\n"     // 2: fine (Mar 1985 ⊂ 1985)
                                "2,1,victim,1984-12,k,s\n"     // 3: before birth
                                "3,1,victim,1985-01-01,k,s\n"  // 4: fine
                                "4,2,victim,1985-06-14,k,s\n"  // 5: before birth
                                "5,2,victim,1985-06-15,k,s\n"  // 6: fine (birth day)
                                "6,2,victim,1985-06,k,s\n"     // 7: fine (some day of June ≥ 15th)
                                "7,2,victim,1985-05,k,s\n"     // 8: before birth
                                "8,2,victim,2010-05-20,k,s\n"  // 9: fine (exit inclusive)
                                "9,2,victim,2010-05-21,k,s\n"  // 10: after exit
                                "10,2,victim,2010-05,k,s\n"    // 11: fine
                                "11,2,victim,2010-06,k,s\n"    // 12: after exit
                                "12,2,victim,2010,k,s\n"       // 13: fine
                                "13,3,victim,1985,k,s\n"       // 14: fine
                                "14,3,victim,1985-05-31,k,s\n" // 15: before birth
                                "15,3,victim,2010-12-31,k,s\n" // 16: fine
                                "16,3,victim,2011-01,k,s\n"}); // 17: after exit
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"event.before_birth", "events.csv", 3, "date", "1984-12"},
                             {"event.before_birth", "events.csv", 5, "date", "1985-06-14"},
                             {"event.before_birth", "events.csv", 8, "date", "1985-05"},
                             {"event.after_exit", "events.csv", 10, "date", "2010-05-21"},
                             {"event.after_exit", "events.csv", 12, "date", "2010-06"},
                             {"event.before_birth", "events.csv", 15, "date", "1985-05-31"},
                             {"event.after_exit", "events.csv", 17, "date", "2011-01"}});
  CHECK(f.errors.size() == 7);
}

TEST_CASE("validation: exit before birth with partial dates", "[validation]") {
  CHECK(errors_of({persons_header + "1,F,1990,1990-01-01,,\n"}).errors.empty());
  CHECK(errors_of({persons_header + "1,F,1990-05-05,1990-05-05,,\n"}).errors.empty());
  const auto f = errors_of({persons_header + "1,F,1990,1989-12,,\n"});
  REQUIRE(f.errors.size() == 1);
  CHECK(key(f.errors[0]) == Key{"date.exit_before_birth", "persons.csv", 2, "exit_date", "1989-12"});
}

TEST_CASE("validation: roles, required event fields", "[validation]") {
  const auto f = errors_of({base_persons, "", events_header +
                                                  "100,3,Victim,1990,k,s\n"  // 2: parse.role (case)
                                                  "101,3,,1990,k,s\n"        // 3: missing role
                                                  ",3,victim,1990,k,s\n"     // 4: empty incident
                                                  "102,,victim,1990,k,s\n"   // 5: empty person
                                                  "103,3,victim,,k,s\n"      // 6: empty date
                                                  "104,3,victim,1990,,\n"}); // 7: empty source
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"parse.role", "events.csv", 2, "role", "Victim"},
                             {"missing.required", "events.csv", 3, "role", ""},
                             {"missing.required", "events.csv", 4, "incident_id", ""},
                             {"missing.required", "events.csv", 5, "person_id", ""},
                             {"missing.required", "events.csv", 6, "date", ""},
                             {"missing.required", "events.csv", 7, "source", ""}});
  CHECK(f.errors.size() == 6);
}

TEST_CASE("validation: header problems", "[validation]") {
  SECTION("missing columns, each reported") {
    const auto f = errors_of({"person_id,birth_date,mother_id\n1,1950,\n"});
    std::set<Key> got;
    for (const auto& e : f.errors) got.insert(key(e));
    CHECK(got == std::set<Key>{{"header.missing_column", "persons.csv", 1, "sex", ""},
                               {"header.missing_column", "persons.csv", 1, "exit_date", ""},
                               {"header.missing_column", "persons.csv", 1, "father_id", ""}});
  }
  SECTION("missing column in an optional table") {
    const auto f = errors_of({base_persons, "", "incident_id,person_id,role,date,kind\n1,3,victim,1990,k\n"});
    REQUIRE(f.errors.size() == 1);
    CHECK(key(f.errors[0]) == Key{"header.missing_column", "events.csv", 1, "source", ""});
  }
  SECTION("duplicate column") {
    const auto f = errors_of({"person_id,sex,birth_date,exit_date,mother_id,father_id,sex\n1,F,,,,,F\n"});
    REQUIRE(f.errors.size() == 1);
    CHECK(key(f.errors[0]) == Key{"header.duplicate_column", "persons.csv", 1, "sex", ""});
  }
  SECTION("empty file") {
    const auto f = errors_of({""});
    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0].rule == "header.empty_file");
    CHECK(f.errors[0].line == 0);
  }
  SECTION("header names are trimmed") {
    const auto ds = load({" person_id , sex,birth_date,exit_date,mother_id,father_id \n1,F,,,,\n"});
    CHECK(ds.persons.size() == 1);
  }
}

TEST_CASE("validation: wrong field counts and CSV syntax errors", "[validation]") {
  const auto f = errors_of({base_persons +
                            "5,F,1980,,\n"           // 6: 5 fields
                            "6,F,1980,,,,\n"         // 7: 7 fields
                            "7,F,\"1980\"x,,,\n"     // 8: junk after a closing quote
                            "8,F,19\"80,,,\n"        // 9: stray quote
                            "\"9,F,,,,\n"});        // 10: unterminated quote to the end
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"csv.field_count", "persons.csv", 6, "", ""},
                             {"csv.field_count", "persons.csv", 7, "", ""},
                             {"csv.syntax", "persons.csv", 8, "", ""},
                             {"csv.syntax", "persons.csv", 9, "", ""},
                             {"csv.syntax", "persons.csv", 10, "", ""}});
  CHECK(f.errors.size() == 5);
}

TEST_CASE("validation: line numbers count embedded newlines", "[validation]") {
  const auto f = errors_of({"note,person_id,sex,birth_date,exit_date,mother_id,father_id\n"  // 1
                            "\"two\nlines\",1,F,1950,,,\n"                                   // 2-3
                            "\"three\n\nlines\",2,F,1980,,,\n"                               // 4-6
                            "plain,3,Q,1980,,,\n"});                                          // 7
  REQUIRE(f.errors.size() == 1);
  CHECK(key(f.errors[0]) == Key{"parse.sex", "persons.csv", 7, "sex", "Q"});
}

TEST_CASE("validation: other rules of the loader", "[validation]") {
  SECTION("partnership with oneself") {
    const auto f = errors_of({base_persons, partnerships_header + "3,3,,\n"});
    REQUIRE(f.errors.size() == 1);
    CHECK(key(f.errors[0]) == Key{"partnership.self", "partnerships.csv", 2, "person_b", "3"});
  }
  SECTION("invalid UTF-8 in a category is reported printably") {
    const auto f = errors_of({base_persons, "", events_header + "1,3,victim,1990,k,po\xff" "lice\n"});
    REQUIRE(f.errors.size() == 1);
    CHECK(f.errors[0].rule == "parse.utf8");
    CHECK(f.errors[0].column == "source");
    CHECK(f.errors[0].value == "po\\xfflice");
  }
  SECTION("contact start date is required") {
    const auto f = errors_of({base_persons, "", "", contacts_header + "3,care,,,y\n"});
    REQUIRE(f.errors.size() == 1);
    CHECK(key(f.errors[0]) == Key{"missing.required", "contacts.csv", 2, "start_date", ""});
  }
}

// ------------------------------------------------------------------ collecting many errors

TEST_CASE("validation: 150 bad rows give exactly 100 errors, truncated", "[validation]") {
  SECTION("parse errors") {
    std::string p = persons_header;
    for (int i = 1; i <= 150; ++i) p += std::to_string(i) + ",Q,,,,\n";
    const auto f = errors_of({p});
    CHECK(f.errors.size() == 100);
    CHECK(f.truncated);
    REQUIRE(!f.errors.empty());
    CHECK(f.errors.front().line == 2);
    CHECK(f.errors.back().line == 101);
  }
  SECTION("reference errors") {
    std::string p = persons_header;
    for (int i = 1; i <= 150; ++i) p += std::to_string(i) + ",F,,,100000,\n";
    const auto f = errors_of({p});
    CHECK(f.errors.size() == 100);
    CHECK(f.truncated);
    for (const auto& e : f.errors) CHECK(e.rule == "ref.unknown_id");
  }
  SECTION("below the limit nothing is truncated") {
    std::string p = persons_header;
    for (int i = 1; i <= 99; ++i) p += std::to_string(i) + ",Q,,,,\n";
    const auto f = errors_of({p});
    CHECK(f.errors.size() == 99);
    CHECK_FALSE(f.truncated);
  }
  SECTION("the limit is an option") {
    std::string p = persons_header;
    for (int i = 1; i <= 20; ++i) p += std::to_string(i) + ",Q,,,,\n";
    LoadOptions opt;
    opt.max_errors = 5;
    const auto f = errors_of({p}, opt);
    CHECK(f.errors.size() == 5);
    CHECK(f.truncated);
  }
}

TEST_CASE("validation: many different errors in one file are reported in one pass", "[validation]") {
  const auto f = errors_of({persons_header +
                                "1,F,1950-03-10,,,\n"          // 2
                                "2,M,1948-07-22,2015-05-20,,\n" // 3
                                "3,X,1975-06-01,,1,2\n"        // 4: parse.sex
                                "4,M,1978-02-30,,1,2\n"        // 5: parse.date
                                "1,F,1951,,,\n"                // 6: duplicate
                                "5,F,1980,,999,2\n"            // 7: unknown mother
                                "6,F,1985,,2,\n"               // 8: mother of sex M
                                "7,M,1940,,1,\n",              // 9: mother born after child
                            partnerships_header +
                                "1,2,1970,1969\n"  // 2: end before start
                                "2,88,1990,\n",    // 3: unknown id
                            events_header +
                                "100,3,witness,1990,x,police\n"     // 2: fine
                                "100,1,bystander,1990,x,police\n"   // 3: unknown role
                                "101,2,perpetrator,2016,x,police\n", // 4: after exit
                            contacts_header + "3,care,1990-01-01,1989-12-31,y\n"});  // 2
  INFO(describe(f.errors));
  std::set<Key> got;
  for (const auto& e : f.errors) got.insert(key(e));
  CHECK(got == std::set<Key>{{"parse.sex", "persons.csv", 4, "sex", "X"},
                             {"parse.date", "persons.csv", 5, "birth_date", "1978-02-30"},
                             {"person.duplicate_id", "persons.csv", 6, "person_id", "1"},
                             {"ref.unknown_id", "persons.csv", 7, "mother_id", "999"},
                             {"parent.sex", "persons.csv", 8, "mother_id", "2"},
                             {"parent.born_after_child", "persons.csv", 9, "mother_id", "1"},
                             {"date.end_before_start", "partnerships.csv", 2, "end_date", "1969"},
                             {"ref.unknown_id", "partnerships.csv", 3, "person_b", "88"},
                             {"parse.role", "events.csv", 3, "role", "bystander"},
                             {"event.after_exit", "events.csv", 4, "date", "2016"},
                             {"date.end_before_start", "contacts.csv", 2, "end_date", "1989-12-31"}});
  CHECK(f.errors.size() == 11);
  CHECK_FALSE(f.truncated);
}

// ------------------------------------------------------------------ options, warnings, extras

TEST_CASE("validation: missing_parents=add adds founders", "[validation]") {
  const Csv c{persons_header +
                  "1,F,1990,,100,200\n"
                  "2,M,1992,,100,\n",
              partnerships_header + "200,100,1985,\n",
              events_header + "7,100,perpetrator,2000,k,s\n7,1,victim,2000,k,s\n"};
  SECTION("strict: an error per reference") {
    const auto f = errors_of(c);
    std::set<Key> got;
    for (const auto& e : f.errors) got.insert(key(e));
    CHECK(got == std::set<Key>{{"ref.unknown_id", "persons.csv", 2, "mother_id", "100"},
                               {"ref.unknown_id", "persons.csv", 2, "father_id", "200"},
                               {"ref.unknown_id", "persons.csv", 3, "mother_id", "100"},
                               {"ref.unknown_id", "partnerships.csv", 2, "person_a", "200"},
                               {"ref.unknown_id", "partnerships.csv", 2, "person_b", "100"},
                               {"ref.unknown_id", "events.csv", 2, "person_id", "100"}});
  }
  SECTION("add") {
    LoadOptions opt;
    opt.missing_parents = MissingParents::add;
    const auto ds = load(c, opt);
    const auto& P = ds.persons;
    REQUIRE(P.size() == 4);
    CHECK(P.id == std::vector<PersonId>{1, 2, 100, 200});
    CHECK(P.n_added_parents == 2);
    for (Index i : {Index{2}, Index{3}}) {
      CHECK(P.sex[i] == Sex::U);
      CHECK(P.birth[i] == NO_DAY);
      CHECK(P.birth_precision[i] == DatePrecision::missing);
      CHECK(P.exit_precision[i] == DatePrecision::missing);
      CHECK(P.mother[i] == NONE);
      CHECK(P.father[i] == NONE);
    }
    CHECK(P.mother[0] == 2);
    CHECK(P.father[0] == 3);
    CHECK(P.mother[1] == 2);
    CHECK(P.father[1] == NONE);
    const auto kids = P.children_of(2);
    CHECK(std::vector<Index>(kids.begin(), kids.end()) == std::vector<Index>{0, 1});
    const auto partners = P.partners_of(2);
    CHECK(std::vector<Index>(partners.begin(), partners.end()) == std::vector<Index>{3});
    CHECK(ds.events.size() == 2);
    // Added founders are not rows of persons.csv: no "no birth date" warning for them.
    CHECK(ds.report.warning_counts.count("person.no_birth_date") == 0);
  }
}

TEST_CASE("validation: warnings are reported and do not throw", "[validation]") {
  const Csv c{persons_header +
                  "1,F,1950-01-01,,,\n"   // 2
                  "2,M,1900-01-01,,,\n"   // 3
                  "3,F,1971-05-05,,1,2\n" // 4: father older than 70
                  "4,M,,,,\n",            // 5: no birth date
              "",
              events_header +
                  "100,3,perpetrator,2000,x,police\n"  // 2: incident 100 has no victim
                  "100,1,witness,2000,x,police\n"      // 3
                  "101,3,victim,2001,x,police\n"};     // 4
  Dataset ds;
  REQUIRE_NOTHROW(ds = load(c));
  const auto& w = ds.report.warnings;
  std::set<Key> got;
  for (const auto& e : w) {
    CHECK(e.severity == Severity::warning);
    got.insert(key(e));
  }
  CHECK(got == std::set<Key>{{"parent.older_than_70", "persons.csv", 4, "father_id", "2"},
                             {"person.no_birth_date", "persons.csv", 5, "birth_date", ""},
                             {"incident.no_victim", "events.csv", 2, "incident_id", "100"}});
  CHECK(ds.report.warning_counts ==
        std::map<std::string, std::size_t>{{"incident.no_victim", 1},
                                           {"parent.older_than_70", 1},
                                           {"person.no_birth_date", 1}});
}

TEST_CASE("validation: older than 70 with partial dates", "[validation]") {
  auto count = [](const std::string& fb, const std::string& cb) {
    const auto ds = load({persons_header + "1,M," + fb + ",,,\n2,F," + cb + ",,,1\n"});
    auto it = ds.report.warning_counts.find("parent.older_than_70");
    return it == ds.report.warning_counts.end() ? std::size_t{0} : it->second;
  };
  CHECK(count("1900-01-01", "1970-01-02") == 1);
  CHECK(count("1900-01-01", "1970-01-01") == 0);  // exactly 70
  CHECK(count("1900", "1971") == 1);  // 1900-12-31 + 70 < 1971-01-01
  CHECK(count("1900", "1970") == 0);  // some pair is at most 70
}

TEST_CASE("validation: extra columns are ignored, columns in any order", "[validation]") {
  const auto ds = load({"note,father_id,person_id,mother_id,extra,birth_date,sex,exit_date\n"
                        "\"hello, world\",,1,,x,1950,F,\n"
                        "\"\",,2,,y,1951,M,\n"
                        "\"multi\nline\",2,3,1,z,1975-06-01,U,2020\n"});
  const auto& P = ds.persons;
  REQUIRE(P.size() == 3);
  CHECK(P.id == std::vector<PersonId>{1, 2, 3});
  CHECK(P.sex == std::vector<Sex>{Sex::F, Sex::M, Sex::U});
  CHECK(P.mother[2] == 0);
  CHECK(P.father[2] == 1);
  CHECK(P.birth[2] == days_from_civil(1975, 6, 1));
  CHECK(P.birth_precision[2] == DatePrecision::day);
  CHECK(P.exit[2] == days_from_civil(2020, 7, 1));
  CHECK(P.exit_precision[2] == DatePrecision::year);
  CHECK(P.birth_precision[0] == DatePrecision::year);
}

TEST_CASE("validation: a clean dataset is built completely", "[validation]") {
  const auto ds = load({persons_header +
                            "30,F,1950,,,\n"
                            "10,M,1948,,,\n"
                            "20,F,1975-06,,30,10\n",
                        partnerships_header + "10,30,1970,\n30,10,1972,1990\n",
                        events_header +
                            "5,20,victim,1980-02-02,child_maltreatment,police\n"
                            "5,10,perpetrator,1980-02-02,child_maltreatment,police\n"
                            "6,20,witness,1979,partner_violence,shelter\n",
                        contacts_header + "20,youth_care,1979-06-01,,support\n"});
  const auto& P = ds.persons;
  CHECK(P.id == std::vector<PersonId>{10, 20, 30});
  CHECK(P.mother[1] == 2);
  CHECK(P.father[1] == 0);
  const auto p30 = P.partners_of(2);
  CHECK(std::vector<Index>(p30.begin(), p30.end()) == std::vector<Index>{0});
  CHECK(ds.partnerships.size() == 2);
  REQUIRE(ds.events.size() == 3);
  // Sorted by person, then date: person 10's row, then 20's 1979 and 1980 rows.
  CHECK(ds.events.person == std::vector<Index>{0, 1, 1});
  CHECK(ds.events.date[1] == days_from_civil(1979, 7, 1));
  CHECK(ds.events.date[2] == days_from_civil(1980, 2, 2));
  CHECK(ds.events.incident_id == std::vector<PersonId>{5, 6});
  CHECK(ds.events.person_offsets == std::vector<std::uint32_t>{0, 1, 3, 3});
  CHECK(ds.contacts.size() == 1);
  CHECK(ds.kinds.size() == 3);  // child_maltreatment, partner_violence, support
  CHECK(ds.sources.size() == 3);  // police, shelter, youth_care
}

TEST_CASE("validation: load_csv needs a folder with persons.csv", "[validation]") {
  CHECK_THROWS_AS(load_csv(fixtures / "invalid"), std::runtime_error);
  CHECK_THROWS_AS(load_csv(fixtures / "no_such_folder"), std::runtime_error);
}

TEST_CASE("validation: reported values are clipped to 80 characters", "[validation]") {
  const std::string longid(100, '7');
  const auto f = errors_of({persons_header + longid + ",F,,,,\n"});
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].rule == "parse.int");
  const std::string clipped = std::string(68, '7') + "\xE2\x80\xA6(100 chars)";  // 80 characters
  CHECK(f.errors[0].value == clipped);
  // the message quotes the same clipped value, not the whole id
  CHECK(f.errors[0].message == "'" + clipped + "' is out of range (expected an integer id that fits in 64 bits)");
  // Characters, not bytes: 'é' (2 bytes) counts once and is never cut in half.
  const std::string utf = std::string(68, 'a') + "\xC3\xA9" + std::string(28, 'b');
  const auto g = errors_of({persons_header + "1," + utf + ",,,,\n"});
  REQUIRE(g.errors.size() == 1);
  CHECK(g.errors[0].rule == "parse.sex");
  CHECK(g.errors[0].value == std::string(68, 'a') + "\xC3\xA9" + "\xE2\x80\xA6(97 chars)");
}

TEST_CASE("validation: unknown table name", "[validation]") {
  IssueLog log;
  RawTables raw;
  CHECK_THROWS_AS(read_csv_table_from_string(raw, "people", "a\n1\n", "people.csv", log),
                  std::invalid_argument);
  CHECK_FALSE(log.has_errors());
}

TEST_CASE("validation: unknown table name leaves the tables untouched", "[validation]") {
  // Known bug (reported): the label is written to the contacts table before the name is checked.
  IssueLog log;
  RawTables raw;
  CHECK_THROWS_AS(read_csv_table_from_string(raw, "people", "a\n1\n", "people.csv", log),
                  std::invalid_argument);
  CHECK(raw.contacts.source.file == "contacts");
}
