// The minimum-energy-path stage on a tiny explored library (n = 216, two glasses, few images):
// rows consistent with a direct recomputation from the stored inherent structures (all-pairs
// energies and forces, minimum-image displacements), every candidate pair accounted for, new
// minima stored as real minima, and checkpoint/resume reproducing the uninterrupted run exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include "pipeline_fixtures.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/pipeline/explore.hpp"
#include "tlsx/pipeline/neb_stage.hpp"

namespace {

using namespace tlsx;
using tlsx::testing::direct_sum;
using tlsx::testing::small_glass_set;

const GlassSet& glasses() {
  static const GlassSet g = small_glass_set(216, 2, 42);
  return g;
}

// A hot exploration (T_exp = 0.45): 216 particles hop between a few IS within 4000 steps.
const Library& explored() {
  static const Library lib = [] {
    ExploreOptions o;
    o.temperature = 0.45;
    o.tau_cg = 100;
    o.n_cg = 40;
    o.seed = 5;
    CpuBackend cpu(2);
    Exploration e(glasses(), o);
    while (!e.finished()) e.cycle(cpu);
    return e.library(glasses());
  }();
  return lib;
}

// The explored library with every glass that has candidate pairs appended once more as a new glass
// (same IS, coordinates, transitions): the tiny exploration finds few candidates, and the
// checkpoint test needs at least two work items. The copy must give the same rows as the original.
const Library& input() {
  static const Library lib = [] {
    Library l = explored();
    const std::size_t glasses = l.glasses.size(), n = static_cast<std::size_t>(l.n), n3 = 3 * n;
    for (std::size_t g = 0; g < glasses; ++g) {
      bool has_candidates = false;
      for (std::size_t k = 0; k < l.transitions.size(); ++k)
        has_candidates = has_candidates || (l.transitions.glass[k] == static_cast<std::int64_t>(g) && l.transitions.candidate(k));
      if (!has_candidates) continue;
      const std::int64_t row = static_cast<std::int64_t>(l.glasses.size());
      LibraryGlasses& gl = l.glasses;
      gl.id.push_back(gl.id[g] + 1000);
      gl.fictive_temperature.push_back(gl.fictive_temperature[g]);
      gl.exploration_temperature.push_back(gl.exploration_temperature[g]);
      gl.dt.push_back(gl.dt[g]);
      gl.tau_cg.push_back(gl.tau_cg[g]);
      gl.quenches.push_back(gl.quenches[g]);
      gl.failed_quenches.push_back(gl.failed_quenches[g]);
      gl.n_is.push_back(gl.n_is[g]);
      gl.n_candidates.push_back(gl.n_candidates[g]);
      gl.initial_energy.push_back(gl.initial_energy[g]);
      gl.status.push_back(gl.status[g]);
      const std::vector<std::int32_t> sp(gl.species.begin() + g * n, gl.species.begin() + (g + 1) * n);
      gl.species.insert(gl.species.end(), sp.begin(), sp.end());
      LibraryInherentStructures& is = l.inherent_structures;
      for (std::size_t k = 0, rows = is.size(); k < rows; ++k) {
        if (is.glass[k] != static_cast<std::int64_t>(g)) continue;
        is.glass.push_back(row);
        is.id.push_back(is.id[k]);
        is.energy.push_back(is.energy[k]);
        is.first_seen.push_back(is.first_seen[k]);
        is.first_quench.push_back(is.first_quench[k]);
        is.visits.push_back(is.visits[k]);
        if (is.coordinate_row[k] < 0) {
          is.coordinate_row.push_back(-1);
        } else {
          const std::vector<double> x(is.coordinates.begin() + is.coordinate_row[k] * n3,
                                      is.coordinates.begin() + (is.coordinate_row[k] + 1) * n3);
          is.coordinate_row.push_back(static_cast<std::int64_t>(is.coordinates.size() / n3));
          is.coordinates.insert(is.coordinates.end(), x.begin(), x.end());
        }
      }
      LibraryTransitions& t = l.transitions;
      for (std::size_t k = 0, rows = t.size(); k < rows; ++k) {
        if (t.glass[k] != static_cast<std::int64_t>(g)) continue;
        t.glass.push_back(row);
        t.is_a.push_back(t.is_a[k]);
        t.is_b.push_back(t.is_b[k]);
        t.count_ab.push_back(t.count_ab[k]);
        t.count_ba.push_back(t.count_ba[k]);
        t.first_candidate_quench.push_back(t.first_candidate_quench[k]);
        t.first_candidate_time.push_back(t.first_candidate_time[k]);
      }
    }
    return l;
  }();
  return lib;
}

NebStageOptions small_options() {
  NebStageOptions o;
  o.images = 7;
  o.force_tolerance = 1e-4;
  o.climb_start_tolerance = 1e-2;
  o.max_bands = 4;
  o.max_iterations = 6000;
  o.pairs_in_flight = 1;  // one item per round: the checkpoint test stops between the two items
  return o;
}

Library run_uninterrupted(const NebStageOptions& o) {
  CpuBackend cpu(2);
  NebStage stage(input(), o);
  while (!stage.finished()) stage.step(cpu);
  return stage.library();
}

const Library& reference_run() {
  static const Library lib = run_uninterrupted(small_options());
  return lib;
}

struct Displacement {
  double distance, d, pr;
};

// Eq. 7 and Eq. 16 from two stored SoA configurations, minimum image, written out here.
Displacement displacement(const Library& lib, const double* a, const double* b) {
  const int n = lib.n;
  double s2 = 0.0, s4 = 0.0;
  for (int i = 0; i < n; ++i) {
    double r2 = 0.0;
    for (int d = 0; d < 3; ++d) {
      double u = a[d * n + i] - b[d * n + i];
      u -= lib.box.length[d] * std::round(u / lib.box.length[d]);
      r2 += u * u;
    }
    s2 += r2;
    s4 += r2 * r2;
  }
  return {std::sqrt(s2), std::sqrt(s2 / n), s2 * s2 / s4};
}

TEST(NebStage, EveryCandidatePairIsAccountedFor) {
  const Library& in = input();
  const Library& lib = reference_run();
  const LibraryDoubleWells& dw = lib.double_wells;
  ASSERT_EQ(lib.stage, "neb");
  EXPECT_EQ(lib.config_neb, neb_config_json(small_options()));
  std::size_t candidates = 0;
  for (std::size_t k = 0; k < in.transitions.size(); ++k) {
    if (!in.transitions.candidate(k)) continue;
    ++candidates;
    // Some row names this pair as its source.
    bool found = false;
    for (std::size_t r = 0; r < dw.size(); ++r)
      found = found || (dw.glass[r] == in.transitions.glass[k] && dw.source_a[r] == in.transitions.is_a[k] &&
                        dw.source_b[r] == in.transitions.is_b[k]);
    EXPECT_TRUE(found) << "candidate pair " << k << " has no row";
  }
  ASSERT_GT(candidates, 0u) << "the fixture exploration found no candidate pair";
  // Column lengths and the status/reason contract.
  const std::size_t rows = dw.size();
  EXPECT_EQ(dw.reason.size(), rows);
  EXPECT_EQ(dw.V_a.size(), rows);
  EXPECT_EQ(dw.mep_s.size(), rows * static_cast<std::size_t>(dw.images));
  EXPECT_EQ(dw.images, small_options().images);
  // The copied glasses (second half of the items) give the same rows as their originals: a glass's
  // rows depend on nothing but its own data.
  ASSERT_EQ(rows % 2, 0u);
  for (std::size_t r = 0; r < rows / 2; ++r) {
    const std::size_t c = r + rows / 2;
    EXPECT_EQ(in.glasses.id[dw.glass[c]], in.glasses.id[dw.glass[r]] + 1000) << r;
    EXPECT_EQ(dw.is_a[c], dw.is_a[r]);
    EXPECT_EQ(dw.is_b[c], dw.is_b[r]);
    EXPECT_EQ(dw.status[c], dw.status[r]);
    EXPECT_EQ(std::memcmp(&dw.V_a[c], &dw.V_a[r], sizeof(double)), 0) << r;
  }
  std::set<std::pair<std::int64_t, std::pair<int, int>>> elementary;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto s = static_cast<DoubleWellStatus>(dw.status[r]);
    EXPECT_EQ(dw.reason[r].empty(), s == DoubleWellStatus::good) << r << " " << dw.reason[r];
    EXPECT_LE(dw.energy_a[r], dw.energy_b[r]) << r;
    if (s == DoubleWellStatus::good) {  // an elementary pair is run once
      EXPECT_TRUE(elementary.insert({dw.glass[r], {dw.is_a[r], dw.is_b[r]}}).second) << r;
    }
  }
}

