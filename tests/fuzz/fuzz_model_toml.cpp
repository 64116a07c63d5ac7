// Fuzz target: model files (model/model.hpp, TOML). An accepted model must also give its pair
// table, and its TOML text (what output files store) must read back as the same model.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "tlsx/model/model.hpp"

namespace {

bool same_model(const tlsx::Model& a, const tlsx::Model& b) {
  if (a.name != b.name || a.n_species() != b.n_species() || a.density != b.density || a.cutoff_ratio != b.cutoff_ratio ||
      a.epsilon != b.epsilon || a.sigma != b.sigma)
    return false;
  for (int s = 0; s < a.n_species(); ++s)
    if (a.species[s].name != b.species[s].name || a.species[s].element != b.species[s].element ||
        a.species[s].fraction != b.species[s].fraction || a.species[s].mass != b.species[s].mass)
      return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = tlsx::fuzz::bytes_to_file(data, size, "model.toml");
  tlsx::fuzz::expect_clean_outcome([&] {
    const tlsx::Model m = tlsx::load_model(path);
    (void)m.pair_table();
    (void)m.composition(1200);
    const std::string text = tlsx::model_to_toml(m);
    tlsx::Model back;
    try {
      back = tlsx::model_from_toml_text(text, "round trip");
    } catch (const tlsx::Error& e) {
      std::fprintf(stderr, "tlsx fuzz: an accepted model's TOML does not read back: %s\n%s\n", e.what(), text.c_str());
      std::abort();
    }
    back.source = m.source;
    if (!same_model(m, back)) {
      std::fprintf(stderr, "tlsx fuzz: an accepted model's TOML reads back as another model:\n%s\n", text.c_str());
      std::abort();
    }
  });
  return 0;
}
