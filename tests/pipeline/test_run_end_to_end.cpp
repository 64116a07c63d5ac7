// The whole pipeline through `tlsx run` on the tiny preset: every stage runs, the library has the
// documented schema with consistent row links, the report exists, and a run stopped by --max-hours
// and resumed ends with the same library as the uninterrupted run.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "pipeline_fixtures.hpp"
#include "tlsx/io/hdf5_file.hpp"
#include "tlsx/pipeline/library.hpp"

namespace {

using namespace tlsx;

const std::string kPreset = std::string(TLSX_SOURCE_DIR) + "/tests/data/tiny_run.toml";

int run(const std::string& args) {
  const std::string cmd = std::string(TLSX_BINARY) + " run --config " + kPreset + " " + args;
  return std::system(cmd.c_str());
}

// Equal element by element, NaN equal to NaN (rows that are not good hold NaN).
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k)
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
  return true;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_schema(const std::string& path) {
  const h5::File f = h5::File::open(path);
  for (const char* a : {"format", "stage", "program_version", "model", "units", "masses", "T_Q", "config_prepare",
                        "config_explore", "config_neb", "config_splitting", "config_run"})
    EXPECT_TRUE(f.has_attribute(a)) << a;
  const h5::Group dw = f.open_group("double_wells");
  for (const char* c : {"glass", "is_a", "is_b", "energy_a", "energy_b", "V_a", "dV", "V_b", "distance",
                        "distance_per_particle", "arc_length", "participation_ratio", "omega_1", "omega_2",
                        "omega_ts", "splitting", "Delta", "Delta0", "Gamma", "is_tls", "mep_s", "mep_energy",
                        "status", "reason", "levels"})
    EXPECT_TRUE(dw.exists(c)) << c;
  for (const char* g : {"glasses", "inherent_structures", "transitions", "exploration"})
    EXPECT_TRUE(f.exists(g)) << g;
}

TEST(RunEndToEnd, TinyPresetGivesACompleteLibraryAndReport) {
  const std::string dir = tlsx::testing::temp_path("run_tiny");
  std::system(("rm -rf " + dir).c_str());
  ASSERT_EQ(run("--output " + dir + " --threads 2 --json > " + dir + ".json"), 0);
  const std::string library = dir + "/library.h5";
  check_schema(library);
  const Library lib = read_library(library);  // also checks that every table's columns agree in length
  EXPECT_EQ(lib.stage, "splitting");
  ASSERT_EQ(lib.glasses.size(), 2u);
  EXPECT_EQ(lib.glasses.id[0], 0);
  EXPECT_EQ(lib.glasses.id[1], 1);
  EXPECT_EQ(lib.masses, (std::vector<double>{5250.0, 1200.0}));
  std::int64_t n_is = 0;
  for (std::size_t g = 0; g < lib.glasses.size(); ++g) {
    EXPECT_EQ(lib.glasses.quenches[g], 60);
    EXPECT_DOUBLE_EQ(lib.glasses.fictive_temperature[g], 0.7);
    EXPECT_EQ(lib.glasses.tau_cg[g], 20);
    n_is += lib.glasses.n_is[g];
  }
  EXPECT_GE(n_is, 2);  // T_exp = 0.45 for 60 quenches finds more than the starting IS
  // Every double well points at two stored minima of its glass, the lower one first.
  const IsRowIndex index(lib.inherent_structures);
  const LibraryDoubleWells& w = lib.double_wells;
  for (std::size_t r = 0; r < w.size(); ++r) {
    const std::int64_t a = index(w.glass[r], w.is_a[r]), b = index(w.glass[r], w.is_b[r]);
    ASSERT_GE(a, 0) << r;
    ASSERT_GE(b, 0) << r;
    if (w.status[r] != 0) continue;
    EXPECT_NEAR(w.energy_a[r], lib.inherent_structures.energy[static_cast<std::size_t>(a)], 1e-9) << r;
    EXPECT_LE(w.energy_a[r], w.energy_b[r]) << r;
    EXPECT_NEAR(w.dV[r], w.energy_b[r] - w.energy_a[r], 1e-9) << r;
    EXPECT_NE(lib.coordinates(a), nullptr) << r;
    for (std::size_t j = 0; j < lib.masses.size(); ++j) {
      const double E = w.splitting[r * lib.masses.size() + j];
      if (std::isfinite(E)) {
        EXPECT_GT(E, 0.0) << r;
      }
    }
  }
  // The report: Table I as CSV and the whole report as JSON.
  EXPECT_NE(read_text(dir + "/report/table1.csv").find("fictive_temperature"), std::string::npos);
  EXPECT_NE(read_text(dir + "/report/report.json").find("\"notes\""), std::string::npos);
  EXPECT_NE(read_text(dir + ".json").find("\"complete\":true"), std::string::npos);
  EXPECT_EQ(read_text(dir + "/run.toml"), read_text(kPreset));
  EXPECT_EQ(lib.config_run, read_text(kPreset));  // the whole run configuration travels with the library

  // A finished run resumed does nothing and succeeds; the same directory without --resume is refused.
  EXPECT_EQ(run("--output " + dir + " --resume > /dev/null 2>&1"), 0);
  EXPECT_NE(run("--output " + dir + " > /dev/null 2>&1"), 0);

  // Stopped after a moment (--max-hours: every stage stops at its next checkpoint boundary) and resumed
  // until complete: the same library, bit for bit in every table.
  const std::string dir2 = tlsx::testing::temp_path("run_tiny_stopped");
  std::system(("rm -rf " + dir2).c_str());
  ASSERT_EQ(run("--output " + dir2 + " --threads 1 --max-hours 0.0002 > /dev/null 2>&1"), 0);
  EXPECT_FALSE(std::ifstream(dir2 + "/library.h5").good()) << "the stop came too late to test anything";
  int calls = 0;
  while (!std::ifstream(dir2 + "/library.h5").good() && calls < 40) {
    ASSERT_EQ(run("--output " + dir2 + " --threads 1 --resume --max-hours 0.002 > /dev/null 2>&1"), 0);
    ++calls;
  }
  const Library again = read_library(dir2 + "/library.h5");
  EXPECT_EQ(again.glasses.n_is, lib.glasses.n_is);
  EXPECT_EQ(again.inherent_structures.energy, lib.inherent_structures.energy);
  EXPECT_EQ(again.inherent_structures.coordinates, lib.inherent_structures.coordinates);
  EXPECT_EQ(again.exploration.sequence, lib.exploration.sequence);
  EXPECT_EQ(again.double_wells.status, lib.double_wells.status);
  EXPECT_TRUE(same(again.double_wells.V_a, lib.double_wells.V_a));
  EXPECT_TRUE(same(again.double_wells.mep_energy, lib.double_wells.mep_energy));
  EXPECT_TRUE(same(again.double_wells.splitting, lib.double_wells.splitting));
  EXPECT_EQ(again.double_wells.is_tls, lib.double_wells.is_tls);
  std::system(("rm -rf " + dir + " " + dir2 + " " + dir + ".json").c_str());
}

}  // namespace