TEST(NebStage, GoodRowsMatchDirectRecomputation) {
  const Library& lib = reference_run();
  const LibraryDoubleWells& dw = lib.double_wells;
  const IsRowIndex index(lib.inherent_structures);
  const std::size_t m = static_cast<std::size_t>(dw.images);
  int good = 0;
  for (std::size_t r = 0; r < dw.size(); ++r) {
    if (dw.status[r] != static_cast<int>(DoubleWellStatus::good)) continue;
    ++good;
    const std::int64_t ra = index(dw.glass[r], dw.is_a[r]), rb = index(dw.glass[r], dw.is_b[r]);
    ASSERT_GE(ra, 0);
    ASSERT_GE(rb, 0);
    const double* a = lib.coordinates(ra);
    const double* b = lib.coordinates(rb);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    const int* species = lib.glasses.species.data() + dw.glass[r] * lib.n;
    const Model model = ka2_model();
    const double ea = direct_sum(model, lib.box, a, species, lib.n).energy;
    const double eb = direct_sum(model, lib.box, b, species, lib.n).energy;
    EXPECT_NEAR(dw.energy_a[r], ea, 1e-9 * std::fabs(ea)) << r;
    EXPECT_NEAR(dw.energy_b[r], eb, 1e-9 * std::fabs(eb)) << r;
    EXPECT_NEAR(dw.dV[r], eb - ea, 1e-8) << r;
    EXPECT_GE(dw.dV[r], 0.0);
    EXPECT_NEAR(dw.V_b[r], dw.V_a[r] - 0.5 * dw.dV[r], 1e-12) << r;
    const Displacement x = displacement(lib, a, b);
    EXPECT_NEAR(dw.distance[r], x.distance, 1e-10) << r;
    EXPECT_NEAR(dw.distance_per_particle[r], x.d, 1e-10) << r;
    EXPECT_NEAR(dw.participation_ratio[r], x.pr, 1e-8 * x.pr) << r;
    // The profile: from the lower minimum (V = 0) to the higher (V = dV), arc length up to S,
    // the spline's maximum not below the highest image, a path not shorter than the chord.
    const double* s = dw.mep_s.data() + r * m;
    const double* v = dw.mep_energy.data() + r * m;
    EXPECT_EQ(s[0], 0.0);
    EXPECT_NEAR(s[m - 1], dw.arc_length[r], 1e-12);
    EXPECT_EQ(v[0], 0.0);
    EXPECT_NEAR(v[m - 1], dw.dV[r], 1e-8);
    EXPECT_GE(dw.V_a[r], *std::max_element(v, v + m) - 1e-12) << r;
    EXPECT_GT(dw.V_a[r], dw.dV[r]) << r;  // the saddle lies above both minima
    EXPECT_GE(dw.arc_length[r], dw.distance[r] * (1.0 - 1e-12)) << r;
    EXPECT_GT(dw.omega_1[r], 0.0);
    EXPECT_GT(dw.omega_ts[r], 0.0);
  }
  // New minima found by splitting: marked as such, stored, and real minima of the surface.
  const LibraryInherentStructures& is = lib.inherent_structures;
  for (std::size_t k = input().inherent_structures.size(); k < is.size(); ++k) {
    EXPECT_EQ(is.first_quench[k], -1);
    EXPECT_TRUE(std::isnan(is.first_seen[k]));
    const double* x = lib.coordinates(static_cast<std::int64_t>(k));
    ASSERT_NE(x, nullptr);
    const tlsx::testing::DirectSum ref = direct_sum(ka2_model(), lib.box, x, lib.glasses.species.data() + is.glass[k] * lib.n, lib.n);
    EXPECT_NEAR(is.energy[k], ref.energy, 1e-9 * std::fabs(ref.energy));
    for (double f : ref.force) ASSERT_LT(std::fabs(f), 1e-8);
  }
  std::fprintf(stderr, "[ info ] %zu candidate pairs, %zu rows, %d good, %zu new minima\n", NebStage(input(), small_options()).items_total(), dw.size(), good,
               is.size() - input().inherent_structures.size());
  for (std::size_t r = 0; r < dw.size(); ++r)
    std::fprintf(stderr, "[ info ] row %zu: glass %lld IS %d-%d status %s %s\n", r, static_cast<long long>(dw.glass[r]),
                 dw.is_a[r], dw.is_b[r], to_string(static_cast<DoubleWellStatus>(dw.status[r])), dw.reason[r].c_str());
}

