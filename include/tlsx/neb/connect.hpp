#pragma once
// From a candidate pair of inherent structures to elementary double wells (paper Sec. II D: "we
// check whether the converged MEP contains any intermediate minimum. If not, we preserve it as a
// 'good' double-well potential. Those with intermediate minima can be recurrently refined by
// splitting into elementary double-well potentials, if these intermediate transitions are not
// already sampled in the dynamics").
//
// connect_minima runs a work list of pairs: the path of each pair is found (band.hpp); a path
// without intermediate minimum becomes a DoubleWell; a path with intermediate minima is split at
// them: the image nearest each intermediate minimum is minimised with PathSurface::minimize, and
// the consecutive pairs (A, M1), (M1, M2), ..., (Mk, B) go back on the work list unless the
// caller already knows them. Nothing is dropped silently: pairs that fail (band not converged,
// minimisation failed, the intermediate image relaxes into an end point, no barrier) are listed
// with the reason.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "tlsx/neb/band.hpp"
#include "tlsx/neb/double_well.hpp"
#include "tlsx/neb/path_surface.hpp"

namespace tlsx {

struct Minimum {
  std::vector<double> x;
  double energy = 0.0;
};

struct ConnectParams {
  NebParams neb;
  double minimize_tolerance = 1e-10;  // largest force component of a minimised intermediate image
  // Two minima are the same when their energies differ by less than same_energy (eps) and no
  // particle moved more than same_distance (sigma; PathSurface::max_particle_displacement: minimum
  // image, rigid translation removed on a periodic system).
  double same_energy = 1e-7;
  double same_distance = 1e-3;
  int max_bands = 32;                 // bound on the paths run for one candidate pair
  // Keep the images of every elementary path (ElementaryPath::images): tlsx neb --write-path, the
  // Python module's neb(..., return_images=True); off in the pipeline.
  bool keep_images = false;

  // The one test of "the same minimum", for connect_minima and for the NEB stage's matching of
  // found minima to the library's inherent structures (pipeline/neb_stage.cpp).
  bool same_minimum(double energy_a, double energy_b, double largest_displacement) const {
    return std::fabs(energy_a - energy_b) < same_energy && largest_displacement < same_distance;
  }
};

struct ElementaryPath {
  int first = 0, second = 1;  // indices into ConnectResult::minima, in the path's orientation
  DoubleWell double_well;
  // With ConnectParams::keep_images: the converged band's images (rows of dimension doubles, from
  // minimum `first` to `second`, the path's orientation) and their energies; empty otherwise.
  std::vector<double> images, image_energy;
};

struct MinimumPair {
  int first = 0, second = 1;
};

struct PathFailure {
  int first = 0, second = 1;
  std::string reason;
  bool not_converged = false;  // the band did not converge (else: any other failure)
};

struct ConnectResult {
  std::vector<Minimum> minima;  // [0] = A, [1] = B, then the intermediate minima in order found
  std::vector<ElementaryPath> double_wells;
  std::vector<MinimumPair> known;     // elementary pairs skipped as already known by the caller
  std::vector<PathFailure> failures;
  long bands = 0;               // paths run
  long force_evaluations = 0;   // image force evaluations, band and minimisation together
  // Of those, the bands' moving images in phase 1 (plain band) and phase 2 (climbing image).
  long long phase_force_evaluations[2] = {0, 0};
  int intermediate_minima() const { return static_cast<int>(minima.size()) - 2; }
};

// Moving images (1..images-2) nearest each intermediate minimum of the band's profile, in order of
// arc length: where to start the minimisations that split the path.
std::vector<int> intermediate_minimum_images(const BandResult& band, double depth_tolerance);

// Called for every elementary pair found by splitting (never for (A, B) itself): true when the
// caller already has that pair, which is then not run.
using KnownPair = std::function<bool(const Minimum& first, const Minimum& second)>;

// observer, when given, sees every band evaluation of every path (BandProgress::band counts the
// paths run so far, this one included).
ConnectResult connect_minima(PathSurface& surface, const std::vector<double>& a, const std::vector<double>& b,
                             const ConnectParams& params, const KnownPair& known = {}, const BandObserver& observer = {});

}  // namespace tlsx
