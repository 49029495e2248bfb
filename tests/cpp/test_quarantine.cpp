// Quarantine (OnError::quarantine) and CSV dialects of the loader core: cascades, dropped links,
// one entry per record, separator detection, encodings, date formats and header mapping.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/io/csv.hpp"

using namespace famgraph;
using famgraph::io::RawTables;
using famgraph::io::read_csv_table_from_string;

namespace {

const std::string persons_header = "person_id,sex,birth_date,exit_date,mother_id,father_id\n";

struct Tables {
  std::string persons, partnerships, events, contacts;
};

Dataset load(const Tables& t, LoadOptions opt = {}, const io::CsvDialect& d = {}) {
  IssueLog log(opt.error_limit());
  RawTables raw;
  read_csv_table_from_string(raw, "persons", t.persons, "persons.csv", log, opt.parse, d);
  if (!t.partnerships.empty())
    read_csv_table_from_string(raw, "partnerships", t.partnerships, "partnerships.csv", log, opt.parse, d);
  if (!t.events.empty()) read_csv_table_from_string(raw, "events", t.events, "events.csv", log, opt.parse, d);
  if (!t.contacts.empty())
    read_csv_table_from_string(raw, "contacts", t.contacts, "contacts.csv", log, opt.parse, d);
  return build_dataset(std::move(raw), opt, log);
}

LoadOptions quarantine() {
  LoadOptions o;
  o.on_error = OnError::quarantine;
  return o;
}

std::vector<std::string> rules(const Dataset& ds) {
  std::vector<std::string> out;
  for (const auto& r : ds.quarantine) out.push_back(r.table + ":" + r.action + ":" + r.issue.rule);
  return out;
}

}  // namespace

TEST_CASE("quarantine: a person set aside takes their rows along, their child stays", "[quarantine]") {
  Tables t;
  t.persons = persons_header + "1,F,1950,,,\n2,M,1948,,,\n3,X,1975,,1,2\n4,M,2000,,3,2\n";
  t.partnerships = "person_a,person_b,start_date,end_date\n3,2,1990,\n1,2,1970,\n";
  t.events = "incident_id,person_id,role,date,kind,source\n9,3,victim,2001,k,police\n9,1,perpetrator,2001,k,police\n";
  t.contacts = "person_id,source,start_date,end_date,kind\n3,police,2001,,k\n";
  CHECK_THROWS_AS(load(t), DataError);
  const auto ds = load(t, quarantine());
  CHECK(rules(ds) == std::vector<std::string>{
                         "persons:record:parse.sex", "persons:link:cascade.parent_quarantined",
                         "partnerships:record:cascade.person_quarantined",
                         "events:record:cascade.person_quarantined",
                         "contacts:record:cascade.person_quarantined"});
  REQUIRE(ds.persons.size() == 3);  // 1, 2, 4
  const Index four = ds.persons.index_of(4);
  CHECK(ds.persons.mother[four] == NONE);
  CHECK(ds.persons.father[four] == ds.persons.index_of(2));
  CHECK(ds.partnerships.size() == 1);
  CHECK(ds.events.size() == 1);
  CHECK(ds.events.n_incidents() == 1);
  CHECK(ds.contacts.size() == 0);
  CHECK(ds.quarantine[0].record == "3,X,1975,,1,2");
  CHECK(ds.quarantine[0].issue.line == 4);
  CHECK(ds.quarantine_counts.at("cascade.person_quarantined") == 3);
}

TEST_CASE("quarantine: one entry per record, the first problem", "[quarantine]") {
  Tables t;
  t.persons = persons_header + "1,X,19x0,,,\n";
  const auto ds = load(t, quarantine());
  REQUIRE(ds.quarantine.size() == 1);
  CHECK(ds.quarantine[0].issue.rule == "parse.sex");
  CHECK(ds.persons.size() == 0);
}

TEST_CASE("quarantine: a cycle loses one link, nobody is dropped", "[quarantine]") {
  Tables t;
  // Two cycles: 1 -> 2 -> 1 by father links and 5 -> 6 -> 7 -> 5 by mother links.
  t.persons = persons_header + "1,M,,,,2\n2,M,,,,1\n5,F,,,6,\n6,F,,,7,\n7,F,,,5,\n";
  const auto ds = load(t, quarantine());
  CHECK(ds.persons.size() == 5);
  CHECK(rules(ds) == std::vector<std::string>{"persons:link:parent.cycle", "persons:link:parent.cycle"});
  std::size_t links = 0;
  for (std::size_t i = 0; i < ds.persons.size(); ++i)
    links += (ds.persons.mother[i] != NONE) + (ds.persons.father[i] != NONE);
  CHECK(links == 3);  // 5 links, one per cycle dropped
}

TEST_CASE("quarantine: records that never became rows are kept as text", "[quarantine]") {
  Tables t;
  t.persons = persons_header + "1,F,1950,,,\n2,F,1950\n";
  const auto ds = load(t, quarantine());
  REQUIRE(ds.quarantine.size() == 1);
  CHECK(ds.quarantine[0].issue.rule == "csv.field_count");
  CHECK(ds.quarantine[0].record == "2,F,1950");
  CHECK(ds.persons.size() == 1);
}

