#pragma once
// The energy profile V(s) along a relaxed band: arc length s_k (cumulative 3N Euclidean distance
// between consecutive images, minimum image), energies V_k and tangential derivatives
// dV/ds_k = -F_k . tau_k, joined by a cubic Hermite spline (C1, exact values and slopes at the
// images; interpolation error O(h^4) in the spacing h). The paper splines the profile (Sec. II D)
// and reads from it the transition state, the intermediate minima and the curvatures of Fig. 5.
#include <vector>

namespace tlsx {

class PathProfile {
 public:
  PathProfile() = default;
  // s strictly increasing; three equal-length vectors with at least two entries.
  PathProfile(std::vector<double> s, std::vector<double> v, std::vector<double> slope);

  double value(double s) const;
  double derivative(double s) const;
  // V''(s); at an image, where the spline's second derivative jumps, the mean of both sides.
  double second_derivative(double s) const;
  double length() const { return s_.back() - s_.front(); }
  int images() const { return static_cast<int>(s_.size()); }
  int nearest_image(double s) const;

  const std::vector<double>& s() const { return s_; }
  const std::vector<double>& v() const { return v_; }
  const std::vector<double>& slope() const { return slope_; }

  // Coefficients of segment k's cubic in t = (s - s_k) / (s_k+1 - s_k): c0 + c1 t + c2 t^2 + c3 t^3.
  void cubic(int k, double c[4]) const;

 private:
  int segment(double s) const;  // k with s_k <= s < s_{k+1}, clamped
  std::vector<double> s_, v_, slope_;
};

struct ProfileExtremum {
  double s = 0.0;
  double v = 0.0;
  int nearest_image = 0;
  double depth = 0.0;  // intermediate minima: how far below the lower neighbouring maximum
};

struct ProfileAnalysis {
  // Global maximum of the interpolated profile: the transition state.
  double s_max = 0.0, v_max = 0.0;
  double curvature_max = 0.0;     // V''(s_max)
  bool barrier_interior = false;  // the maximum lies strictly between the end points
  // Interior local minima deeper than the tolerance below both neighbouring maxima, in order of s.
  std::vector<ProfileExtremum> intermediate_minima;
};

// Finds the critical points of the spline exactly (roots of each segment's quadratic derivative),
// reduces them to the alternating sequence of minima and maxima, and cancels adjacent interior
// minimum-maximum pairs whose energies differ by less than depth_tolerance (smallest first, as in
// topological persistence), so that numerical ripples never count as minima.
ProfileAnalysis analyse_profile(const PathProfile& profile, double depth_tolerance);

}  // namespace tlsx
