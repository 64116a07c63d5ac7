#include "tlsx/pipeline/analyze.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <tuple>

#include "tlsx/core/error.hpp"
#include "tlsx/core/rng.hpp"
#include "tlsx/io/atomic_file.hpp"
#include "tlsx/quantum/splitting_core.hpp"

namespace tlsx {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Table I columns are glasses explored with one protocol; two data sets at the same T_f with
// different tau_cg (the paper's datasets 1 and 2) stay separate columns.
using ProtocolKey = std::tuple<double, double, double, std::int64_t>;  // T_f, T_exp, dt, tau_cg

double ratio(double num, double den) { return den > 0 ? num / den : kNaN; }

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// The shortest of %.15g / %.17g that reads back as the same double (0.617, not 0.61699999999999999).
std::string csv_number(double v) {
  if (std::isnan(v)) return "nan";
  const std::string shorter = format("%.15g", v);
  return std::strtod(shorter.c_str(), nullptr) == v ? shorter : format("%.17g", v);
}

bool is_good(const LibraryDoubleWells& dw, std::size_t row) {
  return dw.status[row] == static_cast<int>(DoubleWellStatus::good);
}

// Entry `at` (row x mass) of a library with splittings counts as a TLS (the splitting stage's
// criterion, quantum::counts_as_tls: E < T_Q).
bool row_is_tls(const LibraryDoubleWells& dw, std::size_t at, double T_Q) {
  return quantum::counts_as_tls(dw.splitting[at], T_Q);
}

// Finite values of a rows x masses column for good rows of one protocol, sorted.
std::vector<double> sorted_good_values(const std::vector<double>& column, const LibraryDoubleWells& dw,
                                       const std::vector<int>& protocol_of_glass, int protocol, std::size_t mass,
                                       std::size_t masses) {
  std::vector<double> v;
  if (column.empty()) return v;
  for (std::size_t r = 0; r < dw.size(); ++r) {
    if (!is_good(dw, r) || protocol_of_glass[static_cast<std::size_t>(dw.glass[r])] != protocol) continue;
    const double x = column[r * masses + mass];
    if (std::isfinite(x)) v.push_back(x);
  }
  std::sort(v.begin(), v.end());
  return v;
}

// Eq. 3: n(E) = N_DW(E) / (N N_g), evaluated at the grid points.
DensityOfSplittings density_of_splittings(const std::vector<double>& sorted_E, const std::vector<double>& grid,
                                          double particles_times_glasses) {
  DensityOfSplittings d;
  d.E = grid;
  std::int64_t previous = 0;
  for (const double e : grid) {
    const auto below = static_cast<std::int64_t>(std::lower_bound(sorted_E.begin(), sorted_E.end(), e) - sorted_E.begin());
    d.bin_count.push_back(below - previous);
    d.cumulative.push_back(below);
    d.n.push_back(below / particles_times_glasses);
    d.n_over_E.push_back(below / particles_times_glasses / e);
    previous = below;
  }
  return d;
}

std::string int_array(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + std::to_string(v[k]);
  return s + "]";
}

std::string string_array(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t k = 0; k < v.size(); ++k) s += (k ? "," : "") + JsonObject::quote(v[k]);
  return s + "]";
}

// At most `points` order statistics of a sorted sample, evenly spaced in rank, always keeping the last.
JsonObject cdf_json(const std::vector<double>& sorted, std::size_t points) {
  std::vector<double> value, cdf;
  const std::size_t n = sorted.size();
  const std::size_t step = (points == 0 || n <= points) ? 1 : (n + points - 1) / points;
  for (std::size_t i = 0; i < n; i += step) {
    value.push_back(sorted[i]);
    cdf.push_back(static_cast<double>(i + 1) / n);
  }
  if (n && (n - 1) % step != 0) {
    value.push_back(sorted.back());
    cdf.push_back(1.0);
  }
  JsonObject j;
  j.add("count", static_cast<long long>(n)).add("value", value).add("cdf", cdf);
  return j;
}

std::string protocol_label(const TableIRow& t) {
  return "T_f=" + format("%g", t.fictive_temperature) + " tau_cg=" + std::to_string(t.tau_cg);
}

}  // namespace

