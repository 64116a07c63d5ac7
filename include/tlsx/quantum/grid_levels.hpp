#pragma once
// Grid-converged lowest levels of a one-dimensional potential (docs/architecture.md §1: discretised
// finely enough that E converges to 1e-4 relative). The potential is sampled on a uniform grid between two
// Dirichlet walls, the Numerov levels are found by Sturm bisection (numerov_sturm.hpp), and the grid
// is halved until two successive grids agree:
//   |E(h) - E(2h)| <= tol_E E(h)   and   |eps_k(h) - eps_k(2h)| <= tol_levels (eps_5 - V_min),
// E = eps_2 - eps_1. The scheme's error is O(h^4), so the finer grid's error is about
// |E(h) - E(2h)| / 15 once in the asymptotic regime; the change itself is reported (a bound).
//
// Rounding: the Sturm count's floor is a few machine epsilons times the level scale (measured:
// below 11 eps_mach omega for quartic double wells, m~ = 1200..50000, any h), independent of h thanks
// to the differential pivot form. kNoiseFactor eps_mach (eps_2 - V_min) bounds the error of E from
// rounding; when E is not well above it, refining cannot help and E is flagged unresolved upstream.
//
// A Potential provides `TLSX_HD void sample(double s0, double h, int n, double* out) const` (V at
// s0 + i h). Workspace: `work` holds `capacity` doubles, the largest grid allowed.
#include <cfloat>
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/quantum/numerov_sturm.hpp"

namespace tlsx::quantum {

// Rounding floor of E in units of eps_mach (eps_2 - V_min); 3x the largest value measured.
constexpr double kNoiseFactor = 64.0;

struct GridOptions {
  double tol_E = 1e-4;        // relative change of E between the last two grids
  double tol_levels = 1e-4;   // change of each level, relative to eps_5 - V_min
  int max_points = 1 << 20;   // largest grid (interior points)
};

enum class GridStatus : int {
  converged = 0,     // both criteria met
  noise_limited,     // E changes by no more than its rounding floor: refining cannot help
  too_many_points,   // the next grid would exceed max_points (or the workspace)
  no_bracket,        // no energy with five levels below it was found (unbound potential)
};

struct GridLevels {
  double level[kLevels] = {0, 0, 0, 0, 0};  // eps_1..eps_5 on the finest grid
  double E = 0.0;          // eps_2 - eps_1 on the finest grid
  double E_change = 0.0;   // |E(h) - E(2h)| (infinite after one grid)
  double E_noise = 0.0;    // rounding floor of E
  double h = 0.0;          // finest grid spacing
  int points = 0;          // finest grid's interior points
  int grids = 0;           // grids solved
  int sweeps = 0;          // Sturm sweeps in all
  GridStatus status = GridStatus::too_many_points;
};

// Levels on one grid: n interior points at s_lo + (i + 1) h, walls at s_lo and s_lo + (n + 1) h.
// `work` holds n doubles; `v_min` returns the lowest sample. Returns false when the grid is too
// coarse for the scheme (some t = m h^2 (V - V_min) / 6 above kNumerovMaxT) or no upper bracket
// exists.
template <class Potential>
TLSX_HD bool levels_on_grid(const Potential& V, double s_lo, double h, int n, double mass,
                            double guess, double* work, NumerovLevels& out, double& v_min) {
  V.sample(s_lo + h, h, n, work);
  v_min = work[0];
  double v_max = work[0];
  for (int i = 1; i < n; ++i) {
    v_min = fmin(v_min, work[i]);
    v_max = fmax(v_max, work[i]);
  }
  const double alpha = mass * h * h / 6.0;
  if (alpha * (v_max - v_min) > kNumerovMaxT) return false;
  // Levels are found relative to the lowest sample, so that the counts see V - x at the precision
  // of the level scale, whatever the potential's offset.
  for (int i = 0; i < n; ++i) work[i] = alpha * (work[i] - v_min);
  const double span = guess - v_min;
  out = numerov_levels(work, n, alpha, 0.0, span, 4.0 * DBL_EPSILON * fabs(span));
  if (!out.ok) return false;
  for (int k = 0; k < kLevels; ++k) out.level[k] += v_min;
  return true;
}

// Grid-converged levels between walls at s_lo and s_hi, starting from spacing h0 and halving it.
// `guess`: an energy expected above the fifth level (refined from each grid's result).
template <class Potential>
TLSX_HD GridLevels converged_levels(const Potential& V, double s_lo, double s_hi, double mass,
                                    double h0, double guess, const GridOptions& opt, double* work,
                                    int capacity) {
  GridLevels out;
  const int limit = opt.max_points < capacity ? opt.max_points : capacity;
  const double length = s_hi - s_lo;
  int n = int(ceil(length / h0)) - 1;
  if (n < 16) n = 16;
  double prev[kLevels];
  bool have_prev = false;
  out.E_change = INFINITY;
  while (true) {
    if (n > limit) {
      out.status = GridStatus::too_many_points;
      return out;
    }
    const double h = length / (n + 1);
    NumerovLevels lv;
    double v_floor = 0.0;  // the lowest sample: levels and the rounding floor are measured from it
    if (!levels_on_grid(V, s_lo, h, n, mass, guess, work, lv, v_floor)) {
      if (lv.sweeps > 0) {
        out.status = GridStatus::no_bracket;
        return out;
      }
      n = 2 * n + 1;  // too coarse for Numerov (t above kNumerovMaxT): refine before solving
      continue;
    }
    out.sweeps += lv.sweeps;
    ++out.grids;
    for (int k = 0; k < kLevels; ++k) out.level[k] = lv.level[k];
    out.h = h;
    out.points = n;
    const double E = lv.level[1] - lv.level[0];
    out.E_noise = kNoiseFactor * DBL_EPSILON * fabs(lv.level[1] - v_floor);
    if (have_prev) {
      const double E_prev = prev[1] - prev[0];
      double level_change = 0.0;
      for (int k = 0; k < kLevels; ++k) level_change = fmax(level_change, fabs(lv.level[k] - prev[k]));
      out.E_change = fabs(E - E_prev);
      const bool levels_ok = level_change <= opt.tol_levels * (lv.level[kLevels - 1] - v_floor);
      if (levels_ok && out.E_change <= opt.tol_E * fabs(E)) {
        out.E = E;
        out.status = GridStatus::converged;
        return out;
      }
      if (levels_ok && out.E_change <= 2.0 * out.E_noise) {
        out.E = E;
        out.status = GridStatus::noise_limited;
        return out;
      }
    }
    out.E = E;
    for (int k = 0; k < kLevels; ++k) prev[k] = lv.level[k];
    have_prev = true;
    guess = lv.level[kLevels - 1] + 0.05 * (lv.level[kLevels - 1] - v_floor);
    n = 2 * n + 1;
  }
}

}  // namespace tlsx::quantum
