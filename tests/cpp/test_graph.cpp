// FamilyGraph (docs/spec/data_contract.md §family-graph) and the named relations of
// docs/spec/common_rules.md §relations on a hand-made pedigree. Every
// expected set below was worked out by hand from the drawing in the comment.
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/concept/assert.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/property_map/property_map.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "famgraph/dataset.hpp"
#include "famgraph/graph.hpp"
#include "famgraph/io/csv.hpp"
#include "famgraph/relations.hpp"

using namespace famgraph;

// ---- Boost.Graph concepts (compile-time) ----------------------------------------------------
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<FamilyGraph>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<FamilyGraph>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<FamilyGraph>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<FamilyGraph>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<UndirectedFamilyView>));
BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<UndirectedFamilyView>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<UndirectedFamilyView>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyMapConcept<
                      boost::property_map<FamilyGraph, boost::vertex_index_t>::const_type, Index>));

namespace {

/*  The pedigree (F/M = sex; "-" = unknown parent; generation in brackets).

    founders [0]:  1F 2M 3F 4M 5M 6F 7M      50F 51M      60U
    [1]  10F = 1×2    11M = 1×2    12M = 1×5           (10,11 full sibs; 12 their half sib,
         13F = 3×4    14M = 3×4    15F = 3×-             different second parent)
         16M = 6×-                                     (15 half sib of 13,14: father unknown)
         52  = 50×51
    [2]  20F = 13×11  21M = 13×11                      (full sibs)
         22F = 10×14                                   (double first cousin of 20, 21)
         23M = 15×12  24F = 10×-   25M = 15×16
    [3]  26M = 20×7                                    (parents of generation 2 and 0)
         27M = 24×11                                   (uncle × niece; parents of gen 2 and 1)
         30M = 22×21                                   (first-cousin marriage)
         31F = 24×23
    [4]  40F = 31×30
    partnerships: 6–7, 7–6 (duplicate, reversed), 12–15 (also co-parents), 24–25, 60–7.
*/
const char* persons_csv =
    "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
    "1,F,,,,\n2,M,,,,\n3,F,,,,\n4,M,,,,\n5,M,,,,\n6,F,,,,\n7,M,,,,\n"
    "10,F,,,1,2\n11,M,,,1,2\n12,M,,,1,5\n13,F,,,3,4\n14,M,,,3,4\n15,F,,,3,\n16,M,,,6,\n"
    "20,F,,,13,11\n21,M,,,13,11\n22,F,,,10,14\n23,M,,,15,12\n24,F,,,10,\n25,M,,,15,16\n"
    "26,M,,,20,7\n27,M,,,24,11\n30,M,,,22,21\n31,F,,,24,23\n40,F,,,31,30\n"
    "50,F,,,,\n51,M,,,,\n52,U,,,50,51\n60,U,,,,\n";
const char* partnerships_csv =
    "person_a,person_b,start_date,end_date\n6,7,,\n7,6,,\n12,15,,\n24,25,,\n60,7,,\n";

using Ids = std::vector<PersonId>;

struct Fixture {
  Dataset ds;
  Fixture() {
    IssueLog log;
    io::RawTables raw;
    io::read_csv_table_from_string(raw, "persons", persons_csv, "persons.csv", log);
    io::read_csv_table_from_string(raw, "partnerships", partnerships_csv, "partnerships.csv", log);
    ds = build_dataset(std::move(raw), {}, log);
  }
  [[nodiscard]] Index ix(PersonId id) const {
    const Index i = ds.persons.index_of(id);
    REQUIRE(i != NONE);
    return i;
  }
  [[nodiscard]] Ids ids(const std::vector<Index>& v) const {
    Ids out;
    for (Index i : v) out.push_back(ds.persons.id[i]);
    return out;
  }
  [[nodiscard]] Ids rel(PersonId id, Relation r) const { return ids(relatives(ds.persons, ix(id), r)); }
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

}  // namespace

TEST_CASE("graph: the pedigree loads", "[graph]") {
  CHECK(fx().ds.persons.size() == 29);
}

TEST_CASE("graph: generation depth is the longest path from a founder", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  const std::map<int, Ids> expected{
      {0, {1, 2, 3, 4, 5, 6, 7, 50, 51, 60}},
      {1, {10, 11, 12, 13, 14, 15, 16, 52}},
      {2, {20, 21, 22, 23, 24, 25}},
      {3, {26, 27, 30, 31}},
      {4, {40}}};
  for (const auto& [gen, ids] : expected)
    for (PersonId id : ids) {
      INFO("person " << id);
      CHECK(g.generation()[f.ix(id)] == gen);
    }
  CHECK(g.max_generation() == 4);
}

TEST_CASE("graph: topological order has parents before children", "[graph]") {
  const auto& f = fx();
  const auto& P = f.ds.persons;
  const FamilyGraph g(P);
  const auto topo = g.topological_order();
  const auto rank = g.topological_rank();
  REQUIRE(topo.size() == P.size());
  std::vector<Index> sorted(topo.begin(), topo.end());
  std::sort(sorted.begin(), sorted.end());
  for (Index i = 0; i < P.size(); ++i) CHECK(sorted[i] == i);  // a permutation
  for (std::size_t q = 0; q < topo.size(); ++q) CHECK(rank[topo[q]] == q);
  for (Index c = 0; c < P.size(); ++c)
    for (Index p : {P.mother[c], P.father[c]})
      if (p != NONE) CHECK(rank[p] < rank[c]);
  // By generation, then index.
  for (std::size_t q = 1; q < topo.size(); ++q) {
    const auto a = topo[q - 1], b = topo[q];
    CHECK((g.generation()[a] < g.generation()[b] ||
           (g.generation()[a] == g.generation()[b] && a < b)));
  }
  // Founders first: the first ten are the ten founders.
  Ids first10 = f.ids(std::vector<Index>(topo.begin(), topo.begin() + 10));
  std::sort(first10.begin(), first10.end());
  CHECK(first10 == Ids{1, 2, 3, 4, 5, 6, 7, 50, 51, 60});
  CHECK(P.id[topo.back()] == 40);
}

TEST_CASE("graph: family components (parent-child links only)", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  CHECK(g.n_components() == 3);
  const auto comp = g.component();
  // Numbered by lowest index: person 1 (index 0) → 0, 50 → 1, 60 → 2 (60's partner 7 does not join).
  for (PersonId id : {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27,
                      30, 31, 40})
    CHECK(comp[f.ix(id)] == 0);
  CHECK(comp[f.ix(50)] == 1);
  CHECK(comp[f.ix(51)] == 1);
  CHECK(comp[f.ix(52)] == 1);
  CHECK(comp[f.ix(60)] == 2);
}

TEST_CASE("graph: boost::connected_components on the undirected view", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  const std::size_t n = f.ds.persons.size();
  SECTION("parent-child links: the same partition as component()") {
    const UndirectedFamilyView view(g);
    std::vector<int> comp(n, -1);
    const int k = boost::connected_components(
        view, boost::make_iterator_property_map(comp.begin(), get(boost::vertex_index, view)));
    CHECK(k == 3);
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < n; ++j)
        if ((comp[i] == comp[j]) != (g.component()[i] == g.component()[j]))
          FAIL_CHECK("persons " << f.ds.persons.id[i] << " and " << f.ds.persons.id[j]);
  }
  SECTION("with partners: 60 joins through its partner 7") {
    const UndirectedFamilyView view(g, true);
    std::vector<int> comp(n, -1);
    const int k = boost::connected_components(
        view, boost::make_iterator_property_map(comp.begin(), get(boost::vertex_index, view)));
    CHECK(k == 2);
    CHECK(comp[f.ix(60)] == comp[f.ix(1)]);
    CHECK(comp[f.ix(52)] != comp[f.ix(1)]);
  }
}