std::string mass_label(double mass) { return format("%g", mass); }

std::vector<double> log_grid(double E_min, double E_max, int bins_per_decade) {
  if (!(E_min > 0 && E_max >= E_min && bins_per_decade > 0))
    throw Error("log_grid: needs 0 < E_min <= E_max and bins_per_decade > 0");
  const double b = bins_per_decade;
  const long first = static_cast<long>(std::floor(std::log10(E_min) * b));
  std::vector<double> grid;
  for (long k = first;; ++k) {
    grid.push_back(std::pow(10.0, k / b));
    if (grid.back() > E_max) break;  // the last point lies above every sample: N_DW(E_last) = N_DW
  }
  return grid;
}

double bootstrap_mean_error(const std::vector<std::int64_t>& counts, int resamples, std::uint64_t seed,
                            std::uint32_t stream) {
  const std::size_t n = counts.size();
  if (resamples < 2 || n == 0) return kNaN;
  const RngStream rng{seed, stream, RngPurpose::bootstrap};
  double sum = 0, sum2 = 0;
  for (int b = 0; b < resamples; ++b) {
    double total = 0;
    r123::Philox4x32::ctr_type words{};
    for (std::size_t k = 0; k < n; ++k) {
      if (k % 4 == 0) words = rng.words(static_cast<std::uint64_t>(b), static_cast<std::uint32_t>(k / 4));
      total += static_cast<double>(counts[uniform_index(words[k % 4], static_cast<std::uint32_t>(n))]);
    }
    const double mean = total / n;
    sum += mean;
    sum2 += mean * mean;
  }
  const double m = sum / resamples;
  return std::sqrt(std::max(0.0, (sum2 - resamples * m * m) / (resamples - 1)));
}

