#pragma once
// Parameters of the minimum-energy-path search (paper Sec. II D; docs/architecture.md §1 "Double wells").
#include "tlsx/neb/fire_descent.hpp"
#include "tlsx/neb/lbfgs_descent.hpp"

namespace tlsx {

enum class PathMethod : int {
  // Nudged elastic band with the improved tangent (Henkelman & Jonsson, J. Chem. Phys. 113, 9978
  // (2000)): perpendicular true force plus a spring force along the tangent.
  neb = 0,
  // Simplified string method (E, Ren & Vanden-Eijnden, J. Chem. Phys. 126, 164103 (2007)): images
  // move with the perpendicular true force and are redistributed to equal arc length after every
  // step. The paper used LAMMPS's NEB with `parallel ideal`, its string-like variant; both
  // converge to the same path (F_perp = 0 at every image, equal spacing).
  string = 1,
};

// How the band is relaxed (docs/neb.md, "Band optimiser"; both reach the same path).
enum class BandOptimizer : int {
  // FIRE 2.0 damped dynamics on the concatenated band (fire_descent.hpp).
  fire = 0,
  // Global L-BFGS on the concatenated band force with a largest-move cap (lbfgs_descent.hpp;
  // Sheppard, Terrell & Henkelman 2008).
  lbfgs = 1,
};

struct NebParams {
  PathMethod method = PathMethod::neb;
  // Images including the two fixed end points (the two minima), as LAMMPS counts replicas: 64
  // images = 62 moving images and 63 segments.
  int images = 64;
  double spring = 0.125;  // kappa (eps / sigma^2), the paper's spring constant (NEB only)
  // Converged when the largest component of the band force (perpendicular force plus spring, or
  // the climbing force) over all moving images is below this (eps / sigma). See docs/neb.md for
  // the choice: it puts the climbing image within |F|/|V''_TS| of the saddle, i.e. V_TS within
  // ~F^2 / (2 |V''_TS|) ~ 1e-9 eps for |V''_TS| >= 0.05.
  double force_tolerance = 1e-5;
  // Climbing image (Henkelman, Uberuaga & Jonsson, J. Chem. Phys. 113, 9901 (2000)) in a second
  // phase, started once the plain band is below climb_start_tolerance.
  bool climb = true;
  double climb_start_tolerance = 1e-3;
  long max_iterations = 100000;  // FIRE steps over both phases
  // After the first phase, a profile with an intermediate minimum ends the run (no climbing):
  // the caller splits the path there (connect.hpp).
  bool stop_at_intermediate_minimum = true;
  // An interior local minimum of the interpolated profile counts as an intermediate minimum when
  // it lies more than this below both neighbouring maxima (eps); see docs/neb.md.
  double intermediate_depth = 1e-6;
  BandOptimizer optimizer = BandOptimizer::fire;
  // FIRE 2.0 over the whole band.
  FireParams fire;
  // L-BFGS over the whole band.
  LbfgsDescentParams lbfgs;
};

}  // namespace tlsx
