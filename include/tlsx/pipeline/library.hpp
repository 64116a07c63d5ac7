#pragma once
// The double-well library (docs/architecture.md §3; schema in docs/library-schema.md): one HDF5 file,
// column-oriented and self-describing, filled stage by stage:
//   tlsx explore    glasses, inherent_structures, transitions, exploration        (stage "explore")
//   tlsx neb        + double_wells (geometry, barrier, MEP profile, status)      (stage "neb")
//   tlsx splitting  + double_wells splitting, Delta, Delta0, Gamma, is_tls [rows x masses],
//                     levels [rows x masses x 5]
//                                                                                 (stage "splitting")
// Every table is a group of 1D (or rows x k) datasets of equal length; rows link by index: the
// `glass` column of every table is a row of /glasses, (glass, is) pairs name rows of
// /inherent_structures. Units: reduced LJ (sigma_AA, eps_AA, m, tau_LJ); times in tau_LJ.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tlsx/core/box.hpp"

namespace tlsx {

constexpr const char* kLibraryFormat = "tlsx-dw-library";
constexpr int kLibraryFormatVersion = 1;
// Levels per mass stored by the splitting stage (the paper's "five smallest eigenvalues").
constexpr std::size_t kLibraryLevels = 5;

// /glasses/status: a glass whose MD blew up (engine/md_integrator.hpp) is kept, so that nothing is
// dropped silently, and the other glasses go on.
enum class GlassStatus : std::int32_t {
  explored = 0,          // explored to the end
  blown_up_explore = 1,  // its exploration MD blew up: its quenches (and sequence) stop there
  blown_up_prepare = 2,  // its preparation MD blew up: not explored (no quenches)
};

struct LibraryGlasses {
  std::vector<std::int64_t> id;                   // global glass id (the key of its random streams)
  std::vector<double> fictive_temperature;        // T_f
  std::vector<double> exploration_temperature;    // T_exp
  std::vector<double> dt;                         // MD time step of the exploration
  std::vector<std::int64_t> tau_cg;               // MD steps between quenches (Table I's tau_cg / dt)
  std::vector<std::int64_t> quenches;             // N_cg done
  std::vector<std::int64_t> failed_quenches;      // quenches that did not converge
  std::vector<std::int64_t> n_is;                 // distinct IS found by the exploration
  std::vector<std::int64_t> n_candidates;         // IS pairs with T(a->b) >= 1 and T(b->a) >= 1
  std::vector<double> initial_energy;             // e/N of the glass's starting configuration
  std::vector<std::int32_t> status;               // GlassStatus: whether its MD blew up, and where
  std::vector<std::int32_t> species;              // rows x n, 0-based species index

  std::size_t size() const { return id.size(); }
};

struct LibraryInherentStructures {
  std::vector<std::int64_t> glass;          // row of /glasses
  std::vector<std::int32_t> id;             // within the glass, in order of discovery
  std::vector<double> energy;               // total potential energy U (e = U/N, paper Eq. 6)
  std::vector<double> first_seen;           // exploration time of the first visit (tau_LJ); NaN: found by NEB
  std::vector<std::int64_t> first_quench;   // its quench index; -1: found by the NEB stage
  std::vector<std::int64_t> visits;         // quenches that ended in it
  std::vector<std::int64_t> coordinate_row; // row of `coordinates`, -1 when not stored
  std::vector<double> coordinates;          // stored rows x 3n, SoA per row (x block, y, z), unwrapped

  std::size_t size() const { return glass.size(); }
};

struct LibraryTransitions {
  std::vector<std::int64_t> glass;
  std::vector<std::int32_t> is_a, is_b;               // is_a < is_b
  std::vector<std::int64_t> count_ab, count_ba;       // T(a->b), T(b->a)
  std::vector<std::int64_t> first_candidate_quench;   // -1: not a candidate
  std::vector<double> first_candidate_time;           // tau_LJ; NaN: not a candidate

