// Synthetic population: family lineages simulated independently (see generator.hpp).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "famgraph/date.hpp"
#include "famgraph/synth/generator.hpp"
#include "synth_internal.hpp"

namespace famgraph::synth::detail {

namespace {

class LineageSim {
 public:
  LineageSim(const Params& p, Day sim_start, Day sim_end, std::uint64_t index)
      : p_(p),
        start_(sim_start),
        end_(sim_end),
        demo_(p.seed, index, Purpose::demography),
        vio_(p.seed, index, Purpose::violence) {
    const double beta = 0.1;
    gompertz_beta_ = beta;
    gompertz_alpha_ = beta * std::exp(-beta * p.mortality_mode);
    ln_or_cm_ = std::log(p.transmission_or);
    ln_or_pv_ = std::log(p.partner_violence_or);
  }

  Lineage run() {
    // The founding woman, born in the first 12 years of the simulation.
    const Day b = demo_.day_in(start_, std::min<Day>(start_ + years(12), end_));
    add_person(Sex::F, b, none, none, true, true);
    for (std::size_t i = 0; i < L_.persons.size(); ++i)
      if (L_.persons[i].lineage) live(static_cast<std::int32_t>(i));
    return std::move(L_);
  }

 private:
  const Params& p_;
  Day start_, end_;
  Stream demo_, vio_;
  double gompertz_alpha_, gompertz_beta_, ln_or_cm_, ln_or_pv_;
  Lineage L_;
  std::vector<std::vector<std::int32_t>> kids_;  // children per local person (as mother)

  /// Adds a person; `survives_to` conditions death and emigration on being present that day
  /// (partners marrying in are alive at the start of their union).
  std::int32_t add_person(Sex sex, Day birth, std::int32_t mother, std::int32_t father, bool recorded,
                          bool lineage, Day survives_to = NO_DAY) {
    SimPerson s;
    s.sex = sex;
    s.birth = birth;
    s.mother = mother;
    s.father = father;
    s.father_recorded = recorded && father != none;
    s.lineage = lineage;
    // Death (Gompertz) and emigration (adults, exponential), whichever comes first.
    // Gompertz age at death conditional on surviving to age a0: inverse of the survival function.
    const double a0 = survives_to == NO_DAY ? 0.0 : std::max(0.0, (survives_to - birth) / days_per_year);
    const double age_death =
        std::log(std::exp(gompertz_beta_ * a0) -
                 gompertz_beta_ / gompertz_alpha_ * std::log(1.0 - demo_.uniform())) /
        gompertz_beta_;
    Day exit = birth + years(std::min(age_death, 110.0));
    if (survives_to != NO_DAY) exit = std::max(exit, survives_to);
    if (p_.emigration > 0) {
      const double t = demo_.exponential(1.0 / p_.emigration);
      const Day from = std::max(add_years(birth, 18), survives_to == NO_DAY ? birth : survives_to);
      if (t < 90) exit = std::min(exit, from + years(t));
    }
    s.exit = exit > end_ ? NO_DAY : exit;
    L_.persons.push_back(s);
    kids_.emplace_back();
    const auto idx = static_cast<std::int32_t>(L_.persons.size() - 1);
    // Persons without parents in the data (founders, partners marrying in) still had a childhood:
    // maltreatment by someone outside the data.
    if (mother == none) parentless_childhood(idx);
    return idx;
  }

  SimPerson& P(std::int32_t i) { return L_.persons[static_cast<std::size_t>(i)]; }
  Day last_day(std::int32_t i) { return P(i).last_day(end_); }

  std::int32_t add_incident(Day date, std::uint8_t kind) {
    L_.incidents.push_back({date, kind, static_cast<std::uint32_t>(L_.rows.size()), 0});
    return static_cast<std::int32_t>(L_.incidents.size() - 1);
  }
  void add_row(std::int32_t person, Role r) {
    L_.rows.push_back({person, r});
    ++L_.incidents.back().n_rows;
    if (r == Role::victim && add_years(P(person).birth, 18) > L_.incidents.back().date) P(person).flags |= child_victim;
    if (r == Role::witness && add_years(P(person).birth, 18) > L_.incidents.back().date)
      P(person).flags |= child_witness;
  }
  bool alive(std::int32_t i, Day d) { return P(i).birth <= d && d <= last_day(i); }

