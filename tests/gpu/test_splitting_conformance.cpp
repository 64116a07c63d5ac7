// The device splittings (include/tlsx/quantum/device_splittings.hpp) against the OpenMP CPU batch
// (splitting.hpp, itself proven in tests/quantum against analytic wells and a sinc-DVR reference).
// Both run the same splitting_of on the same host-prepared wells; the device file is compiled without
// FMA contraction, so with a host build without contraction either (TLSX_NATIVE=OFF, as
// bench/gpu_check.sh builds) the grid arithmetic is the same and every grid decision agrees. What may
// still differ is the last bit of acosh/exp (wall placement, WKB terms), and on a host built with FMA
// contraction the rounding of the Numerov samples: ~1e-15 relative in the levels. So every level is
// compared at the 1e-10 relative, and E = eps_2 - eps_1 at 1e-10 relative or the solver's
// own rounding floor of E (kNoiseFactor eps_mach eps_2, grid_levels.hpp), whichever is larger: the
// latter binds only for the deepest symmetric wells (E ~ 1e-7 eps_5), where E has no more digits.
// Without a device the comparison skips; the no-device behaviour is tested everywhere.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/quantum/device_splittings.hpp"
#include "tlsx/quantum/quartic_profile.hpp"

namespace {

using tlsx::quantum::Profile;
using tlsx::quantum::quartic_profile;
using tlsx::quantum::SplittingResult;
using tlsx::quantum::SplittingStatus;

// A spread of barriers (a b^4 from 0.008 to 0.1 eps) and asymmetries -- E from 1e-7 to 0.4 eps_5, all
// resolved on the CPU -- plus one profile that is not a double well (it rises monotonically), which
// must come back as profile_error on both paths.
std::vector<Profile> test_profiles() {
  std::vector<Profile> out;
  for (double a : {1.0, 2.0, 4.0})
    for (double b : {0.3, 0.4})
      for (double c : {0.0, 0.004, 0.02}) out.push_back(quartic_profile(a, b, c, 64));
  Profile rising;
  for (int k = 0; k < 16; ++k) {
    rising.s.push_back(0.05 * k);
    rising.V.push_back(0.01 * k * k);
  }
  rising.name = "rising";
  out.push_back(rising);
  return out;
}

const std::vector<double> kMasses = {5250.0, 1200.0};  // Eq. 11: "NiP" and "Ar"

bool relatively_close(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance * std::fabs(b);
}

void expect_same_splitting(const SplittingResult& device, const SplittingResult& cpu, const std::string& what) {
  ASSERT_EQ(static_cast<int>(device.status), static_cast<int>(cpu.status)) << what;
  EXPECT_EQ(static_cast<int>(device.profile), static_cast<int>(cpu.profile)) << what;
  if (cpu.status == SplittingStatus::profile_error) return;
  EXPECT_EQ(device.resolved, cpu.resolved) << what;
  EXPECT_EQ(device.grids, cpu.grids) << what;
  EXPECT_EQ(device.grid_points, cpu.grid_points) << what;
  for (int k = 0; k < tlsx::quantum::kLevels; ++k)
    EXPECT_PRED3(relatively_close, device.levels[k], cpu.levels[k], 1e-10) << what << ", level " << k + 1;
  const double E_floor = tlsx::quantum::kNoiseFactor * DBL_EPSILON * std::fabs(cpu.levels[1]);
  EXPECT_LE(std::fabs(device.E - cpu.E), std::fmax(1e-10 * std::fabs(cpu.E), E_floor)) << what;
  EXPECT_PRED3(relatively_close, device.Delta0, cpu.Delta0, 1e-10) << what;
  EXPECT_PRED3(relatively_close, device.Gamma, cpu.Gamma, 1e-10) << what;
  EXPECT_EQ(device.is_tls, cpu.is_tls) << what;
}

// ---- without a device (runs on every machine that has none) ----

TEST(DeviceSplittings, UnavailableIsAOneLineErrorAndTheBatchFallsBackToTheCpu) {
  std::string why;
  if (tlsx::quantum::device_splittings_available(&why)) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  const std::vector<Profile> profiles = {quartic_profile(2.0, 0.4, 0.004, 64)};
  try {
    tlsx::quantum::device_splittings(profiles, kMasses);
    FAIL() << "device_splittings without a device must throw";
  } catch (const tlsx::Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("device splittings"), std::string::npos) << message;
  }
  // The fallback is the OpenMP batch itself: identical numbers.
  const auto batched = tlsx::quantum::batched_splittings(profiles, kMasses);
  const auto cpu = tlsx::quantum::splittings(profiles, kMasses);
  ASSERT_EQ(batched.size(), 1u);
  ASSERT_EQ(batched[0].size(), kMasses.size());
  for (std::size_t j = 0; j < kMasses.size(); ++j) {
    EXPECT_EQ(batched[0][j].status, SplittingStatus::ok);
    EXPECT_EQ(batched[0][j].E, cpu[0][j].E);
  }
}

