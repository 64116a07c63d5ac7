#include "cli_common.hpp"

#include "tlsx/backend/backend.hpp"

namespace tlsx::cli {

std::vector<AddCommand>& commands() {
  static std::vector<AddCommand> list;
  return list;
}

std::string version_string() {
  return std::string("tlsx ") + TLSX_VERSION + " (" + describe_backends() + ")";
}

}  // namespace tlsx::cli

#include <algorithm>
#include <cstdio>

namespace tlsx::cli {

ReplicaBatch batch_from_configuration(const Configuration& c, const Model& model, double skin) {
  ReplicaBatch batch(c.n(), 1, c.box, model.pair_table().max_cutoff + skin, skin);
  std::copy(c.pos.begin(), c.pos.end(), batch.pos(0));
  if (c.has_velocities()) std::copy(c.vel.begin(), c.vel.end(), batch.vel(0));
  std::copy(c.species.begin(), c.species.end(), batch.species(0));
  return batch;
}

void store_replica(ReplicaBatch& batch, int r, Configuration& c, bool with_velocities) {
  const int n = batch.n();
  c.box = batch.box();
  c.pos.assign(batch.pos(r), batch.pos(r) + 3 * n);
  c.species.assign(batch.species(r), batch.species(r) + n);
  if (with_velocities) {
    c.vel.assign(batch.vel(r), batch.vel(r) + 3 * n);
  } else {
    c.vel.clear();
  }
}

Configuration load_configuration(const std::string& path, const Model& model) {
  Configuration c = read_configuration(path, model);
  validate_configuration(c, model, path);
  return c;
}

void print_json(const std::string& json) {
  std::fprintf(stdout, "%s\n", json.c_str());
  std::fflush(stdout);
}

}  // namespace tlsx::cli
