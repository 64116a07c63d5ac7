#include "tlsx/quantum/quartic_profile.hpp"

#include <string>

#include "tlsx/core/error.hpp"

namespace tlsx::quantum {

Profile quartic_profile(double a, double b, double c, int images) {
  if (!(a > 0.0) || !(b > 0.0) || images < 3) throw Error("quartic_profile: a > 0, b > 0 and images >= 3 needed");
  const auto slope = [&](double x) { return 4.0 * a * x * (x * x - b * b) + c; };
  const auto curvature = [&](double x) { return 4.0 * a * (3.0 * x * x - b * b); };
  const auto minimum_near = [&](double x) {
    for (int i = 0; i < 60; ++i) x -= slope(x) / curvature(x);
    return x;
  };
  const double lo = minimum_near(-b), hi = minimum_near(b);
  Profile p;
  for (int k = 0; k < images; ++k) {
    const double x = lo + (hi - lo) * k / (images - 1);
    p.s.push_back(x - lo);
    p.V.push_back(a * (x * x - b * b) * (x * x - b * b) + c * x);
    p.dVds.push_back(slope(x));
  }
  p.name = "quartic a=" + std::to_string(a) + " b=" + std::to_string(b) + " c=" + std::to_string(c);
  return p;
}

}  // namespace tlsx::quantum
