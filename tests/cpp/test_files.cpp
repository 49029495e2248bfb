// Inputs, outputs and message values of the C++ core (famgraph/io/files.hpp, famgraph::shown):
// the same cases as tests/python/test_cli_safety.py for the Python twin (docs/cli.md).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "famgraph/famgraph.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/io/csv_reader.hpp"
#include "famgraph/io/files.hpp"
#include "famgraph/synth/generator.hpp"

namespace fs = std::filesystem;
using namespace std::string_literals;
using famgraph::io::CsvReader;
using famgraph::io::FileError;

namespace {

/// A fresh temporary folder, removed with everything in it when the object dies.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "famgraph_files_test_XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  [[nodiscard]] fs::path operator/(const std::string& name) const { return path / name; }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream o(p, std::ios::binary);
  o << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string persons_csv =
    "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,1950,,,\n2,M,1952,,,\n";
const std::string events_csv = "incident_id,person_id,role,date,kind,source\n1,1,victim,2010,k,police\n";

/// The FileError thrown by `f`, or a failed test.
template <class F>
FileError file_error(F&& f) {
  try {
    f();
  } catch (const FileError& e) {
    return e;
  }
  FAIL("no FileError thrown");
  return FileError(0, "");
}

std::vector<std::string> hidden_entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind('.', 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

unsigned umask_now() {
  const mode_t m = ::umask(022);
  ::umask(m);
  return m;
}

}  // namespace

TEST_CASE("files: shown escapes and clips as the Python twin (shared cases)", "[files]") {
  std::ifstream in(std::string(FAMGRAPH_FIXTURES) + "/shown_cases.tsv", std::ios::binary);
  REQUIRE(in);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    const std::string hex = line.substr(0, t1);
    const std::size_t limit = std::stoul(line.substr(t1 + 1, t2 - t1 - 1));
    const std::string expected = line.substr(t2 + 1);
    std::string input;
    for (std::size_t k = 0; k + 1 < hex.size(); k += 2)
      input.push_back(static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16)));
    INFO("input (hex) " << hex);
    CHECK(famgraph::shown(input, limit) == expected);
    CHECK(famgraph::shown(input, limit).find('\0') == std::string::npos);
    ++n;
  }
  CHECK(n >= 20);
}

