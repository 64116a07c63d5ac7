#pragma once
// The CPU executor: replicas in parallel with OpenMP, one SerialTeam each.
#include "tlsx/backend/backend.hpp"

namespace tlsx {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads = 0);  // 0: OpenMP's default
  std::string name() const override { return "cpu"; }
  std::string device() const override;
  std::vector<ForceResult> forces(ReplicaBatch& batch, const PairTable& table) override;
  std::vector<ForceResult> forces_reusing_lists(ReplicaBatch& batch, const PairTable& table) override;
  void run_md(ReplicaBatch& batch, std::vector<MdReplicaState>& states, const PairTable& table,
              const MdParams& params, std::int64_t steps) override;
  std::vector<MinimizeResult> minimize(ReplicaBatch& batch, const PairTable& table,
                                       const MinimizeParams& params) override;

 private:
  std::vector<ForceResult> forces_with(ReplicaBatch& batch, const PairTable& table, bool reuse_lists);
  int threads_;
};

}  // namespace tlsx