namespace {
struct Discover : boost::default_bfs_visitor {
  std::vector<Index>* seen;
  explicit Discover(std::vector<Index>* s) : seen(s) {}
  void discover_vertex(Index v, const FamilyGraph&) const { seen->push_back(v); }
};
}  // namespace

TEST_CASE("graph: boost::breadth_first_search follows children and partners", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  auto bfs = [&](PersonId start) {
    std::vector<Index> seen;
    boost::breadth_first_search(g, f.ix(start), boost::visitor(Discover(&seen)));
    std::vector<Index> sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());  // each once
    CHECK(f.ds.persons.id[seen.front()] == start);
    return f.ids(sorted);
  };
  // 26 has no children and no partners.
  CHECK(bfs(26) == Ids{26});
  // 31 → child 40, partner 30 (co-parent of 40) → 30's child 40.
  CHECK(bfs(31) == Ids{30, 31, 40});
  // 16 → 25 (child), 15 (co-parent) → 23, 12, 24 (25's partner) → 27, 31, 11 (co-parent of 27),
  // 13, 20, 21 → 26, 30, 7 (20's co-parent), 22 → 6, 60, 40. Never upwards to 1–5, 10, 14.
  CHECK(bfs(16) == Ids{6, 7, 11, 12, 13, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 40, 60});
  // 50 → 52 and 51.
  CHECK(bfs(50) == Ids{50, 51, 52});
  CHECK(bfs(60) == bfs(16));
}