TEST_CASE("files: an input that is not a regular file is a FileError naming it", "[files]") {
  TempDir d;
  write(d / "persons.csv", persons_csv);
  SECTION("dangling symbolic link") {
    fs::create_symlink(d / "gone.csv", d / "x.csv");
    const auto e = file_error([&] { CsvReader r((d / "x.csv").string()); });
    CHECK(e.code() == ENOENT);
    CHECK_THAT(e.what(), Catch::Contains("x.csv: is a symbolic link to") && Catch::Contains("which does not exist"));
  }
  SECTION("symbolic link loop") {
    fs::create_symlink("x.csv", d / "x.csv");
    const auto e = file_error([&] { CsvReader r((d / "x.csv").string()); });
    CHECK(e.code() == ELOOP);
    CHECK_THAT(e.what(), Catch::Contains("is a symbolic link loop (expected a CSV file)"));
  }
  SECTION("folder") {
    fs::create_directory(d / "x.csv");
    const auto e = file_error([&] { CsvReader r((d / "x.csv").string()); });
    CHECK(e.code() == EISDIR);
    CHECK_THAT(e.what(), Catch::Contains("x.csv: is a folder (expected a CSV file)"));
  }
  SECTION("FIFO: refused at once, never read") {
    REQUIRE(::mkfifo((d / "x.csv").c_str(), 0600) == 0);
    const auto start = std::chrono::steady_clock::now();
    const auto e = file_error([&] { CsvReader r((d / "x.csv").string()); });
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    CHECK_THAT(e.what(), Catch::Contains("is a FIFO (named pipe) (expected a CSV file)"));
  }
  SECTION("character device (/dev/zero would never end)") {
    fs::create_symlink("/dev/zero", d / "x.csv");
    const auto e = file_error([&] { CsvReader r((d / "x.csv").string()); });
    CHECK_THAT(e.what(), Catch::Contains("is a character device (expected a CSV file)"));
  }
  SECTION("socket") {
    const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(s >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = (d / "x.csv").string();
    if (p.size() < sizeof addr.sun_path) {
      std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
      REQUIRE(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
      const auto e = file_error([&] { CsvReader r(p); });
      CHECK_THAT(e.what(), Catch::Contains("is a socket (expected a CSV file)"));
    }
    ::close(s);
  }
  SECTION("missing") {
    const auto e = file_error([&] { CsvReader r((d / "none.csv").string()); });
    CHECK(e.code() == ENOENT);
    CHECK_THAT(e.what(), Catch::Contains("none.csv: not found (expected a CSV file)"));
  }
}

TEST_CASE("files: a broken optional table is an error, not an absent table", "[files]") {
  TempDir d;
  write(d / "persons.csv", persons_csv);
  CHECK(famgraph::load_csv(d.path).events.size() == 0);  // truly absent: fine
  fs::create_symlink(d / "elsewhere" / "events.csv", d / "events.csv");
  CHECK_THROWS_AS(famgraph::load_csv(d.path), FileError);
  fs::remove(d / "events.csv");
  fs::create_symlink("events.csv", d / "events.csv");  // a loop
  CHECK_THROWS_AS(famgraph::load_csv(d.path), FileError);
  fs::remove(d / "events.csv");
  write(d / "events.csv", events_csv);
  CHECK(famgraph::load_csv(d.path).events.size() == 1);
  // the folder itself, and persons.csv
  CHECK(file_error([&] { famgraph::load_csv(d / "none"); }).code() == ENOENT);
  CHECK(file_error([&] { famgraph::load_csv(d / "persons.csv"); }).code() == ENOTDIR);
}

TEST_CASE("files: a record longer than the limit is a located error", "[files]") {
  const std::string text = "a,b\n1,2\n" + std::string(100, 'x') + ",3\n4,5\n";
  SECTION("from a string") {
    auto r = CsvReader::from_string(text, 64);
    std::vector<std::string_view> f;
    REQUIRE(r.next(f));
    REQUIRE(r.next(f));
    REQUIRE(r.next(f));
    CHECK(std::string(r.error_rule()) == "csv.record_too_long");
    CHECK(r.line() == 3);
    CHECK_FALSE(r.next(f));  // the rest of the file is not read
  }
  SECTION("from a file, whatever the block size") {
    TempDir d;
    write(d / "t.csv", text);
    for (std::size_t block : {1, 7, 64, 1 << 22}) {
      INFO("block " << block);
      CsvReader r((d / "t.csv").string(), block, 64);
      std::vector<std::string_view> f;
      REQUIRE(r.next(f));
      REQUIRE(r.next(f));
      REQUIRE(r.next(f));
      CHECK(std::string(r.error_rule()) == "csv.record_too_long");
      CHECK(r.line() == 3);
    }
  }
  SECTION("an unclosed quote does not make the reader buffer the whole file") {
    TempDir d;
    write(d / "t.csv", "a\n\"" + std::string(1000, 'y') + "\n" + std::string(1000, 'z'));
    CsvReader r((d / "t.csv").string(), 16, 64);
    std::vector<std::string_view> f;
    REQUIRE(r.next(f));
    REQUIRE(r.next(f));
    CHECK(std::string(r.error_rule()) == "csv.record_too_long");
    CHECK(r.line() == 2);
  }
  SECTION("through the loader: 1 MiB by default") {
    famgraph::IssueLog log;
    famgraph::io::RawTables raw;
    famgraph::io::read_csv_table_from_string(
        raw, "persons", "person_id,sex,birth_date,exit_date,mother_id,father_id\n" + std::string(2 << 20, '9') + ",F,,,,\n",
        "persons.csv", log);
    REQUIRE(log.errors().size() == 1);
    CHECK(log.errors()[0].rule == "csv.record_too_long");
    CHECK(log.errors()[0].line == 2);
    CHECK_THAT(log.errors()[0].message, Catch::Contains("1 MiB"));
  }
}

TEST_CASE("files: UTF-16 input is one clear error", "[files]") {
  const std::string header = "person_id,sex,birth_date,exit_date,mother_id,father_id\n1,F,1950,,,\n";
  std::string le, be;
  for (char c : header) {
    le += c;
    le += '\0';
    be += '\0';
    be += c;
  }
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
           {"UTF-16LE without BOM", le},
           {"UTF-16BE without BOM", be},
           {"UTF-16LE with BOM", std::string("\xFF\xFE") + le},
           {"UTF-16BE with BOM", std::string("\xFE\xFF") + be}}) {
    INFO(name);
    famgraph::IssueLog log;
    famgraph::io::RawTables raw;
    famgraph::io::read_csv_table_from_string(raw, "persons", text, "persons.csv", log);
    REQUIRE(log.errors().size() == 1);
    CHECK(log.errors()[0].rule == "encoding.utf16");
    CHECK(log.errors()[0].line == 0);
    CHECK_THAT(log.errors()[0].message, Catch::Contains("save it as UTF-8"));
  }
  CHECK_FALSE(famgraph::io::looks_like_utf16("person_id,sex\n1,F\n"));
  CHECK_FALSE(famgraph::io::looks_like_utf16("1\0002,F\n"s));  // one NUL: not UTF-16
}

