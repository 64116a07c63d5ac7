#pragma once
// The lowest levels of -1/(2 m) psi'' + V(s) psi = eps psi (hbar = 1; paper Eq. 10 written in the arc
// length s) on a uniform grid, by Sturm-sequence bisection of the Numerov discretisation.
//
// Numerov's three-point scheme (psi'' = f psi, f = 2 m (V - eps), t_i = h^2 f_i / 12)
//   (1 - t_{i+1}) psi_{i+1} - (2 + 10 t_i) psi_i + (1 - t_{i-1}) psi_{i-1} = 0
// has O(h^4) eigenvalue errors (the plain 3-point stencil: O(h^2)) at the same cost. With
// w_i = (1 - t_i) psi_i it is the symmetric tridiagonal problem M(eps) w = 0,
//   M = tridiag(-1, g_i, -1),  g_i = 2 + 12 t_i / (1 - t_i),
// Dirichlet w = 0 one step beyond both ends. While every t_i < 1, each g_i decreases strictly with
// eps, so each eigenvalue of M(eps) crosses zero once and the number of negative pivots of the
// LDL^T factorisation of M(x) (Sylvester's inertia) is the number of levels below x: a Sturm count.
//
// The pivots q_i = g_i - 1/q_{i-1} are carried as r_i = 1 - 1/q_i ("differential" form):
//   r_i = (12 t_i + (1 - t_i) r_{i-1}) / (1 + 11 t_i + (1 - t_i) r_{i-1}),  sign q_i = sign(denominator),
// which never forms 2 + (small), so V - x enters with its own relative precision rather than that
// of the kinetic diagonal 1/(m h^2) (a ~1/(h kappa) smaller rounding floor; kappa the local wave
// number). One division per row and shift; several shifts are swept together (independent
// recurrences, so the divisions pipeline).
//
// Everything takes aV_i = alpha V_i and alpha x with alpha = m h^2 / 6 (so t_i = aV_i - alpha x).
#include <cfloat>
#include <cmath>

#include "tlsx/core/hd.hpp"

namespace tlsx::quantum {

// The number of levels the splitting needs (paper Sec. III C: "the five smallest eigenvalues").
constexpr int kLevels = 5;

// Largest t = alpha (V - x) the Sturm count accepts; the grid spacing is chosen so that the whole
// domain stays below it (g_i stays monotone and the scheme accurate).
constexpr double kNumerovMaxT = 0.5;

// Sturm counts at K shifts ax[k] = alpha x_k at once: count[k] = number of Numerov levels below x_k.
template <int K>
TLSX_HD inline void numerov_counts(const double* aV, int n, const double* ax, int* count) {
  constexpr double kTinyPivot = 1e-200;  // a vanishing pivot counts as negative (LAPACK's pivmin)
  double r[K];
  int c[K];
  for (int k = 0; k < K; ++k) {
    r[k] = 1.0;  // q_0 = infinity
    c[k] = 0;
  }
  for (int i = 0; i < n; ++i) {
    const double v = aV[i];
    for (int k = 0; k < K; ++k) {
      const double t = v - ax[k];
      const double num = 12.0 * t + (1.0 - t) * r[k];
      double den = num + (1.0 - t);
      if (fabs(den) < kTinyPivot) den = -kTinyPivot;
      c[k] += den < 0.0 ? 1 : 0;
      r[k] = num / den;
    }
  }
  for (int k = 0; k < K; ++k) count[k] = c[k];
}

// A count c at x says that levels 0..c-1 (0-based) lie below x and levels c, c+1, ... above it.
TLSX_HD inline void narrow_brackets(const double* x, const int* count, double* lo, double* hi) {
  for (int k = 0; k < kLevels; ++k) {
    for (int j = 0; j < kLevels; ++j) {
      if (count[k] <= j) {
        if (x[k] > lo[j]) lo[j] = x[k];
      } else if (x[k] < hi[j]) {
        hi[j] = x[k];
      }
    }
  }
}

struct NumerovLevels {
  double level[kLevels];  // eps_1 .. eps_5 (midpoints of the final brackets)
  double width;           // largest final bracket width
  int sweeps = 0;         // Sturm sweeps over the grid (each at kLevels shifts)
  bool ok = false;        // false: no upper bracket found (should not happen for a bound potential)
};

// The kLevels lowest Numerov levels of the sampled potential aV (n interior points; alpha = m h^2/6),
// all of which lie above v_min = min_i V_i (M(v_min) is diagonally dominant). `guess` is an estimate of
// an energy above the fifth level (it is doubled until it is). Bisection stops when each bracket is
// narrower than `tolerance` (absolute) or a few ulps of the level.
// All kLevels brackets are refined together: each sweep evaluates kLevels shifts, the midpoints of
// the unfinished brackets, with lanes left over by finished brackets splitting the others further;
// every count narrows every bracket it bears on.
TLSX_HD inline NumerovLevels numerov_levels(const double* aV, int n, double alpha, double v_min,
                                            double guess, double tolerance) {
  NumerovLevels out;
  double lo[kLevels], hi[kLevels], x[kLevels], ax[kLevels];
  int count[kLevels];

  // Upper bracket: energies v_min + 2^j (guess - v_min), j = 0..kLevels-1, per sweep.
  double span = guess - v_min;
  if (!(span > 0.0)) span = 1e-3 * (fabs(v_min) + 1.0);
  double top = 0.0;
  bool found = false;
  for (int attempt = 0; attempt < 30 && !found; ++attempt) {
    for (int k = 0; k < kLevels; ++k) {
      x[k] = v_min + span * double(1 << k);
      ax[k] = alpha * x[k];
    }
    numerov_counts<kLevels>(aV, n, ax, count);
    ++out.sweeps;
    for (int k = 0; k < kLevels && !found; ++k)
      if (count[k] >= kLevels) {
        top = x[k];
        found = true;
      }
    span *= double(1 << kLevels);
  }
  if (!found) return out;
  for (int k = 0; k < kLevels; ++k) {
    lo[k] = v_min;
    hi[k] = top;
  }
  narrow_brackets(x, count, lo, hi);

  for (int sweep = 0; sweep < 400; ++sweep) {
    // Unfinished brackets, and how many lanes each gets.
    int open[kLevels];
    int n_open = 0;
    for (int j = 0; j < kLevels; ++j) {
      const double w = hi[j] - lo[j];
      const double floor_j = 4.0 * DBL_EPSILON * fmax(fabs(lo[j]), fabs(hi[j]));
      if (w > tolerance && w > floor_j) open[n_open++] = j;
    }
    if (n_open == 0) {
      out.ok = true;
      break;
    }
    for (int lane = 0; lane < kLevels; ++lane) {
      // Lanes go round-robin over the open brackets: bracket open[q] gets lanes_q of them and is
      // split into lanes_q + 1 equal parts.
      const int q = lane % n_open;
      const int lanes_q = kLevels / n_open + (q < kLevels % n_open ? 1 : 0);
      const int part = lane / n_open + 1;
      const int j = open[q];
      x[lane] = lo[j] + (hi[j] - lo[j]) * double(part) / double(lanes_q + 1);
      ax[lane] = alpha * x[lane];
    }
    numerov_counts<kLevels>(aV, n, ax, count);
    ++out.sweeps;
    narrow_brackets(x, count, lo, hi);
  }
  out.width = 0.0;
  for (int j = 0; j < kLevels; ++j) {
    out.level[j] = 0.5 * (lo[j] + hi[j]);
    out.width = fmax(out.width, hi[j] - lo[j]);
  }
  return out;
}

}  // namespace tlsx::quantum
