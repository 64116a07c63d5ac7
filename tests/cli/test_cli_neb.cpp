// `tlsx neb --pair` end to end on two inherent structures of a small KA2 system (n = 216): the JSON
// keys of docs/neb.md, the minima energies and the displacement measures against a direct
// computation written here, and bad input giving one `tlsx: error:` line and exit status 1.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../common/test_systems.hpp"
#include "../pipeline/pipeline_fixtures.hpp"
#include "cli_test_support.hpp"
#include "tlsx/pipeline/explore.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/io/configuration.hpp"

namespace {

// The smallest cubic lattice whose box passes the commands' check (edge > 2 x (cutoff + skin)).
constexpr int kN = 343;

using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;
using tlsx::testing::json_number;

std::string scratch(const std::string& name) { return tlsx::testing::scratch_path("cli_neb", name); }

// Two inherent structures of one glass: a quenched jittered lattice (A) and the minimum reached
// after pushing one particle by 0.7 sigma (B): the first push of a fixed list that lands in a
// different minimum.
struct Files {
  std::string a, b, unrelaxed;
  double energy_a = 0.0, energy_b = 0.0, distance = 0.0, d = 0.0;
};

const Files& files() {
  static const Files f = [] {
    Files out;
    const tlsx::Model model = tlsx::ka2_model();
    tlsx::ReplicaBatch batch = tlsx::testing::lattice_batch(model, kN, 1, 2024u);
    tlsx::Configuration c;
    c.box = batch.box();
    c.species.assign(batch.species(0), batch.species(0) + kN);
    c.pos.assign(batch.pos(0), batch.pos(0) + 3 * kN);
    out.unrelaxed = scratch("lattice.data");
    tlsx::write_configuration(out.unrelaxed, c, model);
    tlsx::CpuBackend cpu(1);
    tlsx::MinimizeParams mp;
    mp.force_tolerance = 1e-10;
    out.energy_a = cpu.minimize(batch, model.pair_table(), mp)[0].energy;
    const std::vector<double> a(batch.pos(0), batch.pos(0) + 3 * kN);
    c.pos = a;
    out.a = scratch("a.data");
    tlsx::write_configuration(out.a, c, model);
    // Push one particle at a time, harder and harder, until the quench ends in another minimum.
    bool found = false;
    for (double push : {0.6, 0.8, 1.0}) {
      for (int i = 0; i < kN && !found; ++i) {
        std::copy(a.begin(), a.end(), batch.pos(0));
        batch.pos(0)[(i % 3) * kN + i] += push;
        const tlsx::MinimizeResult m = cpu.minimize(batch, model.pair_table(), mp)[0];
        out.energy_b = m.energy;
        found = m.converged() && std::fabs(m.energy - out.energy_a) > 1e-6;
      }
      if (found) break;
    }
    c.pos.assign(batch.pos(0), batch.pos(0) + 3 * kN);
    out.b = scratch("b.data");
    tlsx::write_configuration(out.b, c, model);
    double s2 = 0.0;
    for (int k = 0; k < 3 * kN; ++k) {
      double u = c.pos[k] - a[k];
      u -= c.box.length[k / kN] * std::round(u / c.box.length[k / kN]);
      s2 += u * u;
    }
    out.distance = std::sqrt(s2);
    out.d = std::sqrt(s2 / kN);
    return out;
  }();
  return f;
}

TEST(CliNeb, PairGivesTheDoubleWellAndItsSplittings) {
  const Files& f = files();
  ASSERT_GT(std::fabs(f.energy_a - f.energy_b), 1e-6) << "the push did not change the minimum";
  const ProgramRun r = run_tlsx("neb --backend cpu --pair " + f.a + " " + f.b + " --images 8 --threads 2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  // One JSON object on one line.
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '{');
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1);
  for (const char* key : {"\"status\":", "\"n\":", "\"images\":", "\"method\":", "\"minima_energy\":",
                          "\"intermediate_minima\":", "\"masses\":", "\"double_wells\":", "\"failures\":",
                          "\"bands\":", "\"force_evaluations\":", "\"seconds\":"})
    EXPECT_NE(r.out.find(key), std::string::npos) << key;
  EXPECT_NE(r.out.find("\"status\":\"good\""), std::string::npos) << r.out.substr(0, 400) << "\n" << r.err;
  EXPECT_EQ(json_number(r.out, "n"), kN);
  EXPECT_EQ(json_number(r.out, "intermediate_minima"), 0.0);
  // minima_energy: [E_A, E_B], as the direct minimisation found them.
  const std::size_t me = r.out.find("\"minima_energy\":[");
  ASSERT_NE(me, std::string::npos);
  const double ea = std::strtod(r.out.c_str() + me + 17, nullptr);
  EXPECT_NEAR(ea, f.energy_a, 1e-9 * std::fabs(f.energy_a));
  // The double well: its keys, and the quantities that do not depend on the path.
  const std::size_t dw = r.out.find("\"double_wells\":[{");
  ASSERT_NE(dw, std::string::npos);
  for (const char* key : {"V_a", "dV", "V_b", "distance", "d", "participation_ratio", "arc_length", "omega_1", "omega_2",
                          "omega_ts", "s", "V", "splittings"})
    EXPECT_NE(r.out.find("\"" + std::string(key) + "\":", dw), std::string::npos) << key;
  EXPECT_NEAR(json_number(r.out, "dV", dw), std::fabs(f.energy_a - f.energy_b), 1e-8);
  EXPECT_NEAR(json_number(r.out, "distance", dw), f.distance, 1e-10);
  EXPECT_NEAR(json_number(r.out, "d", dw), f.d, 1e-10);
  const double va = json_number(r.out, "V_a", dw), dv = json_number(r.out, "dV", dw);
  EXPECT_GT(va, dv);
  EXPECT_NEAR(json_number(r.out, "V_b", dw), va - 0.5 * dv, 1e-12);
  EXPECT_GE(json_number(r.out, "arc_length", dw), f.distance * (1.0 - 1e-12));
  // Splittings at the two default masses (or the reason the profile is not a double well).
  const std::size_t sp = r.out.find("\"splittings\":[", dw);
  ASSERT_NE(sp, std::string::npos);
  EXPECT_TRUE(r.out.find("\"mass\":5250", sp) != std::string::npos ||
              r.out.find("\"splitting_error\":", sp) != std::string::npos)
      << r.out.substr(sp, 300);
}