TEST_CASE("files: a NUL byte never cuts the error list short", "[files]") {
  TempDir d;
  write(d / "persons.csv", "person_id,sex,birth_date,exit_date,mother_id,father_id\n1\0002,F,,,,\n3,X\0Y,,,,\n"s);
  try {
    famgraph::load_csv(d.path);
    FAIL("no DataError");
  } catch (const famgraph::DataError& e) {
    const std::string what = e.what();  // a C string: it ends at the first NUL, if there is one
    CHECK(what.find("'1\\x002' is not an integer") != std::string::npos);
    CHECK(what.find("'X\\x00Y' is not a sex code") != std::string::npos);
    CHECK(e.errors().size() == 2);
  }
}

TEST_CASE("files: OutputFolder writes a new folder atomically", "[files]") {
  TempDir d;
  const auto pop = famgraph::synth::generate([] {
    famgraph::synth::Params p;
    p.persons = 300;
    return p;
  }());
  SECTION("new folder: complete, modes from the umask, nothing else left") {
    famgraph::synth::write_csv(pop, d / "pop");
    CHECK(fs::exists(d / "pop" / "persons.csv"));
    CHECK(fs::exists(d / "pop" / "truth.json"));
    struct stat st {};
    REQUIRE(::stat((d / "pop").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0777 & ~umask_now()));
    REQUIRE(::stat((d / "pop" / "events.csv").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0666 & ~umask_now()));
    CHECK(hidden_entries(d.path).empty());
  }
  SECTION("an empty folder is replaced") {
    fs::create_directory(d / "pop");
    famgraph::synth::write_csv(pop, d / "pop");
    CHECK(fs::exists(d / "pop" / "persons.csv"));
  }
  SECTION("a trailing separator names the same folder") {
    famgraph::synth::write_csv(pop, (d / "pop").string() + "/");
    CHECK(fs::exists(d / "pop" / "persons.csv"));
  }
  SECTION("a link to an empty folder: written where it points") {
    fs::create_directory(d / "real");
    fs::create_symlink(d / "real", d / "pop");
    famgraph::synth::write_csv(pop, d / "pop");
    CHECK(fs::exists(d / "real" / "persons.csv"));
    CHECK(fs::is_symlink(d / "pop"));
  }
  SECTION("refused targets; nothing written, nothing left") {
    write(d / "file", "keep");
    fs::create_directory(d / "full");
    write(d / "full" / "persons.csv", persons_csv);
    fs::create_symlink(d / "gone", d / "dangling");
    CHECK_THROWS_AS(famgraph::synth::write_csv(pop, d / "file"), famgraph::io::OutputPathError);
    CHECK(file_error([&] { famgraph::synth::write_csv(pop, d / "full"); }).code() == EEXIST);
    CHECK_THROWS_AS(famgraph::synth::write_csv(pop, d / "dangling"), famgraph::io::OutputPathError);
    CHECK(file_error([&] { famgraph::synth::write_csv(pop, d / "none" / "pop"); }).code() == ENOENT);
    CHECK(file_error([&] { famgraph::synth::write_csv(pop, d / "file" / "pop"); }).code() == ENOTDIR);
    if (::geteuid() != 0) {  // root writes in read-only folders anyway
      fs::create_directory(d / "ro");
      fs::permissions(d / "ro", fs::perms::owner_read | fs::perms::owner_exec);
      CHECK(file_error([&] { famgraph::synth::write_csv(pop, d / "ro" / "pop"); }).code() == EACCES);
      fs::permissions(d / "ro", fs::perms::owner_all);
    }
    CHECK(read(d / "file") == "keep");
    CHECK(read(d / "full" / "persons.csv") == persons_csv);
    CHECK(hidden_entries(d.path).empty());
  }
  SECTION("an error while writing removes the temporary folder") {
    {
      famgraph::io::OutputFolder out(d / "pop");
      const fs::path tmp = out.temporary();
      CHECK(fs::is_directory(tmp));
      CHECK_THAT(tmp.filename().string(), Catch::StartsWith(".pop.famgraph-tmp-"));
      std::FILE* f = out.create("persons.csv");
      std::fputs("x", f);
      std::fclose(f);
      CHECK_THROWS_AS(out.create("persons.csv"), FileError);  // O_EXCL
    }  // not committed
    CHECK_FALSE(fs::exists(d / "pop"));
    CHECK(hidden_entries(d.path).empty());
  }
  SECTION("remove_pending_outputs (the signal handler) removes unfinished folders") {
    famgraph::io::OutputFolder out(d / "pop");
    std::FILE* f = out.create("persons.csv");
    std::fputs("x", f);
    std::fclose(f);
    famgraph::io::remove_pending_outputs();
    CHECK_FALSE(fs::exists(out.temporary()));
  }
}

