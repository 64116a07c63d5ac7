// `tlsx energy` and `tlsx convert` end to end, and the proof that our model is LAMMPS's: the energy,
// virial pressure and largest force of a LAMMPS-written KA2 file agree with what LAMMPS computed for
// it with the smoothed LJ potential tabulated by scripts/make_lammps_table.py (tests/data/README.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "tlsx/backend/backend.hpp"
#include "tlsx/backend/cpu_backend.hpp"
#include "tlsx/engine/replica_batch.hpp"
#include "tlsx/io/configuration.hpp"

namespace {

const std::string kData = std::string(TLSX_SOURCE_DIR) + "/tests/data/lammps_ka2_small.data";

// LAMMPS 29 Sep 2021, tests/data/lammps_ka2_small_energy.in: thermo pe (norm no), the virial part
// of the pressure (compute pressure NULL virial) and fmax, printed with %.15g.
constexpr double kLammpsEnergy = -1564.03129820043;
constexpr double kLammpsVirialPressure = 18.1011069474365;
constexpr double kLammpsMaxForce = 130.609376954806;
// Largest pointwise error of LAMMPS's `pair_style table spline 20001` against the exact potential,
// for r >= 0.7 sigma_ij over all six pairs: `pair_write` sampled at 99991 points per pair and compared
// by `make_lammps_table.py --check` (max |dE| = 4.807e-10, max |dF| = 1.709e-08).
constexpr double kTableEnergyError = 4.9e-10;
constexpr double kTableForceError = 1.8e-8;
constexpr double kTableValidFrom = 0.7;  // in sigma_ij

using tlsx::testing::ProgramRun;
using tlsx::testing::run_tlsx;
using tlsx::testing::slurp;
using tlsx::testing::json_number;
using tlsx::testing::json_array;

std::string scratch(const std::string& name) { return tlsx::testing::scratch_path("cli_io", name); }

struct PairStatistics {
  long pairs = 0;         // pairs within the cutoff
  int max_neighbors = 0;  // most interacting partners of one particle
  double min_reduced_distance = 1e300;  // min r_ij / sigma_ij
};

// All pairs, minimum image: how many terms the energy sums, so that the table error bounds the total.
PairStatistics pair_statistics(const tlsx::Configuration& c, const tlsx::Model& model) {
  PairStatistics s;
  const int n = c.n();
  std::vector<int> neighbors(n, 0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      double r2 = 0.0;
      for (int d = 0; d < 3; ++d) {
        const double dx = c.box.minimum_image(c.pos[d * n + i] - c.pos[d * n + j], d);
        r2 += dx * dx;
      }
      const double sigma = model.sig(c.species[i], c.species[j]);
      if (std::sqrt(r2) >= model.cutoff_ratio * sigma) continue;
      ++s.pairs;
      ++neighbors[i];
      ++neighbors[j];
      s.min_reduced_distance = std::min(s.min_reduced_distance, std::sqrt(r2) / sigma);
    }
  s.max_neighbors = *std::max_element(neighbors.begin(), neighbors.end());
  return s;
}

TEST(CliIo, EnergyOfALammpsFileAgreesWithLammps) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::Configuration c = tlsx::read_configuration(kData, model);
  tlsx::validate_configuration(c, model, kData);
  const int n = c.n();
  tlsx::ReplicaBatch batch(n, 1, c.box, model.pair_table().max_cutoff + 0.3, 0.3);
  std::copy(c.pos.begin(), c.pos.end(), batch.pos(0));
  std::copy(c.species.begin(), c.species.end(), batch.species(0));
  tlsx::CpuBackend cpu(1);
  const tlsx::ForceResult f = cpu.forces(batch, model.pair_table())[0];
  double max_force = 0.0;
  for (int k = 0; k < 3 * n; ++k) max_force = std::max(max_force, std::fabs(batch.force(0)[k]));

