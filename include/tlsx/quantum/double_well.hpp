#pragma once
// The one-dimensional double-well potential V(s) of a minimum energy path (paper Sec. III C, Fig. 5;
// docs/architecture.md §1 "Quantum splitting"), built from the NEB profile (s_k, V_k[, dV/ds_k]):
//   - the profile is splined (cubic_spline.hpp) and cut at the minimum nearest to each end: when an
//     end is not quite a minimum (|dV/ds| > 0 from noise, or the end image slightly past the bottom),
//     the spline's own minimum is located, inside the data or on the end cubic continued by up to one
//     image spacing;
//   - orientation and zero: the lower minimum is at s = 0 with V = 0 ("left", paper Sec. III C), the
//     higher at s = d (the arc length between the minima) with V = dV >= 0; the profile is reversed
//     when its second minimum is the lower one;
//   - beyond each minimum the potential continues harmonically (Fig. 5, blue):
//     V = k_L s^2 / 2 for s < 0 and dV + k_R (s - d)^2 / 2 for s > d, with k = V'' of the spline at that
//     minimum, so V is C2 across the minima.
// Plain data and TLSX_HD functions over caller-provided storage (no exceptions: status codes, which
// the host API turns into one-line errors).
#include <cmath>

#include "tlsx/core/hd.hpp"
#include "tlsx/quantum/cubic_spline.hpp"

namespace tlsx::quantum {

enum class ProfileStatus : int {
  ok = 0,
  too_few_images,       // fewer than 4 rows
  length_mismatch,      // s, V (and dV/ds) of different lengths
  not_finite,           // a NaN or infinite value
  s_not_increasing,     // arc length must increase strictly
  spline_failed,        // degenerate knots (cannot happen for increasing s)
  no_barrier,           // the profile's maximum is at one of its ends: not a double well
  no_start_minimum,     // rising away from the first image with no minimum within one spacing before it
  no_end_minimum,       // same at the last image
  flat_minimum,         // V'' <= 0 at a minimum (no harmonic frequency)
};

TLSX_HD inline const char* profile_status_message(ProfileStatus s) {
  switch (s) {
    case ProfileStatus::ok: return "ok";
    case ProfileStatus::too_few_images: return "a profile needs at least 4 images";
    case ProfileStatus::length_mismatch: return "s, V and dV/ds have different lengths";
    case ProfileStatus::not_finite: return "the profile holds a value that is not a finite number";
    case ProfileStatus::s_not_increasing: return "the arc length s does not increase strictly";
    case ProfileStatus::spline_failed: return "the profile could not be splined";
    case ProfileStatus::no_barrier:
      return "no interior barrier: the profile's maximum is at one of its ends, so it does not join "
             "two minima";
    case ProfileStatus::no_start_minimum:
      return "the profile does not start at a minimum: V rises from the first image and the spline "
             "has no minimum within one image spacing before it";
    case ProfileStatus::no_end_minimum:
      return "the profile does not end at a minimum: V falls towards the last image and the spline "
             "has no minimum within one image spacing after it";
    case ProfileStatus::flat_minimum:
      return "a minimum of the profile has zero or negative curvature";
  }
  return "unknown profile status";
}

// The potential the Schrodinger equation is solved in; it views the storage passed to
// prepare_double_well.
struct DoubleWell {
  PiecewiseCubic inner;   // V on [0, d], knots x[0] = 0 .. x[n] = d
  double d = 0.0;         // arc length between the minima (sigma)
  double dV = 0.0;        // asymmetry: V at the higher minimum (the lower is 0)
  double k_left = 0.0;    // V'' at the lower minimum (s = 0)
  double k_right = 0.0;   // V'' at the higher minimum (s = d)
  double s_top = 0.0;     // the barrier top (highest point between the minima)
  double V_top = 0.0;     // V_a, the forward barrier from the lower minimum
  double k_top = 0.0;     // V'' at the barrier top (<= 0)
  double V_min = 0.0;     // the lower minimum's energy on the input's energy scale
  // Where the minima lie on the input's arc length: s_in = s_origin + (reversed ? -s : s).
  double s_origin = 0.0;
  bool reversed = false;

