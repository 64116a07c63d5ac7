#pragma once
// Throughput of the two later stages on each backend, the figures `tlsx bench` adds to the engine's
// (backend/throughput.hpp; docs/bench.md):
//   bands       K string-method bands of M images (KA2, N particles) relaxed together for S FIRE
//               steps each through one SurfaceBatcher (neb/surface_batcher.hpp), as the NEB stage
//               runs its pairs in flight -> image force evaluations/s and band steps/s
//   splittings  P quartic double wells (64-point profiles with slopes, TLS-like barriers and
//               asymmetries) at the two masses of the paper -> (double well, mass) splittings/s,
//               through quantum::splittings (CPU, OpenMP) or quantum::device_splittings (CUDA)
// A band runs from an inherent structure A (CG quench of a random start) to A with one particle
// displaced by 0.45 sigma: a real local path, the same work for every backend; the band force
// tolerance is never reached, so every band takes exactly S steps. Wall-clock time around the whole
// batched run (host band operations and device copies included). This measures; it asserts nothing.
#include <string>
#include <vector>

#include "tlsx/backend/throughput.hpp"
#include "tlsx/core/json.hpp"

namespace tlsx {

struct StageThroughputSize {
  int bands = 4;
  int profiles = 256;
};

struct StageThroughputWorkload {
  StageThroughputSize cpu{0, 256};            // bands 0: one per CPU thread
  StageThroughputSize accelerator{32, 4096};  // 32: the NEB stage's default pairs in flight
  int images = 32;       // per band, the two fixed ends included
  int band_steps = 100;  // FIRE steps per band
  bool measure_bands = true, measure_splittings = true;
};

struct StageThroughputFigures {
  std::string backend, device;
  int bands = 0, images = 0, band_steps = 0;
  double band_seconds = 0, image_evaluations_per_s = 0, band_steps_per_s = 0;
  long band_rounds = 0;  // SurfaceBatcher rounds (backend calls shared by the bands)
  int profiles = 0, masses = 0;
  double splitting_seconds = 0, splittings_per_s = 0;
  int splittings_resolved = 0;

  JsonObject json() const;
};

// tlsx::Error naming the option unless the workload is valid.
void check_stage_throughput(const StageThroughputWorkload& stages);

// Validates the workload (check_stage_throughput) and measures each named backend ("cpu",
// "cuda"; a "cuda" without a device is skipped, as in measure_throughput) with the engine
// workload's n, threads, skin and seed.
std::vector<StageThroughputFigures> measure_stage_throughput(const std::vector<std::string>& backends,
                                                             const ThroughputWorkload& engine,
                                                             const StageThroughputWorkload& stages);

void print_stage_throughput_table(const std::vector<StageThroughputFigures>& figures, const ThroughputWorkload& engine,
                                  const StageThroughputWorkload& stages);

}  // namespace tlsx
