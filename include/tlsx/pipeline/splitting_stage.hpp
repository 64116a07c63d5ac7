#pragma once
// The splitting stage of the pipeline (`tlsx splitting DW.h5`, docs/quantum.md): for every good
// double-well row of a library (stage "neb" or a previous "splitting") and every effective mass m~,
// the quantum splitting of its minimum-energy-path profile (paper Sec. III C, Eqs. 9-15):
//   splitting        E = eps_2 - eps_1 (NaN when the row has no converged levels)
//   splitting_error  its estimated absolute error (grid change and rounding floor)
//   levels           eps_1..eps_5 from the lower minimum
//   Delta            Eq. 13;  Delta0  Eq. 15 (WKB);  Gamma  Eq. 14 (WKB)
//   is_tls           E < T_Q = 2 pi / m~ (Eq. 9; quantum::counts_as_tls, the criterion tlsx
//                    analyze counts with)
// Entries are NaN (is_tls 0) for rows that are not good and for good rows whose profile is not a
// double well or whose levels could not be converged. Good rows whose E lies below the rounding
// floor of double precision (deep, nearly symmetric wells: E below ~1e-13 for levels ~ 0.02) keep
// E as computed with an error bar larger than tol E; they are TLS (E + error << T_Q) and the
// summary counts them as below_floor.
// Rows are independent and run in parallel (OpenMP); each row's numbers do not depend on the thread
// count.
#include <cstddef>
#include <string>
#include <vector>

#include "tlsx/pipeline/library.hpp"
#include "tlsx/quantum/splitting.hpp"

namespace tlsx {

struct SplittingStageOptions {
  std::vector<double> masses = {5250.0, 1200.0};  // m~ (Eq. 11): "NiP" and "Ar"
  double tol = 1e-4;                              // relative convergence of E (docs/architecture.md §1)
  bool progress = true;                           // progress lines with ETA on stderr
  // Where the rows are solved: "cpu" (OpenMP), "cuda" (one thread per row and mass on the device,
  // docs/cuda-backend.md; an error without a device) or "auto" (the device when there is one).
  std::string backend = "cpu";
};

struct SplittingStageSummary {
  std::size_t rows = 0;             // double-well rows in the library
  std::size_t good = 0;             // rows with status good (those solved)
  std::size_t not_double_well = 0;  // good rows whose profile is not a double well
  std::vector<std::size_t> resolved;      // per mass: E resolved to tol
  std::vector<std::size_t> below_floor;   // per mass: E below the rounding floor (NaN, levels kept)
  std::vector<std::size_t> failed;        // per mass: levels not converged (grid limit, no levels)
  std::vector<std::size_t> tls;           // per mass: is_tls
  double seconds = 0.0;
};

// The profile of double-well row `row`: mep_s, mep_energy and mep_slope (Hermite spline; not-a-knot
// when the slopes are absent, as in libraries written before the mep_slope column).
quantum::Profile library_profile(const LibraryDoubleWells& dw, std::size_t row);

// Fills the splitting columns of `lib` (and masses, T_Q, stage "splitting", config_splitting).
// Throws tlsx::Error for a library without double wells (stage "explore") or bad options.
SplittingStageSummary run_splitting_stage(Library& lib, const SplittingStageOptions& options);

// The stage's options as a JSON object (stored as config_splitting).
std::string splitting_config_json(const SplittingStageOptions& options);

}  // namespace tlsx