// Two neb-stage libraries agree row for row, the floating-point columns bit for bit.
void expect_same_library(const Library& got, const Library& want) {
  const LibraryDoubleWells &a = got.double_wells, &b = want.double_wells;
  EXPECT_EQ(a.glass, b.glass);
  EXPECT_EQ(a.is_a, b.is_a);
  EXPECT_EQ(a.is_b, b.is_b);
  EXPECT_EQ(a.source_a, b.source_a);
  EXPECT_EQ(a.source_b, b.source_b);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.energy_a, b.energy_a);
  EXPECT_EQ(a.energy_b, b.energy_b);
  // NaN != NaN: compare the double columns bit for bit.
  const auto same_bits = [](const std::vector<double>& x, const std::vector<double>& y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](double p, double q) {
             return std::memcmp(&p, &q, sizeof p) == 0;
           });
  };
  EXPECT_TRUE(same_bits(a.V_a, b.V_a));
  EXPECT_TRUE(same_bits(a.omega_ts, b.omega_ts));
  EXPECT_TRUE(same_bits(a.mep_s, b.mep_s));
  EXPECT_TRUE(same_bits(a.mep_energy, b.mep_energy));
  EXPECT_EQ(got.inherent_structures.id, want.inherent_structures.id);
  EXPECT_EQ(got.inherent_structures.coordinates, want.inherent_structures.coordinates);
}

