// Unit tests of the streaming CSV reader (famgraph/io/csv_reader.hpp).
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "famgraph/io/csv_reader.hpp"

using famgraph::io::CsvReader;

namespace {

struct Rec {
  std::size_t line;
  std::vector<std::string> fields;
  std::string error;
};

std::vector<Rec> read_all(CsvReader& r) {
  std::vector<Rec> out;
  std::vector<std::string_view> f;
  while (r.next(f)) {
    Rec rec{r.line(), {}, r.error()};
    for (auto v : f) rec.fields.emplace_back(v);
    out.push_back(std::move(rec));
    if (out.size() > 10000) break;  // guard against a reader that never ends
  }
  return out;
}

std::vector<Rec> parse(const std::string& text) {
  auto r = CsvReader::from_string(text);
  return read_all(r);
}

using F = std::vector<std::string>;

/// A temporary file removed when the object dies.
struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& content) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("famgraph_csv_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".csv");
    std::ofstream o(path, std::ios::binary);
    o << content;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

/// Runs `fn` in a child process that is killed after `seconds`; true if it finished normally.
/// Used for inputs on which a broken reader would loop forever (the test must fail, not hang).
template <class Fn>
bool finishes_within(unsigned seconds, Fn fn) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::alarm(seconds);  // default action of SIGALRM terminates the child
    fn();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("CsvReader: simple records and line numbers", "[csv]") {
  auto recs = parse("a,b,c\n1,2,3\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].fields == F{"a", "b", "c"});
  CHECK(recs[0].line == 1);
  CHECK(recs[1].fields == F{"1", "2", "3"});
  CHECK(recs[1].line == 2);
  CHECK(recs[0].error.empty());
  CHECK(recs[1].error.empty());
}

TEST_CASE("CsvReader: quoted fields with commas", "[csv]") {
  auto recs = parse("id,name\n1,\"Doe, Jane\"\n\"2\",\"a,b,c\"\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[1].fields == F{"1", "Doe, Jane"});
  CHECK(recs[2].fields == F{"2", "a,b,c"});
  CHECK(recs[2].line == 3);
}

TEST_CASE("CsvReader: embedded newlines keep later line numbers right", "[csv]") {
  const std::string text =
      "h1,h2\n"             // line 1
      "\"first\nsecond\",x\n"  // lines 2-3
      "next,rec\n"          // line 4
      "\"a\n\nb\nc\",y\n"   // lines 5-8 (an empty line inside the quotes)
      "last,one\n";         // line 9
  auto recs = parse(text);
  REQUIRE(recs.size() == 5);
  CHECK(recs[1].fields == F{"first\nsecond", "x"});
  CHECK(recs[1].line == 2);
  CHECK(recs[2].fields == F{"next", "rec"});
  CHECK(recs[2].line == 4);
  CHECK(recs[3].fields == F{"a\n\nb\nc", "y"});
  CHECK(recs[3].line == 5);
  CHECK(recs[4].fields == F{"last", "one"});
  CHECK(recs[4].line == 9);
}

TEST_CASE("CsvReader: doubled quotes escape a quote", "[csv]") {
  auto recs = parse("\"say \"\"hi\"\"\",\"\"\"\",\"\",\"a\"\"b\"\n");
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].fields == F{"say \"hi\"", "\"", "", "a\"b"});
  CHECK(recs[0].error.empty());
}

TEST_CASE("CsvReader: escaped fields stay valid across many in one record", "[csv]") {
  // Several fields with "" escapes in one record use separate storage.
  auto recs = parse("\"a\"\"1\",\"b\"\"2\",\"c\"\"3\"\n\"d\"\"4\",x\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].fields == F{"a\"1", "b\"2", "c\"3"});
  CHECK(recs[1].fields == F{"d\"4", "x"});
}

TEST_CASE("CsvReader: CRLF line ends", "[csv]") {
  auto recs = parse("a,b\r\n1,2\r\n\"q\r\nr\",3\r\n4,\"5\"\r\n");
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].fields == F{"a", "b"});
  CHECK(recs[1].fields == F{"1", "2"});
  CHECK(recs[1].line == 2);
  CHECK(recs[2].fields == F{"q\r\nr", "3"});
  CHECK(recs[2].line == 3);
  CHECK(recs[3].fields == F{"4", "5"});
  CHECK(recs[3].line == 5);
}