AnalysisReport analyze_library(const Library& lib, const AnalysisOptions& options, const std::string& source) {
  const LibraryGlasses& gl = lib.glasses;
  const std::string where = source.empty() ? std::string("library") : source;
  if (gl.size() == 0) throw input_error(where, 0, "the library holds no glasses: nothing to analyse");
  if (options.bins_per_decade <= 0) throw Error("analyze: bins per decade must be positive");
  if (options.bootstrap < 0) throw Error("analyze: --bootstrap must be >= 0");

  AnalysisReport report;
  report.source = source;
  report.stage = lib.stage;
  report.n = lib.n;
  report.density = lib.n / lib.box.volume();
  report.options = options;

  const LibraryDoubleWells& dw = lib.double_wells;
  const bool have_dw = lib.stage != "explore";
  const std::size_t M = lib.masses.size();
  const bool have_splitting = have_dw && M > 0 && dw.splitting.size() == dw.size() * M;
  if (have_splitting) {
    report.masses = lib.masses;
    report.T_Q = lib.T_Q;
  }
  if (!have_dw)
    report.notes.push_back("stage " + lib.stage +
                           ": no double wells yet; N_DW, N_TLS, n(E), n_0 and the CDFs need `tlsx neb` and "
                           "`tlsx splitting`");
  else if (!have_splitting)
    report.notes.push_back("stage " + lib.stage +
                           ": no quantum splittings yet; N_TLS, n(E), n_0 and the CDFs need `tlsx splitting`");

  // Protocols, in the paper's order: decreasing T_f.
  std::map<ProtocolKey, int> index;
  for (std::size_t g = 0; g < gl.size(); ++g)
    index.emplace(ProtocolKey{-gl.fictive_temperature[g], gl.exploration_temperature[g], gl.dt[g], gl.tau_cg[g]}, 0);
  int next = 0;
  for (auto& kv : index) kv.second = next++;
  std::vector<int> protocol_of_glass(gl.size());
  report.protocols.resize(index.size());
  for (std::size_t g = 0; g < gl.size(); ++g) {
    const int p = index.at(ProtocolKey{-gl.fictive_temperature[g], gl.exploration_temperature[g], gl.dt[g], gl.tau_cg[g]});
    protocol_of_glass[g] = p;
    report.protocols[p].glass_rows.push_back(static_cast<std::int64_t>(g));
  }

  // Rows of /glasses -> position within its protocol (for per-glass TLS counts).
  std::vector<std::size_t> position_in_protocol(gl.size());
  for (const ProtocolAnalysis& pa : report.protocols)
    for (std::size_t k = 0; k < pa.glass_rows.size(); ++k)
      position_in_protocol[static_cast<std::size_t>(pa.glass_rows[k])] = k;

  // One n(E) grid per mass shared by all protocols, so that their curves are comparable.
  std::vector<std::vector<double>> grids(M);
  if (have_splitting) {
    for (std::size_t m = 0; m < M; ++m) {
      double lo = std::numeric_limits<double>::infinity(), hi = 0;
      for (std::size_t r = 0; r < dw.size(); ++r) {
        const double e = dw.splitting[r * M + m];
        if (is_good(dw, r) && std::isfinite(e) && e > 0) {
          lo = std::min(lo, e);
          hi = std::max(hi, e);
        }
      }
      if (hi > 0) grids[m] = log_grid(lo, hi, options.bins_per_decade);
    }
  }

  std::int64_t not_good = 0, tls_flag_mismatch = 0;
  std::vector<std::int64_t> missing_E(M, 0);
  for (std::size_t r = 0; have_dw && r < dw.size(); ++r) {
    if (!is_good(dw, r)) {
      ++not_good;
      continue;
    }
    for (std::size_t m = 0; have_splitting && m < M; ++m) {
      const double e = dw.splitting[r * M + m];
      if (!std::isfinite(e)) ++missing_E[m];
      const bool tls = row_is_tls(dw, r * M + m, lib.T_Q[m]);
      if (!dw.is_tls.empty() && tls != (dw.is_tls[r * M + m] != 0)) ++tls_flag_mismatch;
    }
  }

  for (std::size_t p = 0; p < report.protocols.size(); ++p) {
    ProtocolAnalysis& pa = report.protocols[p];
    TableIRow& t = pa.table;
    const std::size_t g0 = static_cast<std::size_t>(pa.glass_rows.front());
    t.fictive_temperature = gl.fictive_temperature[g0];
    t.exploration_temperature = gl.exploration_temperature[g0];
    t.dt = gl.dt[g0];
    t.tau_cg = gl.tau_cg[g0];
    t.glasses = static_cast<std::int64_t>(pa.glass_rows.size());
    std::int64_t quenches = 0;
    for (const std::int64_t g : pa.glass_rows) {
      const auto gi = static_cast<std::size_t>(g);
      quenches += gl.quenches[gi];
      if (gl.quenches[gi] != gl.quenches[g0]) t.quenches_uniform = false;
      t.inherent_structures += gl.n_is[gi];
      t.candidates += gl.n_candidates[gi];
    }
    t.quenches = static_cast<double>(quenches) / t.glasses;
    // Sec. II D: tau_total = N_cg tau_cg.
    t.tau_total = t.quenches * static_cast<double>(t.tau_cg);
    t.tau_total_time = t.tau_total * t.dt;
    if (!t.quenches_uniform)
      report.notes.push_back(protocol_label(t) + ": glasses ran different N_cg; Table I shows the mean");

    if (have_dw) {
      t.double_wells = 0;
      for (std::size_t r = 0; r < dw.size(); ++r)
        if (is_good(dw, r) && protocol_of_glass[static_cast<std::size_t>(dw.glass[r])] == static_cast<int>(p))
          ++t.double_wells;
    }
    t.is_per_glass = ratio(static_cast<double>(t.inherent_structures), static_cast<double>(t.glasses));
    t.dw_per_is = have_dw ? ratio(static_cast<double>(t.double_wells), static_cast<double>(t.inherent_structures)) : kNaN;

    if (!have_splitting) continue;
    const double particles_times_glasses = static_cast<double>(lib.n) * static_cast<double>(t.glasses);
    for (std::size_t m = 0; m < M; ++m) {
      MassAnalysis ma;
      ma.mass = lib.masses[m];
      ma.T_Q = lib.T_Q[m];
      ma.E = sorted_good_values(dw.splitting, dw, protocol_of_glass, static_cast<int>(p), m, M);
      ma.Delta = sorted_good_values(dw.Delta, dw, protocol_of_glass, static_cast<int>(p), m, M);
      ma.Delta0 = sorted_good_values(dw.Delta0, dw, protocol_of_glass, static_cast<int>(p), m, M);
      ma.n_of_E = density_of_splittings(ma.E, grids[m], particles_times_glasses);

      // TLS per glass: good rows with E < T_Q (Sec. III C, counts_as_tls).
      std::vector<std::int64_t> tls_per_glass(pa.glass_rows.size(), 0);
      for (std::size_t r = 0; r < dw.size(); ++r) {
        const auto g = static_cast<std::size_t>(dw.glass[r]);
        if (is_good(dw, r) && protocol_of_glass[g] == static_cast<int>(p) && row_is_tls(dw, r * M + m, ma.T_Q))
          ++tls_per_glass[position_in_protocol[g]];
      }
      PlateauEstimate& pl = ma.plateau;
      for (const std::int64_t c : tls_per_glass) pl.tls += c;
      // Eq. 1 with n(E) = n_0 E below T_Q: n_0 = N_DW(T_Q) / (N N_g T_Q) = mean_g(N_TLS,g) / (N T_Q).
      const double scale = 1.0 / (static_cast<double>(lib.n) * ma.T_Q);
      pl.n0 = static_cast<double>(pl.tls) / t.glasses * scale;
      pl.n0_error = bootstrap_mean_error(tls_per_glass, options.bootstrap, options.seed, static_cast<std::uint32_t>(p)) * scale;
      pl.n0_volume = pl.n0 * report.density;
      pl.n0_volume_error = pl.n0_error * report.density;
      pl.n_tls = pl.n0 * ma.T_Q;  // Eq. 2
      for (const UnitSystem& u : {argon_units(), nip_units()}) {
        DensitySi s;
        s.units = u.name;
        s.reduced_mass = u.reduced_mass();
        s.matches_mass = std::fabs(s.reduced_mass / ma.mass - 1.0) < 0.02;
        s.T_Q_K = ma.T_Q * u.epsilon_over_kB_K;
        s.n0 = u.density_of_states_to_si(pl.n0_volume);
        s.n0_error = u.density_of_states_to_si(pl.n0_volume_error);
        pl.si.push_back(s);
      }
      if (pl.tls == 0)
        report.notes.push_back(protocol_label(t) + ", m~=" + mass_label(ma.mass) +
                               ": no TLS below T_Q, n_0 = 0 (more glasses needed for an estimate)");
      t.tls.push_back(pl.tls);
      t.tls_per_dw.push_back(ratio(static_cast<double>(pl.tls), static_cast<double>(t.double_wells)));
      pa.masses.push_back(std::move(ma));
    }
  }

  if (not_good > 0)
    report.notes.push_back(std::to_string(not_good) +
                           " double-well rows are not good (split, not converged or failed) and are not counted");
  for (std::size_t m = 0; m < M; ++m)
    if (missing_E[m] > 0)
      report.notes.push_back("m~=" + mass_label(lib.masses[m]) + ": " + std::to_string(missing_E[m]) +
                             " good rows have no splitting (NaN) and are left out of N_TLS, n(E) and the CDFs");
  if (tls_flag_mismatch > 0)
    report.notes.push_back(std::to_string(tls_flag_mismatch) +
                           " (row, mass) entries have an is_tls flag that disagrees with E < T_Q; counts use E < T_Q");
  if (have_splitting && options.bootstrap < 2)
    report.notes.push_back("bootstrap disabled (fewer than 2 resamples): n_0 has no error bar");
  return report;
}

