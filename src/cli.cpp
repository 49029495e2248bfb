// famgraph (C++ driver): validate and summarise a dataset folder without Python.
// The Python package installs the full CLI of the same name; this one is for C++-only installs.
#include <cstring>
#include <iostream>
#include <string>

#include "famgraph/famgraph.hpp"

namespace {
int usage() {
  std::cerr << "usage: famgraph validate DIR [--missing-parents strict|add]\n"
               "       famgraph summary  DIR [--missing-parents strict|add]\n"
               "DIR holds persons.csv and optionally partnerships.csv, events.csv, contacts.csv\n";
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
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