  // Childhood maltreatment of a person whose parents are not in the data (a founder or a partner
  // marrying in): these incidents have a victim but no recorded perpetrator.
  void parentless_childhood(std::int32_t i) {
    for (int y = 0; y < 18; ++y) {
      const Day ys = add_years(P(i).birth, y), ye = add_years(P(i).birth, y + 1) - 1;
      if (ye > last_day(i)) break;
      if (ys < start_) continue;
      if (vio_.bernoulli(p_.maltreatment_rate)) {
        add_incident(vio_.day_in(ys, ye), 0);
        add_row(i, Role::victim);
      }
    }
  }

  void live(std::int32_t x) {
    if (!demo_.bernoulli(p_.partnered)) return;
    const bool woman = P(x).sex == Sex::F;
    const Day adult = add_years(P(x).birth, 16);
    // Fertility schedule of the woman who drives it (lineage women keep theirs across unions).
    int target = woman ? demo_.poisson(p_.fertility / std::max(p_.partnered, 1e-9)) : 0;
    double afb = std::clamp(p_.mean_age_first_birth + p_.sd_age_first_birth * demo_.normal(), 16.5, 44.0);
    Day next_birth = P(x).birth + years(afb);
    Day union_start = std::max(adult, next_birth - years(0.5 + 2.5 * demo_.uniform()));
    // A man's first union is timed by his (about two years younger) partner's first birth.
    if (!woman) union_start = std::max(add_years(P(x).birth, 18), union_start + years(2.0));
    for (int k = 0; k < 4 && union_start <= std::min(end_, last_day(x)); ++k) {
      // The partner, married in: opposite sex, about two years' age difference (man older).
      const double gap = std::clamp(2.0 + 3.0 * demo_.normal(), -6.0, 12.0);
      const Day pb = woman ? P(x).birth - years(gap) : P(x).birth + years(gap);
      const Day partner_birth = std::max(pb, start_ - years(60));
      if (add_years(partner_birth, 16) > union_start) break;
      const std::int32_t y =
          add_person(woman ? Sex::M : Sex::F, partner_birth, none, none, false, false, union_start);
      const std::int32_t w = woman ? x : y, m = woman ? y : x;
      Day union_end = NO_DAY;
      if (demo_.bernoulli(p_.separation)) union_end = union_start + years(1.0 + 14.0 * demo_.uniform());
      const Day stop = std::min({union_end == NO_DAY ? end_ : union_end, last_day(w), last_day(m), end_});
      if (stop < union_start) break;
      // A separation is recorded only if it happens while both partners are alive and in the
      // country, inside the simulation: a union ended by a death or emigration has no end date.
      const bool separated = union_end != NO_DAY && union_end <= std::min({end_, last_day(w), last_day(m)});
      L_.unions.push_back({w, m, union_start, separated ? union_end : NO_DAY});
      if (!woman) {  // a woman marrying in brings her own schedule, starting with this union
        target = demo_.poisson(p_.fertility / std::max(p_.partnered, 1e-9));
        next_birth = union_start + years(0.75 + 1.5 * demo_.uniform());
      }
      // Births during the union.
      const std::size_t first_kid = kids_[static_cast<std::size_t>(w)].size();
      next_birth = std::max(next_birth, union_start + years(0.75));
      while (target > 0 && next_birth <= stop && next_birth <= add_years(P(w).birth, 45)) {
        const bool recorded = !demo_.bernoulli(p_.unknown_father);
        const Sex sex = demo_.bernoulli(0.512) ? Sex::M : Sex::F;
        const std::int32_t c = add_person(sex, next_birth, w, m, recorded, true);
        kids_[static_cast<std::size_t>(w)].push_back(c);
        --target;
        next_birth += years(1.0 + demo_.exponential(std::max(p_.birth_interval - 1.0, 0.1)));
      }
      const double frailty = p_.frailty_sd * vio_.normal();
      violence(w, m, union_start, stop, first_kid, frailty);
      if (union_end == NO_DAY || union_end >= std::min(end_, last_day(x))) break;
      if (!demo_.bernoulli(p_.repartner)) break;
      union_start = union_end + years(0.5 + 3.5 * demo_.uniform());
    }
  }

