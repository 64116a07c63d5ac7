#pragma once
// Parameters and results of energy minimisation (FIRE 2.0, Polak-Ribiere CG, L-BFGS).
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

namespace tlsx {

enum class MinimizeAlgorithm : int { fire = 0, cg = 1, lbfgs = 2 };
// Every minimiser, in enum order (tlsx bench times each; the tests run each).
constexpr std::array<MinimizeAlgorithm, 3> kMinimizeAlgorithms = {MinimizeAlgorithm::fire, MinimizeAlgorithm::cg,
                                                                  MinimizeAlgorithm::lbfgs};

// The names the command line and the presets use: "fire", "cg", "lbfgs".
inline const char* minimize_algorithm_name(MinimizeAlgorithm a) {
  return a == MinimizeAlgorithm::cg ? "cg" : a == MinimizeAlgorithm::lbfgs ? "lbfgs" : "fire";
}
// The algorithm called `name`; false (out untouched) for any other name.
inline bool parse_minimize_algorithm(const char* name, MinimizeAlgorithm& out) {
  for (MinimizeAlgorithm a : kMinimizeAlgorithms)
    if (std::strcmp(name, minimize_algorithm_name(a)) == 0) {
      out = a;
      return true;
    }
  return false;
}
// Every name, for the command line's choice lists.
inline std::vector<std::string> minimize_algorithm_names() {
  std::vector<std::string> names;
  for (MinimizeAlgorithm a : kMinimizeAlgorithms) names.push_back(minimize_algorithm_name(a));
  return names;
}

struct MinimizeParams {
  MinimizeAlgorithm algorithm = MinimizeAlgorithm::fire;
  double force_tolerance = 1e-10;  // converged when the largest force component is below this
  int max_iterations = 200000;
  // FIRE 2.0 (Guenole et al., Comput. Mater. Sci. 175, 109584 (2020), Table 1 and Algorithm 2;
  // the same values as LAMMPS's min_style fire defaults), reduced units, unit mass. The paper
  // gives the time steps in units of the MD time step: dt_start = dt_MD, dt_max = 10 dt_MD,
  // dt_min = 0.02 dt_MD, with dt_MD = 0.0025 here (the KA2 time step of the LAMMPS comparison,
  // bench/lammps_compare.sh; not tlsx md's default 0.005). dt_max matters most: the largest
  // vibration frequency of a KA2 inherent structure is omega_max = 46.8 (N = 1200, from the
  // T = 0.4 state of bench/lammps_compare.sh; power iteration on the Hessian), and FIRE's
  // velocity mixing makes the stiff modes unstable well below the bare semi-implicit-Euler limit
  // 2/omega_max = 0.043. Measured from that state to max|F| < 1e-10: dt_max = 0.015 .. 0.0275
  // take 1700-1770 force evaluations, 0.03 takes 9700-13500, 0.035 7700 and 0.05 (10 x tlsx
  // md's dt, the earlier default) 7830; without mixing (alpha_start = 0) 0.04 still takes 1900.
  double fire_dt_start = 0.0025;
  double fire_dt_max = 0.025;
  double fire_dt_min = 5e-5;
  int fire_n_delay = 20;           // N_delay: downhill steps before dt may grow (also the initial delay)
  double fire_f_inc = 1.1;
  double fire_f_dec = 0.5;
  double fire_alpha_start = 0.25;
  double fire_f_alpha = 0.99;
  double fire_max_step = 0.1;      // largest displacement of any coordinate in one step
  // Polak-Ribiere conjugate gradients with a line search on the directional derivative.
  double cg_max_step = 0.1;        // largest displacement of any coordinate in one line search
  double cg_curvature = 0.25;      // line search ends when |F.h| <= cg_curvature |F0.h| (Wolfe c2)
  // L-BFGS (lbfgs.hpp) with the same line search, first trial step 1.
  double lbfgs_max_step = 0.1;     // largest displacement of any coordinate in one line search
  double lbfgs_curvature = 0.9;    // Wolfe c2 (Nocedal & Wright's value for quasi-Newton methods)
};

// Every field equal (the NEB's SurfaceBatcher runs requests with equal parameters in one call).
inline bool operator==(const MinimizeParams& a, const MinimizeParams& b) {
  const auto fields = [](const MinimizeParams& p) {
    return std::tie(p.algorithm, p.force_tolerance, p.max_iterations, p.fire_dt_start, p.fire_dt_max, p.fire_dt_min,
                    p.fire_n_delay, p.fire_f_inc, p.fire_f_dec, p.fire_alpha_start, p.fire_f_alpha, p.fire_max_step,
                    p.cg_max_step, p.cg_curvature, p.lbfgs_max_step, p.lbfgs_curvature);
  };
  return fields(a) == fields(b);
}
inline bool operator!=(const MinimizeParams& a, const MinimizeParams& b) { return !(a == b); }
// A field added to MinimizeParams must join operator== above; this fails until the size is updated.
static_assert(sizeof(MinimizeParams) == 16 * 8, "MinimizeParams changed: update operator== and this size");

struct MinimizeResult {
  double energy = 0.0;             // total potential energy at the end
  double max_force = 0.0;          // largest force component at the end
  std::int64_t iterations = 0;
  std::int64_t force_evaluations = 0;
  int status = 0;                  // 0 converged; 1 neighbour list overflow; 2 iteration limit
  bool converged() const { return status == 0; }
};

}  // namespace tlsx
