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

// A copy of configuration `from` with positions changed by `change(c)`, written as `name`.
template <class Change>
std::string variant(const std::string& from, const std::string& name, Change&& change) {
  const tlsx::Model model = tlsx::ka2_model();
  tlsx::Configuration c = tlsx::read_configuration(from, model);
  change(c);
  const std::string path = scratch(name);
  tlsx::write_configuration(path, c, model);
  return path;
}

TEST(CliNeb, BadInputGivesOneErrorLineNamingTheFile) {
  const Files& f = files();
  // Another particle count (a 512-particle lattice), other species, another box, the same minimum.
  const std::string other_n = scratch("n512.data");
  {
    const tlsx::Model model = tlsx::ka2_model();
    tlsx::ReplicaBatch batch = tlsx::testing::lattice_batch(model, 512, 1, 7u);
    tlsx::Configuration c;
    c.box = batch.box();
    c.species.assign(batch.species(0), batch.species(0) + 512);
    c.pos.assign(batch.pos(0), batch.pos(0) + 3 * 512);
    tlsx::write_configuration(other_n, c, model);
  }
  const std::string other_species = variant(f.a, "species.data", [](tlsx::Configuration& c) {
    for (int i = 1; i < c.n(); ++i)
      if (c.species[i] != c.species[0]) {
        std::swap(c.species[0], c.species[i]);
        break;
      }
  });
  const std::string other_box = variant(f.a, "box.data", [](tlsx::Configuration& c) {
    for (int d = 0; d < 3; ++d) c.box.length[d] *= 1.001;
    for (double& x : c.pos) x *= 1.001;
  });
  const std::string same = variant(f.a, "same.data", [](tlsx::Configuration&) {});
  struct Bad {
    std::string args, file, says;
  };
  const std::vector<Bad> bad = {
      {"--pair " + f.a + " " + scratch("missing.data"), scratch("missing.data"), ""},
      {"--pair " + f.a + " " + other_n, other_n, "particles"},
      {"--pair " + f.a + " " + other_species, other_species, "species"},
      {"--pair " + f.a + " " + other_box, other_box, "box"},
      {"--pair " + f.a + " " + same, same, "same minimum"},
      {"--pair " + f.a + " " + f.b + " --images 2", "", "images"},
      {scratch("missing.h5") + " -o " + scratch("out.h5"), "missing.h5", ""},
      {scratch("missing.h5") + " -o " + scratch("out.h5") + " --write-path " + scratch("p.xyz"), "", "--pair"},
  };
  for (const Bad& b : bad) {
    const std::string args = "neb --backend cpu " + b.args;
    const ProgramRun r = run_tlsx(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_TRUE(r.out.empty()) << args;
    ASSERT_FALSE(r.err.empty()) << args;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << ": " << r.err;
    EXPECT_NE(r.err.find(b.file), std::string::npos) << args << ": " << r.err;
    EXPECT_NE(r.err.find(b.says), std::string::npos) << args << ": " << r.err;
  }
}

// Ends that are not minima to 1e-6 (here A displaced by ~1e-6 sigma, largest force ~1e-4, as a
// LAMMPS quench leaves them) are quenched first, reported, and give the double well of the exact
// minima; --write-path writes the band's images, the last frame being B (up to box vectors).
TEST(CliNeb, EndsThatAreNotMinimaAreQuenchedFirst) {
  const Files& f = files();
  const std::string nudged = variant(f.a, "nudged.data", [](tlsx::Configuration& c) {
    for (std::size_t k = 0; k < c.pos.size(); ++k) c.pos[k] += 1e-6 * std::sin(0.7 * static_cast<double>(k));
  });
  const std::string path = scratch("path.xyz");
  std::remove(path.c_str());
  const ProgramRun exact = run_tlsx("neb --backend cpu --pair " + f.a + " " + f.b + " --images 8 --threads 2 --json");
  const ProgramRun r = run_tlsx("neb --backend cpu --pair " + nudged + " " + f.b +
                                " --images 8 --threads 2 --json --write-path " + path);
  ASSERT_EQ(exact.code, 0) << exact.err;
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find(nudged + " is not a minimum"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("quenched"), std::string::npos) << r.err;
  const std::size_t ends = r.out.find("\"ends\":[");
  ASSERT_NE(ends, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"quenched\":true", ends), std::string::npos);
  EXPECT_GT(json_number(r.out, "max_force", ends), 1e-6);
  const double de = json_number(r.out, "energy_change", ends), moved = json_number(r.out, "largest_displacement", ends);
  EXPECT_LT(de, 0.0);
  EXPECT_GT(de, -1e-6);
  EXPECT_GT(moved, 1e-7);
  EXPECT_LT(moved, 1e-4);
  // The second end is a minimum already: not quenched.
  const std::size_t second = r.out.find("\"file\":", r.out.find("\"file\":", ends) + 1);
  EXPECT_NE(r.out.find("\"quenched\":false", second), std::string::npos);
  // The same double well as from the exact minima.
  const std::size_t dw = r.out.find("\"double_wells\":[{"), dw0 = exact.out.find("\"double_wells\":[{");
  ASSERT_NE(dw, std::string::npos);
  ASSERT_NE(dw0, std::string::npos);
  EXPECT_NEAR(json_number(r.out, "V_a", dw), json_number(exact.out, "V_a", dw0), 1e-6 * json_number(exact.out, "V_a", dw0));
  EXPECT_NEAR(json_number(r.out, "dV", dw), json_number(exact.out, "dV", dw0), 1e-8);
  // The path file: 8 frames of kN particles; the last is B.
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path;
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 8 * (kN + 2));
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::Configuration last = tlsx::read_configuration(path, model);
  const tlsx::Configuration b = tlsx::read_configuration(f.b, model);
  ASSERT_EQ(last.n(), kN);
  for (int k = 0; k < 3 * kN; ++k) {
    const double shift = (last.pos[k] - b.pos[k]) / b.box.length[k / kN];
    ASSERT_NEAR(shift, std::round(shift), 1e-9) << k;
  }
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
