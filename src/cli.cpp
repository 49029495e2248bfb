// famgraph (C++ driver): validate and summarise a dataset folder, or write a synthetic population,
// without Python. The Python package installs the full CLI of the same name; this one is for
// C++-only installs. Exit status as in the Python CLI (docs/cli.md): 0 done, 1 invalid data,
// 2 usage, 3 environment (files, permissions, memory), 4 internal error, 128 + signal number when
// interrupted (130 SIGINT, 143 SIGTERM) after removing the unfinished output.
#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <new>
#include <string>

#include "famgraph/famgraph.hpp"
#include "famgraph/io/files.hpp"

namespace {

enum Exit : int { ok = 0, data = 1, usage_error = 2, environment = 3, internal = 4 };

int usage() {
  std::cerr << "usage: famgraph synth --persons N --seed S --out DIR [--threads T] [--set name=value ...]\n"
               "       famgraph validate DIR [--missing-parents strict|add]\n"
               "       famgraph summary  DIR [--missing-parents strict|add]\n"
               "DIR holds persons.csv and optionally partnerships.csv, events.csv, contacts.csv\n"
               "exit status: 0 done, 1 invalid data, 2 usage, 3 environment (files, permissions,\n"
               "memory), 4 internal error (a bug), 130/143 interrupted (SIGINT/SIGTERM)\n";
  return usage_error;
}

struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

double number(const std::string& option, const std::string& text) {
  double v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || !std::isfinite(v))
    throw UsageError(option + " '" + famgraph::shown(text) + "': expected a number");
  return v;
}

int whole(const std::string& option, const std::string& text, int lo, int hi) {
  int v = 0;
  const char* b = text.data();
  const char* e = b + text.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc() || p != e || v < lo || v > hi)
    throw UsageError(option + " '" + famgraph::shown(text) + "': expected a whole number in [" +
                     std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

extern "C" void on_signal(int sig) {
  famgraph::io::remove_pending_outputs();
  ::_exit(128 + sig);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(s, &sa, nullptr);
}

// Runs `body` and maps every failure to one line on stderr and the documented exit status.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const famgraph::DataError& e) {
    std::cerr << e.what() << "\n";
    return data;
  } catch (const UsageError& e) {
    std::cerr << "famgraph: " << e.what() << "\n";
    return usage_error;
  } catch (const famgraph::io::OutputPathError& e) {
    std::cerr << "famgraph: " << e.what() << "\n";
    return usage_error;
  } catch (const famgraph::io::FileError& e) {
    std::cerr << "famgraph: " << e.what() << "\n";
    return e.code() == EEXIST ? usage_error : environment;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << "famgraph: " << famgraph::shown(e.what(), 2000) << "\n";
    return environment;
  } catch (const std::bad_alloc&) {
    std::cerr << "famgraph: out of memory\n";
    return environment;
  } catch (const std::invalid_argument& e) {  // parameter checks of the library
    std::cerr << "famgraph: " << e.what() << "\n";
    return usage_error;
  } catch (const std::exception& e) {
    std::cerr << "famgraph: internal error (this is a bug; please report it): "
              << famgraph::shown(e.what(), 2000) << "\n";
    return internal;
  }
}

int synth_main(int argc, char** argv) {
  return guarded([&] {
    famgraph::synth::Params p;
    famgraph::synth::Options opt;
    std::string out;
    for (int a = 2; a < argc; ++a) {
      const std::string arg = argv[a];
      if (a + 1 >= argc) return usage();
      const std::string val = argv[++a];
      if (arg == "--persons") {
        famgraph::synth::set_parameter(p, "persons", number(arg, val));
      } else if (arg == "--seed") {
        famgraph::synth::set_parameter(p, "seed", number(arg, val));
      } else if (arg == "--out") {
        out = val;
      } else if (arg == "--threads") {
        opt.threads = whole(arg, val, 0, 4096);
      } else if (arg == "--set") {
        const auto eq = val.find('=');
        if (eq == std::string::npos) throw UsageError("--set " + famgraph::shown(val) + ": expected name=value");
        famgraph::synth::set_parameter(p, val.substr(0, eq), number("--set " + val.substr(0, eq), val.substr(eq + 1)));
      } else {
        return usage();
      }
    }
    if (out.empty()) return usage();
    const auto pop = famgraph::synth::generate(p, opt);
    famgraph::synth::write_csv(pop, out);
    std::cout << out << ": " << pop.tables.persons.size() << " persons, " << pop.tables.events.size()
              << " event rows\n";
    return static_cast<int>(ok);
  });
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  if (argc >= 2 && std::strcmp(argv[1], "synth") == 0) return synth_main(argc, argv);
  if (argc < 3) return usage();
  const std::string cmd = argv[1];
  if (cmd != "validate" && cmd != "summary") return usage();
  famgraph::LoadOptions opt;
  for (int a = 3; a < argc; ++a) {
    if (std::strcmp(argv[a], "--missing-parents") == 0 && a + 1 < argc) {
      const std::string v = argv[++a];
      if (v == "add") {
        opt.missing_parents = famgraph::MissingParents::add;
      } else if (v != "strict") {
        std::cerr << "famgraph: --missing-parents: '" << famgraph::shown(v) << "' (expected strict or add)\n";
        return usage_error;
      }
    } else {
      return usage();
    }
  }
  return guarded([&] {
    const auto ds = famgraph::load_csv(argv[2], opt);
    for (const auto& w : ds.report.warnings)
      std::cerr << "warning: " << famgraph::escape(w.to_string()) << "\n";
    if (cmd == "validate") {
      std::cout << famgraph::escape(argv[2]) << ": valid (" << ds.persons.size() << " persons, "
                << ds.events.size() << " event rows)\n";
      return static_cast<int>(ok);
    }
    const famgraph::FamilyGraph g(ds.persons);
    const famgraph::KinshipCalculator k(g);
    std::cout << famgraph::to_text(famgraph::summarise(ds, g, k));
    return static_cast<int>(ok);
  });
}
