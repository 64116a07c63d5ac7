// tlsx bench on a tiny workload: the figures are measured, so only their bookkeeping is checked
// (counts that follow from the workload, the batching of the bands), never a speed.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "cli_test_support.hpp"

namespace {

using tlsx::testing::json_number;
using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;

TEST(CliBench, TinyWorkloadReportsEveryFigureWithItsCounts) {
  const ProgramRun r = run_tlsx(
      "bench --backends cpu --n 216 --threads 2 --cpu-replicas 2 --cpu-md-steps 20 --cpu-quenches 2 --swap-attempts 100 "
      "--swap-sweeps 1 --cpu-bands 3 --band-images 6 --band-steps 7 --cpu-profiles 10 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::size_t stages = r.out.find("\"stages\"");
  ASSERT_NE(stages, std::string::npos) << r.out;
  for (const char* key : {"md_atom_steps_per_s", "cg_quenches_per_s", "swap_attempts_per_s"})
    EXPECT_GT(json_number(r.out, key), 0.0) << key;
  EXPECT_EQ(json_number(r.out, "bands", stages), 3);
  EXPECT_EQ(json_number(r.out, "images", stages), 6);
  // Equal bands advance in lockstep: one round for the end points, one for the first band force,
  // one per FIRE step; every round serves all three bands at once.
  EXPECT_EQ(json_number(r.out, "band_rounds", stages), 7 + 2);
  // Each band: the two ends once, the 4 moving images at every one of its 8 band evaluations.
  const double evaluations = json_number(r.out, "image_evaluations_per_s", stages) * json_number(r.out, "band_seconds", stages);
  EXPECT_NEAR(evaluations, 3.0 * (4 * 8 + 2), 1e-6 * evaluations);
  EXPECT_NEAR(json_number(r.out, "band_steps_per_s", stages) * json_number(r.out, "band_seconds", stages), 3.0 * 7, 1e-9);
  EXPECT_EQ(json_number(r.out, "profiles", stages), 10);
  EXPECT_EQ(json_number(r.out, "masses", stages), 2);
  const double resolved = json_number(r.out, "splittings_resolved", stages);
  EXPECT_GT(resolved, 10.0);  // most of the 20 (well, mass) splittings resolve; the deepest symmetric may not
  EXPECT_LE(resolved, 20.0);
  EXPECT_GT(json_number(r.out, "splittings_per_s", stages), 0.0);
}

TEST(CliBench, BadBandSettingsAreOneLineErrors) {
  const ProgramRun r = run_tlsx("bench --n 216 --cpu-replicas 1 --cpu-md-steps 1 --no-quench --band-images 2");
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("--band-images"), std::string::npos) << r.err;
}

}  // namespace