// ---- output ----

std::string format_table1(const AnalysisReport& r) {
  constexpr int kLabel = 22, kWidth = 14;
  std::string out;
  auto line = [&](const std::string& label, const std::vector<std::string>& cells) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%-*s", kLabel, label.c_str());
    out += buf;
    for (const std::string& c : cells) {
      std::snprintf(buf, sizeof buf, "%*s", kWidth, c.c_str());
      out += buf;
    }
    out += "\n";
  };
  auto row = [&](const std::string& label, auto value) {
    std::vector<std::string> cells;
    for (const ProtocolAnalysis& p : r.protocols) cells.push_back(value(p));
    line(label, cells);
  };
  auto integer = [](std::int64_t v) { return v < 0 ? std::string("-") : std::to_string(v); };
  auto sci = [](double v) { return std::isfinite(v) ? format("%.3e", v) : std::string("-"); };
  auto general = [](double v) { return std::isfinite(v) ? format("%.6g", v) : std::string("-"); };

  out += "Table I: " + (r.source.empty() ? std::string("library") : r.source) + " (stage " + r.stage +
         ", N = " + std::to_string(r.n) + ", rho = " + format("%.4g", r.density) + ")\n";
  row("T_f", [&](const ProtocolAnalysis& p) { return general(p.table.fictive_temperature); });
  row("T_exp", [&](const ProtocolAnalysis& p) { return general(p.table.exploration_temperature); });
  row("N_g", [&](const ProtocolAnalysis& p) { return integer(p.table.glasses); });
  row("tau_cg [dt]", [&](const ProtocolAnalysis& p) { return integer(p.table.tau_cg); });
  row("N_cg", [&](const ProtocolAnalysis& p) { return general(p.table.quenches); });
  row("tau_total [dt]", [&](const ProtocolAnalysis& p) { return general(p.table.tau_total); });
  row("tau_total [tau_LJ]", [&](const ProtocolAnalysis& p) { return general(p.table.tau_total_time); });
  row("N_IS", [&](const ProtocolAnalysis& p) { return integer(p.table.inherent_structures); });
  row("N_DW", [&](const ProtocolAnalysis& p) { return integer(p.table.double_wells); });
  for (std::size_t m = 0; m < r.masses.size(); ++m)
    row("N_TLS (m~=" + mass_label(r.masses[m]) + ")",
        [&](const ProtocolAnalysis& p) { return integer(p.table.tls[m]); });
  row("N_IS/N_g", [&](const ProtocolAnalysis& p) { return sci(p.table.is_per_glass); });
  row("N_DW/N_IS", [&](const ProtocolAnalysis& p) { return sci(p.table.dw_per_is); });
  for (std::size_t m = 0; m < r.masses.size(); ++m)
    row("N_TLS/N_DW (m~=" + mass_label(r.masses[m]) + ")",
        [&](const ProtocolAnalysis& p) { return sci(p.table.tls_per_dw[m]); });

  for (std::size_t m = 0; m < r.masses.size(); ++m) {
    out += "\nn_0 = N_TLS / (N N_g T_Q), m~ = " + mass_label(r.masses[m]) + ", T_Q = " + format("%.5g", r.T_Q[m]) +
           " eps (error: bootstrap over glasses, " + std::to_string(r.options.bootstrap) + " resamples)\n";
    row("n_0 [1/eps/particle]", [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.n0); });
    row("  +-", [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.n0_error); });
    row("n_0 [1/(eps sigma^3)]", [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.n0_volume); });
    row("  +-", [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.n0_volume_error); });
    for (std::size_t u = 0; u < r.protocols.front().masses[m].plateau.si.size(); ++u) {
      const DensitySi& s0 = r.protocols.front().masses[m].plateau.si[u];
      const std::string tag = s0.units + (s0.matches_mass ? "" : "*");
      row("n_0 [1/(J m^3)] " + tag, [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.si[u].n0); });
      row("  +-", [&](const ProtocolAnalysis& p) { return sci(p.masses[m].plateau.si[u].n0_error); });
    }
  }
  if (!r.masses.empty()) out += "(* unit system whose m~ differs from the library's: conversion shown for reference)\n";
  for (const std::string& n : r.notes) out += "note: " + n + "\n";
  return out;
}