TEST_CASE("files: stale temporaries of dead processes are removed, live ones kept", "[files]") {
  TempDir d;
  // a temporary folder of this process, and names as a killed process would leave them
  famgraph::io::OutputFolder mine(d / "mine");
  const std::string name = mine.temporary().filename().string();
  const auto host = name.substr(name.find(".famgraph-tmp-") + 14, 8);
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);  // a pid that no longer runs
  const std::string dead = ".pop.famgraph-tmp-" + host + "-" + std::to_string(child) + "-abc123";
  const std::string other_host = ".pop.famgraph-tmp-00000000-" + std::to_string(child) + "-abc123";
  fs::create_directory(d / dead);
  write(d / dead / "persons.csv", "x");
  write(d / ("report.html.famgraph-tmp-" + host + "-" + std::to_string(child) + "-x"), "not hidden: kept");
  write(d / other_host, "another machine");
  const auto removed = famgraph::io::remove_stale_temporaries(d.path);
  CHECK(removed == std::vector<std::string>{dead});
  CHECK(fs::exists(mine.temporary()));
  CHECK(fs::exists(d / other_host));
}

TEST_CASE("files: a long cycle of parents is shown by its ends", "[files]") {
  std::string csv = "person_id,sex,birth_date,exit_date,mother_id,father_id\n";
  for (int i = 1; i <= 50; ++i) csv += std::to_string(i) + ",F,,," + std::to_string(i % 50 + 1) + ",\n";
  famgraph::IssueLog log;
  famgraph::io::RawTables raw;
  famgraph::io::read_csv_table_from_string(raw, "persons", csv, "persons.csv", log);
  try {
    famgraph::build_dataset(std::move(raw), famgraph::LoadOptions{}, log);
    FAIL("no DataError");
  } catch (const famgraph::DataError& e) {
    REQUIRE(e.errors().size() == 1);
    const std::string& m = e.errors()[0].message;
    CHECK_THAT(m, Catch::Contains(" -> ... (38 more) -> "));
    CHECK(m.size() < 300);
  }
}
