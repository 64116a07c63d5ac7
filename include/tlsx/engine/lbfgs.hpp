#pragma once
// Limited-memory BFGS energy minimisation of one replica (Team-templated, shared by both backends).
// An alternative to the paper's conjugate gradients (Sec. II D) for the quenches: the same inherent
// structures are the targets, reached with fewer force evaluations (bench/RESULTS.md).
//
// With F = -grad U, the last kLbfgsMemory steps s_i = x_{i+1} - x_i and force changes
// y_i = F_i - F_{i+1} (gradient differences), the search direction is d = H F, where H is the
// L-BFGS approximation of the inverse Hessian built by the two-loop recursion (Nocedal & Wright,
// Numerical Optimization, 2nd ed., Algorithm 7.4) on the initial matrix gamma I with
// gamma = s.y / y.y of the newest pair (their Eq. 7.20):
//   q = F;  for i newest..oldest: alpha_i = rho_i s_i.q,  q -= alpha_i y_i      (rho_i = 1 / y_i.s_i)
//   d = gamma q;  for i oldest..newest: beta = rho_i y_i.d,  d += (alpha_i - beta) s_i
// x_{k+1} = x_k + a d, with a from the line search on F . d (line_search.hpp): first trial a = 1,
// accepted under the Wolfe curvature condition with c2 = lbfgs_curvature (0.9, Algorithm 7.5), the
// step capped so that no coordinate moves more than lbfgs_max_step. The memory is emptied (steepest
// descent, first trial step 0.1 of the cap) at the start, when d is not a descent direction, when a
// line search finds no acceptable point, and when a pair has y.s <= 0 (no positive curvature to
// learn from, e.g. after a capped step). A line search that fails along the steepest descent
// itself means no further progress: status 2.
// Workspace: replica.scratch holds s_0..s_{M-1}, y_0..y_{M-1} and d (2M + 1 vectors of 3n). The
// slot of the next pair doubles as the line search's origin x0 and the old forces, so nothing else
// is stored. One iteration is one line search; every trial step costs one force evaluation.
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/engine/line_search.hpp"
#include "tlsx/engine/minimize_params.hpp"
#include "tlsx/engine/minimizer_forces.hpp"
#include "tlsx/engine/replica.hpp"

namespace tlsx {

static_assert(2 * kLbfgsMemory + 1 <= kScratchVectors, "the replica's scratch must hold the L-BFGS pairs");

// The remembered pairs: a ring of `stored` (s, y) pairs in the replica's scratch, the newest in slot
// `newest`, with rho_i = 1 / y_i.s_i and gamma = s.y / y.y of the newest pair. The scalars are
// computed redundantly and identically by every worker of a team.
struct LbfgsPairs {
  double* scratch = nullptr;  // s_0..s_{M-1}, then y_0..y_{M-1}, each 3n doubles
  int m = 0;                  // 3n
  int stored = 0, newest = kLbfgsMemory - 1;
  double rho[kLbfgsMemory] = {};
  double gamma = 1.0;

  TLSX_HD double* s(int i) const { return scratch + i * m; }
  TLSX_HD double* y(int i) const { return scratch + (kLbfgsMemory + i) * m; }
  // Slot i of the j-th newest pair (j = 0: the newest).
  TLSX_HD int slot(int j) const { return (newest - j + kLbfgsMemory) % kLbfgsMemory; }
};

// d = H F by the two-loop recursion (Nocedal & Wright, Algorithm 7.4), H the L-BFGS inverse Hessian
// of the stored pairs on H_0 = gamma I; d = F with no pair stored. Every reduction reads what all
// workers wrote, so each follows a sync.
template <class Team>
TLSX_HD void lbfgs_direction(const Team& team, int n, const double* f, const LbfgsPairs& pairs, double* d) {
  const int m = 3 * n;
  team.sync();
  team.for_each(m, [&](int k) { d[k] = f[k]; });
  double alpha[kLbfgsMemory];
  for (int j = 0; j < pairs.stored; ++j) {
    const int i = pairs.slot(j);
    team.sync();
    alpha[i] = pairs.rho[i] * dot3n(team, n, pairs.s(i), d);
    const double* yi = pairs.y(i);
    team.for_each(m, [&](int k) { d[k] -= alpha[i] * yi[k]; });
  }
  if (pairs.stored > 0) team.for_each(m, [&](int k) { d[k] *= pairs.gamma; });
  for (int j = pairs.stored - 1; j >= 0; --j) {
    const int i = pairs.slot(j);
    team.sync();
    const double beta = pairs.rho[i] * dot3n(team, n, pairs.y(i), d);
    const double* si = pairs.s(i);
    team.for_each(m, [&](int k) { d[k] += (alpha[i] - beta) * si[k]; });
  }
  team.sync();
}

template <class Team>
TLSX_HD MinimizeResult minimize_lbfgs(const Team& team, const PairTable& table, const ReplicaView& r,
                                      const MinimizeParams& p) {
  constexpr int M = kLbfgsMemory;
  const int n = r.n;
  const int m = 3 * n;
  LbfgsPairs pairs;
  pairs.scratch = r.scratch;
  pairs.m = m;
  double* d = r.scratch + 2 * M * m;
  const double* f = r.force;
  MinimizeResult out;

  if (!minimizer_forces(team, table, r, true, out)) return out;
  out.max_force = max_abs3n(team, n, f);
  if (out.max_force < p.force_tolerance) return out;

  while (out.max_force >= p.force_tolerance) {
    if (out.iterations >= p.max_iterations) {
      out.status = 2;
      break;
    }
    lbfgs_direction(team, n, f, pairs, d);
    double fd = dot3n(team, n, f, d);  // F . d, positive for a descent direction
    if (!(fd > 0.0)) {
      pairs.stored = 0;
      team.for_each(m, [&](int k) { d[k] = f[k]; });
      team.sync();
      fd = dot3n(team, n, f, f);
    }
    const double a_max = p.lbfgs_max_step / max_abs3n(team, n, d);
    const double a_guess = pairs.stored > 0 ? 1.0 : 0.1 * a_max;

    // The next pair's slot: s holds the origin x0 during the line search, y the old forces.
    const int slot = (pairs.newest + 1) % M;
    double* s_new = pairs.s(slot);
    double* y_new = pairs.y(slot);
    const LineSearchResult ls =
        line_search_iteration(team, table, r, s_new, y_new, d, fd, a_guess, a_max, p.lbfgs_curvature, out);
    if (ls.status == 1) return out;  // overflow: out.status is 1
    if (ls.status == 2) {
      if (pairs.stored == 0) {  // no progress even along the steepest descent
        out.status = 2;
        break;
      }
      pairs.stored = 0;  // positions are back at x0: start again from the steepest descent
      continue;
    }
    if (out.max_force < p.force_tolerance) break;

    // s = x_{k+1} - x_k, y = F_k - F_{k+1}.
    team.for_each(m, [&](int k) {
      s_new[k] = r.pos[k] - s_new[k];
      y_new[k] -= f[k];
    });
    team.sync();
    const Pair2 sy_yy = team.sum2(m, [&](int k) { return Pair2{s_new[k] * y_new[k], y_new[k] * y_new[k]}; });
    if (sy_yy.a > 0.0 && sy_yy.b > 0.0) {
      pairs.newest = slot;
      pairs.rho[slot] = 1.0 / sy_yy.a;
      pairs.gamma = sy_yy.a / sy_yy.b;
      if (pairs.stored < M) ++pairs.stored;
    } else {
      pairs.stored = 0;
    }
  }
  team.sync();
  return out;
}

}  // namespace tlsx
