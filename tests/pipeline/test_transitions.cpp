// Transition bookkeeping on hand-made IS sequences, and against a direct count on random ones.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "tlsx/core/error.hpp"
#include "tlsx/pipeline/transitions.hpp"

namespace {

using tlsx::TransitionLog;
constexpr int F = TransitionLog::kFailedQuench;

TEST(TransitionLog, HandMadeSequence) {
  //                                      k: 0  1  2  3  4  5  6  7  8  9 10 11
  const TransitionLog log = TransitionLog::replay({0, 0, 1, 0, 1, 1, 2, F, 1, 2, 2, 0});
  EXPECT_EQ(log.count(0, 1), 2);
  EXPECT_EQ(log.count(1, 0), 1);
  EXPECT_EQ(log.count(1, 2), 2);  // k = 6 and k = 9; F -> 1 at k = 8 is not a transition
  EXPECT_EQ(log.count(2, 1), 0);
  EXPECT_EQ(log.count(2, 0), 1);
  EXPECT_EQ(log.count(0, 2), 0);
  EXPECT_EQ(log.count(1, 1), 0);
  EXPECT_EQ(log.failed_quenches(), 1);

  const auto cands = log.candidates();
  ASSERT_EQ(cands.size(), 1u);
  EXPECT_EQ(cands[0].is_a, 0);
  EXPECT_EQ(cands[0].is_b, 1);
  EXPECT_EQ(cands[0].first_candidate_quench, 3);  // 0->1 at k = 2, 1->0 at k = 3
  EXPECT_EQ(log.candidate_count(), 1);

  const auto pairs = log.pairs();
  ASSERT_EQ(pairs.size(), 3u);  // (0,1), (0,2), (1,2)
  EXPECT_EQ(pairs[1].is_a, 0);
  EXPECT_EQ(pairs[1].is_b, 2);
  EXPECT_EQ(pairs[1].count_ab, 0);
  EXPECT_EQ(pairs[1].count_ba, 1);
  EXPECT_EQ(pairs[1].first_candidate_quench, -1);

  EXPECT_EQ(log.distinct_is_curve(), (std::vector<int>{1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3}));
  // Runs: [0 0] censored, [1], [0], [1 1], [2] before F, F, [1] after F, [2 2], [0] censored.
  EXPECT_EQ(log.persistence_runs(), (std::vector<std::int64_t>{1, 1, 2, 2}));
}

TEST(TransitionLog, FailedQuenchBetweenTwoStructuresCountsNothing) {
  const TransitionLog log = TransitionLog::replay({0, F, 1, F, 0});
  EXPECT_TRUE(log.pairs().empty());
  EXPECT_TRUE(log.persistence_runs().empty());
  EXPECT_EQ(log.failed_quenches(), 2);
}

TEST(TransitionLog, CandidateTimeIsTheSecondDirection) {
  TransitionLog log;
  for (int id : {3, 3, 4, 4, 4, 5, 4, 3}) log.record(id);
  // 3->4 (k=2), 4->5 (k=5), 5->4 (k=6: pair (4,5) becomes a candidate), 4->3 (k=7: pair (3,4)).
  const auto c = log.candidates();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].is_a, 3);
  EXPECT_EQ(c[0].first_candidate_quench, 7);
  EXPECT_EQ(c[1].is_a, 4);
  EXPECT_EQ(c[1].first_candidate_quench, 6);
  EXPECT_THROW(log.record(-2), tlsx::Error);
}

// Random sequences: every quantity against a direct count written here.
TEST(TransitionLog, AgreesWithDirectCountOnRandomSequences) {
  std::mt19937 gen(11);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<int> seq;
    int next_new = 0, cur = -1;
    for (int k = 0; k < 300; ++k) {
      const double u = std::uniform_real_distribution<double>(0, 1)(gen);
      if (u < 0.03) {
        seq.push_back(F);
        continue;
      }
      if (cur < 0 || u < 0.15) cur = next_new++;  // a new IS (ids in order of discovery)
      else if (u < 0.45) cur = std::uniform_int_distribution<int>(0, next_new - 1)(gen);
      seq.push_back(cur);
    }
    const TransitionLog log = TransitionLog::replay(seq);
    std::map<std::pair<int, int>, long> t;
    std::map<std::pair<int, int>, long> first;
    for (std::size_t k = 1; k < seq.size(); ++k) {
      const int a = seq[k - 1], b = seq[k];
      if (a < 0 || b < 0 || a == b) continue;
      t[{a, b}] += 1;
      const std::pair<int, int> key{std::min(a, b), std::max(a, b)};
      if (t[{a, b}] >= 1 && t[{b, a}] >= 1 && !first.count(key)) first[key] = static_cast<long>(k);
    }
    for (int a = 0; a < next_new; ++a)
      for (int b = 0; b < next_new; ++b)
        if (a != b) {
          const auto it = t.find(std::make_pair(a, b));
          ASSERT_EQ(log.count(a, b), it == t.end() ? 0 : it->second) << a << "->" << b;
        }
    const auto cands = log.candidates();
    ASSERT_EQ(cands.size(), first.size());
    for (const auto& c : cands) EXPECT_EQ(c.first_candidate_quench, first[std::make_pair(c.is_a, c.is_b)]);

    int seen = 0;
    const auto curve = log.distinct_is_curve();
    for (std::size_t k = 0; k < seq.size(); ++k) {
      std::vector<bool> found(next_new, false);
      seen = 0;
      for (std::size_t j = 0; j <= k; ++j)
        if (seq[j] >= 0 && !found[seq[j]]) found[seq[j]] = true, ++seen;
      ASSERT_EQ(curve[k], seen);
    }

    // Complete runs: maximal blocks of one converged id whose neighbours are other converged ids.
    std::vector<std::int64_t> runs;
    for (std::size_t s = 1; s < seq.size(); ++s) {
      if (seq[s] == seq[s - 1] || seq[s] < 0 || seq[s - 1] < 0) continue;
      std::size_t e = s;
      while (e + 1 < seq.size() && seq[e + 1] == seq[s]) ++e;
      if (e + 1 < seq.size() && seq[e + 1] >= 0) runs.push_back(static_cast<std::int64_t>(e - s + 1));
    }
    EXPECT_EQ(log.persistence_runs(), runs);
  }
}

}  // namespace