TEST_CASE("CsvReader: UTF-8 byte-order mark is skipped", "[csv]") {
  auto recs = parse("\xEF\xBB\xBFperson_id,sex\n1,F\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].fields == F{"person_id", "sex"});
  CHECK(recs[0].line == 1);
  // Only at the very start: a BOM later is data.
  auto later = parse("a\n\xEF\xBB\xBF" "b\n");
  REQUIRE(later.size() == 2);
  CHECK(later[1].fields == F{"\xEF\xBB\xBF" "b"});
}

TEST_CASE("CsvReader: blank lines are skipped but counted", "[csv]") {
  auto recs = parse("a\n\n\nb\n\r\nc\n\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].fields == F{"a"});
  CHECK(recs[0].line == 1);
  CHECK(recs[1].fields == F{"b"});
  CHECK(recs[1].line == 4);
  CHECK(recs[2].fields == F{"c"});
  CHECK(recs[2].line == 6);
  CHECK(parse("").empty());
  CHECK(parse("\n\n\r\n").empty());
}

TEST_CASE("CsvReader: last line without a newline", "[csv]") {
  auto recs = parse("a,b\n1,2");
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].fields == F{"1", "2"});
  CHECK(recs[1].line == 2);
  auto quoted = parse("a,b\n1,\"2\"");
  REQUIRE(quoted.size() == 2);
  CHECK(quoted[1].fields == F{"1", "2"});
  CHECK(quoted[1].error.empty());
  auto cr = parse("a,b\r\n1,2\r");
  REQUIRE(cr.size() == 2);
  CHECK(cr[1].fields == F{"1", "2"});
}

TEST_CASE("CsvReader: trailing comma gives an empty last field", "[csv]") {
  auto recs = parse("a,b,\n1,,\n,\n");
  REQUIRE(recs.size() == 3);
  CHECK(recs[0].fields == F{"a", "b", ""});
  CHECK(recs[1].fields == F{"1", "", ""});
  CHECK(recs[2].fields == F{"", ""});
  // Also at the end of the input, and after a quoted field.
  auto eof = parse("a,b,");
  REQUIRE(eof.size() == 1);
  CHECK(eof[0].fields == F{"a", "b", ""});
  auto q = parse("\"a\",\n\"b\",");
  REQUIRE(q.size() == 2);
  CHECK(q[0].fields == F{"a", ""});
  CHECK(q[1].fields == F{"b", ""});
}

TEST_CASE("CsvReader: stray quote in an unquoted field is an error", "[csv]") {
  auto recs = parse("a,b\n1,x\"y\n2,3\n");
  REQUIRE(recs.size() == 3);
  CHECK_FALSE(recs[1].error.empty());
  CHECK(recs[1].line == 2);
  // The reader resynchronises: the next record is fine.
  CHECK(recs[2].error.empty());
  CHECK(recs[2].fields == F{"2", "3"});
  CHECK(recs[2].line == 3);
}

TEST_CASE("CsvReader: character after a closing quote is an error", "[csv]") {
  auto recs = parse("\"a\"x,b\nc,d\n");
  REQUIRE(recs.size() == 2);
  CHECK_FALSE(recs[0].error.empty());
  CHECK(recs[1].error.empty());
  CHECK(recs[1].fields == F{"c", "d"});
  CHECK(recs[1].line == 2);
}

TEST_CASE("CsvReader: junk after a closing quote on the last line ends the input",
          "[csv]") {
  // Known bug (reported): with no newline after `"a"x`, next() loops forever. Run in a child
  // process with a time limit so the suite fails instead of hanging.
  const bool ok = finishes_within(3, [] {
    for (const char* text : {"\"a\"x", "h\n\"a\"x", "\"a\"x,"}) {
      auto r = CsvReader::from_string(text);
      std::vector<std::string_view> f;
      bool saw_error = false;
      int records = 0;
      while (r.next(f) && records < 100) {
        ++records;
        saw_error = saw_error || !r.error().empty();
      }
      if (!saw_error || records >= 100) ::_exit(1);
    }
    ::_exit(0);
  });
  CHECK(ok);
}

