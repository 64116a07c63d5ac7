#pragma once
// Glass preparation (paper Sec. II C; DESIGN.md §1): N_g independent equilibrium configurations at
// the fictive temperature T_f from random starts: overlap removal, a melt at high T, then hybrid
// swap Monte Carlo / MD at T_f (blocks of swap_every MD steps, Nose-Hoover, alternating with sweeps
// of swap_attempts attempted species exchanges). The energy and the self-intermediate scattering
// function F_s(q = 7.2, t) are sampled as evidence of equilibration.
#include <cstdint>
#include <string>

#include "tlsx/backend/backend.hpp"
#include "tlsx/pipeline/glass_set.hpp"

namespace tlsx {

struct PrepareOptions {
  int n = 1200;
  int glasses = 4;
  std::int64_t first_glass = 0;     // global id of the first glass (shards: --first-glass)
  double fictive_temperature = 0.617;
  std::uint64_t seed = 1;
  double melt_temperature = 2.0;
  std::int64_t melt_steps = 4000;
  std::int64_t steps = 100000;      // swap MC/MD steps at T_f
  double dt = 0.005;
  int swap_every = 10;
  int swap_attempts = -1;           // -1: 1.75 N (the paper)
  double tau_t = 0.0;               // 0: 100 dt
  std::int64_t sample_every = 0;    // 0: steps / 100
  double fs_wavenumber = 7.2;
};

// Self-intermediate scattering function F_s(q, t) = (1/3N) sum_i sum_axes cos(q (x_i(t) - x_i(0))),
// positions unwrapped (SoA, 3n each).
double self_intermediate_scattering(const double* now, const double* start, int n, double q);

// First time the sampled F_s falls below 1/e (linear interpolation); negative when it never does.
double relaxation_time(const std::vector<double>& time, const double* fs);

// Evidence that the swap MC/MD run equilibrated: averages over glasses.
struct EquilibrationSummary {
  double energy_mean = 0.0;       // final e/N
  double energy_drift = 0.0;      // e/N change over the second half of the run (linear fit), mean
  double energy_std_second_half = 0.0;  // fluctuation of e/N over the second half, mean
  double fs_final = 0.0;          // F_s(q, t_end), mean
  double tau_alpha = -1.0;        // mean first time F_s < 1/e over the glasses that relaxed (-1: none)
  int relaxed = 0;                // glasses whose F_s fell below 1/e
  double relaxations = 0.0;       // run time / tau_alpha
  double swap_acceptance = 0.0;
};
EquilibrationSummary summarize_equilibration(const GlassSet& g);

// Runs the protocol on the backend; progress on stderr.
GlassSet prepare_glasses(const PrepareOptions& o, const Model& model, Backend& backend);

// The options as TOML text (stored in the glass file).
std::string prepare_config_toml(const PrepareOptions& o);

}  // namespace tlsx
