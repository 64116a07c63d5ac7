#include "tlsx/pipeline/transitions.hpp"

#include <algorithm>

#include "tlsx/core/error.hpp"

namespace tlsx {

void TransitionLog::record(int is_id) {
  if (is_id < kFailedQuench) throw Error("transition log: invalid IS id " + std::to_string(is_id));
  const std::int64_t k = quenches();
  if (is_id == kFailedQuench) ++failed_;
  if (!sequence_.empty()) {
    const int prev = sequence_.back();
    if (prev != kFailedQuench && is_id != kFailedQuench && prev != is_id) {
      const int a = std::min(prev, is_id), b = std::max(prev, is_id);
      IsPairTransitions& p = pairs_[{a, b}];
      p.is_a = a;
      p.is_b = b;
      const bool was_candidate = p.candidate();
      if (prev == a) ++p.count_ab; else ++p.count_ba;
      if (!was_candidate && p.candidate()) {
        p.first_candidate_quench = k;
        ++candidates_;
      }
    }
  }
  sequence_.push_back(is_id);
}

TransitionLog TransitionLog::replay(const std::vector<int>& sequence) {
  TransitionLog log;
  log.sequence_.reserve(sequence.size());
  for (const int id : sequence) log.record(id);
  return log;
}

std::int64_t TransitionLog::count(int a, int b) const {
  if (a == b) return 0;
  const auto it = pairs_.find({std::min(a, b), std::max(a, b)});
  if (it == pairs_.end()) return 0;
  return a < b ? it->second.count_ab : it->second.count_ba;
}

std::vector<IsPairTransitions> TransitionLog::pairs() const {
  std::vector<IsPairTransitions> out;
  out.reserve(pairs_.size());
  for (const auto& kv : pairs_) out.push_back(kv.second);
  return out;
}

std::vector<IsPairTransitions> TransitionLog::candidates() const {
  std::vector<IsPairTransitions> out;
  for (const auto& kv : pairs_)
    if (kv.second.candidate()) out.push_back(kv.second);
  return out;
}

std::vector<int> TransitionLog::distinct_is_curve() const {
  std::vector<int> out(sequence_.size());
  int seen = 0;  // ids are numbered in order of discovery, so n_IS = largest id so far + 1
  for (std::size_t k = 0; k < sequence_.size(); ++k) {
    seen = std::max(seen, sequence_[k] + 1);
    out[k] = seen;
  }
  return out;
}

std::vector<std::int64_t> TransitionLog::persistence_runs() const {
  std::vector<std::int64_t> out;
  const std::size_t m = sequence_.size();
  std::size_t start = 0;
  while (start < m) {
    std::size_t end = start;
    while (end + 1 < m && sequence_[end + 1] == sequence_[start]) ++end;
    const bool bounded = start > 0 && end + 1 < m;
    if (bounded && sequence_[start] != kFailedQuench && sequence_[start - 1] != kFailedQuench &&
        sequence_[end + 1] != kFailedQuench)
      out.push_back(static_cast<std::int64_t>(end - start + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace tlsx
