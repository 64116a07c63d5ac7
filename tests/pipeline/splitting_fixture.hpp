#pragma once
// A hand-made library for the splitting stage's tests (tests/pipeline/test_splitting_stage.cpp,
// tests/cli/test_cli_splitting.cpp): one glass, two IS, and double-well rows whose MEP profiles are
// 64-image samples of quartic double wells, with a row that is not good and a good row whose path
// has no barrier.
#include <cstdint>
#include <string>
#include <vector>

#include "../quantum/quantum_reference.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/pipeline/library.hpp"

namespace tlsx_test {

using tlsx::DoubleWellStatus;
using tlsx::Library;
using tlsx::LibraryDoubleWells;
using tlsx::LibraryGlasses;
using tlsx::LibraryInherentStructures;

constexpr int kImages = 64;

// The rows: quartic wells a (s^2 - b^2)^2 + c s (barrier V_b = a b^4), status good unless noted.
struct Row {
  double barrier, c;
  DoubleWellStatus status;
  bool double_well;  // false: a monotonic profile under status good
  bool below_floor_heavy;  // E not resolvable to 1e-4 in double precision at m~ = 5250
};
inline const std::vector<Row> kRows = {
    {0.1, 0.005, DoubleWellStatus::good, true, false},   // asymmetric: E ~ Delta
    {0.2, 0.0, DoubleWellStatus::good, true, true},      // symmetric: E ~ 3e-14 at 5250, ~4e-6 at 1200
    {0.1, 0.002, DoubleWellStatus::split, true, false},  // not good: skipped
    {0.5, 0.0, DoubleWellStatus::good, true, true},      // deep: E ~ 1e-24 at 5250, ~1e-10 at 1200
    {0.1, 0.0, DoubleWellStatus::good, false, false},    // good, but its path has no barrier
};

inline Quartic quartic(const Row& r) { return Quartic{r.barrier / 0.0625, 0.5, r.c}; }

inline Library hand_made_library() {
  Library lib;
  lib.stage = "neb";
  lib.model_toml = tlsx::model_to_toml(tlsx::ka2_model());
  lib.n = 3;
  lib.box = tlsx::Box::cubic(5.0);
  LibraryGlasses& gl = lib.glasses;
  gl.id = {7};
  gl.fictive_temperature = {0.5};
  gl.exploration_temperature = {0.4};
  gl.dt = {0.0025};
  gl.tau_cg = {10};
  gl.quenches = {2};
  gl.failed_quenches = {0};
  gl.n_is = {2};
  gl.n_candidates = {1};
  gl.initial_energy = {-6.0};
  gl.species = {0, 1, 2};
  LibraryInherentStructures& is = lib.inherent_structures;
  is.glass = {0, 0};
  is.id = {0, 1};
  is.energy = {-20.0, -19.9};
  is.first_seen = {0.025, 0.05};
  is.first_quench = {0, 1};
  is.visits = {1, 1};
  is.coordinate_row = {-1, -1};
  lib.exploration.sequence = {0, 1};
  lib.exploration.sequence_offset = {0, 2};
  LibraryDoubleWells& w = lib.double_wells;
  w.images = kImages;
  for (const Row& r : kRows) {
    const Quartic q = quartic(r);
    w.glass.push_back(0);
    w.is_a.push_back(0);
    w.is_b.push_back(1);
    w.source_a.push_back(0);
    w.source_b.push_back(1);
    w.first_candidate_time.push_back(0.05);
    w.status.push_back(static_cast<std::int32_t>(r.status));
    w.reason.push_back(r.status == DoubleWellStatus::good ? "" : "intermediate minimum");
    const tlsx::quantum::Profile p = tlsx_test::quartic_profile(q, kImages, false);
    const double v0 = p.V.front();
    for (int k = 0; k < kImages; ++k) {
      w.mep_s.push_back(p.s[k]);
      // mep_energy = V - energy_a: the profile starts at the lower minimum at 0.
      w.mep_energy.push_back(r.double_well ? p.V[k] - v0 : 0.01 * k);
    }
    w.energy_a.push_back(-20.0);
    w.energy_b.push_back(-20.0 + p.V.back() - v0);
    for (auto* col : {&w.V_a, &w.dV, &w.V_b, &w.distance, &w.distance_per_particle, &w.arc_length,
                      &w.participation_ratio, &w.omega_1, &w.omega_2, &w.omega_ts})
      col->push_back(1.0);
  }
  return lib;
}

}  // namespace tlsx_test
