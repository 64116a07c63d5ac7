#pragma once
// FIRE 2.0 energy minimisation of one replica (Team-templated, shared by both backends).
//
// Guenole, Noehring, Vaid, Houlle, Xie, Prakash, Bitzek, Comput. Mater. Sci. 175, 109584 (2020),
// Algorithm 2 ("FIRE 2.0"), the minimiser the paper uses for its string-method images (ref. [53]):
//   P = F . v
//   P > 0:  after more than N_delay such steps in a row, dt <- min(f_inc dt, dt_max), alpha <- f_alpha alpha
//   P <= 0: dt <- f_dec dt (not below dt_min), alpha <- alpha_start, except during the first
//           N_delay steps ("initialdelay"); x <- x - dt v / 2 ("halfstepback"), v <- 0
//   semi-implicit Euler:  v <- v + dt F / m,  v <- (1 - alpha) v + alpha |v| F/|F| (only when P > 0),
//                         x <- x + dt v,  with the step shortened so no coordinate moves more than
//                         fire_max_step.
// The parameters and their defaults (the paper's Table 1, as in LAMMPS; dt_max below the
// stability limit of the stiffest vibration) are in minimize_params.hpp.
// Unit mass (the KA2 masses are all 1; a common mass only rescales dt). The velocities are
// replica.vel: zero at the start and at the end. The half step back is taken with the length of
// the last step when the displacement cap shortened it, so it never overshoots the point it came
// from. Each iteration is one Euler step and one force evaluation, plus one more after a half
// step back (the forces of the backed-up positions).
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/minimizer_forces.hpp"

namespace tlsx {

template <class Team>
TLSX_HD MinimizeResult minimize_fire(const Team& team, const PairTable& table, const ReplicaView& r,
                                     const MinimizeParams& p) {
  const int m = 3 * r.n;
  double* x = r.pos;
  double* v = r.vel;
  const double* f = r.force;
  MinimizeResult out;

  team.for_each(m, [&](int k) { v[k] = 0.0; });
  bool ok = minimizer_forces(team, table, r, true, out);
  if (ok) out.max_force = max_abs3n(team, r.n, f);

  double dt = p.fire_dt_start;
  double alpha = p.fire_alpha_start;
  double last_step = dt;   // the time step actually used by the last move
  int downhill_steps = 0;  // consecutive steps with P > 0
  while (ok && out.max_force >= p.force_tolerance) {
    if (out.iterations >= p.max_iterations) {
      out.status = 2;
      break;
    }
    const Pair2 pv = team.sum2(m, [&](int k) { return Pair2{f[k] * v[k], v[k] * v[k]}; });
    const bool downhill = pv.a > 0.0;
    if (downhill) {
      if (++downhill_steps > p.fire_n_delay) {
        dt = fmin(dt * p.fire_f_inc, p.fire_dt_max);
        alpha *= p.fire_f_alpha;
      }
    } else {
      downhill_steps = 0;
      if (out.iterations >= p.fire_n_delay) {  // no slowing down during the initial delay
        if (dt * p.fire_f_dec >= p.fire_dt_min) dt *= p.fire_f_dec;
        alpha = p.fire_alpha_start;
      }
      if (pv.b > 0.0) {
        // Went uphill: back up half a step, stop, and restart from the forces there.
        const double back = 0.5 * fmin(dt, last_step);
        team.for_each(m, [&](int k) {
          x[k] -= back * v[k];
          v[k] = 0.0;
        });
        ok = minimizer_forces(team, table, r, false, out);
        if (!ok) break;
        out.max_force = max_abs3n(team, r.n, f);
        if (out.max_force < p.force_tolerance) break;
      }
    }

    // Semi-implicit Euler step with FIRE's velocity mixing.
    team.for_each(m, [&](int k) { v[k] += dt * f[k]; });
    if (downhill) {
      team.sync();
      const Pair2 vf = team.sum2(m, [&](int k) { return Pair2{v[k] * v[k], f[k] * f[k]}; });
      const double keep = 1.0 - alpha;
      const double steer = vf.b > 0.0 ? alpha * sqrt(vf.a / vf.b) : 0.0;
      team.for_each(m, [&](int k) { v[k] = keep * v[k] + steer * f[k]; });
    }
    team.sync();
    const double vmax = max_abs3n(team, r.n, v);
    last_step = dt * vmax > p.fire_max_step ? p.fire_max_step / vmax : dt;
    team.for_each(m, [&](int k) { x[k] += last_step * v[k]; });
    ++out.iterations;

    ok = minimizer_forces(team, table, r, false, out);
    if (ok) out.max_force = max_abs3n(team, r.n, f);
  }

  team.sync();
  team.for_each(m, [&](int k) { v[k] = 0.0; });
  team.sync();
  return out;
}

}  // namespace tlsx