// Stop after one pair (checkpoint; with two pairs in flight the second search is cancelled), resume
// in a fresh object, possibly with another pairs_in_flight (speed only, not part of the
// configuration), and finish: the library must equal the uninterrupted run bitwise.
void expect_stop_and_resume_equal_uninterrupted(int in_flight_before, int in_flight_after, const std::string& name) {
  Progress::quiet = true;
  NebStageOptions o = small_options();
  o.pairs_in_flight = in_flight_before;
  const std::string ckpt = tlsx::testing::temp_path(name);
  std::remove(ckpt.c_str());
  CpuBackend cpu(2);
  {
    NebStage first(input(), o);
    ASSERT_GE(first.items_total(), 2u) << "the fixture needs two candidate pairs";
    StageRunControl control;
    control.checkpoint_path = ckpt;
    control.checkpoint_every = 0;
    control.stop_after = 1;
    const StageRunResult r = run_neb_stage(first, cpu, control);
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.checkpoints_written, 1);
    EXPECT_EQ(first.items_done(), 1u);
  }  // searches still in flight end here (cancelled)
  o.pairs_in_flight = in_flight_after;
  NebStage second = NebStage::resume(ckpt, input(), o);
  EXPECT_EQ(second.items_done(), 1u);
  EXPECT_TRUE(run_neb_stage(second, cpu, StageRunControl{}).complete);
  expect_same_library(second.library(), reference_run());
  std::remove(ckpt.c_str());
}

TEST(NebStage, StopAndResumeEqualsUninterruptedRun) {
  expect_stop_and_resume_equal_uninterrupted(1, 1, "neb_resume.ckpt");
}

TEST(NebStage, StopWithSearchesInFlightAndResumeEqualsUninterruptedRun) {
  expect_stop_and_resume_equal_uninterrupted(2, 1, "neb_in_flight.ckpt");
}

// Both items in flight at once: their bands share every Backend::forces call, and the library is
// bit for bit the one-at-a-time library.
TEST(NebStage, PairsInFlightShareBackendCallsAndGiveTheSameLibrary) {
  Progress::quiet = true;
  NebStageOptions o = small_options();
  o.pairs_in_flight = 4;
  CpuBackend cpu(2);
  NebStage stage(input(), o);
  ASSERT_GE(stage.items_total(), 2u);
  while (!stage.finished()) stage.step(cpu);
  expect_same_library(stage.library(), reference_run());
}

TEST(NebStage, CheckpointFromOtherOptionsIsRefused) {
  const std::string ckpt = tlsx::testing::temp_path("neb_other.ckpt");
  NebStage stage(input(), small_options());
  stage.save_checkpoint(ckpt);
  NebStageOptions other = small_options();
  other.images = 9;
  try {
    NebStage::resume(ckpt, input(), other);
    ADD_FAILURE() << "resume under other options was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("different configuration"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(NebStage::resume(ckpt, input(), small_options()));
  std::remove(ckpt.c_str());
}

TEST(NebStage, RejectsALibraryThatIsNotExplored) {
  Library lib = input();
  lib.stage = "neb";
  EXPECT_THROW(NebStage(lib, small_options()), Error);
  NebStageOptions bad = small_options();
  bad.images = 2;
  EXPECT_THROW(NebStage(input(), bad), Error);
  bad = small_options();
  bad.pairs_in_flight = 0;
  EXPECT_THROW(NebStage(input(), bad), Error);
}

}  // namespace