TEST_CASE("quarantine: a clean input loads the same in both modes", "[quarantine]") {
  Tables t;
  t.persons = persons_header + "1,F,1950,,,\n2,M,1948,,,\n3,F,1975,,1,2\n";
  t.events = "incident_id,person_id,role,date,kind,source\n9,3,victim,2001,k,police\n";
  const auto a = load(t);
  const auto b = load(t, quarantine());
  CHECK(b.quarantine.empty());
  CHECK(a.persons.id == b.persons.id);
  CHECK(a.persons.mother == b.persons.mother);
  CHECK(a.events.incident_id == b.events.incident_id);
  CHECK(a.events.person == b.events.person);
}

TEST_CASE("dialect: separator detected from the header and stated", "[dialect]") {
  CHECK(io::detect_separator("a;b;c") == ';');
  CHECK(io::detect_separator("a\tb\tc") == '\t');
  CHECK(io::detect_separator("a|b") == '|');
  CHECK(io::detect_separator("a,b;c,d") == ',');
  CHECK(io::detect_separator("\"a;b\",c") == ',');  // inside quotes it does not count
  CHECK(io::detect_separator("abc") == ',');
  Tables t;
  t.persons = "person_id;sex;birth_date;exit_date;mother_id;father_id\n1;F;1950;;;\n";
  const auto ds = load(t);
  CHECK(ds.persons.size() == 1);
  CHECK(ds.report.warning_counts.at("csv.separator_detected") == 1);
}

TEST_CASE("dialect: a wrong separator gives the hint", "[dialect]") {
  Tables t;
  t.persons = "person_id;sex;birth_date;exit_date;mother_id;father_id\n1;F;1950;;;\n";
  io::CsvDialect d;
  d.sep = ',';
  try {
    (void)load(t, {}, d);
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    CHECK_THAT(e.errors().at(0).message,
               Catch::Contains("this file looks ';'-separated: pass sep=';'"));
  }
}

TEST_CASE("dialect: date formats, header case and mapping", "[dialect]") {
  Tables t;
  t.persons = "CLIENT_ID,Sex,BIRTH_DATE,exit_date,Mother_ID,father_id\n1,F,02-03-1950,,,\n2,F,1975,,1,\n";
  io::CsvDialect d;
  d.columns = {{"client_id", "person_id"}};
  LoadOptions o;
  o.parse.date_format = io::parse_date_format("%d-%m-%Y");
  const auto ds = load(t, o, d);
  REQUIRE(ds.persons.size() == 2);
  CHECK(format_date(ds.persons.birth_date(0)) == "1950-03-02");
  CHECK(format_date(ds.persons.birth_date(1)) == "1975");
  io::ParseOptions p;
  p.date_format = io::DateFormat::dmy_slash;
  CHECK(format_date(*io::parse_date_as("29/02/2000", p)) == "2000-02-29");
  CHECK_FALSE(io::parse_date_as("29/02/2001", p));
  CHECK_FALSE(io::parse_date_as("29-02-2000", p));
  p.date_format = io::DateFormat::ymd_compact;
  CHECK(format_date(*io::parse_date_as("20000229", p)) == "2000-02-29");
  CHECK(format_date(*io::parse_date_as("2000-02-29", p)) == "2000-02-29");
  CHECK_THROWS_AS(io::parse_date_format("%m/%d/%Y"), std::invalid_argument);
}

TEST_CASE("dialect: years are a parameter", "[dialect]") {
  Tables t;
  t.persons = persons_header + "1,F,1066-10-14,,,\n";
  CHECK_THROWS_AS(load(t), DataError);
  LoadOptions o;
  o.parse.min_year = 1000;
  const auto ds = load(t, o);
  CHECK(format_date(ds.persons.birth_date(0)) == "1066-10-14");
  CHECK(civil_from_days(ds.persons.birth[0]).year == 1066);
}

TEST_CASE("dialect: cp1252 and latin-1 are transcoded to UTF-8", "[dialect]") {
  std::string s = "caf\xe9 \x80";
  std::string a = s, b = s;
  io::transcode_to_utf8(a, 0, io::Encoding::cp1252);
  io::transcode_to_utf8(b, 0, io::Encoding::latin1);
  CHECK(a == "caf\xc3\xa9 \xe2\x82\xac");  // é, €
  CHECK(b == "caf\xc3\xa9 \xc2\x80");      // é, U+0080
  CHECK(io::parse_encoding("UTF-8-SIG") == io::Encoding::utf8);
  CHECK(io::parse_encoding("Windows-1252") == io::Encoding::cp1252);
  CHECK_THROWS_AS(io::parse_encoding("utf-16"), std::invalid_argument);
  Tables t;
  t.persons = persons_header + "1,F,1950,,,\n";
  t.contacts = "person_id,source,start_date,end_date,kind\n1,Jeugdzorg \xe9\xe9n,2001,,k\n";
  io::CsvDialect d;
  d.encoding = io::Encoding::cp1252;
  const auto ds = load(t, {}, d);
  REQUIRE(ds.sources.size() == 1);
  CHECK(ds.sources[0] == "Jeugdzorg \xc3\xa9\xc3\xa9n");
  CHECK_THROWS_AS(load(t), DataError);  // not UTF-8 without the opt-in
}