TEST_CASE("graph: edges, degrees and adjacency", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  CHECK(num_vertices(g) == 29);
  const Index v11 = f.ix(11);
  // Out-edges of 11: children 20, 21, 27 and partners 13, 24.
  std::multiset<std::pair<PersonId, EdgeKind>> out;
  for (auto [it, end] = out_edges(v11, g); it != end; ++it) {
    const FamilyEdge e = *it;
    CHECK(source(e, g) == v11);
    out.insert({f.ds.persons.id[target(e, g)], e.kind});
  }
  CHECK(out == std::multiset<std::pair<PersonId, EdgeKind>>{{20, EdgeKind::parent_child},
                                                            {21, EdgeKind::parent_child},
                                                            {27, EdgeKind::parent_child},
                                                            {13, EdgeKind::partner},
                                                            {24, EdgeKind::partner}});
  CHECK(out_degree(v11, g) == 5);
  // In-edges of 11: from parents 1, 2 and partners 13, 24.
  std::multiset<std::pair<PersonId, EdgeKind>> in;
  for (auto [it, end] = in_edges(v11, g); it != end; ++it) {
    CHECK(target(*it, g) == v11);
    in.insert({f.ds.persons.id[source(*it, g)], (*it).kind});
  }
  CHECK(in == std::multiset<std::pair<PersonId, EdgeKind>>{{1, EdgeKind::parent_child},
                                                           {2, EdgeKind::parent_child},
                                                           {13, EdgeKind::partner},
                                                           {24, EdgeKind::partner}});
  CHECK(in_degree(v11, g) == 4);
  CHECK(degree(v11, g) == 9);
  Ids adj;
  for (auto [it, end] = adjacent_vertices(v11, g); it != end; ++it) adj.push_back(f.ds.persons.id[*it]);
  std::sort(adj.begin(), adj.end());
  CHECK(adj == Ids{13, 20, 21, 24, 27});
  // A founder without children or partners.
  // Founder 5: child 12 and partner 1 (co-parents of 12).
  CHECK(out_degree(f.ix(5), g) == 2);
  CHECK(in_degree(f.ix(5), g) == 1);
  // Undirected view: parents and children, no partners.
  const UndirectedFamilyView view(g);
  Ids und;
  for (auto [it, end] = adjacent_vertices(v11, view); it != end; ++it) und.push_back(f.ds.persons.id[*it]);
  std::sort(und.begin(), und.end());
  CHECK(und == Ids{1, 2, 20, 21, 27});
  CHECK(out_degree(v11, view) == 5);
  CHECK(out_degree(f.ix(60), view) == 0);
  const UndirectedFamilyView with_partners(g, true);
  CHECK(out_degree(v11, with_partners) == 7);
  CHECK(out_degree(f.ix(60), with_partners) == 1);
}

