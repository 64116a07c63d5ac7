#pragma once
// Two libraries hold the same rows with the same numbers: every column of every table, element by
// element, exactly (NaN equal to NaN: rows that are not good hold NaN).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "tlsx/pipeline/library.hpp"

namespace tlsx::testing {

template <class T>
void expect_same(const std::vector<T>& a, const std::vector<T>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(a[k]) && std::isnan(b[k])) continue;
    }
    ASSERT_EQ(a[k], b[k]) << what << " row " << k;
  }
}

inline void expect_same_library(const Library& a, const Library& b) {
  EXPECT_EQ(a.stage, b.stage);
  EXPECT_EQ(a.model_toml, b.model_toml);
  EXPECT_EQ(a.n, b.n);
  EXPECT_EQ(a.masses, b.masses);
  EXPECT_EQ(a.T_Q, b.T_Q);
  EXPECT_EQ(a.double_wells.images, b.double_wells.images);
  expect_same(a.glasses.fictive_temperature, b.glasses.fictive_temperature, "glasses/fictive_temperature");
  expect_same(a.glasses.exploration_temperature, b.glasses.exploration_temperature, "glasses/exploration_temperature");
  expect_same(a.glasses.dt, b.glasses.dt, "glasses/dt");
  expect_same(a.glasses.tau_cg, b.glasses.tau_cg, "glasses/tau_cg");
  expect_same(a.glasses.id, b.glasses.id, "glasses/id");
  expect_same(a.glasses.quenches, b.glasses.quenches, "glasses/quenches");
  expect_same(a.glasses.failed_quenches, b.glasses.failed_quenches, "glasses/failed_quenches");
  expect_same(a.glasses.n_is, b.glasses.n_is, "glasses/n_is");
  expect_same(a.glasses.n_candidates, b.glasses.n_candidates, "glasses/n_candidates");
  expect_same(a.glasses.initial_energy, b.glasses.initial_energy, "glasses/initial_energy");
  expect_same(a.glasses.species, b.glasses.species, "glasses/species");
  const LibraryInherentStructures &p = a.inherent_structures, &q = b.inherent_structures;
  expect_same(p.glass, q.glass, "is/glass");
  expect_same(p.id, q.id, "is/id");
  expect_same(p.energy, q.energy, "is/energy");
  expect_same(p.first_seen, q.first_seen, "is/first_seen");
  expect_same(p.first_quench, q.first_quench, "is/first_quench");
  expect_same(p.visits, q.visits, "is/visits");
  expect_same(p.coordinate_row, q.coordinate_row, "is/coordinate_row");
  expect_same(p.coordinates, q.coordinates, "is/coordinates");
  expect_same(a.transitions.glass, b.transitions.glass, "transitions/glass");
  expect_same(a.transitions.is_a, b.transitions.is_a, "transitions/is_a");
  expect_same(a.transitions.is_b, b.transitions.is_b, "transitions/is_b");
  expect_same(a.transitions.count_ba, b.transitions.count_ba, "transitions/count_ba");
  expect_same(a.transitions.first_candidate_quench, b.transitions.first_candidate_quench, "transitions/quench");
  expect_same(a.transitions.count_ab, b.transitions.count_ab, "transitions/count_ab");
  expect_same(a.transitions.first_candidate_time, b.transitions.first_candidate_time, "transitions/time");
  expect_same(a.exploration.sequence, b.exploration.sequence, "exploration/sequence");
  expect_same(a.exploration.sequence_offset, b.exploration.sequence_offset, "exploration/sequence_offset");
  expect_same(a.exploration.persistence_glass, b.exploration.persistence_glass, "exploration/persistence_glass");
  expect_same(a.exploration.persistence_quenches, b.exploration.persistence_quenches, "exploration/persistence");
  for_each_neb_column(
      [&](const LibraryColumn& c, auto column) { expect_same(a.double_wells.*column, b.double_wells.*column, c.name); });
  for_each_splitting_column(
      [&](const LibraryColumn& c, auto column) { expect_same(a.double_wells.*column, b.double_wells.*column, c.name); });
  expect_same(a.double_wells.reason, b.double_wells.reason, "double_wells/reason");
}

}  // namespace tlsx::testing