  std::size_t size() const { return glass.size(); }
  bool candidate(std::size_t k) const { return count_ab[k] >= 1 && count_ba[k] >= 1; }
};

struct LibraryExploration {
  std::vector<std::int32_t> sequence;           // IS id of every quench, glass after glass; -1: failed
  std::vector<std::int64_t> sequence_offset;    // glasses + 1: glass g's quenches are [off[g], off[g+1])
  std::vector<std::int64_t> persistence_glass;  // complete runs of one IS (Fig. 3a)
  std::vector<std::int64_t> persistence_quenches;  // run length in quenches (tau_p = length * tau_cg * dt)
};

// Status of a double-well row.
enum class DoubleWellStatus : int {
  good = 0,            // converged MEP without an intermediate minimum: a double well
  split = 1,           // the MEP had intermediate minima; its elementary pieces are separate rows
  not_converged = 2,   // the band did not converge (reason says why); kept, not counted
  failed = 3,          // any other failure (reason says why)
};
const char* to_string(DoubleWellStatus s);

struct LibraryDoubleWells {
  std::vector<std::int64_t> glass;
  std::vector<std::int32_t> is_a, is_b;          // the two minima, is_a the lower (paper Fig. 5 left)
  std::vector<std::int32_t> source_a, source_b;  // the candidate pair whose path produced this row
  std::vector<double> first_candidate_time;      // of the source pair (Fig. 4a)
  std::vector<double> energy_a, energy_b;        // total energies of the minima
  std::vector<double> V_a;                       // forward barrier from the lower minimum
  std::vector<double> dV;                        // asymmetry energy_b - energy_a >= 0
  std::vector<double> V_b;                       // V_a - dV/2
  std::vector<double> distance;                  // full 3N Euclidean distance between the minima
  std::vector<double> distance_per_particle;     // paper Eq. 7
  std::vector<double> arc_length;                // MEP length in 3N space
  std::vector<double> participation_ratio;       // paper Eq. 16
  std::vector<double> omega_1, omega_2, omega_ts;  // sqrt|V''| along s at the minima and the saddle
  std::vector<std::int32_t> status;              // DoubleWellStatus
  std::vector<std::string> reason;               // "" for good rows
  int images = 0;                                // MEP images per row
  std::vector<double> mep_s, mep_energy;         // rows x images: arc length and V - energy_a
  std::vector<double> mep_slope;                 // rows x images: dV/ds = -F . tau (tangential force)

  // Filled by the splitting stage: rows x masses (m~ of the root attribute `masses`).
  std::vector<double> splitting, Delta, Delta0, Gamma;
  std::vector<std::uint8_t> is_tls;              // E < T_Q of that mass (quantum::counts_as_tls), good rows only
  // rows x masses x 5: the five lowest levels eps_1..eps_5 from the lower minimum (docs/quantum.md).
  // Absent in files written before this column existed: read as NaN.
  std::vector<double> levels;
  // rows x masses: estimated absolute error of `splitting` (grid change, rounding floor). Rows with
  // splitting_error > 1e-4 splitting are below the rounding floor of double precision (deep, nearly
  // symmetric wells): E is then only known to be of the order of the floor, far below T_Q.
  std::vector<double> splitting_error;

