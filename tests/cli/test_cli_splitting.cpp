// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 kernels (-march=native); the
// pragma must precede every include to reach the intrinsics headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// `tlsx splitting --profile FILE.csv` end to end: a quartic double well written as CSV (s,V and
// s,V,dVds), solved by the program, against the test's own dense diagonalisation (sinc DVR) of the
// same well continued harmonically beyond its minima (docs/architecture.md §1); bad CSV files as one-line
// errors naming the file and line; and `tlsx splitting DW.h5` against the stage run in-process.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../pipeline/splitting_fixture.hpp"
#include "../quantum/quantum_reference.hpp"
#include "cli_test_support.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/splitting_stage.hpp"

namespace {

using tlsx_test::ExtendedQuartic;
using tlsx_test::Quartic;

using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;
using tlsx::testing::json_number;
using tlsx::testing::json_array;

std::string scratch(const std::string& name) { return tlsx::testing::scratch_path("cli_splitting", name); }

// The quartic from minimum to minimum at 64 equally spaced images, as the CSV of docs/quantum.md.
void write_quartic_csv(const Quartic& q, const std::string& path, bool with_slope) {
  const double lo = q.minimum_near(-q.b), hi = q.minimum_near(q.b);
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fprintf(f, with_slope ? "s,V,dVds\n" : "s,V\n");
  for (int i = 0; i < 64; ++i) {
    const double s = lo + (hi - lo) * i / 63.0;
    if (with_slope) {
      std::fprintf(f, "%.17g,%.17g,%.17g\n", s - lo, q.value(s), q.slope(s));
    } else {
      std::fprintf(f, "%.17g,%.17g\n", s - lo, q.value(s));
    }
  }
  std::fclose(f);
}

TEST(CliSplitting, ProfileMatchesDenseDiagonalisationOfTheExtendedQuartic) {
  // An asymmetric quartic, V_b = 0.1, dV ~ 0.005: the program's E and levels against the sinc-DVR
  // levels of the quartic continued harmonically with its exact curvature at the minima. What remains
  // is the 64-image spline's error, chiefly its curvature at the minima (which sets the extension):
  // Hermite < 5e-4, not-a-knot < 4e-3 relative (test_profile_splitting.cpp), moving E by less than
  // 1e-3 and 3e-3; levels (from the lower minimum) to 1e-3 of eps_5.
  const Quartic q{0.1 / 0.0625, 0.5, 0.005};
  const ExtendedQuartic ext(q);
  for (bool hermite : {true, false}) {
    const std::string csv = scratch(hermite ? "hermite.csv" : "plain.csv");
    write_quartic_csv(q, csv, hermite);
    for (double mass : {5250.0, 1200.0}) {
      double lo, hi;
      tlsx_test::reference_domain(q, mass, lo, hi);
      const std::vector<double> ref = tlsx_test::converged_dvr_levels(
          [&](double s) { return ext.value(s) - ext.v_left; }, lo, hi, 600, mass, 2e-6, 1e-8);
      const double E_ref = ref[1] - ref[0];
      const std::string label = std::string(hermite ? "s,V,dVds" : "s,V") + " m=" + std::to_string(mass);

      char mass_arg[32];
      std::snprintf(mass_arg, sizeof mass_arg, "%g", mass);
      const ProgramRun r = run_tlsx("splitting --profile " + csv + " --mass " + mass_arg + " --json");
      ASSERT_EQ(r.code, 0) << label << "\n" << r.err;
      const double E = json_number(r.out, "E");
      EXPECT_NEAR(E, E_ref, (hermite ? 1e-3 : 3e-3) * E_ref) << label;
      const std::vector<double> levels = json_array(r.out, "levels");
      ASSERT_EQ(levels.size(), 5u) << r.out;
      for (int k = 0; k < 5; ++k) EXPECT_NEAR(levels[k], ref[k], 1e-3 * ref[4]) << label << " level " << k;
      // Barrier and asymmetry of the quartic itself; Delta of Eq. 13 from its exact curvatures.
      const double dV = ext.v_right - ext.v_left;
      EXPECT_NEAR(json_number(r.out, "dV"), dV, 1e-5 * dV) << label;
      EXPECT_NEAR(json_number(r.out, "V_a"), q.value(q.minimum_near(0.0)) - ext.v_left, 1e-5) << label;
      const double Delta = dV + 0.5 * (std::sqrt(ext.k_right / mass) - std::sqrt(ext.k_left / mass));
      EXPECT_NEAR(json_number(r.out, "Delta"), Delta, 1e-3 * Delta) << label;
      const double Delta0 = json_number(r.out, "Delta0");
      EXPECT_GT(Delta0, 0.0) << label;
      EXPECT_LT(Delta0, E) << label;  // E ~ sqrt(Delta^2 + Delta0^2)
      EXPECT_GT(json_number(r.out, "Gamma"), 0.0) << label;
      EXPECT_NEAR(json_number(r.out, "T_Q"), 2.0 * M_PI / mass, 1e-15) << label;
      EXPECT_NE(r.out.find(E < 2.0 * M_PI / mass ? "\"is_tls\":true" : "\"is_tls\":false"), std::string::npos);
      EXPECT_NE(r.err.find("splitting:"), std::string::npos) << "human summary on stderr";
    }
    std::remove(csv.c_str());
  }
}

TEST(CliSplitting, SeveralMassesGiveOneResultEach) {
  const std::string csv = scratch("two.csv");
  write_quartic_csv(Quartic{0.1 / 0.0625, 0.5, 0.002}, csv, false);
  const ProgramRun both = run_tlsx("splitting --profile " + csv + " --mass 5250,1200 --json");
  ASSERT_EQ(both.code, 0) << both.err;
  const ProgramRun one = run_tlsx("splitting --profile " + csv + " --mass 1200 --json");
  ASSERT_EQ(one.code, 0) << one.err;
  // The results array holds 5250 then 1200; the second's E is the single-mass run's.
  const std::size_t second = both.out.find("\"mass\":1200");
  ASSERT_NE(second, std::string::npos) << both.out;
  EXPECT_EQ(json_number(both.out.substr(second), "E"), json_number(one.out, "E"));
  EXPECT_LT(both.out.find("\"mass\":5250"), second);
  std::remove(csv.c_str());
}

void expect_one_line_error(const std::string& name, const std::string& content, const std::string& where,
                           const std::string& what) {
  const std::string csv = scratch(name);
  {
    std::ofstream f(csv);
    f << content;
  }
  const ProgramRun r = run_tlsx("splitting --profile " + csv + " --mass 1200");
  EXPECT_NE(r.code, 0) << name;
  EXPECT_NE(r.err.find(csv + where), std::string::npos) << name << ": " << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << name << ": " << r.err;
  // One line: the message and its newline, nothing after.
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << name << ": " << r.err;
  EXPECT_TRUE(r.out.empty()) << name;
  std::remove(csv.c_str());
}

TEST(CliSplitting, BadCsvIsAOneLineErrorNamingFileAndLine) {
  expect_one_line_error("cell.csv", "s,V\n0,0\n0.1,0.5\n0.2,abc\n0.3,0.5\n0.4,0\n", ":4:", "'abc' is not a number");
  expect_one_line_error("header.csv", "x,y\n0,0\n", ":1:", "header");
  expect_one_line_error("columns.csv", "s,V\n0,0\n0.1,0.5,7\n", ":3:", "columns");
  expect_one_line_error("order.csv", "s,V\n0,0\n0.2,0.5\n0.1,1\n0.3,0\n", ":4:", "increase");
  expect_one_line_error("short.csv", "s,V\n0,0\n0.1,1\n0.2,0\n", ": ", "at least 4");
  // A valid file whose path is not a double well: named by file, with the reason.
  expect_one_line_error("mono.csv", "s,V\n0,0\n0.1,0.01\n0.2,0.04\n0.3,0.09\n0.4,0.16\n", ": ", "no interior barrier");
  const ProgramRun missing = run_tlsx("splitting --profile " + scratch("absent.csv"));
  EXPECT_NE(missing.code, 0);
  EXPECT_NE(missing.err.find("absent.csv"), std::string::npos) << missing.err;
}

bool same_column(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
  return true;
}

TEST(CliSplitting, LibraryFormFillsTheColumnsInPlaceOrIntoOutput) {
  // The program's columns are the stage's (tests/pipeline/test_splitting_stage.cpp checks those
  // against dense diagonalisation); here: the file round trip, -o, in place, --mass, --json.
  const std::string lib_path = scratch("dw.h5"), out_path = scratch("dw_split.h5");
  tlsx::write_library(lib_path, tlsx_test::hand_made_library());
  tlsx::Library expected = tlsx_test::hand_made_library();
  tlsx::SplittingStageOptions opt;
  opt.masses = {5250.0, 1200.0};
  opt.progress = false;
  tlsx::run_splitting_stage(expected, opt);

  const ProgramRun r = run_tlsx("splitting " + lib_path + " -o " + out_path + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tlsx::read_library(lib_path).stage, "neb");  // -o leaves the input alone
  const tlsx::Library got = tlsx::read_library(out_path);
  EXPECT_EQ(got.stage, "splitting");
  EXPECT_EQ(got.masses, opt.masses);
  EXPECT_EQ(got.T_Q, expected.T_Q);
  EXPECT_TRUE(same_column(got.double_wells.splitting, expected.double_wells.splitting));
  EXPECT_TRUE(same_column(got.double_wells.levels, expected.double_wells.levels));
  EXPECT_TRUE(same_column(got.double_wells.Delta, expected.double_wells.Delta));
  EXPECT_TRUE(same_column(got.double_wells.Delta0, expected.double_wells.Delta0));
  EXPECT_TRUE(same_column(got.double_wells.Gamma, expected.double_wells.Gamma));
  EXPECT_EQ(got.double_wells.is_tls, expected.double_wells.is_tls);
  EXPECT_EQ(json_number(r.out, "good"), 4.0) << r.out;
  EXPECT_EQ(json_array(r.out, "masses"), opt.masses) << r.out;

  // In place, one mass.
  const ProgramRun again = run_tlsx("splitting " + lib_path + " --mass 1200");
  ASSERT_EQ(again.code, 0) << again.err;
  const tlsx::Library in_place = tlsx::read_library(lib_path);
  EXPECT_EQ(in_place.stage, "splitting");
  ASSERT_EQ(in_place.masses, std::vector<double>{1200.0});
  for (std::size_t i = 0; i < in_place.double_wells.size(); ++i) {
    const double a = in_place.double_wells.splitting[i], b = expected.double_wells.splitting[2 * i + 1];
    EXPECT_TRUE(a == b || (std::isnan(a) && std::isnan(b))) << i;
  }
  // Not a library: one line naming the file.
  const std::string csv = scratch("not_a_library.csv");
  write_quartic_csv(Quartic{1.6, 0.5, 0.0}, csv, false);
  const ProgramRun bad = run_tlsx("splitting " + csv);
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find(csv), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find('\n'), bad.err.size() - 1) << bad.err;
  for (const std::string& f : {lib_path, out_path, csv}) std::remove(f.c_str());
}

}  // namespace
