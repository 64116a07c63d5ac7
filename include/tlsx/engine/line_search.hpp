#pragma once
// Line search along a direction h for the conjugate-gradient minimiser (Team-templated).
//
// Minimises phi(a) = U(x0 + a h) by finding a zero of its derivative phi'(a) = -F(x0 + a h) . h,
// not by comparing energies: near a minimum with forces ~1e-10 the energy changes by ~1e-20 of
// U ~ -7500, far below double-precision resolution, whereas F . h is still computed to a few
// digits (each force component is accurate to ~1e-14). Steps:
//   - bracketing: from a = 0 (slope phi'(0) < 0) try a trial step; while the slope stays negative,
//     extrapolate by the secant of phi' (at most 4x the last step, never past a_max, the step at
//     which some coordinate would move cg_max_step);
//   - once the slope turns positive (or the energy rose), the zero lies in [lo, hi]: take the
//     secant (regula falsi) point of phi', kept 10% inside the bracket, or bisect when the upper
//     end has no usable slope;
//   - accept a when |phi'(a)| <= c2 |phi'(0)| (the strong Wolfe curvature condition) and
//     phi(a) <= phi(0) + c1 a phi'(0) + noise (sufficient decrease, with a tolerance for round-off
//     in the energy sum so that it only acts where the energy is resolved);
//   - accept a_max when the slope is still negative there (the step cap);
//   - after kLineSearchMaxTrials trials, fall back to the lower end (the last point with a negative
//     slope and an acceptable energy); when that is a = 0, return to x0 and report failure (the
//     caller restarts along the steepest descent).
// The accepted point is always the last one evaluated, so positions, forces and energy agree.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/minimizer_forces.hpp"

namespace tlsx {

struct LineSearchResult {
  double step = 0.0;  // accepted a (positions are x0 + a h)
  int status = 0;     // 0 accepted; 1 neighbour list overflow; 2 no acceptable point found
};

// Sufficient-decrease constant c1 of the Armijo condition.
constexpr double kLineSearchArmijo = 1e-4;
// Relative round-off allowance in comparing total energies (~10x the rounding of a sum of 1e5 pair
// energies of a system with |U| ~ 1e4).
constexpr double kEnergyRoundoff = 1e-13;
constexpr int kLineSearchMaxTrials = 30;

// x0: the starting positions (3n), h: the direction (3n), e0 and slope0 = -F(x0) . h < 0 at a = 0,
// a_guess: the first trial step, a_max: the largest allowed step. On return the replica sits at
// x0 + step h with its forces and out.energy.
template <class Team>
TLSX_HD LineSearchResult line_search(const Team& team, const PairTable& table, const ReplicaView& r,
                                     const double* x0, const double* h, double e0, double slope0, double a_guess,
                                     double a_max, double c2, MinimizeResult& out) {
  const int m = 3 * r.n;
  const double noise = kEnergyRoundoff * (fabs(e0) + 1.0);
  LineSearchResult res;

  // Moves to x0 + a h and evaluates; returns false on overflow.
  double e = e0, slope = slope0;
  auto evaluate_at = [&](double a) {
    team.for_each(m, [&](int k) { r.pos[k] = x0[k] + a * h[k]; });
    if (!minimizer_forces(team, table, r, false, out)) return false;
    e = out.energy;
    slope = -dot3n(team, r.n, r.force, h);
    return true;
  };

  double lo = 0.0, slope_lo = slope0;  // last step known to lie before the zero of phi'
  double hi = -1.0, slope_hi = 0.0;    // first step known to lie beyond it (hi < 0: none yet)
  bool hi_has_slope = false;
  double a = fmin(a_guess, a_max);
  double last = 0.0;  // the step evaluated last
  for (int trial = 0; trial < kLineSearchMaxTrials; ++trial) {
    if (!evaluate_at(a)) {
      res.status = 1;
      return res;
    }
    last = a;
    const bool decrease = e <= e0 + kLineSearchArmijo * a * slope0 + noise;
    if (decrease && fabs(slope) <= -c2 * slope0) {
#ifdef TLSX_LS_DEBUG
      printf("LS trials %d guess %.3g a %.3g amax %.3g d/d0 %.3f\n", trial + 1, a_guess, a, a_max, slope / slope0);
#endif
      res.step = a;
      return res;
    }
    if (decrease && slope < 0.0) {
      // Still descending: a becomes the lower end.
      const double previous = lo, slope_previous = slope_lo;
      lo = a;
      slope_lo = slope;
      if (hi < 0.0) {
        if (a >= a_max) {  // the step cap: accept the capped step
          res.step = a;
          return res;
        }
        // Secant of phi' through the last two points; with non-positive curvature, expand.
        double next = 4.0 * a;
        if (slope > slope_previous) next = a - slope * (a - previous) / (slope - slope_previous);
        next = fmax(next, 1.1 * a);
        next = fmin(next, 4.0 * a);
        a = fmin(next, a_max);
        continue;
      }
    } else {
      // Beyond the zero of phi' (or the energy rose): a becomes the upper end.
      hi = a;
      slope_hi = slope;
      hi_has_slope = slope >= 0.0;  // a negative slope with a higher energy: bisect instead
    }
    // Bracketed: the zero of phi' lies in (lo, hi).
    const double width = hi - lo;
    double next = 0.5 * (lo + hi);
    if (hi_has_slope && slope_hi > slope_lo) next = lo - slope_lo * width / (slope_hi - slope_lo);
    next = fmax(next, lo + 0.1 * width);
    next = fmin(next, hi - 0.1 * width);
    a = next;
  }

  // Out of trials: fall back to the lower end, which is x0 itself when no step made progress.
  if (last != lo && !evaluate_at(lo)) {
    res.status = 1;
    return res;
  }
  res.step = lo;
  res.status = lo > 0.0 ? 0 : 2;
  return res;
}

// One iteration of a line-search minimiser (CG, L-BFGS): remembers the origin x0 and the forces f0
// there, searches along d (F . d = fd > 0), counts the iteration and, unless the neighbour list
// overflowed (status 1), refreshes out.max_force for the positions the search left.
template <class Team>
TLSX_HD LineSearchResult line_search_iteration(const Team& team, const PairTable& table, const ReplicaView& r,
                                               double* x0, double* f0, const double* d, double fd, double a_guess,
                                               double a_max, double c2, MinimizeResult& out) {
  team.for_each(3 * r.n, [&](int k) {
    x0[k] = r.pos[k];
    f0[k] = r.force[k];
  });
  team.sync();
  const LineSearchResult ls = line_search(team, table, r, x0, d, out.energy, -fd, a_guess, a_max, c2, out);
  ++out.iterations;
  if (ls.status != 1) out.max_force = max_abs3n(team, r.n, r.force);
  return ls;
}

}  // namespace tlsx