// ---- conformance (needs a device) ----

TEST(DeviceSplittings, SameLevelsAndSplittingsAsTheCpuTo1e10) {
  std::string why;
  if (!tlsx::quantum::device_splittings_available(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  const std::vector<Profile> profiles = test_profiles();
  const auto cpu = tlsx::quantum::splittings(profiles, kMasses);
  const auto device = tlsx::quantum::device_splittings(profiles, kMasses);
  ASSERT_EQ(device.size(), profiles.size());
  int resolved = 0;
  for (std::size_t p = 0; p < profiles.size(); ++p) {
    ASSERT_EQ(device[p].size(), kMasses.size());
    for (std::size_t j = 0; j < kMasses.size(); ++j) {
      expect_same_splitting(device[p][j], cpu[p][j], profiles[p].name + ", m~ = " + std::to_string(kMasses[j]));
      resolved += cpu[p][j].resolved;
    }
  }
  EXPECT_EQ(device.back()[0].status, SplittingStatus::profile_error);  // the rising profile
  EXPECT_EQ(resolved, 36) << "every test well gives a resolved splitting on the CPU";
  // The dispatcher takes the device path when there is one.
  const auto batched = tlsx::quantum::batched_splittings(profiles, kMasses);
  for (std::size_t p = 0; p < profiles.size(); ++p)
    for (std::size_t j = 0; j < kMasses.size(); ++j) EXPECT_EQ(batched[p][j].E, device[p][j].E);
}

// With a workspace smaller than the second grid every task outgrows the device and is recomputed by
// the host batch: the results must be the CPU's exactly, however little memory the device has.
TEST(DeviceSplittings, OutgrownWorkspaceFallsBackToTheHostExactly) {
  std::string why;
  if (!tlsx::quantum::device_splittings_available(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  const std::vector<Profile> profiles = {quartic_profile(2.0, 0.4, 0.004, 64), quartic_profile(1.0, 0.3, 0.0, 64)};
  const auto cpu = tlsx::quantum::splittings(profiles, kMasses);
  for (const auto& row : cpu)
    for (const SplittingResult& r : row) ASSERT_GT(r.grid_points, 100) << "the capacity below must be outgrown";
  setenv("TLSX_CUDA_SPLITTING_CAPACITY", "100", 1);
  const auto device = tlsx::quantum::device_splittings(profiles, kMasses);
  unsetenv("TLSX_CUDA_SPLITTING_CAPACITY");
  for (std::size_t p = 0; p < profiles.size(); ++p)
    for (std::size_t j = 0; j < kMasses.size(); ++j) {
      EXPECT_EQ(device[p][j].status, SplittingStatus::ok);
      EXPECT_EQ(device[p][j].grid_points, cpu[p][j].grid_points);
      EXPECT_EQ(device[p][j].E, cpu[p][j].E);  // the same host code: bit for bit
    }
}

}  // namespace
