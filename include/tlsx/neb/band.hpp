#pragma once
// The minimum energy path between two minima A and B of a PathSurface (paper Sec. II D): a band of
// images relaxed by FIRE 2.0 or global L-BFGS (NebParams::optimizer) on the concatenated vector of
// its moving images, first without and then with a climbing image. Host code over plain arrays; the image energies and forces, the
// expensive part, are one batched PathSurface::evaluate per optimiser step.
//
// Band force on moving image k (tau_k: improved tangent of Henkelman & Jonsson 2000, Eqs. 8-11):
//   NEB     F_k - (F_k . tau_k) tau_k + kappa (|R_k+1 - R_k| - |R_k - R_k-1|) tau_k
//   string  F_k - (F_k . tau_k) tau_k, then all images redistributed to equal arc length
//           (linear interpolation along the chords) after every step
//   climbing image (both methods)  F_c - 2 (F_c . tau_c) tau_c, no spring; with the string method
//           the two sides of the climbing image are redistributed separately.
// The end points stay fixed. Converged when the largest band-force component over the moving
// images is below NebParams::force_tolerance; a band that does not converge comes back with
// status not_converged and the reason.
#include <functional>
#include <string>
#include <vector>

#include "tlsx/neb/neb_params.hpp"
#include "tlsx/neb/path_surface.hpp"
#include "tlsx/neb/profile.hpp"

namespace tlsx {

enum class BandStatus : int { converged = 0, not_converged = 1 };

struct BandResult {
  BandStatus status = BandStatus::not_converged;
  std::string reason;       // why it did not converge (empty when converged)
  int images = 0;           // including the two end points
  int dimension = 0;
  // Per image k (rows of `dimension` doubles): configuration, true force -grad V, unit tangent
  // (improved tangent; at the end points the direction of the adjacent segment).
  std::vector<double> x, force, tangent;
  std::vector<double> energy;      // V_k
  std::vector<double> arc_length;  // s_k, s_0 = 0
  int climbing_image = -1;         // -1 when no climbing phase ran
  // The first phase's profile had an intermediate minimum and the run stopped there (only with
  // NebParams::stop_at_intermediate_minimum): the path is to be split, not climbed.
  bool stopped_at_intermediate_minimum = false;
  double max_band_force = 0.0;     // the convergence measure at the end
  double endpoint_max_force[2] = {0.0, 0.0};  // largest force component at A and B
  long iterations = 0;             // optimiser steps over both phases
  long force_evaluations = 0;      // image force evaluations (moving images x band evaluations + 2)
  // Image force evaluations of phase 1 (plain band) and phase 2 (climbing image): where the cost goes.
  long phase_force_evaluations[2] = {0, 0};
  int lbfgs_stalls = 0;            // phases in which L-BFGS stalled and FIRE went on from there

  bool converged() const { return status == BandStatus::converged; }
  const double* image(int k) const { return x.data() + static_cast<std::size_t>(k) * dimension; }
};

// Progress of a running band, reported after every band evaluation: phase 1 (plain band) or 2
// (climbing image), band evaluations so far, the current band-force measure.
struct BandProgress {
  long band = 1;  // which path of a connect_minima run (1-based; 1 for a lone band)
  int phase = 1;
  long band_evaluations = 0;
  double max_band_force = 0.0;
  double barrier = 0.0;  // highest moving image above the lower end point (eps)
};
using BandObserver = std::function<void(const BandProgress&)>;

// Relaxes the band between the configurations a and b (surface.dimension() doubles each), starting
// from the straight line a + t (b - a), t = k / (images - 1), with b - a from
// PathSurface::displacement (minimum image). Throws Error on invalid parameters or a == b.
BandResult find_minimum_energy_path(PathSurface& surface, const double* a, const double* b, const NebParams& params,
                                    const BandObserver& observer = {});

// The band's energy profile: s_k, V_k and dV/ds_k = -F_k . tau_k.
PathProfile band_profile(const BandResult& band);

}  // namespace tlsx
