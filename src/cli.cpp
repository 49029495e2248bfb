// famgraph (C++ driver): validate and summarise a dataset folder without Python.
// The Python package installs the full CLI of the same name; this one is for C++-only installs.
#include <cstring>
#include <iostream>
#include <string>

#include "famgraph/famgraph.hpp"

namespace {
int usage() {
  std::cerr << "usage: famgraph synth --persons N --seed S --out DIR [--threads T] [--set name=value ...]\n"
               "       famgraph validate DIR [--missing-parents strict|add]\n"
               "       famgraph summary  DIR [--missing-parents strict|add]\n"
               "DIR holds persons.csv and optionally partnerships.csv, events.csv, contacts.csv\n";
  return 2;
}
}  // namespace

int synth_main(int argc, char** argv) {
  famgraph::synth::Params p;
  famgraph::synth::Options opt;
  std::string out;
  try {
    for (int a = 2; a < argc; ++a) {
      const std::string arg = argv[a];
      if (a + 1 >= argc) return usage();
      const std::string val = argv[++a];
      if (arg == "--persons") famgraph::synth::set_parameter(p, "persons", std::stod(val));
      else if (arg == "--seed") famgraph::synth::set_parameter(p, "seed", std::stod(val));
      else if (arg == "--out") out = val;
      else if (arg == "--threads") opt.threads = std::stoi(val);
      else if (arg == "--set") {
        const auto eq = val.find('=');
        if (eq == std::string::npos) {
          std::cerr << "famgraph: --set " << val << ": expected name=value\n";
          return 2;
        }
        famgraph::synth::set_parameter(p, val.substr(0, eq), std::stod(val.substr(eq + 1)));
      } else {
        return usage();
      }
    }
    if (out.empty()) return usage();
    const auto pop = famgraph::synth::generate(p, opt);
    famgraph::synth::write_csv(pop, out);
    std::cout << out << ": " << pop.tables.persons.size() << " persons, " << pop.tables.events.size()
              << " event rows\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "famgraph: " << e.what() << "\n";
    return 2;
  }
}

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "synth") == 0) return synth_main(argc, argv);
  if (argc < 3) return usage();
  const std::string cmd = argv[1];
  if (cmd != "validate" && cmd != "summary") return usage();
  famgraph::LoadOptions opt;
  for (int a = 3; a < argc; ++a) {
    if (std::strcmp(argv[a], "--missing-parents") == 0 && a + 1 < argc) {
      const std::string v = argv[++a];
      if (v == "add") opt.missing_parents = famgraph::MissingParents::add;
      else if (v != "strict") {
        std::cerr << "famgraph: --missing-parents: '" << v << "' (expected strict or add)\n";
        return 2;
      }
    } else {
      return usage();
    }
  }
  try {
    const auto ds = famgraph::load_csv(argv[2], opt);
    for (const auto& w : ds.report.warnings) std::cerr << "warning: " << w.to_string() << "\n";
    if (cmd == "validate") {
      std::cout << argv[2] << ": valid (" << ds.persons.size() << " persons, " << ds.events.size()
                << " event rows)\n";
      return 0;
    }
    const famgraph::FamilyGraph g(ds.persons);
    const famgraph::KinshipCalculator k(g);
    std::cout << famgraph::to_text(famgraph::summarise(ds, g, k));
    return 0;
  } catch (const famgraph::DataError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "famgraph: " << e.what() << "\n";
    return 1;
  }
}