JsonObject report_json(const AnalysisReport& r) {
  JsonObject j;
  j.add("source", r.source).add("stage", r.stage).add("n", r.n).add("density", r.density);
  j.add("masses", r.masses).add("T_Q", r.T_Q);
  j.add("bootstrap", r.options.bootstrap)
      .add("seed", static_cast<long long>(r.options.seed))
      .add("bins_per_decade", r.options.bins_per_decade);
  JsonObject units;
  for (const UnitSystem& u : {argon_units(), nip_units()}) {
    JsonObject o;
    o.add("sigma_m", u.sigma_m)
        .add("epsilon_over_kB_K", u.epsilon_over_kB_K)
        .add("mass_kg", u.mass_kg)
        .add("reduced_mass", u.reduced_mass())
        .add("T_Q_K", u.quantum_temperature_K());
    units.add(u.name, o);
  }
  j.add("units", units);
  std::vector<JsonObject> protocols;
  for (const ProtocolAnalysis& p : r.protocols) {
    const TableIRow& t = p.table;
    JsonObject o;
    o.add("fictive_temperature", t.fictive_temperature)
        .add("exploration_temperature", t.exploration_temperature)
        .add("dt", t.dt)
        .add("N_g", static_cast<long long>(t.glasses))
        .add("tau_cg", static_cast<long long>(t.tau_cg))
        .add("N_cg", t.quenches)
        .add("N_cg_uniform", t.quenches_uniform)
        .add("tau_total", t.tau_total)
        .add("tau_total_time", t.tau_total_time)
        .add("N_IS", static_cast<long long>(t.inherent_structures))
        .add("N_candidates", static_cast<long long>(t.candidates));
    if (t.double_wells >= 0)
      o.add("N_DW", static_cast<long long>(t.double_wells));
    else
      o.raw("N_DW", "null");
    o.raw("N_TLS", int_array(t.tls));
    o.add("N_IS_per_N_g", t.is_per_glass).add("N_DW_per_N_IS", t.dw_per_is).add("N_TLS_per_N_DW", t.tls_per_dw);
    std::vector<JsonObject> masses;
    for (const MassAnalysis& ma : p.masses) {
      const PlateauEstimate& pl = ma.plateau;
      JsonObject m;
      m.add("mass", ma.mass).add("T_Q", ma.T_Q).add("N_TLS", static_cast<long long>(pl.tls));
      m.add("n0", pl.n0).add("n0_error", pl.n0_error).add("n0_volume", pl.n0_volume);
      m.add("n0_volume_error", pl.n0_volume_error).add("n_tls", pl.n_tls);
      std::vector<JsonObject> si;
      for (const DensitySi& s : pl.si) {
        JsonObject x;
        x.add("units", s.units).add("reduced_mass", s.reduced_mass).add("matches_mass", s.matches_mass);
        x.add("T_Q_K", s.T_Q_K).add("n0_J_m3", s.n0).add("n0_error_J_m3", s.n0_error);
        si.push_back(x);
      }
      m.add("si", si);
      JsonObject ne;
      ne.add("E", ma.n_of_E.E).raw("bin_count", int_array(ma.n_of_E.bin_count));
      ne.raw("cumulative", int_array(ma.n_of_E.cumulative)).add("n", ma.n_of_E.n).add("n_over_E", ma.n_of_E.n_over_E);
      m.add("n_of_E", ne);
      JsonObject cdf;
      cdf.add("E", cdf_json(ma.E, r.options.json_cdf_points));
      cdf.add("Delta", cdf_json(ma.Delta, r.options.json_cdf_points));
      cdf.add("Delta0", cdf_json(ma.Delta0, r.options.json_cdf_points));
      m.add("cdf", cdf);
      masses.push_back(m);
    }
    o.add("masses", masses);
    protocols.push_back(o);
  }
  j.add("protocols", protocols);
  j.raw("notes", string_array(r.notes));
  return j;
}

