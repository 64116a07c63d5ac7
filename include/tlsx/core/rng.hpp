#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). A draw is a pure function of
// (seed, glass, purpose, step, index): never of the thread, the batch, the shard or the backend, so a
// glass's trajectory is the same whether it runs alone, beside 511 others, on the CPU or on the GPU.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

#include "tlsx/core/hd.hpp"

namespace tlsx {

// What a stream is used for: one key per physical purpose so that streams never overlap.
enum class RngPurpose : std::uint32_t {
  initial_positions = 1,
  initial_velocities = 2,
  thermostat = 3,
  swap_pick = 4,
  swap_accept = 5,
  exploration_velocities = 6,
  bootstrap = 50,  // glass-to-glass resampling of the analysis (tlsx analyze)
  test = 100,
};

struct RngStream {
  std::uint64_t seed = 0;
  std::uint32_t glass = 0;
  RngPurpose purpose = RngPurpose::test;

  // Four 32-bit words for (step, index). step may be up to 2^48.
  TLSX_HD TLSX_INLINE r123::Philox4x32::ctr_type words(std::uint64_t step, std::uint32_t index) const {
    r123::Philox4x32 philox;
    r123::Philox4x32::key_type key = {{static_cast<std::uint32_t>(seed & 0xffffffffu),
                                        static_cast<std::uint32_t>(seed >> 32)}};
    r123::Philox4x32::ctr_type ctr = {
        {glass,
         (static_cast<std::uint32_t>(purpose) << 16) | static_cast<std::uint32_t>((step >> 32) & 0xffffu),
         static_cast<std::uint32_t>(step & 0xffffffffu), index}};
    return philox(ctr, key);
  }
};

// Uniform double in (0, 1) from two 32-bit words (53 random bits, never exactly 0 or 1).
TLSX_HD TLSX_INLINE double uniform_open(std::uint32_t hi, std::uint32_t lo) {
  std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (static_cast<std::uint64_t>(lo) >> 11);
  bits &= (std::uint64_t(1) << 53) - 1;
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

struct TwoUniforms {
  double u0, u1;
};
struct TwoGaussians {
  double g0, g1;
};

TLSX_HD TLSX_INLINE TwoUniforms two_uniforms(const RngStream& s, std::uint64_t step, std::uint32_t index) {
  auto w = s.words(step, index);
  return {uniform_open(w[0], w[1]), uniform_open(w[2], w[3])};
}

// Two independent standard normal deviates (Box-Muller).
TLSX_HD TLSX_INLINE TwoGaussians two_gaussians(const RngStream& s, std::uint64_t step, std::uint32_t index) {
  TwoUniforms u = two_uniforms(s, step, index);
  const double r = sqrt(-2.0 * log(u.u0));
  const double phi = 6.283185307179586476925287 * u.u1;
  return {r * cos(phi), r * sin(phi)};
}

// Uniform integer in [0, n) from one 32-bit word (multiply-shift; bias < n / 2^32).
TLSX_HD TLSX_INLINE std::uint32_t uniform_index(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(word) * n) >> 32);
}

}  // namespace tlsx
