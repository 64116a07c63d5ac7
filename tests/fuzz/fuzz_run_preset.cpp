// Fuzz target: `tlsx run` presets (pipeline/run_plan.hpp, TOML) through make_run_plan.
#include "fuzz_support.hpp"
#include "tlsx/pipeline/run_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tlsx::fuzz::bytes_to_file(data, size, "preset.toml");
  tlsx::fuzz::expect_clean_outcome([&] { (void)tlsx::make_run_plan(path, "out"); });
  return 0;
}