std::vector<std::string> write_report(const AnalysisReport& r, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw Error(dir + ": cannot create the report directory (" + ec.message() + ")");
  std::vector<std::string> written;
  auto emit = [&](const std::string& name, const std::string& text) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    write_text_atomically(path, text);
    written.push_back(path);
  };
  emit("report.json", report_json(r).str() + "\n");

  std::string t1 = "fictive_temperature,exploration_temperature,dt,N_g,tau_cg,N_cg,tau_total,tau_total_time,N_IS,"
                   "N_candidates,N_DW";
  for (const double m : r.masses) t1 += ",N_TLS_" + mass_label(m);
  t1 += ",N_IS_per_N_g,N_DW_per_N_IS";
  for (const double m : r.masses) t1 += ",N_TLS_per_N_DW_" + mass_label(m);
  t1 += "\n";
  for (const ProtocolAnalysis& p : r.protocols) {
    const TableIRow& t = p.table;
    t1 += csv_number(t.fictive_temperature) + "," + csv_number(t.exploration_temperature) + "," + csv_number(t.dt) +
          "," + std::to_string(t.glasses) + "," + std::to_string(t.tau_cg) + "," + csv_number(t.quenches) + "," +
          csv_number(t.tau_total) + "," + csv_number(t.tau_total_time) + "," + std::to_string(t.inherent_structures) +
          "," + std::to_string(t.candidates) + "," + (t.double_wells >= 0 ? std::to_string(t.double_wells) : "nan");
    for (const std::int64_t c : t.tls) t1 += "," + std::to_string(c);
    t1 += "," + csv_number(t.is_per_glass) + "," + csv_number(t.dw_per_is);
    for (const double x : t.tls_per_dw) t1 += "," + csv_number(x);
    t1 += "\n";
  }
  emit("table1.csv", t1);

  if (r.masses.empty()) return written;
  std::string n0 = "fictive_temperature,tau_cg,mass,T_Q,N_g,N_TLS,n0,n0_error,n0_volume,n0_volume_error,n_tls";
  for (const DensitySi& s : r.protocols.front().masses.front().plateau.si)
    n0 += ",n0_" + s.units + "_J_m3,n0_error_" + s.units + "_J_m3,units_match_" + s.units;
  n0 += "\n";
  for (std::size_t m = 0; m < r.masses.size(); ++m) {
    std::string ne = "fictive_temperature,tau_cg,E,bin_count,cumulative,n,n_over_E\n";
    std::string cdf[3] = {"fictive_temperature,tau_cg,E,cdf\n", "fictive_temperature,tau_cg,Delta,cdf\n",
                          "fictive_temperature,tau_cg,Delta0,cdf\n"};
    for (const ProtocolAnalysis& p : r.protocols) {
      const MassAnalysis& ma = p.masses[m];
      const std::string key = csv_number(p.table.fictive_temperature) + "," + std::to_string(p.table.tau_cg) + ",";
      const PlateauEstimate& pl = ma.plateau;
      n0 += key + csv_number(ma.mass) + "," + csv_number(ma.T_Q) + "," + std::to_string(p.table.glasses) + "," +
            std::to_string(pl.tls) + "," + csv_number(pl.n0) + "," + csv_number(pl.n0_error) + "," +
            csv_number(pl.n0_volume) + "," + csv_number(pl.n0_volume_error) + "," + csv_number(pl.n_tls);
      for (const DensitySi& s : pl.si)
        n0 += "," + csv_number(s.n0) + "," + csv_number(s.n0_error) + "," + (s.matches_mass ? "1" : "0");
      n0 += "\n";
      const DensityOfSplittings& d = ma.n_of_E;
      for (std::size_t k = 0; k < d.E.size(); ++k)
        ne += key + csv_number(d.E[k]) + "," + std::to_string(d.bin_count[k]) + "," + std::to_string(d.cumulative[k]) +
              "," + csv_number(d.n[k]) + "," + csv_number(d.n_over_E[k]) + "\n";
      const std::vector<double>* samples[3] = {&ma.E, &ma.Delta, &ma.Delta0};
      for (int q = 0; q < 3; ++q)
        for (std::size_t i = 0; i < samples[q]->size(); ++i)
          cdf[q] += key + csv_number((*samples[q])[i]) + "," +
                    csv_number(static_cast<double>(i + 1) / samples[q]->size()) + "\n";
    }
    const std::string label = mass_label(r.masses[m]);
    emit("n_of_E_" + label + ".csv", ne);
    emit("cdf_E_" + label + ".csv", cdf[0]);
    emit("cdf_Delta_" + label + ".csv", cdf[1]);
    emit("cdf_Delta0_" + label + ".csv", cdf[2]);
  }
  emit("n0.csv", n0);
  return written;
}

}  // namespace tlsx
