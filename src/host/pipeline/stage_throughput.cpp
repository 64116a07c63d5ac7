#include "tlsx/pipeline/stage_throughput.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "tlsx/backend/backend.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/neb/atomistic_surface.hpp"
#include "tlsx/neb/band.hpp"
#include "tlsx/neb/surface_batcher.hpp"
#include "tlsx/quantum/device_splittings.hpp"
#include "tlsx/quantum/quartic_profile.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace tlsx {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The paper's two effective masses m~ (Ar-like and NiP-like; docs/quantum.md).
const std::vector<double> kMasses = {5250.0, 1200.0};

// Profile p of the splitting workload: quartic_profile with b = 0.3 sigma (minima 0.6 apart, the
// paper's typical d), barriers a b^4 from 2e-3 to 5e-2 eps and tilts c up to 2e-2 eps/sigma cycling
// through the set, so the profiles span deep, shallow, symmetric and asymmetric wells.
quantum::Profile workload_profile(int p) {
  const double b = 0.3;
  const double barrier = 2e-3 * std::pow(25.0, (p % 17) / 16.0);
  return quantum::quartic_profile(barrier / (b * b * b * b), b, 2e-2 * ((p % 7) / 6.0), 64);
}

void measure_bands(Backend& backend, const Model& model, const ThroughputWorkload& w, const StageThroughputWorkload& st,
                   int bands, StageThroughputFigures& f) {
  const PairTable table = model.pair_table();
  // End points: A = CG inherent structure of a random start, B = A with one particle moved.
  ReplicaBatch ends = throughput_starts(model, w, bands);
  MinimizeParams quench;
  quench.algorithm = MinimizeAlgorithm::cg;
  quench.force_tolerance = 1e-8;
  backend.minimize(ends, table, quench);
  const std::size_t m = 3 * static_cast<std::size_t>(w.n);
  std::vector<std::vector<double>> a(bands), b(bands);
  for (int k = 0; k < bands; ++k) {
    a[k].assign(ends.pos(k), ends.pos(k) + m);
    b[k] = a[k];
    b[k][(37 * static_cast<std::size_t>(k)) % static_cast<std::size_t>(w.n)] += 0.45;  // x of one particle
  }
  NebParams p;
  p.method = PathMethod::string;
  p.images = st.images;
  p.climb = false;
  p.stop_at_intermediate_minimum = false;
  p.force_tolerance = 1e-300;  // never reached: every band takes band_steps steps
  p.max_iterations = st.band_steps;
  SurfaceBatcher batcher(backend, table, ends.box(), w.skin);
  std::vector<long> evaluations(bands, 0), steps(bands, 0);
  const Clock::time_point t0 = Clock::now();
  batcher.run(bands, [&](int k) {
    AtomisticSurface surface(batcher, std::vector<int>(ends.species(k), ends.species(k) + w.n));
    const BandResult band = find_minimum_energy_path(surface, a[k].data(), b[k].data(), p);
    evaluations[k] = band.force_evaluations;
    steps[k] = band.iterations;
  });
  f.band_seconds = seconds_since(t0);
  f.bands = bands;
  f.images = st.images;
  f.band_steps = st.band_steps;
  long total_evaluations = 0, total_steps = 0;
  for (int k = 0; k < bands; ++k) {
    total_evaluations += evaluations[k];
    total_steps += steps[k];
  }
  f.image_evaluations_per_s = total_evaluations / f.band_seconds;
  f.band_steps_per_s = total_steps / f.band_seconds;
  f.band_rounds = batcher.stats().rounds;
}

void measure_splittings(bool on_device, int profiles, StageThroughputFigures& f) {
  std::vector<quantum::Profile> set;
  set.reserve(profiles);
  for (int p = 0; p < profiles; ++p) set.push_back(workload_profile(p));
  const Clock::time_point t0 = Clock::now();
  const auto results = on_device ? quantum::device_splittings(set, kMasses) : quantum::splittings(set, kMasses);
  f.splitting_seconds = seconds_since(t0);
  f.profiles = profiles;
  f.masses = static_cast<int>(kMasses.size());
  f.splittings_per_s = double(profiles) * kMasses.size() / f.splitting_seconds;
  for (const auto& per_mass : results)
    for (const quantum::SplittingResult& r : per_mass) f.splittings_resolved += r.resolved ? 1 : 0;
}

