// Random starts and their overlap removal (engine/initial_state.hpp), the first steps of tlsx prepare.
// A glass's start must depend on its seed and glass id only: not on the other replicas of the batch,
// whose neighbour-list overflows grow the capacity the whole batch shares.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "../common/test_systems.hpp"
#include "tlsx/engine/forces.hpp"
#include "tlsx/engine/initial_state.hpp"

namespace {

constexpr int kN = 343;

tlsx::ReplicaBatch empty_batch(const tlsx::Model& model, int count) {
  const tlsx::Box box = tlsx::Box::cubic(model.box_length(kN));
  return tlsx::ReplicaBatch(kN, count, box, model.pair_table().max_cutoff + tlsx::testing::kTestSkin,
                            tlsx::testing::kTestSkin);
}

// The overlap-free start of glass 5: reached (largest force below the tolerance, by the
// independent all-pairs sum), and bitwise the same alone or after a replica whose rows overflowed
// (a start squeezed to 0.7 of the box: the capacity grows before glass 5 is treated). And the
// squeezed replica itself, which overflows and is started again, ends as it does in a batch whose
// capacity was grown beforehand. (Both overflows happen at the first build: random starts spread as
// their overlaps are removed, so no natural start was found that overflows later, where starting
// again from the random start, not from the positions reached, is what keeps the result the same.)
TEST(InitialState, OverlapRemovalOfAGlassDoesNotDependOnTheBatch) {
  const tlsx::Model model = tlsx::ka2_model();
  const tlsx::PairTable table = model.pair_table();
  const tlsx::OverlapRemovalParams params;

  tlsx::ReplicaBatch alone = empty_batch(model, 1);
  tlsx::random_start(alone, 0, model, 2023u, 5u);
  const int default_capacity = alone.neighbor_capacity();
  const std::vector<tlsx::OverlapRemovalResult> a = tlsx::remove_overlaps(alone, table, params);
  ASSERT_EQ(a[0].status, 0);
  EXPECT_EQ(alone.neighbor_capacity(), default_capacity) << "the lone glass should not overflow";
  const auto ref = tlsx::testing::direct_sum(model, alone.box(), alone.pos(0), alone.species(0), kN);
  double largest = 0.0;
  for (int i = 0; i < kN; ++i)
    largest = std::fmax(largest, std::sqrt(ref.force[i] * ref.force[i] + ref.force[kN + i] * ref.force[kN + i] +
                                           ref.force[2 * kN + i] * ref.force[2 * kN + i]));
  EXPECT_LT(largest, params.force_tolerance);
  EXPECT_NEAR(a[0].max_force, largest, 1e-9 * largest);

  tlsx::ReplicaBatch crowded = empty_batch(model, 2);
  tlsx::random_start(crowded, 0, model, 2023u, 4u);
  for (int k = 0; k < 3 * kN; ++k) crowded.pos(0)[k] *= 0.7;
  tlsx::random_start(crowded, 1, model, 2023u, 5u);
  const std::vector<tlsx::OverlapRemovalResult> b = tlsx::remove_overlaps(crowded, table, params);
  ASSERT_GT(crowded.neighbor_capacity(), default_capacity) << "the squeezed replica must overflow";
  EXPECT_EQ(b[1].iterations, a[0].iterations);
  EXPECT_EQ(std::memcmp(crowded.pos(1), alone.pos(0), 3 * kN * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(crowded.species(1), alone.species(0), kN * sizeof(int)), 0);

  tlsx::ReplicaBatch roomy = empty_batch(model, 1);
  while (roomy.neighbor_capacity() < kN - 1) roomy.grow_neighbor_capacity();
  tlsx::random_start(roomy, 0, model, 2023u, 4u);
  for (int k = 0; k < 3 * kN; ++k) roomy.pos(0)[k] *= 0.7;
  const std::vector<tlsx::OverlapRemovalResult> c = tlsx::remove_overlaps(roomy, table, params);
  ASSERT_EQ(c[0].status, 0);
  EXPECT_EQ(b[0].iterations, c[0].iterations);
  EXPECT_EQ(std::memcmp(crowded.pos(0), roomy.pos(0), 3 * kN * sizeof(double)), 0);
}

}  // namespace