TEST_CASE("graph: ancestors and descendants with depth limits and loops", "[graph]") {
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  auto anc = [&](PersonId id, int d) { return f.ids(g.ancestors(f.ix(id), d)); };
  auto desc = [&](PersonId id, int d) { return f.ids(g.descendants(f.ix(id), d)); };
  // 40: parents 30, 31; grandparents 21, 22, 23, 24; great-grandparents 10 (twice: via 22 and 24),
  // 11, 12, 13, 14, 15; then 1, 2, 3, 4, 5 (each by several paths).
  CHECK(anc(40, 0).empty());
  CHECK(anc(40, 1) == Ids{30, 31});
  CHECK(anc(40, 2) == Ids{21, 22, 23, 24, 30, 31});
  CHECK(anc(40, 3) == Ids{10, 11, 12, 13, 14, 15, 21, 22, 23, 24, 30, 31});
  const Ids all40{1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 21, 22, 23, 24, 30, 31};
  CHECK(anc(40, 4) == all40);
  CHECK(anc(40, -1) == all40);
  CHECK(anc(40, 99) == all40);
  // 27 = 24 × 11: person 1 is a grandparent (via 11) and a great-grandparent (via 24 → 10).
  CHECK(anc(27, 1) == Ids{11, 24});
  CHECK(anc(27, 2) == Ids{1, 2, 10, 11, 24});
  CHECK(anc(27, -1) == Ids{1, 2, 10, 11, 24});
  CHECK(anc(1, -1).empty());
  // 1: children 10, 11, 12; grandchildren 20–24 and 27 (via 11, and again at depth 3 via 24);
  // then 26, 30, 31; then 40 (via 30 and 31).
  CHECK(desc(1, 1) == Ids{10, 11, 12});
  CHECK(desc(1, 2) == Ids{10, 11, 12, 20, 21, 22, 23, 24, 27});
  CHECK(desc(1, 3) == Ids{10, 11, 12, 20, 21, 22, 23, 24, 26, 27, 30, 31});
  CHECK(desc(1, -1) == Ids{10, 11, 12, 20, 21, 22, 23, 24, 26, 27, 30, 31, 40});
  CHECK(desc(10, 2) == Ids{22, 24, 27, 30, 31});
  CHECK(desc(40, -1).empty());
  CHECK(desc(60, -1).empty());
}

TEST_CASE("relations: parent, child, grandparent, grandchild", "[graph][relations]") {
  const auto& f = fx();
  CHECK(f.rel(40, Relation::parent) == Ids{30, 31});
  CHECK(f.rel(15, Relation::parent) == Ids{3});
  CHECK(f.rel(1, Relation::parent).empty());
  CHECK(f.rel(1, Relation::child) == Ids{10, 11, 12});
  CHECK(f.rel(11, Relation::child) == Ids{20, 21, 27});
  CHECK(f.rel(24, Relation::child) == Ids{27, 31});
  CHECK(f.rel(7, Relation::child) == Ids{26});
  CHECK(f.rel(40, Relation::child).empty());
  CHECK(f.rel(20, Relation::grandparent) == Ids{1, 2, 3, 4});
  CHECK(f.rel(23, Relation::grandparent) == Ids{1, 3, 5});
  CHECK(f.rel(25, Relation::grandparent) == Ids{3, 6});
  CHECK(f.rel(26, Relation::grandparent) == Ids{11, 13});
  CHECK(f.rel(27, Relation::grandparent) == Ids{1, 2, 10});
  CHECK(f.rel(30, Relation::grandparent) == Ids{10, 11, 13, 14});
  CHECK(f.rel(31, Relation::grandparent) == Ids{10, 12, 15});
  CHECK(f.rel(40, Relation::grandparent) == Ids{21, 22, 23, 24});
  CHECK(f.rel(10, Relation::grandparent).empty());
  CHECK(f.rel(1, Relation::grandchild) == Ids{20, 21, 22, 23, 24, 27});
  CHECK(f.rel(3, Relation::grandchild) == Ids{20, 21, 22, 23, 25});
  CHECK(f.rel(10, Relation::grandchild) == Ids{27, 30, 31});
  CHECK(f.rel(11, Relation::grandchild) == Ids{26, 30});
  CHECK(f.rel(6, Relation::grandchild) == Ids{25});
  CHECK(f.rel(7, Relation::grandchild).empty());
}