std::string format_rate(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

void check_stage_throughput(const StageThroughputWorkload& st) {
  for (const StageThroughputSize* s : {&st.cpu, &st.accelerator})
    if (s->bands < 0 || s->profiles < 0) throw Error("--bands and --profiles must be >= 0");
  if (st.images < 3) throw Error("--band-images must be at least 3 (two ends and one moving image)");
  if (st.band_steps < 1) throw Error("--band-steps must be >= 1");
}

JsonObject StageThroughputFigures::json() const {
  JsonObject j;
  j.add("backend", backend).add("device", device);
  j.add("bands", bands).add("images", images).add("band_steps", band_steps).add("band_seconds", band_seconds);
  j.add("image_evaluations_per_s", image_evaluations_per_s).add("band_steps_per_s", band_steps_per_s);
  j.add("band_rounds", static_cast<long long>(band_rounds));
  j.add("profiles", profiles).add("masses", masses).add("splitting_seconds", splitting_seconds);
  j.add("splittings_per_s", splittings_per_s).add("splittings_resolved", splittings_resolved);
  return j;
}

std::vector<StageThroughputFigures> measure_stage_throughput(const std::vector<std::string>& backends,
                                                             const ThroughputWorkload& w,
                                                             const StageThroughputWorkload& st) {
  check_stage_throughput(st);
  if (w.n < 2) throw Error("--n must be >= 2");
  const Model model = ka2_model();
  std::vector<StageThroughputFigures> out;
  for (const std::string& name : backends) {
    if (name != "cpu" && name != "cuda") throw Error("--backends: expected cpu or cuda, got '" + name + "'");
    if (name == "cuda" && cuda_device_count() == 0) continue;  // measure_throughput has said why
    const std::unique_ptr<Backend> backend = make_backend(name, w.threads);
    StageThroughputSize size = name == "cpu" ? st.cpu : st.accelerator;
    if (name == "cpu" && size.bands == 0) size.bands = w.threads > 0 ? w.threads : omp_get_max_threads();
    StageThroughputFigures f;
    f.backend = backend->name();
    f.device = backend->device();
    if (st.measure_bands && size.bands > 0) {
      std::fprintf(stderr, "bench: %s: %d bands of %d images, %d steps each\n", f.backend.c_str(), size.bands,
                   st.images, st.band_steps);
      measure_bands(*backend, model, w, st, size.bands, f);
    }
    if (st.measure_splittings && size.profiles > 0) {
      std::fprintf(stderr, "bench: %s: splittings of %d double wells at %zu masses\n", f.backend.c_str(), size.profiles,
                   kMasses.size());
      measure_splittings(name == "cuda", size.profiles, f);
    }
    out.push_back(f);
  }
  return out;
}

void print_stage_throughput_table(const std::vector<StageThroughputFigures>& all, const ThroughputWorkload& w,
                                  const StageThroughputWorkload& st) {
  std::fprintf(stderr, "\nKA2 N=%d FP64: string-method bands of %d images, %d FIRE steps each; quartic double wells "
                       "at m~ = 5250 and 1200\n",
               w.n, st.images, st.band_steps);
  std::fprintf(stderr, "%-7s %6s %20s %14s %8s %12s %10s\n", "backend", "bands", "image evaluations/s", "band steps/s",
               "DWs", "splittings/s", "resolved");
  for (const StageThroughputFigures& f : all)
    std::fprintf(stderr, "%-7s %6d %20s %14s %8d %12s %10d\n", f.backend.c_str(), f.bands,
                 format_rate(f.image_evaluations_per_s).c_str(), format_rate(f.band_steps_per_s).c_str(), f.profiles,
                 format_rate(f.splittings_per_s).c_str(), f.splittings_resolved);
  for (const StageThroughputFigures& f : all)
    std::fprintf(stderr, "  %s: bands %.2f s in %ld shared rounds; splittings %.3f s\n", f.backend.c_str(),
                 f.band_seconds, f.band_rounds, f.splitting_seconds);
}

}  // namespace tlsx
