#include "tlsx/neb/profile.hpp"

#include <algorithm>
#include <cmath>

#include "tlsx/core/error.hpp"

namespace tlsx {

PathProfile::PathProfile(std::vector<double> s, std::vector<double> v, std::vector<double> slope)
    : s_(std::move(s)), v_(std::move(v)), slope_(std::move(slope)) {
  if (s_.size() < 2 || v_.size() != s_.size() || slope_.size() != s_.size())
    throw Error("PathProfile: need at least two images with s, V and dV/ds each");
  for (std::size_t k = 1; k < s_.size(); ++k)
    if (!(s_[k] > s_[k - 1])) throw Error("PathProfile: arc length not increasing at image " + std::to_string(k));
}

int PathProfile::segment(double s) const {
  const auto it = std::upper_bound(s_.begin(), s_.end(), s);
  const int k = static_cast<int>(it - s_.begin()) - 1;
  return std::clamp(k, 0, images() - 2);
}

void PathProfile::cubic(int k, double c[4]) const {
  // Hermite cubic p(t) = c0 + c1 t + c2 t^2 + c3 t^3 with p(0) = V_k, p(1) = V_k+1,
  // p'(0) = h m_k, p'(1) = h m_k+1.
  const double h = s_[k + 1] - s_[k];
  const double v0 = v_[k], v1 = v_[k + 1], m0 = h * slope_[k], m1 = h * slope_[k + 1];
  c[0] = v0;
  c[1] = m0;
  c[2] = 3.0 * (v1 - v0) - 2.0 * m0 - m1;
  c[3] = 2.0 * (v0 - v1) + m0 + m1;
}

double PathProfile::value(double s) const {
  const int k = segment(s);
  double c[4];
  cubic(k, c);
  const double t = (s - s_[k]) / (s_[k + 1] - s_[k]);
  return c[0] + t * (c[1] + t * (c[2] + t * c[3]));
}

double PathProfile::derivative(double s) const {
  const int k = segment(s);
  double c[4];
  cubic(k, c);
  const double h = s_[k + 1] - s_[k];
  const double t = (s - s_[k]) / h;
  return (c[1] + t * (2.0 * c[2] + 3.0 * t * c[3])) / h;
}

double PathProfile::second_derivative(double s) const {
  const auto at = [&](int k, double t) {
    double c[4];
    cubic(k, c);
    const double h = s_[k + 1] - s_[k];
    return (2.0 * c[2] + 6.0 * c[3] * t) / (h * h);
  };
  const int k = segment(s);
  const double t = (s - s_[k]) / (s_[k + 1] - s_[k]);
  // At an interior image the two neighbouring cubics meet with different V''.
  const double node_tol = 1e-12;
  if (t < node_tol && k > 0) return 0.5 * (at(k - 1, 1.0) + at(k, 0.0));
  if (t > 1.0 - node_tol && k + 1 < images() - 1) return 0.5 * (at(k, 1.0) + at(k + 1, 0.0));
  return at(k, t);
}

int PathProfile::nearest_image(double s) const {
  int best = 0;
  for (int k = 1; k < images(); ++k)
    if (std::fabs(s_[k] - s) < std::fabs(s_[best] - s)) best = k;
  return best;
}

namespace {

struct Point {
  double s, v;
};

// Roots of c1 + 2 c2 t + 3 c3 t^2 in the open interval (0, 1), ascending.
std::vector<double> critical_points(const double c[4]) {
  const double qa = 3.0 * c[3], qb = 2.0 * c[2], qc = c[1];
  std::vector<double> roots;
  const double scale = std::fabs(qa) + std::fabs(qb) + std::fabs(qc);
  if (scale == 0.0) return roots;  // constant segment: no isolated critical point
  if (std::fabs(qa) <= 1e-14 * scale) {
    if (qb != 0.0) roots.push_back(-qc / qb);
  } else {
    const double disc = qb * qb - 4.0 * qa * qc;
    if (disc >= 0.0) {
      // Numerically stable pair of roots.
      const double q = -0.5 * (qb + std::copysign(std::sqrt(disc), qb));
      if (q != 0.0) {
        roots.push_back(q / qa);
        roots.push_back(qc / q);
      } else {
        roots.push_back(0.0);
      }
    }
  }
  std::vector<double> inside;
  for (double t : roots)
    if (t > 0.0 && t < 1.0) inside.push_back(t);
  std::sort(inside.begin(), inside.end());
  return inside;
}

}  // namespace

ProfileAnalysis analyse_profile(const PathProfile& profile, double depth_tolerance) {
  const std::vector<double>& s = profile.s();
  const std::vector<double>& v = profile.v();
  const int m = profile.images();

  // Images and the critical points inside every segment, in order of s: between consecutive
  // points the spline is monotonic.
  std::vector<Point> pts;
  for (int k = 0; k + 1 < m; ++k) {
    pts.push_back({s[k], v[k]});
    const double h = s[k + 1] - s[k];
    double c[4];
    profile.cubic(k, c);
    for (double t : critical_points(c)) {
      const double st = s[k] + t * h;
      pts.push_back({st, profile.value(st)});
    }
  }
  pts.push_back({s[m - 1], v[m - 1]});

  ProfileAnalysis out;
  const auto top = std::max_element(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.v < b.v; });
  out.s_max = top->s;
  out.v_max = top->v;
  out.curvature_max = profile.second_derivative(top->s);
  out.barrier_interior = top->s > s.front() && top->s < s.back();

  // Turning points: where the direction of the piecewise-monotonic sequence changes.
  std::vector<Point> turn{pts.front()};
  int direction = 0;
  for (std::size_t j = 1; j < pts.size(); ++j) {
    const double dv = pts[j].v - pts[j - 1].v;
    const int d = dv > 0.0 ? 1 : (dv < 0.0 ? -1 : 0);
    if (d == 0) continue;
    if (direction != 0 && d != direction) turn.push_back(pts[j - 1]);
    direction = d;
  }
  turn.push_back(pts.back());

  // Cancel the shallowest adjacent interior pair until every interior pair exceeds the tolerance.
  while (turn.size() >= 4) {
    std::size_t best = 0;
    double smallest = depth_tolerance;
    for (std::size_t j = 1; j + 2 < turn.size(); ++j) {
      const double amp = std::fabs(turn[j].v - turn[j + 1].v);
      if (amp < smallest) {
        smallest = amp;
        best = j;
      }
    }
    if (best == 0) break;
    turn.erase(turn.begin() + best, turn.begin() + best + 2);
  }

  // Interior minima: lower than both neighbours (which alternate as maxima) by the tolerance.
  for (std::size_t j = 1; j + 1 < turn.size(); ++j) {
    const double depth = std::min(turn[j - 1].v, turn[j + 1].v) - turn[j].v;
    if (depth > depth_tolerance) {
      ProfileExtremum e;
      e.s = turn[j].s;
      e.v = turn[j].v;
      e.depth = depth;
      e.nearest_image = profile.nearest_image(turn[j].s);
      out.intermediate_minima.push_back(e);
    }
  }
  return out;
}

}  // namespace tlsx
