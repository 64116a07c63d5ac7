#pragma once
// Thermostats of the MD integrator (md_integrator.hpp): pure scalar functions, evaluated
// redundantly and identically by every worker of a team (docs/architecture.md §2).
//
// Temperature is T = 2 K / f with f = 3N - 3 degrees of freedom (k_B = 1): velocity Verlet with
// pair forces conserves the total momentum, which the initial velocities set to zero.
//
//  - Berendsen (exploration, paper Sec. II D, Ref. [50]): once per step, after the second half-kick,
//    v <- lambda v with lambda = sqrt(1 + dt/tau (T0/T - 1)), the convention of LAMMPS's
//    fix temp/berendsen. It drives T to T0 exponentially with time constant tau but does not
//    sample the canonical ensemble (kinetic-energy fluctuations are suppressed).
//  - Nose-Hoover chain of length M = kNoseHooverChain (preparation, paper Sec. II C: NVT with
//    dt = 0.005): the Martyna-Tuckerman-Klein equations
//        dv_i/dt = F_i/m - v_xi1 v_i
//        dv_xi1/dt = (2K - f T0)/Q_1 - v_xi2 v_xi1,   dv_xik/dt = (Q_{k-1} v_xi(k-1)^2 - T0)/Q_k - v_xi(k+1) v_xik
//    with Q_1 = f T0 tau^2, Q_k = T0 tau^2 (tau = the thermostat period), integrated with the Trotter
//    splitting exp(iL_NHC dt/2) exp(iL_VV dt) exp(iL_NHC dt/2) (Martyna, Tuckerman, Tobias, Klein,
//    Mol. Phys. 87, 1117 (1996); LAMMPS fix nvt with tchain = 3, tloop = 1). The extended energy
//        H = K + U + sum_k Q_k v_xik^2 / 2 + f T0 xi_1 + T0 sum_{k>1} xi_k
//    is conserved and (K, positions) sample the canonical ensemble at T0.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/md_params.hpp"

namespace tlsx {

// Degrees of freedom of n particles with the total momentum fixed.
TLSX_HD TLSX_INLINE double degrees_of_freedom(int n) { return 3.0 * n - 3.0; }

// Berendsen velocity scale for kinetic energy `kinetic` (1 when K = 0: nothing to scale).
TLSX_HD TLSX_INLINE double berendsen_scale(double kinetic, double dof, double target_t, double dt, double tau) {
  if (!(kinetic > 0.0)) return 1.0;
  const double t = 2.0 * kinetic / dof;
  return sqrt(1.0 + dt / tau * (target_t / t - 1.0));
}

// Thermostat masses Q_k (Martyna-Klein-Tuckerman choice: Q_1 couples to all f degrees of freedom).
TLSX_HD TLSX_INLINE double nose_hoover_mass(int k, double dof, double target_t, double tau) {
  return (k == 0 ? dof : 1.0) * target_t * tau * tau;
}

// exp(iL_NHC dt/2): advances the chain (xi, v_xi) by half a step for particles of kinetic energy
// `kinetic` and returns the factor by which the particle velocities are to be scaled.
TLSX_HD inline double nose_hoover_half_step(double* xi, double* v_xi, double kinetic, double dof, double target_t,
                                            double tau, double dt) {
  constexpr int m = kNoseHooverChain;
  double q[m];
  for (int k = 0; k < m; ++k) q[k] = nose_hoover_mass(k, dof, target_t, tau);
  const double dt2 = 0.5 * dt, dt4 = 0.25 * dt, dt8 = 0.125 * dt;
  // Force on thermostat k (k = 0: the particles' kinetic energy against its target).
  auto g = [&](int k, double twice_kinetic) {
    return k == 0 ? (twice_kinetic - dof * target_t) / q[0] : (q[k - 1] * v_xi[k - 1] * v_xi[k - 1] - target_t) / q[k];
  };
  double twice_kinetic = 2.0 * kinetic;
  // Quarter step of the chain from its end down to the first thermostat.
  v_xi[m - 1] += dt4 * g(m - 1, twice_kinetic);
  for (int k = m - 2; k >= 0; --k) {
    const double damp = exp(-dt8 * v_xi[k + 1]);
    v_xi[k] = (v_xi[k] * damp + dt4 * g(k, twice_kinetic)) * damp;
  }
  // Half step of the particle velocities and of the thermostat positions.
  const double scale = exp(-dt2 * v_xi[0]);
  twice_kinetic *= scale * scale;
  for (int k = 0; k < m; ++k) xi[k] += dt2 * v_xi[k];
  // Quarter step back up the chain.
  for (int k = 0; k < m - 1; ++k) {
    const double damp = exp(-dt8 * v_xi[k + 1]);
    v_xi[k] = (v_xi[k] * damp + dt4 * g(k, twice_kinetic)) * damp;
  }
  v_xi[m - 1] += dt4 * g(m - 1, twice_kinetic);
  return scale;
}

// The chain's contribution to the conserved extended energy H (see the header comment).
TLSX_HD inline double nose_hoover_energy(const double* xi, const double* v_xi, double dof, double target_t,
                                         double tau) {
  double e = 0.0;
  for (int k = 0; k < kNoseHooverChain; ++k) {
    e += 0.5 * nose_hoover_mass(k, dof, target_t, tau) * v_xi[k] * v_xi[k];
    e += (k == 0 ? dof : 1.0) * target_t * xi[k];
  }
  return e;
}

}  // namespace tlsx