  // V(s) for any s, `hint` a segment index carried between calls (a sweep in s is O(1) per point).
  TLSX_HD double value(double s, int& hint) const {
    if (s <= 0.0) return 0.5 * k_left * s * s;
    if (s >= d) return dV + 0.5 * k_right * (s - d) * (s - d);
    return inner.value(s, hint);
  }
  TLSX_HD double value(double s) const {
    int hint = 0;
    return value(s, hint);
  }
  // Samples V at s0 + i h, i = 0..n-1.
  TLSX_HD void sample(double s0, double h, int n, double* out) const {
    int hint = 0;
    for (int i = 0; i < n; ++i) out[i] = value(s0 + i * h, hint);
  }
};

// Storage for one profile of m images: `x` m + 1 doubles, `seg` m segments, `scratch` 3 m doubles.
struct DoubleWellStorage {
  double* x;
  Cubic* seg;
  double* scratch;
};

namespace detail {

// The first local minimum of the piecewise cubic (knots x[0..n]) met walking from x[0] towards the
// barrier top (segment k_top, offset u_top). A minimum up to one spacing before x[0] counts when the
// spline rises from x[0]. Returns the segment and the offset from x[k] (negative: before x[0]).
TLSX_HD inline bool first_minimum(const PiecewiseCubic& p, int k_top, double u_top, int& k_min,
                                  double& u_min) {
  const Cubic& c0 = p.seg[0];
  double root[2];
  if (c0.c1 > 0.0) {
    // Rising from the first image: the minimum is the end cubic's, continued backwards.
    const double h0 = p.x[1] - p.x[0];
    const int nr = critical_points(c0, -h0, 0.0, root);
    for (int i = nr - 1; i >= 0; --i) {
      if (c0.curvature(root[i]) > 0.0) {
        k_min = 0;
        u_min = root[i];
        return true;
      }
    }
    return false;
  }
  for (int k = 0; k <= k_top; ++k) {
    const double h = p.x[k + 1] - p.x[k];
    const double end = (k == k_top) ? u_top : h;
    const int nr = critical_points(p.seg[k], 0.0, end, root);
    for (int i = 0; i < nr; ++i) {
      if (p.seg[k].curvature(root[i]) > 0.0) {
        k_min = k;
        u_min = root[i];
        return true;
      }
    }
  }
  return false;
}

// The highest point of the piecewise cubic: segment and offset.
TLSX_HD inline void highest_point(const PiecewiseCubic& p, int& k_top, double& u_top) {
  k_top = 0;
  u_top = 0.0;
  double best = p.seg[0].value(0.0);
  for (int k = 0; k < p.n; ++k) {
    const double h = p.x[k + 1] - p.x[k];
    double cand[3];
    const int nr = critical_points(p.seg[k], 0.0, h, cand);
    cand[nr] = h;
    for (int i = 0; i <= nr; ++i) {
      const double v = p.seg[k].value(cand[i]);
      if (v > best) {
        best = v;
        k_top = k;
        u_top = cand[i];
      }
    }
  }
}

// Reverses a piecewise cubic in place: s -> x[n] + x[0] - s.
TLSX_HD inline void reverse_in_place(int n, double* x, Cubic* seg) {
  const double total = x[0] + x[n];
  for (int k = 0; k < n; ++k) seg[k] = seg[k].reversed(x[k + 1] - x[k]);
  for (int i = 0, j = n - 1; i < j; ++i, --j) {
    const Cubic t = seg[i];
    seg[i] = seg[j];
    seg[j] = t;
  }
  for (int i = 0, j = n; i < j; ++i, --j) {
    const double t = x[i];
    x[i] = x[j];
    x[j] = t;
  }
  for (int i = 0; i <= n; ++i) x[i] = total - x[i];
}

}  // namespace detail

// Builds the double well of the profile (s_k, V_k), k = 0..m-1, from the first minimum to the second;
// dVds (may be null) the tangential derivatives. `dw` views `store`, which must outlive it.
TLSX_HD inline ProfileStatus prepare_double_well(int m, const double* s, const double* V,
                                                 const double* dVds, DoubleWellStorage store,
                                                 DoubleWell& dw) {
  if (m < 4) return ProfileStatus::too_few_images;
  for (int k = 0; k < m; ++k) {
    // x - x is 0 for finite x and NaN for NaN and +-inf.
    if (!(s[k] - s[k] == 0.0) || !(V[k] - V[k] == 0.0) || (dVds && !(dVds[k] - dVds[k] == 0.0)))
      return ProfileStatus::not_finite;
    if (k > 0 && !(s[k] > s[k - 1])) return ProfileStatus::s_not_increasing;
  }
  // The spline of the data, in local copies of the knots (reversed below when needed).
  double* x = store.x;
  Cubic* seg = store.seg;
  for (int k = 0; k < m; ++k) x[k] = s[k];
  if (dVds) {
    hermite_segments(m, s, V, dVds, seg);
  } else {
    double* slope = store.scratch;
    if (!not_a_knot_slopes(m, s, V, slope, store.scratch + m)) return ProfileStatus::spline_failed;
    hermite_segments(m, s, V, slope, seg);
  }
  int n = m - 1;
  PiecewiseCubic p{n, x, seg};

  int k_top;
  double u_top;
  detail::highest_point(p, k_top, u_top);
  const double v_top = seg[k_top].value(u_top);
  if ((k_top == 0 && u_top == 0.0) || (k_top == n - 1 && u_top == x[n] - x[n - 1]) ||
      !(v_top > V[0] && v_top > V[m - 1]))
    return ProfileStatus::no_barrier;

  // The minimum at each end: the left one directly, the right one on the reversed spline.
  int k_l, k_r;
  double u_l, u_r;
  if (!detail::first_minimum(p, k_top, u_top, k_l, u_l)) return ProfileStatus::no_start_minimum;
  detail::reverse_in_place(n, x, seg);
  const int k_top_rev = n - 1 - k_top;
  const double u_top_rev = (x[k_top_rev + 1] - x[k_top_rev]) - u_top;
  if (!detail::first_minimum(p, k_top_rev, u_top_rev, k_r, u_r)) return ProfileStatus::no_end_minimum;
  // Back to the original orientation: the right minimum is in segment n-1-k_r at offset h - u_r.
  detail::reverse_in_place(n, x, seg);
  k_r = n - 1 - k_r;
  u_r = (x[k_r + 1] - x[k_r]) - u_r;

  // Cut to [left minimum, right minimum]: the first segment re-expanded about the left minimum
  // (u_l < 0 continues the end cubic), the last one ending at the right minimum.
  const double s_l = x[k_l] + u_l, s_r = x[k_r] + u_r;
  const double v_l = seg[k_l].value(u_l), v_r = seg[k_r].value(u_r);
  const double kc_l = seg[k_l].curvature(u_l), kc_r = seg[k_r].curvature(u_r);
  if (!(kc_l > 0.0) || !(kc_r > 0.0)) return ProfileStatus::flat_minimum;
  seg[k_l] = seg[k_l].recentred(u_l);
  x[k_l] = s_l;
  n = k_r - k_l + 1;
  for (int k = 0; k < n; ++k) seg[k] = seg[k + k_l];
  for (int k = 0; k < n; ++k) x[k] = x[k + k_l];
  x[n] = s_r;

  // Lower minimum left, at s = 0 and V = 0.
  const bool reverse = v_r < v_l;
  const double v_min = reverse ? v_r : v_l;
  for (int k = 0; k < n; ++k) seg[k] = seg[k].shifted(-v_min);
  if (reverse) detail::reverse_in_place(n, x, seg);
  const double origin = x[0];
  for (int k = 0; k <= n; ++k) x[k] -= origin;
  x[0] = 0.0;

  dw.inner = PiecewiseCubic{n, x, seg};
  dw.d = x[n];
  dw.dV = reverse ? v_l - v_r : v_r - v_l;
  dw.k_left = reverse ? kc_r : kc_l;
  dw.k_right = reverse ? kc_l : kc_r;
  dw.V_min = v_min;
  dw.reversed = reverse;
  dw.s_origin = reverse ? s_r : s_l;
  int kt;
  double ut;
  detail::highest_point(dw.inner, kt, ut);
  dw.s_top = x[kt] + ut;
  dw.V_top = seg[kt].value(ut);
  dw.k_top = seg[kt].curvature(ut);
  return ProfileStatus::ok;
}

}  // namespace tlsx::quantum