TEST_CASE("relations: full and half siblings", "[graph][relations]") {
  const auto& f = fx();
  // Full: both parents known and the same two persons.
  CHECK(f.rel(10, Relation::full_sibling) == Ids{11});
  CHECK(f.rel(13, Relation::full_sibling) == Ids{14});
  CHECK(f.rel(20, Relation::full_sibling) == Ids{21});
  CHECK(f.rel(12, Relation::full_sibling).empty());
  CHECK(f.rel(15, Relation::full_sibling).empty());
  CHECK(f.rel(24, Relation::full_sibling).empty());
  CHECK(f.rel(52, Relation::full_sibling).empty());
  // Half, different second parent: 12 (1×5) and 10, 11 (1×2).
  CHECK(f.rel(12, Relation::half_sibling) == Ids{10, 11});
  CHECK(f.rel(10, Relation::half_sibling) == Ids{12});
  // Half, one parent unknown: 15 (3×-) and 13, 14 (3×4); 24 (10×-) and 22 (10×14).
  CHECK(f.rel(15, Relation::half_sibling) == Ids{13, 14});
  CHECK(f.rel(13, Relation::half_sibling) == Ids{15});
  CHECK(f.rel(24, Relation::half_sibling) == Ids{22});
  CHECK(f.rel(22, Relation::half_sibling) == Ids{24});
  // 23 (15×12) and 25 (15×16); 27 (24×11) with 20, 21 (via 11) and 31 (via 24).
  CHECK(f.rel(23, Relation::half_sibling) == Ids{25});
  CHECK(f.rel(27, Relation::half_sibling) == Ids{20, 21, 31});
  CHECK(f.rel(20, Relation::half_sibling) == Ids{27});
  CHECK(f.rel(31, Relation::half_sibling) == Ids{27});
  CHECK(f.rel(16, Relation::half_sibling).empty());
}

TEST_CASE("relations: aunts, uncles, nieces, nephews", "[graph][relations]") {
  const auto& f = fx();
  CHECK(f.rel(20, Relation::aunt_uncle) == Ids{10, 12, 14, 15});
  CHECK(f.rel(22, Relation::aunt_uncle) == Ids{11, 12, 13, 15});
  CHECK(f.rel(23, Relation::aunt_uncle) == Ids{10, 11, 13, 14});
  CHECK(f.rel(24, Relation::aunt_uncle) == Ids{11, 12});
  CHECK(f.rel(25, Relation::aunt_uncle) == Ids{13, 14});
  CHECK(f.rel(26, Relation::aunt_uncle) == Ids{21, 27});
  CHECK(f.rel(27, Relation::aunt_uncle) == Ids{10, 12, 22});
  CHECK(f.rel(30, Relation::aunt_uncle) == Ids{20, 24, 27});
  CHECK(f.rel(31, Relation::aunt_uncle) == Ids{22, 25});
  CHECK(f.rel(40, Relation::aunt_uncle) == Ids{27});  // half sibling of the mother 31
  CHECK(f.rel(10, Relation::niece_nephew) == Ids{20, 21, 23, 27});
  CHECK(f.rel(11, Relation::niece_nephew) == Ids{22, 23, 24});
  CHECK(f.rel(12, Relation::niece_nephew) == Ids{20, 21, 22, 24, 27});
  CHECK(f.rel(13, Relation::niece_nephew) == Ids{22, 23, 25});
  CHECK(f.rel(15, Relation::niece_nephew) == Ids{20, 21, 22});
  CHECK(f.rel(20, Relation::niece_nephew) == Ids{30});
  CHECK(f.rel(21, Relation::niece_nephew) == Ids{26});
  CHECK(f.rel(22, Relation::niece_nephew) == Ids{27, 31});
  CHECK(f.rel(25, Relation::niece_nephew) == Ids{31});
  CHECK(f.rel(27, Relation::niece_nephew) == Ids{26, 30, 40});  // children of 20, 21, 31
  CHECK(f.rel(40, Relation::niece_nephew).empty());
}