  // The table error bound holds only where the table was checked.
  const PairStatistics s = pair_statistics(c, model);
  ASSERT_GE(s.min_reduced_distance, kTableValidFrom);
  // Each pair's energy is off by at most kTableEnergyError, its force by kTableForceError; the virial
  // term r_ij F_ij by r_c,max kTableForceError; a force component by max_neighbors kTableForceError.
  const double energy_tol = s.pairs * kTableEnergyError + 1e-12 * std::fabs(kLammpsEnergy);
  const double pressure_tol = s.pairs * model.pair_table().max_cutoff * kTableForceError / (3.0 * c.box.volume());
  const double force_tol = s.max_neighbors * kTableForceError + 1e-12 * kLammpsMaxForce;
  EXPECT_NEAR(f.energy, kLammpsEnergy, energy_tol) << s.pairs << " pairs";
  EXPECT_NEAR(f.virial / (3.0 * c.box.volume()), kLammpsVirialPressure, pressure_tol);
  EXPECT_NEAR(max_force, kLammpsMaxForce, force_tol);
  // The program prints the same numbers.
  const ProgramRun r = run_tlsx("energy " + kData + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json_number(r.out, "n"), n);
  EXPECT_EQ(json_number(r.out, "energy_per_particle"), f.energy / n);
  EXPECT_EQ(json_number(r.out, "virial_pressure"), f.virial / (3.0 * c.box.volume()));
  EXPECT_EQ(json_number(r.out, "max_force"), max_force);
  EXPECT_EQ(json_array(r.out, "box"), (std::vector<double>{c.box.length[0], c.box.length[1], c.box.length[2]}));
  EXPECT_NE(r.err.find("energy / particle"), std::string::npos);
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "--json prints one line";
}

TEST(CliIo, ConvertChainsThroughEveryFormatAndKeepsTheEnergy) {
  const tlsx::Model model = tlsx::ka2_model();
  const std::string xyz = scratch("a.xyz"), h5 = scratch("a.h5"), data = scratch("a.data");
  ASSERT_EQ(run_tlsx("convert " + kData + " " + xyz).code, 0);
  ASSERT_EQ(run_tlsx("convert " + xyz + " " + h5).code, 0);
  const ProgramRun last = run_tlsx("convert " + h5 + " " + data + " --model " + TLSX_SOURCE_DIR + "/configs/ka2.toml");
  ASSERT_EQ(last.code, 0) << last.err;
  EXPECT_NE(last.err.find("343 particles, with velocities"), std::string::npos) << last.err;
  const tlsx::Configuration a = tlsx::read_configuration(kData, model), b = tlsx::read_configuration(data, model);
  ASSERT_EQ(a.n(), b.n());
  EXPECT_EQ(a.species, b.species);
  EXPECT_EQ(a.vel, b.vel);
  for (std::size_t k = 0; k < a.pos.size(); ++k) ASSERT_NEAR(a.pos[k], b.pos[k], 4e-15 * a.box.length[0]);
  const ProgramRun e1 = run_tlsx("energy " + kData + " --json"), e2 = run_tlsx("energy " + h5 + " --json");
  ASSERT_EQ(e2.code, 0) << e2.err;
  EXPECT_NEAR(json_number(e1.out, "energy_per_particle"), json_number(e2.out, "energy_per_particle"), 1e-12);
  for (const std::string& p : {xyz, h5, data}) std::remove(p.c_str());
}

// An error: exit status 1, nothing on stdout, one line on stderr containing every fragment.
void expect_cli_error(const std::string& args, const std::vector<std::string>& fragments) {
  const ProgramRun r = run_tlsx(args);
  EXPECT_EQ(r.code, 1) << args << "\n" << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "stderr is not one line: " << r.err;
  EXPECT_EQ(r.err.rfind("tlsx: error: ", 0), 0u) << r.err;
  for (const std::string& f : fragments) EXPECT_NE(r.err.find(f), std::string::npos) << "'" << f << "' not in: " << r.err;
}