  void witnesses(std::int32_t w, std::int32_t except, Day d) {
    for (std::int32_t c : kids_[static_cast<std::size_t>(w)]) {
      if (c == except || !alive(c, d) || add_years(P(c).birth, 18) <= d) continue;
      if (vio_.bernoulli(p_.witness)) add_row(c, Role::witness);
    }
  }

  void violence(std::int32_t w, std::int32_t m, Day from, Day to, std::size_t first_kid, double frailty) {
    // Partner violence, year by year of the union.
    const double pm = shifted(p_.partner_violence_rate * p_.male_perpetrator,
                              frailty + ((P(m).flags & (child_victim | child_witness)) ? ln_or_pv_ : 0.0));
    const double pw = shifted(p_.partner_violence_rate * (1.0 - p_.male_perpetrator),
                              frailty + ((P(w).flags & (child_victim | child_witness)) ? ln_or_pv_ : 0.0));
    for (Day ys = std::max(from, start_); ys <= to; ys += years(1)) {
      const Day ye = std::min<Day>(ys + years(1) - 1, to);
      for (int who = 0; who < 2; ++who) {
        if (!vio_.bernoulli(who == 0 ? pm : pw)) continue;
        const Day d = vio_.day_in(ys, ye);
        const std::int32_t perp = who == 0 ? m : w, victim = who == 0 ? w : m;
        if (!alive(perp, d) || !alive(victim, d)) continue;
        add_incident(d, 1);
        add_row(perp, Role::perpetrator);
        add_row(victim, Role::victim);
        witnesses(w, none, d);
      }
    }
    // Child maltreatment of the children born in this union, year by year of childhood. The
    // father lives in the household until the union ends; the child stays with the mother.
    const auto& kids = kids_[static_cast<std::size_t>(w)];
    for (std::size_t k = first_kid; k < kids.size(); ++k) {
      const std::int32_t c = kids[k];
      for (int y = 0; y < 18; ++y) {
        const Day ys = add_years(P(c).birth, y), ye = add_years(P(c).birth, y + 1) - 1;
        if (ye > std::min(last_day(c), end_)) break;
        if (ys < start_) continue;
        const bool father_home = ys <= to && alive(m, ys);
        const bool mother_home = alive(w, ys);
        const bool mv = mother_home && (P(w).flags & child_victim);
        const bool fv = father_home && (P(m).flags & child_victim);
        const double p = shifted(p_.maltreatment_rate, frailty + ((mv || fv) ? ln_or_cm_ : 0.0));
        if (!vio_.bernoulli(p)) continue;
        const Day d = vio_.day_in(ys, ye);
        // Perpetrator: a parent (a formerly victimised one more often), or someone outside the data.
        std::int32_t perp = none;
        if (vio_.bernoulli(p_.maltreatment_by_parent)) {
          double wm = mother_home && alive(w, d) ? (mv ? p_.transmission_or : 1.0) : 0.0;
          double wf = father_home && alive(m, d) ? (fv ? p_.transmission_or : 1.0) : 0.0;
          if (wm + wf > 0) perp = vio_.uniform() * (wm + wf) < wm ? w : m;
        }
        if (!alive(c, d)) continue;
        add_incident(d, 0);
        add_row(c, Role::victim);
        if (perp != none) add_row(perp, Role::perpetrator);
        witnesses(w, c, d);
      }
    }
  }
};

}  // namespace

std::vector<Lineage> simulate_lineages(const Params& p, Day sim_start, Day sim_end, std::uint64_t first,
                                       std::uint64_t count, int threads) {
  std::vector<Lineage> out(count);
  tbb::task_arena arena(threads > 0 ? threads : tbb::this_task_arena::max_concurrency());
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, count, 16), [&](const auto& r) {
      for (auto k = r.begin(); k < r.end(); ++k) out[k] = LineageSim(p, sim_start, sim_end, first + k).run();
    });
  });
  return out;
}

}  // namespace famgraph::synth::detail
