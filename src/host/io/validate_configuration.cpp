#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/io/configuration.hpp"

namespace tlsx {

namespace {

// Coordinates may lie outside the box (unwrapped trajectories), but no further than this many box
// lengths: beyond, wrapping them back loses more than 1e-9 of a box length to rounding.
constexpr double kFarestImage = 1e6;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Any pair closer than 0.5 sigma_ij under the minimum image. A cell grid of side >= the largest
// overlap distance makes it O(N); boxes under three cells wide fall back to all pairs.
void check_overlaps(const Configuration& c, const Model& model, const std::string& path) {
  const int n = c.n(), ns = model.n_species();
  std::vector<double> limit2(ns * ns);
  double reach = 0.0;
  for (int a = 0; a < ns; ++a)
    for (int b = 0; b < ns; ++b) {
      const double l = 0.5 * model.sig(a, b);
      limit2[a * ns + b] = l * l;
      reach = std::max(reach, l);
    }
  // Cells of side >= reach; no more cells per axis than about cbrt(2n) (a huge, sparse box must not
  // size the grid: larger cells only cost pair checks, never miss one).
  const double most = std::max(3.0, std::cbrt(2.0 * n));
  int dim[3];
  for (int d = 0; d < 3; ++d) dim[d] = std::max(1, static_cast<int>(std::min(c.box.length[d] / reach, most)));
  const bool grid = dim[0] >= 3 && dim[1] >= 3 && dim[2] >= 3;
  if (!grid) dim[0] = dim[1] = dim[2] = 1;
  const long cells = long(dim[0]) * dim[1] * dim[2];
  auto cell_coord = [&](int i, int d) {
    const double w = c.box.wrap(c.pos[d * std::size_t(n) + i], d);
    return std::min(dim[d] - 1, static_cast<int>(w * c.box.inverse[d] * dim[d]));
  };
  std::vector<int> start(cells + 1, 0), order(n), cell_of(n);
  for (int i = 0; i < n; ++i) {
    cell_of[i] = (cell_coord(i, 0) * dim[1] + cell_coord(i, 1)) * dim[2] + cell_coord(i, 2);
    ++start[cell_of[i] + 1];
  }
  for (long k = 0; k < cells; ++k) start[k + 1] += start[k];
  std::vector<int> fill(start.begin(), start.end() - 1);
  for (int i = 0; i < n; ++i) order[fill[cell_of[i]]++] = i;

  auto check_pair = [&](int i, int j) {
    double r2 = 0.0;
    for (int d = 0; d < 3; ++d) {
      const double dx = c.box.minimum_image(c.pos[d * std::size_t(n) + i] - c.pos[d * std::size_t(n) + j], d);
      r2 += dx * dx;
    }
    if (r2 < limit2[c.species[i] * ns + c.species[j]]) {
      const int a = std::min(i, j) + 1, b = std::max(i, j) + 1;
      throw input_error(path, 0, "overlapping particles " + std::to_string(a) + " and " + std::to_string(b) +
                                     " at distance " + number(std::sqrt(r2)) + " (below 0.5 sigma_ij = " +
                                     number(std::sqrt(limit2[c.species[i] * ns + c.species[j]])) + ")");
    }
  };
  for (int i = 0; i < n; ++i) {
    const int ci[3] = {cell_of[i] / (dim[1] * dim[2]), (cell_of[i] / dim[2]) % dim[1], cell_of[i] % dim[2]};
    const int span = grid ? 1 : 0;
    for (int ox = -span; ox <= span; ++ox)
      for (int oy = -span; oy <= span; ++oy)
        for (int oz = -span; oz <= span; ++oz) {
          const int x = (ci[0] + ox + dim[0]) % dim[0], y = (ci[1] + oy + dim[1]) % dim[1], z = (ci[2] + oz + dim[2]) % dim[2];
          const int cell = (x * dim[1] + y) * dim[2] + z;
          for (int k = start[cell]; k < start[cell + 1]; ++k)
            if (order[k] > i) check_pair(i, order[k]);
        }
  }
}

}  // namespace

void validate_configuration(const Configuration& c, const Model& model, const std::string& path) {
  const int n = c.n();
  if (n == 0) throw input_error(path, 0, "no particles");
  for (int d = 0; d < 3; ++d)
    if (!std::isfinite(c.box.length[d]) || c.box.length[d] <= 0.0)
      throw input_error(path, 0, "box edge lengths must be positive and finite");
  const double cutoff = model.pair_table().max_cutoff;
  const double needed = 2.0 * (cutoff + kValidationSkin);
  if (c.box.min_length() <= needed)
    throw input_error(path, 0, "box too small for model " + model.name + ": smallest edge " + number(c.box.min_length()) +
                                   " must exceed 2 x (largest pair cutoff " + number(cutoff) + " + skin " +
                                   number(kValidationSkin) + ") = " + number(needed));
  for (int i = 0; i < n; ++i)
    if (c.species[i] < 0 || c.species[i] >= model.n_species())
      throw input_error(path, 0, "particle " + std::to_string(i + 1) + " has species index " + std::to_string(c.species[i]) +
                                     " outside model " + model.name);
  for (std::size_t k = 0; k < c.pos.size(); ++k) {
    if (!std::isfinite(c.pos[k]))
      throw input_error(path, 0, "non-finite position of particle " + std::to_string(k % n + 1));
    // Far outside the box a coordinate has lost the digits that place it inside (wrapping 1e289 into
    // a box of 10 is rounding noise): such a file is refused, not silently scrambled.
    const double edge = c.box.length[k / static_cast<std::size_t>(n)];
    if (std::fabs(c.pos[k]) > kFarestImage * edge)
      throw input_error(path, 0, "particle " + std::to_string(k % n + 1) + " lies " + number(std::fabs(c.pos[k]) / edge) +
                                     " box lengths from the box (more than " + number(kFarestImage) + ")");
  }
  for (std::size_t k = 0; k < c.vel.size(); ++k)
    if (!std::isfinite(c.vel[k]))
      throw input_error(path, 0, "non-finite velocity of particle " + std::to_string(k % n + 1));
  check_overlaps(c, model, path);
}

}  // namespace tlsx
