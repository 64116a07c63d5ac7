// Not run by scripts/fuzz.sh: raw bytes as an HDF5 file into the H5MD reader. It measures how the
// HDF5 library itself (1.10, uninstrumented) copes with malformed files (docs/reliability.md).
#include "fuzz_support.hpp"
#include "tlsx/io/configuration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tlsx::Model model = tlsx::ka2_model();
  const std::string path = tlsx::fuzz::bytes_to_file(data, size, "raw.h5");
  tlsx::fuzz::expect_clean_outcome([&] { (void)tlsx::read_configuration(path, model); });
  return 0;
}
