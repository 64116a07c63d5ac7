// tlsx analyze: Table I against hand counts, the n_0 plateau against planted densities, the
// glass bootstrap against the standard error of a mean, the SI conversion against the paper's
// constants (Sec. IV B), the report files, the CLI and scripts/plot_report.py.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/analyze.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/quantum/splitting_core.hpp"

namespace {

using namespace tlsx;

constexpr int kN = 10;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string temp_dir(const std::string& name) {
  const std::string d = std::string(::testing::TempDir()) + "tlsx_analyze_" + std::to_string(::getpid()) + "_" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// A consistent hand-made library: glasses with n_is IS each (first seen at quench k), an exploration
// sequence, and double-well rows with given status and splittings per mass.
class LibraryBuilder {
 public:
  explicit LibraryBuilder(std::vector<double> masses, std::string stage = "splitting") {
    lib_.stage = std::move(stage);
    lib_.n = kN;
    lib_.box = Box::cubic(std::cbrt(kN / 1.35));
    lib_.masses = std::move(masses);
    for (const double m : lib_.masses) lib_.T_Q.push_back(quantum::quantum_temperature(m));
    lib_.double_wells.images = 3;
    lib_.exploration.sequence_offset.push_back(0);
  }

  int add_glass(double t_f, std::int64_t tau_cg, std::int64_t quenches, int n_is, std::int64_t candidates = 1) {
    LibraryGlasses& g = lib_.glasses;
    const int row = static_cast<int>(g.size());
    g.id.push_back(100 + row);
    g.fictive_temperature.push_back(t_f);
    g.exploration_temperature.push_back(0.4);
    g.dt.push_back(0.0025);
    g.tau_cg.push_back(tau_cg);
    g.quenches.push_back(quenches);
    g.failed_quenches.push_back(0);
    g.n_is.push_back(n_is);
    g.n_candidates.push_back(candidates);
    g.initial_energy.push_back(-6.3);
    for (int i = 0; i < kN; ++i) g.species.push_back(i % 3);
    LibraryInherentStructures& is = lib_.inherent_structures;
    for (int k = 0; k < n_is; ++k) {
      const std::int64_t q = static_cast<std::int64_t>(k) * k;  // new IS ever more rarely (Fig. 3b)
      is.glass.push_back(row);
      is.id.push_back(k);
      is.energy.push_back(-6.4 * kN + 0.01 * k);
      is.first_seen.push_back(static_cast<double>((q + 1) * tau_cg) * 0.0025);
      is.first_quench.push_back(q);
      is.visits.push_back(1);
      is.coordinate_row.push_back(-1);
    }
    for (std::int64_t q = 0; q < quenches; ++q) {
      int id = 0;
      for (int k = 0; k < n_is; ++k)
        if (static_cast<std::int64_t>(k) * k <= q) id = k;
      lib_.exploration.sequence.push_back(id);
    }
    lib_.exploration.sequence_offset.push_back(static_cast<std::int64_t>(lib_.exploration.sequence.size()));
    return row;
  }

  // E, Delta, Delta0 per mass (Delta defaults to 0.9 E, Delta0 to 0.4 E).
  void add_double_well(int glass, DoubleWellStatus status, const std::vector<double>& E, double time = 1.0) {
    LibraryDoubleWells& w = lib_.double_wells;
    const double dv = 0.01 + 0.001 * w.size();
    w.glass.push_back(glass);
    w.is_a.push_back(0);
    w.is_b.push_back(1);
    w.source_a.push_back(0);
    w.source_b.push_back(1);
    w.first_candidate_time.push_back(time);
    w.energy_a.push_back(-64.0);
    w.energy_b.push_back(-64.0 + dv);
    w.V_a.push_back(0.05 + dv);
    w.dV.push_back(dv);
    w.V_b.push_back(0.05 + dv / 2);
    w.distance.push_back(0.5);
    w.distance_per_particle.push_back(0.5 / std::sqrt(kN));
    w.arc_length.push_back(0.6);
    w.participation_ratio.push_back(3.0);
    w.omega_1.push_back(1.0);
    w.omega_2.push_back(1.1);
    w.omega_ts.push_back(0.7);
    w.status.push_back(static_cast<int>(status));
    w.reason.push_back(status == DoubleWellStatus::good ? "" : "test");
    for (double s : {0.0, 0.3, 0.6}) w.mep_s.push_back(s);
    for (double v : {0.0, 0.05 + dv, dv}) w.mep_energy.push_back(v);
    for (std::size_t m = 0; m < lib_.masses.size(); ++m) {
      const double e = m < E.size() ? E[m] : kNaN;
      w.splitting.push_back(e);
      w.Delta.push_back(0.9 * e);
      w.Delta0.push_back(0.4 * e);
      w.Gamma.push_back(e * e);
      w.is_tls.push_back(status == DoubleWellStatus::good && e < lib_.T_Q[m] ? 1 : 0);
    }
  }

  Library& library() { return lib_; }

 private:
  Library lib_;
};

const double kTQ1200 = 6.283185307179586 / 1200.0;  // 0.0052360
const double kTQ5250 = 6.283185307179586 / 5250.0;  // 0.0011968

// Two protocols, hand-counted: T_f = 0.617 (3 glasses, tau_cg 10) and T_f = 0.509 (2 glasses, tau_cg 20).
Library two_protocol_library() {
  LibraryBuilder b({1200.0, 5250.0});
  const int g0 = b.add_glass(0.509, 20, 50, 4, 2);
  const int g1 = b.add_glass(0.617, 10, 100, 5, 3);
  const int g2 = b.add_glass(0.617, 10, 100, 7, 1);
  const int g3 = b.add_glass(0.509, 20, 50, 6, 5);
  const int g4 = b.add_glass(0.617, 10, 100, 9, 0);
  using S = DoubleWellStatus;
  // T_f = 0.617: 5 good rows; TLS at m~=1200 (E < 0.005236): 3; at m~=5250 (E < 0.0011968): 1.
  b.add_double_well(g1, S::good, {0.001, 0.0005});
  b.add_double_well(g1, S::good, {0.004, 0.002});
  b.add_double_well(g2, S::good, {0.05, 0.01});
  b.add_double_well(g4, S::good, {0.003, 0.0015});
  b.add_double_well(g4, S::good, {kNaN, kNaN});           // good, splitting not computed
  b.add_double_well(g2, S::split, {0.0001, 0.0001});      // not a double well: never counted
  b.add_double_well(g4, S::not_converged, {0.0001, 0.0001});
  // T_f = 0.509: 2 good rows; TLS at m~=1200: 1; at m~=5250: 0.
  b.add_double_well(g0, S::good, {0.002, 0.003});
  b.add_double_well(g3, S::good, {0.2, 0.1});
  b.add_double_well(g3, S::failed, {0.0001, 0.0001});
  return b.library();
}

TEST(Analyze, TableIMatchesHandCounts) {
  AnalysisOptions o;
  o.bootstrap = 200;
  const AnalysisReport r = analyze_library(two_protocol_library(), o, "hand.h5");
  ASSERT_EQ(r.protocols.size(), 2u);
  const TableIRow& hot = r.protocols[0].table;   // the paper orders columns by decreasing T_f
  const TableIRow& cold = r.protocols[1].table;
  EXPECT_EQ(hot.fictive_temperature, 0.617);
  EXPECT_EQ(cold.fictive_temperature, 0.509);
  EXPECT_EQ(hot.glasses, 3);
  EXPECT_EQ(cold.glasses, 2);
  EXPECT_EQ(hot.tau_cg, 10);
  EXPECT_DOUBLE_EQ(hot.quenches, 100.0);
  EXPECT_DOUBLE_EQ(hot.tau_total, 1000.0);          // N_cg tau_cg in MD steps
  EXPECT_DOUBLE_EQ(hot.tau_total_time, 2.5);        // x dt = 0.0025
  EXPECT_DOUBLE_EQ(cold.tau_total, 1000.0);
  EXPECT_EQ(hot.inherent_structures, 5 + 7 + 9);
  EXPECT_EQ(cold.inherent_structures, 4 + 6);
  EXPECT_EQ(hot.candidates, 4);
  EXPECT_EQ(cold.candidates, 7);
  EXPECT_EQ(hot.double_wells, 5);
  EXPECT_EQ(cold.double_wells, 2);
  ASSERT_EQ(hot.tls.size(), 2u);
  EXPECT_EQ(hot.tls[0], 3);
  EXPECT_EQ(hot.tls[1], 1);
  EXPECT_EQ(cold.tls[0], 1);
  EXPECT_EQ(cold.tls[1], 0);
  EXPECT_DOUBLE_EQ(hot.is_per_glass, 21.0 / 3.0);
  EXPECT_DOUBLE_EQ(hot.dw_per_is, 5.0 / 21.0);
  EXPECT_DOUBLE_EQ(hot.tls_per_dw[0], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(cold.tls_per_dw[1], 0.0);

  // n_0 = N_TLS / (N N_g T_Q) (Eq. 1 below T_Q) and n_TLS = n_0 T_Q (Eq. 2).
  const PlateauEstimate& p = r.protocols[0].masses[0].plateau;
  EXPECT_NEAR(p.n0, 3.0 / (kN * 3 * kTQ1200), 1e-12 * p.n0);
  EXPECT_NEAR(p.n_tls, 3.0 / (kN * 3), 1e-14);
  EXPECT_NEAR(p.n0_volume, p.n0 * 1.35, 1e-9 * p.n0);

  // n(E) on the grid: N_DW(E) / (N N_g), and the last point counts every finite splitting.
  const DensityOfSplittings& d = r.protocols[0].masses[0].n_of_E;
  ASSERT_FALSE(d.E.empty());
  EXPECT_EQ(d.cumulative.back(), 4);  // 5 good rows, one without a splitting
  std::int64_t bins = 0;
  for (const std::int64_t c : d.bin_count) bins += c;
  EXPECT_EQ(bins, 4);
  for (std::size_t k = 0; k < d.E.size(); ++k) {
    std::int64_t below = 0;
    for (double e : {0.001, 0.004, 0.05, 0.003}) below += e < d.E[k];
    EXPECT_EQ(d.cumulative[k], below) << "E = " << d.E[k];
    EXPECT_NEAR(d.n_over_E[k], below / (kN * 3.0) / d.E[k], 1e-12 * d.n_over_E[k] + 1e-300);
  }
  // CDF samples: sorted good finite splittings.
  EXPECT_EQ(r.protocols[0].masses[0].E, (std::vector<double>{0.001, 0.003, 0.004, 0.05}));
  EXPECT_EQ(r.protocols[1].masses[1].Delta0, (std::vector<double>{0.4 * 0.003, 0.4 * 0.1}));
}

TEST(Analyze, PlateauEqualsStratifiedUniformDensityExactly) {
  // Every glass holds K splittings at E_k = (k + 1/2) Emax / K: n(E) = K E / (N Emax) exactly at the
  // grid of the sample, so n_0 = K / (N Emax) up to the discreteness of the count below T_Q.
  const int K = 400, glasses = 8;
  const double Emax = 0.04;
  LibraryBuilder b({1200.0});
  for (int g = 0; g < glasses; ++g) {
    b.add_glass(0.558, 17, 40, 3);
    for (int k = 0; k < K; ++k) b.add_double_well(g, DoubleWellStatus::good, {(k + 0.5) * Emax / K});
  }
  const AnalysisReport r = analyze_library(b.library(), AnalysisOptions{}, "");
  const PlateauEstimate& p = r.protocols[0].masses[0].plateau;
  int below = 0;
  for (int k = 0; k < K; ++k) below += (k + 0.5) * Emax / K < kTQ1200;
  EXPECT_EQ(p.tls, static_cast<std::int64_t>(below) * glasses);
  EXPECT_NEAR(p.n0, static_cast<double>(below) / (kN * kTQ1200), 1e-12 * p.n0);
  EXPECT_NEAR(p.n0, K / (kN * Emax), 0.5 / (kN * kTQ1200) + 1e-12);  // count granularity: half a DW
  EXPECT_EQ(p.n0_error, 0.0);  // identical glasses: every resample gives the same n_0
}

TEST(Analyze, PlateauRecoversRandomUniformDensityWithinItsError) {
  // Splittings uniform on (0, Emax): n(E) = n_0 E with n_0 = K / (N Emax) for every E < Emax. Each
  // glass's TLS count is Binomial(K, p = T_Q / Emax), so the error of the mean over N_g glasses is
  // sqrt(K p (1 - p) / N_g) / (N T_Q).
  const int K = 300, glasses = 60;
  const double Emax = 0.05;
  std::mt19937_64 gen(12345);
  std::uniform_real_distribution<double> uniform(0.0, Emax);
  LibraryBuilder b({1200.0});
  for (int g = 0; g < glasses; ++g) {
    b.add_glass(0.617, 2, 10, 3);
    for (int k = 0; k < K; ++k) b.add_double_well(g, DoubleWellStatus::good, {uniform(gen)});
  }
  AnalysisOptions o;
  o.bootstrap = 2000;
  const AnalysisReport r = analyze_library(b.library(), o, "");
  const MassAnalysis& ma = r.protocols[0].masses[0];
  const double n0_true = K / (kN * Emax);
  const double prob = kTQ1200 / Emax;
  const double sigma = std::sqrt(K * prob * (1 - prob) / glasses) / (kN * kTQ1200);
  EXPECT_NEAR(ma.plateau.n0, n0_true, 4 * sigma);
  EXPECT_NEAR(ma.plateau.n0_error, sigma, 0.2 * sigma);
  // n(E)/E is flat on the grid below Emax (Fig. 9a's plateau), within its Poisson scatter.
  for (std::size_t k = 0; k < ma.n_of_E.E.size(); ++k) {
    const double E = ma.n_of_E.E[k];
    if (E > 0.9 * Emax || ma.n_of_E.cumulative[k] < 100) continue;
    const double rel = 1.0 / std::sqrt(static_cast<double>(ma.n_of_E.cumulative[k]));
    EXPECT_NEAR(ma.n_of_E.n_over_E[k] / n0_true, 1.0, 4 * rel) << "E = " << E;
  }
}

TEST(Analyze, BootstrapErrorShrinksAsOneOverSqrtGlasses) {
  // Counts 0..4 repeating: population variance 2, so the error of the mean is sqrt(2 / N_g).
  auto counts = [](int glasses) {
    std::vector<std::int64_t> c;
    for (int g = 0; g < glasses; ++g) c.push_back(g % 5);
    return c;
  };
  const double e100 = bootstrap_mean_error(counts(100), 2000, 7, 0);
  const double e1600 = bootstrap_mean_error(counts(1600), 2000, 7, 0);
  EXPECT_NEAR(e100, std::sqrt(2.0 / 100), 0.08 * std::sqrt(2.0 / 100));
  EXPECT_NEAR(e1600, std::sqrt(2.0 / 1600), 0.08 * std::sqrt(2.0 / 1600));
  EXPECT_NEAR(e100 / e1600, 4.0, 0.5);
  // Reproducible from the seed; another seed or stream draws other resamples.
  EXPECT_EQ(e100, bootstrap_mean_error(counts(100), 2000, 7, 0));
  EXPECT_NE(e100, bootstrap_mean_error(counts(100), 2000, 8, 0));
  EXPECT_NE(e100, bootstrap_mean_error(counts(100), 2000, 7, 1));
  EXPECT_TRUE(std::isnan(bootstrap_mean_error(counts(100), 1, 7, 0)));
}

TEST(Analyze, UnitSystemsReproduceThePapersConstants) {
  // Paper Sec. IV B and III C: Ar m~ ~ 1200, T_Q ~ 0.658 K; NiP m~ ~ 5250, T_Q ~ 1.118 K.
  EXPECT_NEAR(argon_units().reduced_mass(), 1200.0, 0.005 * 1200.0);
  EXPECT_NEAR(nip_units().reduced_mass(), 5250.0, 0.002 * 5250.0);
  EXPECT_NEAR(argon_units().quantum_temperature_K(), 0.658, 0.001);
  EXPECT_NEAR(nip_units().quantum_temperature_K(), 1.118, 0.001);
  // T_Q in reduced units is 2 pi / m~ (Eq. 9 / Eq. 11), so T_Q[K] = (2 pi / m~) eps / k_B.
  for (const UnitSystem& u : {argon_units(), nip_units()})
    EXPECT_NEAR(u.quantum_temperature_K(), 6.283185307179586 / u.reduced_mass() * u.epsilon_over_kB_K,
                1e-12 * u.quantum_temperature_K());
}

TEST(Analyze, SiConversionMatchesHandComputation) {
  LibraryBuilder b({1200.0, 5250.0});
  for (int g = 0; g < 4; ++g) {
    b.add_glass(0.488, 31, 10, 2);
    b.add_double_well(g, DoubleWellStatus::good, {0.001, 0.001});  // a TLS for both masses
  }
  const AnalysisReport r = analyze_library(b.library(), AnalysisOptions{}, "");
  const double rho = kN / b.library().box.volume();
  EXPECT_NEAR(rho, 1.35, 1e-12);
  for (std::size_t m = 0; m < 2; ++m) {
    const PlateauEstimate& p = r.protocols[0].masses[m].plateau;
    const double TQ = m == 0 ? kTQ1200 : kTQ5250;
    const double n0 = 4.0 / (kN * 4 * TQ);  // one TLS per glass
    EXPECT_NEAR(p.n0, n0, 1e-12 * n0);
    ASSERT_EQ(p.si.size(), 2u);
    // By hand: eps = (eps/k_B) k_B, J; sigma^3, m^3; n_0 rho / (eps sigma^3), J^-1 m^-3.
    const double ar = n0 * 1.35 / (125.2 * 1.380649e-23 * 3.405e-10 * 3.405e-10 * 3.405e-10);
    const double nip = n0 * 1.35 / (934.0 * 1.380649e-23 * 2.21e-10 * 2.21e-10 * 2.21e-10);
    EXPECT_EQ(p.si[0].units, "Ar");
    EXPECT_NEAR(p.si[0].n0, ar, 1e-9 * ar);
    EXPECT_EQ(p.si[1].units, "NiP");
    EXPECT_NEAR(p.si[1].n0, nip, 1e-9 * nip);
    EXPECT_NEAR(p.si[0].T_Q_K, TQ * 125.2, 1e-12);
    EXPECT_EQ(p.si[0].matches_mass, m == 0);  // Ar goes with m~ = 1200, NiP with 5250
    EXPECT_EQ(p.si[1].matches_mass, m == 1);
  }
}

TEST(Analyze, EarlierStagesGiveTableIWithoutTlsAndANote) {
  LibraryBuilder neb({}, "neb");
  neb.add_glass(0.617, 10, 20, 4);
  neb.add_double_well(0, DoubleWellStatus::good, {});
  neb.add_double_well(0, DoubleWellStatus::split, {});
  const AnalysisReport r = analyze_library(neb.library(), AnalysisOptions{}, "");
  EXPECT_EQ(r.protocols[0].table.double_wells, 1);
  EXPECT_TRUE(r.protocols[0].table.tls.empty());
  EXPECT_TRUE(r.protocols[0].masses.empty());
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("tlsx splitting"), std::string::npos);
  EXPECT_NE(format_table1(r).find("N_DW"), std::string::npos);

  LibraryBuilder ex({}, "explore");
  ex.add_glass(0.617, 10, 20, 4);
  const AnalysisReport e = analyze_library(ex.library(), AnalysisOptions{}, "");
  EXPECT_EQ(e.protocols[0].table.double_wells, -1);
  EXPECT_TRUE(std::isnan(e.protocols[0].table.dw_per_is));
  EXPECT_NE(e.notes[0].find("tlsx neb"), std::string::npos);

  LibraryBuilder none({1200.0});
  EXPECT_THROW(analyze_library(none.library(), AnalysisOptions{}, "empty.h5"), Error);
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

bool have_python_json() { return std::system("/usr/bin/python3 -c 'import json' >/dev/null 2>&1") == 0; }

TEST(Analyze, ReportFilesExistAndParse) {
  AnalysisOptions o;
  o.bootstrap = 100;
  const AnalysisReport r = analyze_library(two_protocol_library(), o, "hand.h5");
  const std::string dir = temp_dir("report");
  const std::vector<std::string> files = write_report(r, dir);
  for (const char* name : {"report.json", "table1.csv", "n0.csv", "n_of_E_1200.csv", "n_of_E_5250.csv",
                           "cdf_E_1200.csv", "cdf_Delta_5250.csv", "cdf_Delta0_1200.csv"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name)) << name;
  EXPECT_EQ(files.size(), 11u);

  const auto t1 = read_lines(dir + "/table1.csv");
  ASSERT_EQ(t1.size(), 3u);  // header + two protocols
  EXPECT_EQ(t1[0].rfind("fictive_temperature,", 0), 0u);
  EXPECT_EQ(t1[1].rfind("0.617,", 0), 0u);  // shortest round-trip form
  std::vector<std::string> cells;
  std::stringstream ss(t1[1]);
  for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
  ASSERT_EQ(cells.size(), 17u);
  EXPECT_EQ(cells[10], "5");  // N_DW
  EXPECT_EQ(cells[11], "3");  // N_TLS at m~ = 1200
  EXPECT_EQ(read_lines(dir + "/cdf_E_1200.csv").size(), 1u + 4u + 2u);

  if (!have_python_json()) GTEST_SKIP() << "/usr/bin/python3 not available: report.json not parsed";
  const std::string check = "/usr/bin/python3 -c \"import json,sys; r=json.load(open('" + dir +
                            "/report.json')); p=r['protocols']; "
                            "sys.exit(0 if p[0]['N_DW']==5 and p[0]['N_TLS']==[3,1] and "
                            "p[1]['masses'][0]['N_TLS']==1 else 1)\"";
  EXPECT_EQ(std::system(check.c_str()), 0);
}

#ifdef TLSX_BINARY
TEST(Analyze, CommandWritesTableReportAndJson) {
  const std::string dir = temp_dir("cli");
  const std::string lib = dir + "/dw.h5";
  write_library(lib, two_protocol_library());
  const std::string cmd = std::string(TLSX_BINARY) + " analyze " + lib + " --report " + dir +
                          "/report --bootstrap 50 --seed 3 --json > " + dir + "/out.json 2> " + dir + "/err.txt";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto out = read_lines(dir + "/out.json");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].front(), '{');
  EXPECT_NE(out[0].find("\"N_TLS\":[3,1]"), std::string::npos);
  bool table = false;
  for (const std::string& l : read_lines(dir + "/err.txt")) table = table || l.rfind("N_TLS/N_DW", 0) == 0;
  EXPECT_TRUE(table);
  EXPECT_TRUE(std::filesystem::exists(dir + "/report/table1.csv"));

  // A file that is not a library: one line naming it, non-zero exit.
  const std::string bad = dir + "/bad.h5";
  std::ofstream(bad) << "not hdf5\n";
  EXPECT_NE(std::system((std::string(TLSX_BINARY) + " analyze " + bad + " 2> " + dir + "/bad.txt").c_str()), 0);
  const auto err = read_lines(dir + "/bad.txt");
  ASSERT_FALSE(err.empty());
  EXPECT_NE(err[0].find("bad.h5"), std::string::npos);
}
#endif

#ifdef TLSX_SOURCE_DIR
TEST(Analyze, PlotReportDrawsTheFigures) {
  if (std::system("/usr/bin/python3 -c 'import h5py, numpy, matplotlib' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with h5py, numpy and matplotlib not found: plot_report.py not run";
  const std::string dir = temp_dir("plot");
  const std::string lib = dir + "/dw.h5";
  write_library(lib, two_protocol_library());
  AnalysisOptions o;
  o.bootstrap = 50;
  write_report(analyze_library(two_protocol_library(), o, lib), dir + "/report");
  const std::string cmd = "MPLBACKEND=Agg /usr/bin/python3 " + std::string(TLSX_SOURCE_DIR) +
                          "/scripts/plot_report.py " + lib + " --report " + dir + "/report -o " + dir +
                          "/figs > " + dir + "/plot.log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "see " << dir << "/plot.log";
  for (const char* name : {"fig3b.png", "fig4.png", "fig6.png", "fig7.png", "fig9a.png", "dw_distributions.png"}) {
    const std::string path = dir + "/figs/" + name;
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in.good()) << path;
    char sig[8] = {};
    in.read(sig, 8);
    EXPECT_EQ(std::string(sig + 1, 3), "PNG") << path;
  }
}
#endif

}  // namespace
