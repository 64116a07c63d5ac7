#pragma once
// FIRE 2.0 (Guenole et al., Comput. Mater. Sci. 175, 109584 (2020), Algorithm 2 with the
// semi-implicit Euler integrator and unit masses) over one flat vector of coordinates. The band
// algorithms run it on the concatenation of all moving images, so that the power P = F . v and the
// norms |F|, |v| of the velocity mixing are global over the band (the band relaxes as one object,
// as LAMMPS's damped-dynamics NEB does); the default PathSurface::minimize runs it on one
// configuration. Host code: the expensive part, the forces, is behind the callback.
#include <algorithm>
#include <cmath>
#include <vector>

namespace tlsx {

struct FireParams {
  double dt_start = 0.005;
  double dt_max = 0.05;
  double dt_min = 1e-4;
  int n_delay = 5;            // steps with P > 0 before dt may grow; also the initial delay
  double f_inc = 1.1;
  double f_dec = 0.5;
  double alpha_start = 0.25;
  double f_alpha = 0.99;
  double max_step = 0.1;      // largest change of any coordinate in one step
};

struct FireOutcome {
  bool converged = false;
  long iterations = 0;          // FIRE steps taken
  long force_evaluations = 0;   // calls of the force callback
  double measure = 0.0;         // the convergence measure returned by the last force call
  bool stalled = false;         // (L-BFGS, lbfgs_descent.hpp) stopped: too many steps undone in a row
};

// Relaxes x. force(x, f) fills f with the driving force at x and returns the convergence measure
// (e.g. the largest force component); converged when it is below `tolerance`. after_step(x) is
// called after every position update and may move x (the string method reparametrises there).
// Stops after max_iterations steps, or at once when the measure is not finite.
template <class Force, class AfterStep>
FireOutcome fire_descend(std::vector<double>& x, Force&& force, AfterStep&& after_step, const FireParams& p,
                         double tolerance, long max_iterations) {
  const std::size_t n = x.size();
  std::vector<double> v(n, 0.0), f(n, 0.0);
  FireOutcome out;
  double dt = p.dt_start, alpha = p.alpha_start;
  double last_step = 0.0;  // x moved by last_step * v in the previous step
  long positive_steps = 0;
  out.measure = force(x, f);
  ++out.force_evaluations;
  for (long it = 0;; ++it) {
    if (out.measure < tolerance) {
      out.converged = true;
      break;
    }
    if (it >= max_iterations || !std::isfinite(out.measure)) break;
    double power = 0.0;
    for (std::size_t k = 0; k < n; ++k) power += f[k] * v[k];
    if (power > 0.0) {
      if (++positive_steps > p.n_delay) {
        dt = std::min(dt * p.f_inc, p.dt_max);
        alpha *= p.f_alpha;
      }
    } else {
      positive_steps = 0;
      if (it >= p.n_delay && dt * p.f_dec >= p.dt_min) {
        dt *= p.f_dec;
        alpha = p.alpha_start;
      }
      // Step back half of the last (uphill) step, as it was taken, and stop.
      for (std::size_t k = 0; k < n; ++k) {
        x[k] -= 0.5 * last_step * v[k];
        v[k] = 0.0;
      }
    }
    double v2 = 0.0, f2 = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      v[k] += dt * f[k];
      v2 += v[k] * v[k];
      f2 += f[k] * f[k];
    }
    if (f2 > 0.0) {
      const double mix = alpha * std::sqrt(v2 / f2);
      for (std::size_t k = 0; k < n; ++k) v[k] = (1.0 - alpha) * v[k] + mix * f[k];
    }
    double largest = 0.0;
    for (std::size_t k = 0; k < n; ++k) largest = std::max(largest, std::fabs(dt * v[k]));
    last_step = largest > p.max_step ? dt * p.max_step / largest : dt;
    for (std::size_t k = 0; k < n; ++k) x[k] += last_step * v[k];
    after_step(x);
    out.measure = force(x, f);
    ++out.force_evaluations;
    out.iterations = it + 1;
  }
  return out;
}

}  // namespace tlsx
