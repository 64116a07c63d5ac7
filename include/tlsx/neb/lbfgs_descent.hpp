#pragma once
// Global L-BFGS over one flat vector of coordinates, driven by a force that need not be a gradient:
// the band force of a nudged elastic band or string (band.hpp), following Sheppard, Terrell &
// Henkelman, J. Chem. Phys. 128, 134106 (2008), who found a global L-BFGS on the concatenated band
// the fastest band optimiser. There is no energy to line-search on (the projected band force is not
// the gradient of anything), so, as there:
//   - the step is d = H F with H the L-BFGS inverse Hessian from the last `memory` pairs
//     (s = x_new - x_old, y = F_old - F_new; Nocedal & Wright, Algorithm 7.4), scaled initially by
//     gamma = s.y / y.y of the newest pair (initial_inverse_curvature before the first pair);
//   - when d points against F (d . F <= 0) the memory is dropped and the step is gamma F;
//   - the step is scaled down so that no coordinate moves more than the trust step (at most
//     max_step);
//   - a step after which the force norm |F| has grown by more than max_force_growth is undone: the
//     memory is dropped and the trust step set to half that step (the force field is not a gradient and its
//     improved tangent switches discontinuously: a quasi-Newton step can overshoot into another
//     valley, which on a band means another path); each accepted step lets the trust step grow
//     back by trust_grow;
//   - a pair without positive curvature (s.y <= 0) is not stored.
// A caller may reparametrise the coordinates after each step (the string method's redistribution,
// a motion along the path) and project the pairs (s, y) onto the space its force acts in (the
// perpendicular space of each image), so that the reparametrisation does not pollute the curvature
// the memory holds.
//
// Plain state with init and step functions: a descent is lbfgs_descent_init then steps until
// converged; k calls of lbfgs_descent_step are the run of k steps, bit for bit.
#include <algorithm>
#include <cmath>
#include <vector>

#include "tlsx/neb/fire_descent.hpp"

namespace tlsx {

struct LbfgsDescentParams {
  int memory = 20;                          // (s, y) pairs kept
  double max_step = 0.05;                   // largest change of any coordinate in one step (sigma)
  double initial_inverse_curvature = 0.01;  // H = this before the first pair (sigma^2 / eps)
  // gamma is clamped to [min, max] inverse curvature, a guard against a nearly flat or nearly
  // singular pair (sigma^2 / eps).
  double min_inverse_curvature = 1e-5;
  double max_inverse_curvature = 1e3;
  double max_force_growth = 2.0;  // |F| after / before above which a step is undone
  double trust_grow = 1.25;       // trust step factor after an accepted step
  // A descent with this many steps undone in a row stops as stalled: the caller goes on with a more
  // robust method (the band: FIRE).
  int max_undone_in_a_row = 30;
};

struct LbfgsDescentState {
  std::vector<double> x, f;            // current point and the force there
  std::vector<std::vector<double>> s, y;  // ring of the last pairs
  std::vector<double> rho;             // 1 / (s . y) per stored pair
  int newest = -1, stored = 0;         // ring position of the newest pair, pairs stored
  double gamma = 0.0;                  // initial inverse Hessian scale
  double measure = 0.0;                // convergence measure at x (returned by the force)
  long iterations = 0, force_evaluations = 0;
  double trust_step = 0.0;             // current largest coordinate move (<= max_step)
  bool at_rejected = false;            // the last force evaluation was at an undone step
  bool stalled = false;                // max_undone_in_a_row steps were undone in a row
  int undone_in_a_row = 0;
  long memory_resets = 0;              // steps that dropped the memory (d . F <= 0 or undone)
  long rejected_steps = 0;             // steps undone
};

namespace lbfgs_detail {
inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
  return s;
}
}  // namespace lbfgs_detail

// Starts a descent at x: one force evaluation.
template <class Force>
void lbfgs_descent_init(LbfgsDescentState& st, std::vector<double> x, Force&& force, const LbfgsDescentParams& p) {
  st = LbfgsDescentState{};
  st.x = std::move(x);
  st.f.assign(st.x.size(), 0.0);
  st.s.assign(std::max(1, p.memory), std::vector<double>(st.x.size(), 0.0));
  st.y = st.s;
  st.rho.assign(st.s.size(), 0.0);
  st.gamma = p.initial_inverse_curvature;
  st.trust_step = p.max_step;
  st.measure = force(st.x, st.f);
  st.force_evaluations = 1;
}

