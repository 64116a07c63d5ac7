#pragma once
// Joining the shards of a sharded run (shard_plan.hpp, docs/cluster.md) into the library the
// unsharded run writes: the same glasses in the same order (columns in preset order, glasses by id),
// the same inherent structures, transitions and double wells in the same rows, bit for bit.
//
// Refused, with a one-line error naming the shard: a shard that is missing or unfinished, a shard
// of another preset (its run.toml differs), of another shard count, another model or another
// program version, and a glass that is missing, in two shards, or not the preset's.
// Nothing is written or removed in the shards.
#include <string>

#include "tlsx/pipeline/library.hpp"

namespace tlsx {

struct ShardMerge {
  Library library;            // config_run holds the preset
  std::string preset_path;    // the preset the shards were started with
  std::string preset_text;
  int shards = 0;
};

// `preset_path` may be empty (then the one the shards name); when given, its text must equal every
// shard's run.toml.
ShardMerge merge_shards(const std::string& run_dir, const std::string& preset_path = "");

// The library with its glasses in ascending id and every table in the order one run over those
// glasses writes: rows grouped glass after glass in the new order, keeping their order within a
// glass; inherent structures found by the exploration before those found by the NEB stage
// (first_quench = -1), as `tlsx neb` appends them; stored coordinates in the order of their rows.
// For one column of merged shards (merge_libraries of shard libraries).
Library order_glasses_by_id(const Library& lib);

}  // namespace tlsx
