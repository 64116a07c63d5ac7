#pragma once
// Polak-Ribiere conjugate-gradient energy minimisation of one replica (Team-templated, shared by
// both backends); the paper quenches to inherent structures with conjugate gradients (Sec. II D).
//
// With F = -grad U and the search direction h:
//   h_0 = F_0
//   x_{k+1} = x_k + a_k h_k, a_k from the line search on F . h (line_search.hpp), capped so that no
//             coordinate moves more than cg_max_step
//   beta_k = max(0, F_{k+1} . (F_{k+1} - F_k) / (F_k . F_k))          (Polak-Ribiere "PR+")
//   h_{k+1} = F_{k+1} + beta_k h_k
// restarting along the steepest descent (beta = 0) every 3n iterations, when h is not a descent
// direction (F . h <= 0), and when a line search finds no acceptable point. A line search that
// fails along the steepest descent itself means no further progress is possible: status 2.
// The first trial step of each line search is a_{k-1} (F_{k-1} . h_{k-1}) / (F_k . h_k) (equal
// first-order change; Nocedal & Wright, Numerical Optimization, Eq. 3.60).
// Workspace: replica.scratch holds h, the previous forces and the line-search origin.
// One iteration is one line search; every trial step costs one force evaluation.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/line_search.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/minimizer_forces.hpp"

namespace tlsx {

template <class Team>
TLSX_HD MinimizeResult minimize_cg(const Team& team, const PairTable& table, const ReplicaView& r,
                                   const MinimizeParams& p) {
  const int n = r.n;
  const int m = 3 * n;
  double* h = r.scratch;
  double* f_prev = r.scratch + m;
  double* x0 = r.scratch + 2 * m;
  const double* f = r.force;
  MinimizeResult out;

  if (!minimizer_forces(team, table, r, true, out)) return out;
  out.max_force = max_abs3n(team, n, f);
  if (out.max_force < p.force_tolerance) return out;

  team.for_each(m, [&](int k) { h[k] = f[k]; });
  double ff_prev = dot3n(team, n, f, f);
  double fh = ff_prev;  // F . h, positive for a descent direction
  double step_prev = 0.0;
  int since_restart = 0;
  while (out.max_force >= p.force_tolerance) {
    if (out.iterations >= p.max_iterations) {
      out.status = 2;
      break;
    }
    team.sync();
    const double a_max = p.cg_max_step / max_abs3n(team, n, h);
    // First trial step: the previous accepted step (Polak-Ribiere directions keep a similar scale),
    // 0.1 of the largest allowed step at the start and after a restart.
    const double a_guess = step_prev > 0.0 ? step_prev : 0.1 * a_max;
    const LineSearchResult ls =
        line_search_iteration(team, table, r, x0, f_prev, h, fh, a_guess, a_max, p.cg_curvature, out);
    if (ls.status == 1) return out;  // overflow: out.status is 1
    if (ls.status == 2) {
      if (since_restart == 0) {  // no progress even along the steepest descent
        out.status = 2;
        break;
      }
      team.for_each(m, [&](int k) { h[k] = f[k]; });
      fh = ff_prev;
      step_prev = 0.0;
      since_restart = 0;
      continue;
    }
    if (out.max_force < p.force_tolerance) break;

    // New conjugate direction.
    const Pair2 ff_fprev = team.sum2(m, [&](int k) { return Pair2{f[k] * f[k], f[k] * f_prev[k]}; });
    const double f_hold = dot3n(team, n, f, h);
    double beta = fmax(0.0, (ff_fprev.a - ff_fprev.b) / ff_prev);
    if (++since_restart >= m) beta = 0.0;
    double fh_new = ff_fprev.a + beta * f_hold;
    if (fh_new <= 0.0) {  // not a descent direction
      beta = 0.0;
      fh_new = ff_fprev.a;
    }
    if (beta == 0.0) since_restart = 0;
    team.sync();
    team.for_each(m, [&](int k) { h[k] = f[k] + beta * h[k]; });
    step_prev = ls.step;
    fh = fh_new;
    ff_prev = ff_fprev.a;
  }
  team.sync();
  return out;
}

}  // namespace tlsx