// One step: direction, cap, move, after_step(x), force, memory update. project(v) maps a pair
// vector into the space the force acts in (identity for a conservative force).
template <class Force, class AfterStep, class Project>
void lbfgs_descent_step(LbfgsDescentState& st, Force&& force, AfterStep&& after_step, Project&& project,
                        const LbfgsDescentParams& p) {
  using lbfgs_detail::dot;
  const std::size_t n = st.x.size();
  const int cap = static_cast<int>(st.s.size());
  // Two-loop recursion: d = H f.
  std::vector<double> d(st.f);
  std::vector<double> a(cap, 0.0);
  for (int i = 0; i < st.stored; ++i) {
    const int k = (st.newest - i + cap) % cap;
    a[k] = st.rho[k] * dot(st.s[k], d);
    for (std::size_t c = 0; c < n; ++c) d[c] -= a[k] * st.y[k][c];
  }
  for (std::size_t c = 0; c < n; ++c) d[c] *= st.gamma;
  for (int i = st.stored - 1; i >= 0; --i) {
    const int k = (st.newest - i + cap) % cap;
    const double b = st.rho[k] * dot(st.y[k], d);
    for (std::size_t c = 0; c < n; ++c) d[c] += (a[k] - b) * st.s[k][c];
  }
  if (!(dot(d, st.f) > 0.0)) {  // not a descent direction: forget the curvature seen so far
    st.stored = 0;
    st.newest = -1;
    ++st.memory_resets;
    for (std::size_t c = 0; c < n; ++c) d[c] = st.gamma * st.f[c];
  }
  double largest = 0.0;
  for (double v : d) largest = std::max(largest, std::fabs(v));
  if (largest > st.trust_step)
    for (double& v : d) v *= st.trust_step / largest;

  std::vector<double> x_old(st.x), f_old(st.f);
  const double measure_old = st.measure, f2_old = dot(st.f, st.f);
  for (std::size_t c = 0; c < n; ++c) st.x[c] += d[c];
  after_step(st.x);
  st.measure = force(st.x, st.f);
  ++st.force_evaluations;
  ++st.iterations;
  const double f2 = dot(st.f, st.f);
  if (std::isfinite(st.measure) &&
      !(f2 <= p.max_force_growth * p.max_force_growth * f2_old)) {  // overshoot: undo, forget, shrink
    st.x.swap(x_old);
    st.f.swap(f_old);
    st.measure = measure_old;
    st.stored = 0;
    st.newest = -1;
    // Half the step just undone (not of the cap, which may be far larger than the steps near
    // convergence).
    st.trust_step = 0.5 * std::min(st.trust_step, largest);
    st.stalled = ++st.undone_in_a_row >= p.max_undone_in_a_row;
    st.at_rejected = true;
    ++st.rejected_steps;
    ++st.memory_resets;
    return;
  }
  st.at_rejected = false;
  st.undone_in_a_row = 0;
  st.trust_step = std::min(p.max_step, st.trust_step * p.trust_grow);

  std::vector<double> s(n), y(n);
  for (std::size_t c = 0; c < n; ++c) {
    s[c] = st.x[c] - x_old[c];
    y[c] = f_old[c] - st.f[c];
  }
  project(s);
  project(y);
  const double sy = dot(s, y), yy = dot(y, y);
  if (sy > 0.0 && yy > 0.0 && std::isfinite(sy)) {
    st.newest = (st.newest + 1) % cap;
    st.s[st.newest].swap(s);
    st.y[st.newest].swap(y);
    st.rho[st.newest] = 1.0 / sy;
    st.stored = std::min(st.stored + 1, cap);
    st.gamma = std::clamp(sy / yy, p.min_inverse_curvature, p.max_inverse_curvature);
  }
}

// The whole descent, with the outcome in FIRE's terms: converged when the measure is below
// tolerance; stops after max_iterations steps, at once when the measure is not finite, or stalled.
template <class Force, class AfterStep, class Project>
FireOutcome lbfgs_descend(std::vector<double>& x, Force&& force, AfterStep&& after_step, Project&& project,
                          const LbfgsDescentParams& p, double tolerance, long max_iterations) {
  LbfgsDescentState st;
  lbfgs_descent_init(st, std::move(x), force, p);
  while (!(st.measure < tolerance) && st.iterations < max_iterations && std::isfinite(st.measure) && !st.stalled)
    lbfgs_descent_step(st, force, after_step, project, p);
  if (st.at_rejected) {  // the caller's state (a band's tangents, energies) is that of the undone step
    st.measure = force(st.x, st.f);
    ++st.force_evaluations;
  }
  FireOutcome out;
  out.converged = st.measure < tolerance;
  out.iterations = st.iterations;
  out.force_evaluations = st.force_evaluations;
  out.measure = st.measure;
  out.stalled = st.stalled;
  x = std::move(st.x);
  return out;
}

}  // namespace tlsx
