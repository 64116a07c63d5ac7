#pragma once
// Orthorhombic periodic simulation box with the origin at 0 (LAMMPS's xlo = 0 after a shift).
#include <cmath>

#include "tlsx/core/hd.hpp"

namespace tlsx {

struct Box {
  double length[3] = {0.0, 0.0, 0.0};
  double inverse[3] = {0.0, 0.0, 0.0};

  static Box cubic(double l) { return orthorhombic(l, l, l); }
  static Box orthorhombic(double lx, double ly, double lz) {
    Box b;
    b.length[0] = lx; b.length[1] = ly; b.length[2] = lz;
    for (int d = 0; d < 3; ++d) b.inverse[d] = 1.0 / b.length[d];
    return b;
  }
  TLSX_HD double volume() const { return length[0] * length[1] * length[2]; }
  TLSX_HD double min_length() const {
    double m = length[0];
    if (length[1] < m) m = length[1];
    if (length[2] < m) m = length[2];
    return m;
  }
  // Minimum-image convention: the separation component wrapped into [-L/2, L/2].
  TLSX_HD TLSX_INLINE double minimum_image(double d, int axis) const {
    return d - length[axis] * rint(d * inverse[axis]);
  }
  // Wrap a coordinate into [0, L).
  TLSX_HD TLSX_INLINE double wrap(double x, int axis) const {
    double w = x - length[axis] * floor(x * inverse[axis]);
    return w >= length[axis] ? w - length[axis] : w;
  }
};

}  // namespace tlsx