TEST_CASE("CsvReader: unterminated quote is an error", "[csv]") {
  auto recs = parse("a,b\n1,\"open\n2,3\n");
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].error.empty());
  CHECK_FALSE(recs[1].error.empty());
  CHECK(recs[1].line == 2);
  auto at_end = parse("\"abc");
  REQUIRE(at_end.size() == 1);
  CHECK_FALSE(at_end[0].error.empty());
}

TEST_CASE("CsvReader: cannot open a missing file", "[csv]") {
  CHECK_THROWS_AS(CsvReader("/nonexistent/dir/famgraph_no_such_file.csv"), std::runtime_error);
}

TEST_CASE("CsvReader: tiny blocks give the same records as one big block", "[csv]") {
  const std::string text =
      "\xEF\xBB\xBF"
      "person_id,sex,note\r\n"
      "1,F,\"multi\r\nline, with comma\"\r\n"
      "\r\n"
      "2,M,\"say \"\"hi\"\"\"\n"
      "\n"
      "3,,\n"
      "4,U,\"\"\"\"\"\"\n"
      "5,F,bad\"quote\n"
      "6,M,\"\"\n"
      "7,F,\"x\ny\nz\"\n"
      "8,M,\"ok\"junk\n"
      ",,\n"
      "9,F,last";
  const auto expected = parse(text);
  REQUIRE(expected.size() == 11);
  // Hand-checked spots of the reference parse.
  CHECK(expected[0].fields == F{"person_id", "sex", "note"});
  CHECK(expected[1].fields == F{"1", "F", "multi\r\nline, with comma"});
  CHECK(expected[2].line == 5);
  CHECK(expected[2].fields == F{"2", "M", "say \"hi\""});
  CHECK(expected[3].line == 7);
  CHECK(expected[4].fields == F{"4", "U", "\"\""});
  CHECK_FALSE(expected[5].error.empty());
  CHECK(expected[7].line == 11);
  CHECK(expected[7].fields == F{"7", "F", "x\ny\nz"});
  CHECK(expected[8].line == 14);
  CHECK_FALSE(expected[8].error.empty());
  CHECK(expected[10].line == 16);
  CHECK(expected[10].fields == F{"9", "F", "last"});

  TempFile tf(text);
  for (std::size_t block : {1, 2, 3, 4, 5, 6, 7, 11, 64, 1 << 22}) {
    INFO("block size " << block);
    CsvReader r(tf.path.string(), block);
    const auto got = read_all(r);
    REQUIRE(got.size() == expected.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      INFO("record " << k);
      CHECK(got[k].line == expected[k].line);
      CHECK(got[k].error.empty() == expected[k].error.empty());
      if (expected[k].error.empty()) CHECK(got[k].fields == expected[k].fields);
    }
  }
}

TEST_CASE("CsvReader: a record longer than the block grows the buffer", "[csv]") {
  std::string big(5000, 'x');
  const std::string text = "a,b\n\"" + big + "\"," + big + "\nc,d\n";
  TempFile tf(text);
  CsvReader r(tf.path.string(), 7);
  const auto got = read_all(r);
  REQUIRE(got.size() == 3);
  CHECK(got[1].fields == F{big, big});
  CHECK(got[2].fields == F{"c", "d"});
  CHECK(got[2].line == 3);
}

TEST_CASE("CsvReader: moved-from reader keeps reading in the new object", "[csv]") {
  auto r = CsvReader::from_string("a\nb\nc\n");
  std::vector<std::string_view> f;
  REQUIRE(r.next(f));
  CHECK(f == std::vector<std::string_view>{"a"});
  CsvReader moved(std::move(r));
  REQUIRE(moved.next(f));
  CHECK(f == std::vector<std::string_view>{"b"});
  CHECK(moved.line() == 2);
  REQUIRE(moved.next(f));
  CHECK(f == std::vector<std::string_view>{"c"});
  CHECK_FALSE(moved.next(f));
}