TEST(CliIo, BadFilesGiveOneLineNamingFileAndLine) {
  const std::string missing = scratch("missing.data");
  expect_cli_error("energy " + missing + " --json", {missing + ": cannot open file"});
  expect_cli_error("convert " + missing + " " + scratch("x.xyz"), {missing});

  // Truncated: the declared 343 atoms but only 100 lines (18..117).
  const std::string original = slurp(kData);
  std::size_t cut = original.find("Atoms # atomic");
  for (int k = 0; k < 102; ++k) cut = original.find('\n', cut) + 1;
  const std::string truncated = scratch("truncated.data");
  std::ofstream(truncated) << original.substr(0, cut);
  expect_cli_error("energy " + truncated, {truncated + ":117:", "ends after 100 of 343 atom lines"});

  // A non-numeric coordinate on line 20.
  std::string broken = original;
  std::size_t line20 = 0;
  for (int k = 0; k < 19; ++k) line20 = broken.find('\n', line20) + 1;
  const std::size_t space = broken.find(' ', broken.find(' ', line20) + 1);
  broken.replace(space + 1, 3, "x.y");
  const std::string bad_number = scratch("bad_number.data");
  std::ofstream(bad_number) << broken;
  expect_cli_error("convert " + bad_number + " " + scratch("out.h5"), {bad_number + ":20:", "is not a number"});

  // Unknown element in extended XYZ, and an overlap that only validation sees.
  const std::string xyz = scratch("bad.xyz");
  std::ofstream(xyz) << "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3\nAu 1 1 1\n";
  expect_cli_error("energy " + xyz, {xyz + ":3:", "unknown species 'Au'"});
  const std::string overlap = scratch("overlap.xyz");
  {
    std::ofstream out(overlap);
    out << "8\nLattice=\"7 0 0 0 7 0 0 0 7\" Properties=species:S:1:pos:R:3\n";
    for (int k = 0; k < 7; ++k) out << "Ni " << k << " 0.5 0.5\n";
    out << "P 6.95 0.5 0.62\n";  // 0.13 from particle 1 through the x boundary (0.5 sigma_AB = 0.4)
  }
  expect_cli_error("energy " + overlap, {overlap + ": overlapping particles 1 and 8 at distance"});
  // Too small a box for the model's cutoff.
  const std::string small = scratch("small.xyz");
  std::ofstream(small) << "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nNi 1 1 1\n";
  expect_cli_error("energy " + small, {small + ": box too small for model KA2"});
  expect_cli_error("convert " + kData + " " + scratch("out.pdb"), {"unknown configuration format '.pdb'"});
  expect_cli_error("energy " + kData + " --model " + scratch("nomodel.toml"), {"nomodel.toml", "cannot open model file"});
  for (const std::string& p : {truncated, bad_number, xyz, overlap, small}) std::remove(p.c_str());
}

// Parameters the integrator cannot use are refused before any step: a Berendsen time constant not
// above the time step would make lambda^2 = 1 + dt/tau (T0/T - 1) negative (NaN velocities).
TEST(CliIo, MdRefusesParametersTheIntegratorCannotUse) {
  const std::string out = scratch("refused.data");
  expect_cli_error("md " + kData + " -o " + out + " --steps 10 --temperature 0.4 --dt 0.005 --thermostat berendsen --tau-t 0.001",
                   {"md.tau_t must be > dt"});
  expect_cli_error("md " + kData + " -o " + out + " --steps 10 --temperature 0.4 --swap-every 1 --swap-attempts 70000000",
                   {"md.swap_attempts must be in [0, 2^26)"});
  EXPECT_FALSE(std::ifstream(out).good()) << "no output for a refused run";
}

// tlsx md and tlsx minimize run their one replica on the backend asked for: the CPU by default; with
// --backend cuda the same numbers from a device, or, without one, a one-line error and exit 1.
TEST(CliIo, MdAndMinimizeRunOnTheChosenBackend) {
  const std::string out = tlsx::testing::scratch_path("backend", "out.data");
  const ProgramRun cpu_min = run_tlsx("minimize " + kData + " -o " + out + " --algo cg --json");
  ASSERT_EQ(cpu_min.code, 0) << cpu_min.err;
  const ProgramRun cpu_md = run_tlsx("md " + kData + " -o " + out + " --steps 20 --temperature 0.4 --dt 0.0025 --json");
  ASSERT_EQ(cpu_md.code, 0) << cpu_md.err;
  const ProgramRun gpu_min = run_tlsx("minimize " + kData + " -o " + out + " --algo cg --json --backend cuda");
  const ProgramRun gpu_md =
      run_tlsx("md " + kData + " -o " + out + " --steps 20 --temperature 0.4 --dt 0.0025 --json --backend cuda");
  if (tlsx::cuda_device_count() == 0) {
    for (const ProgramRun* r : {&gpu_min, &gpu_md}) {
      EXPECT_EQ(r->code, 1) << r->err;
      EXPECT_NE(r->err.find("--backend cuda"), std::string::npos) << r->err;
      EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
      EXPECT_TRUE(r->out.empty()) << r->out;
    }
  } else {
    ASSERT_EQ(gpu_min.code, 0) << gpu_min.err;
    ASSERT_EQ(gpu_md.code, 0) << gpu_md.err;
    const double e = json_number(cpu_min.out, "energy_per_particle");
    EXPECT_NEAR(json_number(gpu_min.out, "energy_per_particle"), e, 1e-10 * std::fabs(e));
    const double e_md = json_number(cpu_md.out, "energy_per_particle");
    EXPECT_NEAR(json_number(gpu_md.out, "energy_per_particle"), e_md, 1e-9 * std::fabs(e_md));
  }
  std::remove(out.c_str());
}

}  // namespace
