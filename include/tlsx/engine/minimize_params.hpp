#pragma once
// Parameters and results of energy minimisation (FIRE 2.0, Polak-Ribiere CG).
#include <cstdint>

namespace tlsx {

enum class MinimizeAlgorithm : int { fire = 0, cg = 1 };

struct MinimizeParams {
  MinimizeAlgorithm algorithm = MinimizeAlgorithm::fire;
  double force_tolerance = 1e-10;  // converged when the largest force component is below this
  int max_iterations = 200000;
  // FIRE 2.0 (Guenole et al., Comput. Mater. Sci. 175, 109584 (2020)), reduced units, unit mass.
  // The paper's (and LAMMPS's) defaults are N_delay = 20, f_inc = 1.1, f_dec = 0.5, alpha_start =
  // 0.25, f_alpha = 0.99, dt_max = 10 dt_MD, dt_min = 0.02 dt_MD; dt_start and dt_max are tuned for
  // KA2 (docs/engine-minimize.md).
  double fire_dt_start = 0.005;
  double fire_dt_max = 0.05;
  double fire_dt_min = 1e-4;
  int fire_n_delay = 20;
  double fire_f_inc = 1.1;
  double fire_f_dec = 0.5;
  double fire_alpha_start = 0.25;
  double fire_f_alpha = 0.99;
  double fire_max_step = 0.1;      // largest displacement of any coordinate in one step
  // Polak-Ribiere conjugate gradients with a line search on the directional derivative.
  double cg_max_step = 0.1;        // largest displacement of any coordinate in one line search
  double cg_curvature = 0.25;      // line search ends when |F.h| <= cg_curvature |F0.h| (Wolfe c2)
};

struct MinimizeResult {
  double energy = 0.0;             // total potential energy at the end
  double max_force = 0.0;          // largest force component at the end
  std::int64_t iterations = 0;
  std::int64_t force_evaluations = 0;
  int status = 0;                  // 0 converged; 1 neighbour list overflow; 2 iteration limit
  bool converged() const { return status == 0; }
};

}  // namespace tlsx
