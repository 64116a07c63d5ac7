// tlsx merge / merge_libraries: row links (glass rows, IS coordinate rows, sequence offsets) survive
// concatenation, and libraries that cannot be merged are refused with the file's name.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "pipeline_fixtures.hpp"
#include "tlsx/core/error.hpp"
#include "tlsx/model/model.hpp"
#include "tlsx/pipeline/library.hpp"
#include "tlsx/pipeline/library_merge.hpp"

namespace {

using namespace tlsx;

constexpr int kN = 3;

// A hand-made library: `glasses` glasses with ids first_id.., each with two IS (the second one's
// coordinates stored), one candidate transition and one good double well. Coordinates encode
// (glass id, IS id) so that a broken row link shows.
Library tiny_library(std::int64_t first_id, int glasses, double t_f) {
  Library lib;
  lib.stage = "neb";
  lib.model_toml = model_to_toml(ka2_model());
  lib.n = kN;
  lib.box = Box::cubic(5.0);
  lib.double_wells.images = 2;
  lib.exploration.sequence_offset.push_back(0);
  for (int g = 0; g < glasses; ++g) {
    const std::int64_t id = first_id + g;
    LibraryGlasses& gl = lib.glasses;
    gl.id.push_back(id);
    gl.fictive_temperature.push_back(t_f);
    gl.exploration_temperature.push_back(0.4);
    gl.dt.push_back(0.0025);
    gl.tau_cg.push_back(10);
    gl.quenches.push_back(3);
    gl.failed_quenches.push_back(0);
    gl.n_is.push_back(2);
    gl.n_candidates.push_back(1);
    gl.initial_energy.push_back(-7.0 - g);
    for (int i = 0; i < kN; ++i) gl.species.push_back(i % 3);
    LibraryInherentStructures& is = lib.inherent_structures;
    for (int k = 0; k < 2; ++k) {
      is.glass.push_back(g);
      is.id.push_back(k);
      is.energy.push_back(-20.0 - k - 10 * id);
      is.first_seen.push_back(0.025 * (k + 1));
      is.first_quench.push_back(k);
      is.visits.push_back(1 + k);
      if (k == 1) {
        is.coordinate_row.push_back(static_cast<std::int64_t>(is.coordinates.size() / (3 * kN)));
        for (int c = 0; c < 3 * kN; ++c) is.coordinates.push_back(100.0 * id + c);
      } else {
        is.coordinate_row.push_back(-1);
      }
    }
    LibraryTransitions& t = lib.transitions;
    t.glass.push_back(g);
    t.is_a.push_back(0);
    t.is_b.push_back(1);
    t.count_ab.push_back(1);
    t.count_ba.push_back(1);
    t.first_candidate_quench.push_back(2);
    t.first_candidate_time.push_back(0.075);
    LibraryExploration& e = lib.exploration;
    for (int s : {0, 1, 0}) e.sequence.push_back(s);
    e.sequence_offset.push_back(static_cast<std::int64_t>(e.sequence.size()));
    e.persistence_glass.push_back(g);
    e.persistence_quenches.push_back(1);
    LibraryDoubleWells& w = lib.double_wells;
    w.glass.push_back(g);
    w.is_a.push_back(0);
    w.is_b.push_back(1);
    w.source_a.push_back(0);
    w.source_b.push_back(1);
    w.first_candidate_time.push_back(0.075);
    w.energy_a.push_back(-20.0);
    w.energy_b.push_back(-19.5);
    w.V_a.push_back(1.0 + id);
    w.dV.push_back(0.5);
    w.V_b.push_back(0.75 + id);
    for (auto* col : {&w.distance, &w.distance_per_particle, &w.arc_length, &w.participation_ratio, &w.omega_1,
                      &w.omega_2, &w.omega_ts})
      col->push_back(1.0);
    w.status.push_back(0);
    w.reason.push_back("");
    w.mep_s.insert(w.mep_s.end(), {0.0, 1.0});
    w.mep_energy.insert(w.mep_energy.end(), {0.0, 0.5});
  }
  return lib;
}

TEST(LibraryMerge, RowLinksPointAtTheSameDataAfterMerging) {
  const Library a = tiny_library(0, 2, 0.6), b = tiny_library(2, 3, 0.6);
  const Library m = merge_libraries({a, b}, {"a.h5", "b.h5"});
  ASSERT_EQ(m.glasses.size(), 5u);
  ASSERT_EQ(m.inherent_structures.size(), 10u);
  ASSERT_EQ(m.double_wells.size(), 5u);
  ASSERT_EQ(m.exploration.sequence_offset.size(), 6u);
  for (std::size_t row = 0; row < m.double_wells.size(); ++row) {
    const std::int64_t g = m.double_wells.glass[row];
    const std::int64_t id = m.glasses.id[static_cast<std::size_t>(g)];
    EXPECT_EQ(id, static_cast<std::int64_t>(row));  // every glass has one DW, in order
    EXPECT_DOUBLE_EQ(m.double_wells.V_a[row], 1.0 + id);
    // The DW's second minimum resolves to its own glass's stored coordinates.
    const std::int64_t is_row = IsRowIndex(m.inherent_structures)(g, m.double_wells.is_b[row]);
    ASSERT_GE(is_row, 0);
    const double* x = m.coordinates(is_row);
    ASSERT_NE(x, nullptr);
    EXPECT_DOUBLE_EQ(x[0], 100.0 * id);
    EXPECT_DOUBLE_EQ(x[3 * kN - 1], 100.0 * id + 3 * kN - 1);
    EXPECT_EQ(m.coordinates(IsRowIndex(m.inherent_structures)(g, 0)), nullptr);
    // The glass's quench sequence.
    const std::int64_t lo = m.exploration.sequence_offset[static_cast<std::size_t>(g)];
    const std::int64_t hi = m.exploration.sequence_offset[static_cast<std::size_t>(g) + 1];
    EXPECT_EQ(hi - lo, 3);
    EXPECT_EQ(m.exploration.sequence[static_cast<std::size_t>(lo + 1)], 1);
  }
  for (std::size_t k = 0; k < m.transitions.size(); ++k) EXPECT_EQ(m.transitions.glass[k], static_cast<std::int64_t>(k));
  EXPECT_EQ(m.double_wells.mep_energy.size(), 10u);
}

TEST(LibraryMerge, TheSameGlassTwiceIsRefusedNamingBothFiles) {
  const Library a = tiny_library(0, 2, 0.6), b = tiny_library(1, 2, 0.6);
  try {
    merge_libraries({a, b}, {"a.h5", "b.h5"});
    FAIL() << "glass 1 counted twice";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("b.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("a.h5"), std::string::npos) << what;
    EXPECT_NE(what.find("glass 1"), std::string::npos) << what;
  }
  // The same ids at another T_f are other glasses (another column of Table I).
  EXPECT_EQ(merge_libraries({a, tiny_library(0, 2, 0.7)}, {"a.h5", "c.h5"}).glasses.size(), 4u);
}

TEST(LibraryMerge, DifferentModelParticleNumberOrStageIsRefused) {
  const Library a = tiny_library(0, 1, 0.6);
  Library other_stage = tiny_library(5, 1, 0.6);
  other_stage.stage = "explore";
  EXPECT_THROW(merge_libraries({a, other_stage}, {"a.h5", "x.h5"}), Error);
  Library other_model = tiny_library(5, 1, 0.6);
  other_model.model_toml += "\n# edited\n";
  EXPECT_THROW(merge_libraries({a, other_model}, {"a.h5", "x.h5"}), Error);
  Library other_box = tiny_library(5, 1, 0.6);
  other_box.box = Box::cubic(6.0);
  EXPECT_THROW(merge_libraries({a, other_box}, {"a.h5", "x.h5"}), Error);
}

TEST(LibraryMerge, CommandWritesTheMergedFile) {
  const std::string pa = tlsx::testing::temp_path("merge_a.h5"), pb = tlsx::testing::temp_path("merge_b.h5"),
                    out = tlsx::testing::temp_path("merge_out.h5");
  write_library(pa, tiny_library(0, 2, 0.6));
  write_library(pb, tiny_library(2, 1, 0.6));
  std::remove(out.c_str());
  const std::string cmd = std::string(TLSX_BINARY) + " merge " + pa + " " + pb + " -o " + out + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const Library m = read_library(out);
  EXPECT_EQ(m.glasses.size(), 3u);
  EXPECT_EQ(m.double_wells.size(), 3u);
  EXPECT_EQ(m.glasses.id[2], 2);
  // Merging a library with itself fails with a non-zero exit.
  const std::string twice = std::string(TLSX_BINARY) + " merge " + pa + " " + pa + " -o " + out + " >/dev/null 2>&1";
  EXPECT_NE(std::system(twice.c_str()), 0);
  for (const std::string& p : {pa, pb, out}) std::remove(p.c_str());
}

}  // namespace
