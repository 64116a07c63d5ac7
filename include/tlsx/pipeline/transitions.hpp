#pragma once
// The sequence of inherent structures visited by one glass during the exploration, and what the
// paper reads from it (Sec. II D, III A-B):
//   - T(a->b): the number of consecutive quench pairs that went from IS a to a distinct IS b;
//   - candidate double wells: pairs with T(a->b) >= 1 and T(b->a) >= 1, and the first quench at
//     which each pair became one (Fig. 4a counts double wells against this time);
//   - n_IS(t): distinct IS found up to quench k (Fig. 3b);
//   - persistence times tau_p: lengths of the runs of identical IS in the sequence (Fig. 3a).
// A quench that did not converge is recorded as kFailedQuench: it breaks the sequence, so no
// transition is counted across it (what lies between its neighbours is unknown).
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace tlsx {

struct IsPairTransitions {
  int is_a = 0, is_b = 0;              // is_a < is_b
  std::int64_t count_ab = 0;           // T(a->b)
  std::int64_t count_ba = 0;           // T(b->a)
  std::int64_t first_candidate_quench = -1;  // quench index at which both counts became >= 1

  bool candidate() const { return count_ab >= 1 && count_ba >= 1; }
};

class TransitionLog {
 public:
  static constexpr int kFailedQuench = -1;

  // Appends the IS id of the next quench (or kFailedQuench).
  void record(int is_id);
  // Rebuilds the log by replaying a stored sequence.
  static TransitionLog replay(const std::vector<int>& sequence);

  const std::vector<int>& sequence() const { return sequence_; }
  std::int64_t quenches() const { return static_cast<std::int64_t>(sequence_.size()); }
  std::int64_t failed_quenches() const { return failed_; }

  // T(a->b), a != b.
  std::int64_t count(int a, int b) const;
  // Every unordered pair with at least one transition, ordered by (is_a, is_b).
  std::vector<IsPairTransitions> pairs() const;
  // The pairs that are candidate double wells.
  std::vector<IsPairTransitions> candidates() const;
  std::int64_t candidate_count() const { return candidates_; }

  // n_IS after each quench: entry k is the number of distinct IS among quenches 0..k.
  std::vector<int> distinct_is_curve() const;
  // Persistence times in quenches: lengths of the runs of one IS that are bounded on both sides by
  // a different, converged IS. The first and the last run are censored (their start or end is
  // unknown) and runs touching a failed quench are dropped, so every length is a complete tau_p.
  std::vector<std::int64_t> persistence_runs() const;

 private:
  std::vector<int> sequence_;
  std::map<std::pair<int, int>, IsPairTransitions> pairs_;
  std::int64_t failed_ = 0;
  std::int64_t candidates_ = 0;
};

}  // namespace tlsx