TEST_CASE("relations: first cousins and the cousin marriage", "[graph][relations]") {
  const auto& f = fx();
  // Double first cousins 20/21 and 22; 24 is a first cousin of 20, 21 through her mother 10.
  CHECK(f.rel(20, Relation::first_cousin) == Ids{22, 24});
  CHECK(f.rel(21, Relation::first_cousin) == Ids{22, 24});
  CHECK(f.rel(22, Relation::first_cousin) == Ids{20, 21, 27});
  CHECK(f.rel(24, Relation::first_cousin) == Ids{20, 21, 27});
  // 27's father 11 is a full sibling of 10, whose children are 22 and 24 (24 is also his mother).
  CHECK(f.rel(27, Relation::first_cousin) == Ids{22, 24});
  // Half cousins are not first cousins: 23's parents have no full siblings.
  CHECK(f.rel(23, Relation::first_cousin).empty());
  CHECK(f.rel(25, Relation::first_cousin).empty());
  CHECK(f.rel(30, Relation::first_cousin) == Ids{26});
  CHECK(f.rel(26, Relation::first_cousin) == Ids{30});
  CHECK(f.rel(31, Relation::first_cousin).empty());
  CHECK(f.rel(40, Relation::first_cousin).empty());
  // The cousin marriage: 30's parents 22 and 21 are first cousins.
  const auto p30 = f.rel(30, Relation::parent);
  REQUIRE(p30 == Ids{21, 22});
  const auto c21 = f.rel(21, Relation::first_cousin);
  CHECK(std::find(c21.begin(), c21.end(), 22) != c21.end());
}

TEST_CASE("relations: partners from partnerships and from common children", "[graph][relations]") {
  const auto& f = fx();
  CHECK(f.rel(1, Relation::partner) == Ids{2, 5});
  CHECK(f.rel(3, Relation::partner) == Ids{4});
  CHECK(f.rel(6, Relation::partner) == Ids{7});
  CHECK(f.rel(7, Relation::partner) == Ids{6, 20, 60});
  CHECK(f.rel(11, Relation::partner) == Ids{13, 24});
  CHECK(f.rel(15, Relation::partner) == Ids{12, 16});
  CHECK(f.rel(24, Relation::partner) == Ids{11, 23, 25});
  CHECK(f.rel(40, Relation::partner).empty());
  CHECK(f.rel(52, Relation::partner).empty());
}

