#pragma once
// Helpers of the io tests: a valid KA2 configuration with unwrapped coordinates, scratch file names,
// text files, and an expectation on one-line tlsx::Errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/io/configuration.hpp"

namespace tlsx::testing {

// n = m^3 particles on a jittered simple-cubic lattice at the model's density, species by the
// model's composition in shuffled order; some particles displaced by whole box lengths (as an
// unwrapped MD trajectory has them) and, optionally, Gaussian velocities.
inline Configuration io_configuration(const Model& model, int m, unsigned seed, bool velocities) {
  const int n = m * m * m;
  Configuration c;
  const double l = model.box_length(n);
  c.box = Box::orthorhombic(l, l * 1.0, l);
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-0.5, 0.5);
  std::uniform_int_distribution<int> image(-2, 2);
  std::normal_distribution<double> g(0.0, 1.0);
  c.pos.resize(3 * n);
  const double a = l / m;
  int i = 0;
  for (int ix = 0; ix < m; ++ix)
    for (int iy = 0; iy < m; ++iy)
      for (int iz = 0; iz < m; ++iz, ++i) {
        const int cell[3] = {ix, iy, iz};
        for (int d = 0; d < 3; ++d) c.pos[d * n + i] = (cell[d] + 0.5 + 0.2 * u(gen)) * a + (i % 3 == 0 ? image(gen) * l : 0.0);
      }
  const std::vector<int> counts = model.composition(n);
  for (int s = 0; s < static_cast<int>(counts.size()); ++s) c.species.insert(c.species.end(), counts[s], s);
  std::shuffle(c.species.begin(), c.species.end(), gen);
  if (velocities) {
    c.vel.resize(3 * n);
    for (double& v : c.vel) v = g(gen);
  }
  c.step = 123456;
  c.time = 308.64;
  return c;
}

inline std::string scratch_path(const std::string& name) {
  return ::testing::TempDir() + "tlsx_io_" + std::to_string(::getpid()) + "_" + name;
}

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

inline std::string data_file(const std::string& name) { return std::string(TLSX_SOURCE_DIR) + "/tests/data/" + name; }

// Runs f; expects a one-line tlsx::Error containing every fragment.
template <class F>
void expect_error(F&& f, const std::vector<std::string>& fragments) {
  try {
    f();
    ADD_FAILURE() << "expected tlsx::Error containing '" << (fragments.empty() ? "" : fragments[0]) << "'";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    for (const std::string& s : fragments) EXPECT_NE(m.find(s), std::string::npos) << "'" << s << "' not in: " << m;
  }
}

// Positions agree to 1e-15 relative to the larger of |x| and the box edge (LAMMPS files store
// wrapped coordinates plus image flags, so unwrapping costs one rounding of x - k L + k L).
inline void expect_same_configuration(const Configuration& a, const Configuration& b, bool exact_positions) {
  ASSERT_EQ(a.n(), b.n());
  const int n = a.n();
  for (int d = 0; d < 3; ++d) EXPECT_EQ(a.box.length[d], b.box.length[d]);
  EXPECT_EQ(a.species, b.species);
  for (int k = 0; k < 3 * n; ++k) {
    const double scale = std::max(std::fabs(a.pos[k]), a.box.length[k / n]);
    if (exact_positions)
      ASSERT_EQ(a.pos[k], b.pos[k]) << "coordinate " << k;
    else
      ASSERT_LE(std::fabs(a.pos[k] - b.pos[k]), 1e-15 * scale) << "coordinate " << k;
  }
  EXPECT_EQ(a.vel, b.vel);
}

}  // namespace tlsx::testing
