#pragma once
// Structure-aware fuzzing of the HDF5 readers (docs/reliability.md, "Fuzzing"). HDF5 1.10 itself
// is not safe on arbitrary bytes (it crashes inside its own metadata decoding), so the HDF5 targets
// do not hand it mutated files: the fuzz input is a *recipe* that the HDF5 library turns into a
// well-formed file, whose contents are then whatever the mutated recipe says: any groups, datasets
// and attributes, of any of the project's element types, any rank 0..3 and any extents (huge
// extents are created without data), fixed or variable strings, contiguous or chunked storage.
// The project's reader then reads that file.
//
// A recipe is a sequence of records (bytes, integers little-endian); a truncated record is dropped:
//   op:u8              op % 3: 0 group, 1 dataset, 2 attribute
//   path:str           absolute object path (str = len:u8 + bytes)
//   [attribute] name:str
//   [dataset/attribute]
//     type:u8          low 3 bits % 6: 0 float64, 1 int32, 2 int64, 3 uint8, 4 variable string,
//                      5 fixed string (then size:u8, 0 read as 1); bit 0x40: chunked with an
//                      unlimited first axis (datasets of rank >= 1)
//     rank:u8 (% 4), then rank x extent:u32
//     values           numbers: the raw bytes of every element (missing bytes read as 0);
//                      strings: per element len:u16 + bytes. Data over 1 MiB is not written (the
//                      dataset then has extents but no storage); attributes that large are dropped.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tlsx::fuzz {

// Builds the HDF5 file `path` (truncated first) from a recipe. Records HDF5 refuses are skipped.
void build_hdf5(const std::uint8_t* data, std::size_t size, const std::string& path);

// The recipe that rebuilds the HDF5 file at `path` (for seed corpora): every group, dataset and
// attribute of the project's element types, in the order H5Ovisit finds them.
std::vector<std::uint8_t> recipe_of(const std::string& path);

}  // namespace tlsx::fuzz
