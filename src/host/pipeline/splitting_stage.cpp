// The splitting stage: quantum splittings of every good double well of a library, per mass.
#include "tlsx/pipeline/splitting_stage.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tlsx/core/error.hpp"
#include "tlsx/core/json.hpp"
#include "tlsx/core/progress.hpp"
#include "tlsx/quantum/device_splittings.hpp"

namespace tlsx {

namespace {

// How a computed result enters the library (see the header).
enum class Outcome { resolved, below_floor, failed, not_double_well };

Outcome outcome_of(const quantum::SplittingResult& r) {
  switch (r.status) {
    case quantum::SplittingStatus::ok: return Outcome::resolved;
    case quantum::SplittingStatus::profile_error: return Outcome::not_double_well;
    case quantum::SplittingStatus::no_levels: return Outcome::failed;
    case quantum::SplittingStatus::unresolved:
      // The grid limit: the levels themselves may be unconverged. Otherwise E changed by no more
      // than its rounding floor, with the levels converged.
      return r.grid == quantum::GridStatus::too_many_points ? Outcome::failed : Outcome::below_floor;
  }
  return Outcome::failed;
}

}  // namespace

quantum::Profile library_profile(const LibraryDoubleWells& dw, std::size_t row) {
  const std::size_t images = static_cast<std::size_t>(dw.images);
  quantum::Profile p;
  p.s.assign(dw.mep_s.begin() + row * images, dw.mep_s.begin() + (row + 1) * images);
  p.V.assign(dw.mep_energy.begin() + row * images, dw.mep_energy.begin() + (row + 1) * images);
  // The tangential derivatives of the NEB stage make the profile a Hermite spline through energies
  // and slopes (paper Sec. II D); they also pin the minima at the end images (slope ~ 0 there).
  // Libraries without them (older files) fall back to the not-a-knot spline through the energies.
  if (dw.mep_slope.size() == dw.mep_s.size()) {
    p.dVds.assign(dw.mep_slope.begin() + row * images, dw.mep_slope.begin() + (row + 1) * images);
    for (double v : p.dVds)
      if (!std::isfinite(v)) {
        p.dVds.clear();
        break;
      }
  }
  p.name = "double well " + std::to_string(row);
  return p;
}

std::string splitting_config_json(const SplittingStageOptions& options) {
  JsonObject j;
  j.add("masses", options.masses);
  j.add("tol_E", options.tol);
  j.add("levels", static_cast<int>(kLibraryLevels));
  j.add("spline", "Hermite through energies and tangential slopes (not-a-knot without slopes)");
  j.add("extension", "harmonic beyond both minima");
  j.add("method", "Numerov, Sturm bisection, grid halved until E changes by < tol_E");
  return j.str();
}

SplittingStageSummary run_splitting_stage(Library& lib, const SplittingStageOptions& options) {
  if (lib.stage != "neb" && lib.stage != "splitting")
    throw Error("splitting: the library is at stage '" + lib.stage +
                "'; the splitting stage needs double wells (stage 'neb')");
  if (options.masses.empty()) throw Error("splitting: give at least one mass");
  for (const double m : options.masses)
    if (!(m > 0.0 && std::isfinite(m)))
      throw Error("splitting: the mass m~ must be a positive number, got " + std::to_string(m));
  if (!(options.tol > 0.0 && options.tol < 1.0)) throw Error("splitting: the tolerance must lie in (0, 1)");
  LibraryDoubleWells& dw = lib.double_wells;
  const std::size_t rows = dw.size(), M = options.masses.size(), L = kLibraryLevels;
  if (rows > 0 && (dw.images < 4 || dw.mep_s.size() != rows * static_cast<std::size_t>(dw.images) ||
                   dw.mep_energy.size() != dw.mep_s.size()))
    throw Error("splitting: the double wells' MEP profiles are missing or not rows x images (images = " +
                std::to_string(dw.images) + ")");

  SplittingStageSummary sum;
  sum.rows = rows;
  sum.resolved.assign(M, 0);
  sum.below_floor.assign(M, 0);
  sum.failed.assign(M, 0);
  sum.tls.assign(M, 0);

  const double nan = std::nan("");
  dw.splitting.assign(rows * M, nan);
  dw.Delta.assign(rows * M, nan);
  dw.Delta0.assign(rows * M, nan);
  dw.Gamma.assign(rows * M, nan);
  dw.is_tls.assign(rows * M, 0);
  dw.levels.assign(rows * M * L, nan);
  dw.splitting_error.assign(rows * M, nan);

  std::vector<std::size_t> good;
  for (std::size_t i = 0; i < rows; ++i)
    if (dw.status[i] == static_cast<std::int32_t>(DoubleWellStatus::good)) good.push_back(i);
  sum.good = good.size();

  quantum::SplittingOptions qopt;
  qopt.grid.tol_E = options.tol;
  std::string why_not_device;
  const bool device = options.backend != "cpu" && quantum::device_splittings_available(&why_not_device);
  if (options.backend == "cuda" && !device)
    throw Error("splitting: --backend cuda: " + why_not_device);
  if (options.backend != "cpu" && options.backend != "cuda" && options.backend != "auto")
    throw Error("splitting: backend '" + options.backend + "': expected cpu, cuda or auto");
  const bool on_device = device;
  Progress progress(on_device ? "splitting (cuda)" : "splitting", static_cast<double>(good.size()), "DWs");
  const bool report = options.progress && !good.empty();
  // Blocks of rows, each solved in parallel by the batch API (OpenMP over profiles), so that the
  // progress line is updated between blocks. Each row is solved by one thread, start to end.
  const std::size_t block = std::max<std::size_t>(64, 32 * static_cast<std::size_t>(omp_get_max_threads()));
  for (std::size_t b0 = 0; b0 < good.size(); b0 += block) {
    const std::size_t b1 = std::min(good.size(), b0 + block);
    std::vector<quantum::Profile> profiles;
    profiles.reserve(b1 - b0);
    for (std::size_t q = b0; q < b1; ++q) profiles.push_back(library_profile(dw, good[q]));
    const auto results = on_device ? quantum::device_splittings(profiles, options.masses, qopt)
                                   : quantum::splittings(profiles, options.masses, qopt);
    for (std::size_t q = b0; q < b1; ++q) {
      const std::size_t i = good[q];
      const auto& per_mass = results[q - b0];
      if (outcome_of(per_mass.front()) == Outcome::not_double_well) ++sum.not_double_well;
      for (std::size_t j = 0; j < M; ++j) {
        const quantum::SplittingResult& r = per_mass[j];
        const std::size_t at = i * M + j;
        const Outcome o = outcome_of(r);
        if (o == Outcome::failed) ++sum.failed[j];
        if (o == Outcome::failed || o == Outcome::not_double_well) continue;
        // The levels are converged either way; below the rounding floor only their difference is not.
        for (std::size_t k = 0; k < L; ++k) dw.levels[at * L + k] = r.levels[k];
        // Below the rounding floor of double precision (E ~ 1e-13 eps and less: deep, nearly symmetric
        // wells) E is not resolved to tol_E but is certainly below T_Q (~1e-3): the row is a TLS by the
        // paper's criterion E < T_Q, and its E (an estimate at the floor) is stored as computed.
        if (o == Outcome::below_floor)
          ++sum.below_floor[j];
        else
          ++sum.resolved[j];
        dw.splitting[at] = r.E;
        dw.splitting_error[at] = r.E_error;
        dw.Delta[at] = r.Delta;
        dw.Delta0[at] = r.Delta0;
        dw.Gamma[at] = r.Gamma;
        dw.is_tls[at] = r.is_tls ? 1 : 0;
        sum.tls[j] += dw.is_tls[at];
      }
    }
    if (report) progress.update(static_cast<double>(b1));
  }
  if (report) progress.finish();
  sum.seconds = progress.elapsed();

  lib.masses = options.masses;
  lib.T_Q.clear();
  for (const double m : options.masses) lib.T_Q.push_back(quantum::quantum_temperature(m));
  lib.stage = "splitting";
  lib.config_splitting = splitting_config_json(options);
  return sum;
}

}  // namespace tlsx
