#pragma once
// A synthetic double well for benchmarks and device tests: the tilted quartic
// V(x) = a (x^2 - b^2)^2 + c x between its two minima (found by Newton on V'), sampled at `images`
// equally spaced points with its exact slope, as a Profile from the first minimum (s = x - x_first).
// Barrier a b^4, minima about 2b apart, asymmetry about 2 b c.
#include "tlsx/quantum/splitting.hpp"

namespace tlsx::quantum {

Profile quartic_profile(double a, double b, double c, int images);

}  // namespace tlsx::quantum