TEST_CASE("relations: bulk pairs", "[graph][relations]") {
  const auto& f = fx();
  using Pairs = std::vector<std::pair<PersonId, PersonId>>;
  auto pairs = [&](Relation r) {
    Pairs out;
    for (auto [i, j] : relative_pairs(f.ds.persons, r)) out.emplace_back(f.ds.persons.id[i], f.ds.persons.id[j]);
    return out;
  };
  // Symmetric relations: each unordered pair once, as i < j (index order = id order here).
  CHECK(pairs(Relation::full_sibling) == Pairs{{10, 11}, {13, 14}, {20, 21}});
  CHECK(pairs(Relation::half_sibling) ==
        Pairs{{10, 12}, {11, 12}, {13, 15}, {14, 15}, {20, 27}, {21, 27}, {22, 24}, {23, 25}, {27, 31}});
  CHECK(pairs(Relation::first_cousin) ==
        Pairs{{20, 22}, {20, 24}, {21, 22}, {21, 24}, {22, 27}, {24, 27}, {26, 30}});
  CHECK(pairs(Relation::partner) == Pairs{{1, 2},   {1, 5},   {3, 4},   {6, 7},   {7, 20},  {7, 60},
                                          {10, 14}, {11, 13}, {11, 24}, {12, 15}, {15, 16}, {21, 22},
                                          {23, 24}, {24, 25}, {30, 31}, {50, 51}});
  // Asymmetric relations: every ordered pair, consistent with the inverse relation.
  const auto par = pairs(Relation::parent);
  CHECK(par.size() == 35);  // 2 per child with two parents (16) + 1 per child with one (15, 16, 24)
  for (Relation r : all_relations) {
    INFO(to_string(r));
    const auto fw = relative_pairs(f.ds.persons, r);
    CHECK(std::is_sorted(fw.begin(), fw.end()));
    if (is_symmetric(r)) {
      for (auto [i, j] : fw) CHECK(i < j);
      continue;
    }
    std::set<std::pair<Index, Index>> inv;
    for (auto [i, j] : relative_pairs(f.ds.persons, inverse(r))) inv.insert({j, i});
    CHECK(std::set<std::pair<Index, Index>>(fw.begin(), fw.end()) == inv);
  }
}

TEST_CASE("relations: names, inverses and FamilyGraph forwarding", "[graph][relations]") {
  for (Relation r : all_relations) {
    CHECK(parse_relation(to_string(r)) == r);
    CHECK(inverse(inverse(r)) == r);
    CHECK(is_symmetric(r) == (inverse(r) == r));
  }
  CHECK_THROWS_AS(parse_relation("cousin"), std::invalid_argument);
  const auto& f = fx();
  const FamilyGraph g(f.ds.persons);
  CHECK(f.ids(g.relatives(f.ix(27), Relation::half_sibling)) == Ids{20, 21, 31});
  CHECK(g.pairs(Relation::full_sibling).size() == 3);
  std::vector<Index> reuse{1, 2, 3};
  relatives(f.ds.persons, f.ix(40), Relation::parent, reuse);
  CHECK(f.ids(reuse) == Ids{30, 31});
}

TEST_CASE("graph: ids need not follow generations", "[graph]") {
  // Children with lower ids than their parents: indices follow ids, generations still follow
  // parent links.
  IssueLog log;
  io::RawTables raw;
  io::read_csv_table_from_string(raw, "persons",
                                 "person_id,sex,birth_date,exit_date,mother_id,father_id\n"
                                 "1,F,,,3,2\n2,M,,,,\n3,F,,,5,4\n4,M,,,,\n5,F,,,,\n",
                                 "persons.csv", log);
  const auto ds = build_dataset(std::move(raw), {}, log);
  const FamilyGraph g(ds.persons);
  CHECK(std::vector<int>(g.generation().begin(), g.generation().end()) == std::vector<int>{2, 0, 1, 0, 0});
  const auto topo = g.topological_order();
  CHECK(std::vector<Index>(topo.begin(), topo.end()) == std::vector<Index>{1, 3, 4, 2, 0});
  CHECK(g.n_components() == 1);
}

TEST_CASE("graph: a cyclic person table is refused", "[graph]") {
  // The loader never builds one; a hand-made table must not hang or be accepted silently.
  PersonTable P;
  P.id = {1, 2};
  P.sex = {Sex::F, Sex::F};
  P.birth = P.exit = {NO_DAY, NO_DAY};
  P.birth_precision = P.exit_precision = {DatePrecision::missing, DatePrecision::missing};
  P.mother = {1, 0};
  P.father = {NONE, NONE};
  P.child_offsets = {0, 1, 2};
  P.children = {1, 0};
  P.partner_offsets = {0, 0, 0};
  CHECK_THROWS_AS(FamilyGraph(P), std::logic_error);
}