TEST(CliNeb, BadInputGivesOneErrorLine) {
  const Files& f = files();
  const std::vector<std::string> bad = {
      "neb --backend cpu --pair " + f.a + " " + scratch("missing.data"),        // no such file
      "neb --backend cpu --pair " + f.a + " " + f.unrelaxed + " --images 4",    // not a minimum
      "neb --backend cpu --pair " + f.a + " " + f.b + " --images 2",            // too few images
      "neb --backend cpu " + scratch("missing.h5") + " -o " + scratch("out.h5"),  // no library
  };
  for (const std::string& args : bad) {
    const ProgramRun r = run_tlsx(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_TRUE(r.out.empty()) << args;
    ASSERT_FALSE(r.err.empty()) << args;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << ": " << r.err;
  }
  const ProgramRun r = run_tlsx("neb --backend cpu --pair " + f.a + " " + f.unrelaxed);
  EXPECT_NE(r.err.find("is not a minimum"), std::string::npos) << r.err;
}

// The library form on a tiny explored library: writes stage "neb" with a row per candidate pair,
// refuses --resume without a checkpoint.
TEST(CliNeb, LibraryFormWritesTheNebStage) {
  const tlsx::GlassSet g = tlsx::testing::small_glass_set(216, 2, 42);
  tlsx::ExploreOptions o;
  o.temperature = 0.45;
  o.tau_cg = 200;
  o.n_cg = 20;
  o.seed = 5;
  tlsx::CpuBackend cpu(2);
  tlsx::Exploration e(g, o);
  while (!e.finished()) e.cycle(cpu);
  const tlsx::Library explored = e.library(g);
  const std::string in = scratch("explore.h5"), out = scratch("dw.h5");
  tlsx::write_library(in, explored);
  std::size_t candidates = 0;
  for (std::size_t k = 0; k < explored.transitions.size(); ++k) candidates += explored.transitions.candidate(k);

  const ProgramRun r = run_tlsx("neb " + in + " -o " + out + " --images 6 --ftol 1e-4 --backend cpu --threads 2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* key : {"output", "complete", "stop_reason", "checkpoint", "pairs", "pairs_done", "good", "split",
                          "not_converged", "failed", "bands", "seconds", "backend"})
    EXPECT_NE(r.out.find("\"" + std::string(key) + "\":"), std::string::npos) << key;
  EXPECT_EQ(json_number(r.out, "pairs"), static_cast<double>(candidates));
  const tlsx::Library lib = tlsx::read_library(out);
  EXPECT_EQ(lib.stage, "neb");
  EXPECT_NE(lib.config_neb.find("\"images\":6"), std::string::npos) << lib.config_neb;
  EXPECT_GE(lib.double_wells.size(), candidates);
  EXPECT_EQ(lib.double_wells.images, 6);
  EXPECT_EQ(lib.inherent_structures.size() >= explored.inherent_structures.size(), true);

  const ProgramRun again = run_tlsx("neb " + in + " -o " + scratch("dw2.h5") + " --backend cpu --resume");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("no checkpoint"), std::string::npos) << again.err;
  std::remove(in.c_str());
  std::remove(out.c_str());
}

}  // namespace