  std::size_t size() const { return glass.size(); }
};

// One numeric column of /double_wells: its dataset name, its width per row, its meaning (written as
// the dataset's "description" attribute, so the file explains itself in h5py / h5dump), and whether
// files written before the column existed may lack it (it then reads as NaN).
enum class ColumnWidth { one, images, masses, masses_levels };
struct LibraryColumn {
  const char* name;
  ColumnWidth width;
  const char* description;
  bool may_be_missing = false;
};

// The numeric columns of /double_wells that the NEB stage fills (everything but `reason` and the
// splitting columns), as member pointers: visit(LibraryColumn, &LibraryDoubleWells::column) for each,
// `glass` first. One list for every code that walks them (library I/O, the NEB checkpoint, merging).
template <class Visit>
void for_each_neb_column(Visit&& visit) {
  using D = LibraryDoubleWells;
  using W = ColumnWidth;
  visit(LibraryColumn{"glass", W::one, "row of /glasses"}, &D::glass);
  visit(LibraryColumn{"is_a", W::one, "IS id of the lower minimum (paper Fig. 5, left)"}, &D::is_a);
  visit(LibraryColumn{"is_b", W::one, "IS id of the upper minimum"}, &D::is_b);
  visit(LibraryColumn{"source_a", W::one, "candidate pair whose path produced this row (IS id)"}, &D::source_a);
  visit(LibraryColumn{"source_b", W::one, "candidate pair whose path produced this row (IS id)"}, &D::source_b);
  visit(LibraryColumn{"first_candidate_time", W::one, "when the source pair became a candidate (tau_LJ)"},
        &D::first_candidate_time);
  visit(LibraryColumn{"energy_a", W::one, "total energy of minimum a"}, &D::energy_a);
  visit(LibraryColumn{"energy_b", W::one, "total energy of minimum b"}, &D::energy_b);
  visit(LibraryColumn{"V_a", W::one, "forward barrier from the lower minimum"}, &D::V_a);
  visit(LibraryColumn{"dV", W::one, "asymmetry energy_b - energy_a"}, &D::dV);
  visit(LibraryColumn{"V_b", W::one, "barrier height V_a - dV/2"}, &D::V_b);
  visit(LibraryColumn{"distance", W::one, "Euclidean distance between the minima in 3N space (sigma)"}, &D::distance);
  visit(LibraryColumn{"distance_per_particle", W::one, "paper Eq. 7: distance / sqrt(N)"}, &D::distance_per_particle);
  visit(LibraryColumn{"arc_length", W::one, "length of the minimum energy path in 3N space"}, &D::arc_length);
  visit(LibraryColumn{"participation_ratio", W::one, "paper Eq. 16"}, &D::participation_ratio);
  visit(LibraryColumn{"omega_1", W::one, "sqrt(V''(s)) at the lower minimum (m = 1)"}, &D::omega_1);
  visit(LibraryColumn{"omega_2", W::one, "sqrt(V''(s)) at the upper minimum"}, &D::omega_2);
  visit(LibraryColumn{"omega_ts", W::one, "sqrt(|V''(s)|) at the transition state"}, &D::omega_ts);
  visit(LibraryColumn{"status", W::one, "0 good, 1 split at intermediate minima, 2 not converged, 3 failed"}, &D::status);
  visit(LibraryColumn{"mep_s", W::images, "arc length of each image"}, &D::mep_s);
  visit(LibraryColumn{"mep_energy", W::images, "V(s) - energy_a at each image"}, &D::mep_energy);
  visit(LibraryColumn{"mep_slope", W::images, "dV/ds at each image: minus the tangential force", true}, &D::mep_slope);
}

// The columns of /double_wells that the splitting stage fills (rows x masses, levels x 5).
template <class Visit>
void for_each_splitting_column(Visit&& visit) {
  using D = LibraryDoubleWells;
  using W = ColumnWidth;
  visit(LibraryColumn{"splitting", W::masses, "E = eps_2 - eps_1 per mass (attribute masses of /)"}, &D::splitting);
  visit(LibraryColumn{"splitting_error", W::masses,
                      "estimated absolute error of splitting (grid change, rounding floor of double precision)", true},
        &D::splitting_error);
  visit(LibraryColumn{"levels", W::masses_levels, "five lowest levels eps_1..eps_5 from the lower minimum, per mass",
                      true},
        &D::levels);
  visit(LibraryColumn{"Delta", W::masses, "diagonal splitting, paper Eq. 13"}, &D::Delta);
  visit(LibraryColumn{"Delta0", W::masses, "tunnelling matrix element (WKB), paper Eq. 15"}, &D::Delta0);
  visit(LibraryColumn{"Gamma", W::masses, "decay rate (WKB), paper Eq. 14"}, &D::Gamma);
  visit(LibraryColumn{"is_tls", W::masses, "good row with E < T_Q of the mass (TLS)"}, &D::is_tls);
}

struct Library {
  // Root attributes.
  std::string stage;          // "explore", "neb", "splitting"
  std::string program_version;
  std::string created;        // ISO 8601 UTC of this write
  std::string model_toml;
  int n = 0;
  Box box;
  std::vector<double> masses;  // m~ per splitting column (empty before the splitting stage)
  std::vector<double> T_Q;     // 2 pi / m~ (paper Eq. 9 in reduced units)
  std::string config_prepare, config_explore, config_neb, config_splitting;  // each stage's options
  std::string config_run;     // the whole `tlsx run` preset (TOML) when the library came from tlsx run

  LibraryGlasses glasses;
  LibraryInherentStructures inherent_structures;
  LibraryTransitions transitions;
  LibraryExploration exploration;
  LibraryDoubleWells double_wells;

  // Pointer to the stored coordinates of an IS row, or nullptr.
  const double* coordinates(std::int64_t is_row) const;
};

// Rows of /inherent_structures by (glass row, IS id).
class IsRowIndex {
 public:
  explicit IsRowIndex(const LibraryInherentStructures& t);
  std::int64_t operator()(std::int64_t glass, int id) const;  // -1 when absent

 private:
  std::unordered_map<std::uint64_t, std::int64_t> rows_;
};

// Written atomically; `created` and `program_version` are set on write. Errors name the file.
void write_library(const std::string& path, Library lib);
// Checks the format attribute and that every table's columns have equal lengths.
Library read_library(const std::string& path);

}  // namespace tlsx
