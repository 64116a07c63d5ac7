#pragma once
// The statistics of a double-well library (paper Sec. III-IV; docs/analyze.md): Table I per
// exploration protocol (T_f, T_exp, dt, tau_cg), the cumulative density n(E) = N_DW(E) / (N N_g)
// (Eq. 3) and its low-E plateau n_0 (Eq. 1) with a glass-to-glass bootstrap error, n_0 in SI units
// for the paper's argon and NiP unit systems (Sec. IV B), and the CDFs of E, Delta, Delta_0 (Fig. 6).
// Pure functions of a Library, plus writers for the report directory.
#include <cstdint>
#include <string>
#include <vector>

#include "tlsx/core/json.hpp"
#include "tlsx/pipeline/library.hpp"

namespace tlsx {

// ---- physical units (paper Sec. IV B) ----

constexpr double kBoltzmannJPerK = 1.380649e-23;  // exact (SI 2019)
constexpr double kHbarJs = 1.054571817e-34;       // exact (SI 2019)

// A set of LJ units mapped onto a real material.
struct UnitSystem {
  const char* name;
  double sigma_m;             // sigma (m)
  double epsilon_over_kB_K;   // eps / k_B (K)
  double mass_kg;             // particle mass (kg)

  double epsilon_J() const { return epsilon_over_kB_K * kBoltzmannJPerK; }
  // Eq. 11: m~ = m eps sigma^2 / hbar^2.
  double reduced_mass() const { return mass_kg * epsilon_J() * sigma_m * sigma_m / (kHbarJs * kHbarJs); }
  // Eq. 9: T_Q = 2 pi hbar^2 / (m sigma^2 k_B), in kelvin.
  double quantum_temperature_K() const {
    return 6.283185307179586 * kHbarJs * kHbarJs / (mass_kg * sigma_m * sigma_m * kBoltzmannJPerK);
  }
  // A density of states per energy per volume, eps^-1 sigma^-3 -> J^-1 m^-3.
  double density_of_states_to_si(double per_eps_per_sigma3) const {
    return per_eps_per_sigma3 / (epsilon_J() * sigma_m * sigma_m * sigma_m);
  }
};

// Argon (paper Sec. IV B, after Ref. 18): m~ ~ 1200, T_Q ~ 0.658 K.
inline UnitSystem argon_units() { return {"Ar", 3.405e-10, 125.2, 6.634e-26}; }
// Ni80P20 average pair interaction (paper Sec. IV B, after Refs. 19, 67): m~ ~ 5250, T_Q ~ 1.118 K.
inline UnitSystem nip_units() { return {"NiP", 2.21e-10, 934.0, 9.266e-26}; }

// ---- the report ----

struct AnalysisOptions {
  int bootstrap = 1000;           // glass-resampling replicas for the n_0 error; 0: no error bar
  std::uint64_t seed = 1;         // key of the bootstrap's counter-based random stream
  int bins_per_decade = 5;        // log-spaced grid of n(E)/E
  std::size_t json_cdf_points = 1000;  // CDFs in report.json are thinned to at most this many points
};

// One column of the paper's Table I: glasses explored with one protocol.
struct TableIRow {
  double fictive_temperature = 0, exploration_temperature = 0, dt = 0;
  std::int64_t tau_cg = 0;        // MD steps between quenches (Table I's tau_cg, in units of dt)
  std::int64_t glasses = 0;       // N_g
  double quenches = 0;            // N_cg per glass (the mean, when glasses differ)
  bool quenches_uniform = true;   // every glass ran the same N_cg
  double tau_total = 0;           // N_cg tau_cg, MD steps (as in Table I)
  double tau_total_time = 0;      // N_cg tau_cg dt, tau_LJ
  std::int64_t inherent_structures = 0;  // N_IS: sum over glasses of the distinct IS found by exploration
  std::int64_t candidates = 0;    // IS pairs with T(a->b) >= 1 and T(b->a) >= 1
  std::int64_t double_wells = -1; // N_DW: good rows (status 0); -1 before the NEB stage
  std::vector<std::int64_t> tls;  // N_TLS per mass: good rows with E < T_Q; empty before splitting
  double is_per_glass = 0;        // N_IS / N_g
  double dw_per_is = 0;           // N_DW / N_IS (NaN before the NEB stage)
  std::vector<double> tls_per_dw; // N_TLS / N_DW per mass
};

// n(E) = N_DW(E) / (N N_g) (Eq. 3) on a log grid of E; E_k are the upper edges of the bins.
struct DensityOfSplittings {
  std::vector<double> E;                   // grid points (upper bin edges)
  std::vector<std::int64_t> bin_count;     // good rows with E_{k-1} <= E < E_k (k = 0: below E_0)
  std::vector<std::int64_t> cumulative;    // N_DW(E_k): good rows with E < E_k
  std::vector<double> n;                   // N_DW(E_k) / (N N_g), per particle and glass
  std::vector<double> n_over_E;            // n(E_k) / E_k, eps^-1 per particle
};

// n_0 in one unit system.
struct DensitySi {
  std::string units;           // "Ar", "NiP"
  double reduced_mass = 0;     // m~ of the unit system (Eq. 11)
  bool matches_mass = false;   // |m~_units / m~_library - 1| < 2%: the conversion the paper makes
  double T_Q_K = 0;            // T_Q of the library's m~ in kelvin: (2 pi / m~) eps / k_B
  double n0 = 0, n0_error = 0; // J^-1 m^-3
};

// The TLS plateau n(E)/E -> n_0 for E < T_Q (Eq. 1), estimated from the count below T_Q:
// n_0 = N_DW(T_Q) / (N N_g T_Q), the maximum-likelihood plateau when n(E) = n_0 E on [0, T_Q].
struct PlateauEstimate {
  std::int64_t tls = 0;        // N_DW(T_Q) = N_TLS
  double n0 = 0;               // eps^-1 per particle
  double n0_error = 0;         // bootstrap standard deviation over glass resamplings (eps^-1 per particle)
  double n0_volume = 0;        // n0 * rho: eps^-1 sigma^-3
  double n0_volume_error = 0;
  double n_tls = 0;            // Eq. 2: n_0 k_B T_Q, active TLS per particle
  std::vector<DensitySi> si;   // Ar, NiP
};

struct MassAnalysis {
  double mass = 0, T_Q = 0;
  PlateauEstimate plateau;
  DensityOfSplittings n_of_E;
  std::vector<double> E, Delta, Delta0;  // sorted finite values over good rows (CDF = (i + 1) / size)
};

struct ProtocolAnalysis {
  TableIRow table;
  std::vector<std::int64_t> glass_rows;  // rows of /glasses in this column
  std::vector<MassAnalysis> masses;      // empty before the splitting stage
};

struct AnalysisReport {
  std::string source;          // library file name (for the report)
  std::string stage;
  int n = 0;                   // particles per glass
  double density = 0;          // N / V, sigma^-3
  std::vector<double> masses, T_Q;
  AnalysisOptions options;
  std::vector<ProtocolAnalysis> protocols;  // ordered by decreasing T_f, then tau_cg
  std::vector<std::string> notes;           // what could not be computed and why
};

// The whole analysis. A library before the NEB stage gets N_DW = -1, before the splitting stage no
// N_TLS, n(E) or CDFs; each gap is explained in `notes`. Throws tlsx::Error when the library holds
// no glasses.
AnalysisReport analyze_library(const Library& lib, const AnalysisOptions& options, const std::string& source = "");

// Bootstrap standard deviation of mean(counts) over `resamples` resamplings of the glasses with
// replacement; draws keyed by (seed, stream, resample, draw), so the result is reproducible.
double bootstrap_mean_error(const std::vector<std::int64_t>& counts, int resamples, std::uint64_t seed,
                            std::uint32_t stream);

// Log-spaced grid 10^(k / bins_per_decade) covering [E_min, E_max] (both > 0).
std::vector<double> log_grid(double E_min, double E_max, int bins_per_decade);

// Fixed-width Table I (rows = quantities, columns = protocols, as in the paper) and the n_0 lines.
std::string format_table1(const AnalysisReport& report);
JsonObject report_json(const AnalysisReport& report);
// report.json, table1.csv, n_of_E_<mass>.csv, cdf_E_<mass>.csv, cdf_Delta_<mass>.csv,
// cdf_Delta0_<mass>.csv in `dir` (created if needed); each file written atomically.
// Returns the paths written.
std::vector<std::string> write_report(const AnalysisReport& report, const std::string& dir);

// "5250", "1200", "1234.5": the mass as it appears in file names and column labels.
std::string mass_label(double mass);

}  // namespace tlsx
