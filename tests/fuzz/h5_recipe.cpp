// Recipes <-> HDF5 files (h5_recipe.hpp). Written against the HDF5 C API directly, not the project's
// wrapper, so that the fuzzed files can hold what the wrapper would never write (rank-3 attributes,
// fixed strings of any size, datasets without storage).
#include "h5_recipe.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>

namespace tlsx::fuzz {

namespace {

constexpr std::size_t kMaxDataBytes = std::size_t(1) << 20;
constexpr std::size_t kMaxAttributeBytes = 60000;  // below HDF5's 64 KiB object-header limit
constexpr std::size_t kMaxStrings = 1 << 16;

enum Kind : std::uint8_t { kF64 = 0, kI32 = 1, kI64 = 2, kU8 = 3, kVarString = 4, kFixedString = 5 };
constexpr std::uint8_t kChunkedBit = 0x40;

// Owns one HDF5 id; closes it with the matching function.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : d_(data), n_(size) {}
  bool done() const { return k_ >= n_; }
  bool u8(std::uint8_t& v) {
    if (n_ - k_ < 1) return false;
    v = d_[k_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (n_ - k_ < 2) return false;
    v = static_cast<std::uint16_t>(d_[k_] | (d_[k_ + 1] << 8));
    k_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    if (n_ - k_ < 4) return false;
    v = 0;
    for (int b = 3; b >= 0; --b) v = (v << 8) | d_[k_ + b];
    k_ += 4;
    return true;
  }
  bool str(std::string& s) {
    std::uint8_t len = 0;
    if (!u8(len) || n_ - k_ < len) return false;
    s.assign(reinterpret_cast<const char*>(d_ + k_), len);
    k_ += len;
    return true;
  }
  // `bytes` bytes into out; what the input lacks reads as 0.
  void fill(void* out, std::size_t bytes) {
    const std::size_t take = std::min(bytes, n_ - k_);
    if (take) std::memcpy(out, d_ + k_, take);
    if (bytes > take) std::memset(static_cast<char*>(out) + take, 0, bytes - take);
    k_ += take;
  }

 private:
  const std::uint8_t* d_;
  std::size_t n_, k_ = 0;
};

class Writer {
 public:
  void u8(std::uint8_t v) { out.push_back(v); }
  void u16(std::uint16_t v) {
    u8(v & 0xff);
    u8(v >> 8);
  }
  void u32(std::uint32_t v) {
    for (int b = 0; b < 4; ++b) u8((v >> (8 * b)) & 0xff);
  }
  void str(const std::string& s) {
    u8(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  std::vector<std::uint8_t> out;
};

struct Type {
  Kind kind = kF64;
  std::size_t fixed_size = 1;  // kFixedString
  bool chunked = false;
};

std::size_t element_bytes(const Type& t) {
  switch (t.kind) {
    case kF64: case kI64: return 8;
    case kI32: return 4;
    case kU8: return 1;
    case kVarString: return sizeof(char*);
    case kFixedString: return t.fixed_size;
  }
  return 1;
}

hid_t new_string_type(std::size_t fixed_size) {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, fixed_size == 0 ? H5T_VARIABLE : fixed_size);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

// The stored type (a copy to close).
hid_t new_file_type(const Type& t) {
  switch (t.kind) {
    case kF64: return H5Tcopy(H5T_IEEE_F64LE);
    case kI32: return H5Tcopy(H5T_STD_I32LE);
    case kI64: return H5Tcopy(H5T_STD_I64LE);
    case kU8: return H5Tcopy(H5T_STD_U8LE);
    case kVarString: return new_string_type(0);
    case kFixedString: return new_string_type(t.fixed_size);
  }
  return -1;
}

// The in-memory type of the values (a copy to close).
hid_t new_memory_type(const Type& t) {
  switch (t.kind) {
    case kF64: return H5Tcopy(H5T_NATIVE_DOUBLE);
    case kI32: return H5Tcopy(H5T_NATIVE_INT32);
    case kI64: return H5Tcopy(H5T_NATIVE_INT64);
    case kU8: return H5Tcopy(H5T_NATIVE_UINT8);
    default: return new_file_type(t);
  }
}

bool read_type(Reader& r, Type& t) {
  std::uint8_t b = 0;
  if (!r.u8(b)) return false;
  t.kind = static_cast<Kind>((b & 7) % 6);
  t.chunked = (b & kChunkedBit) != 0;
  if (t.kind == kFixedString) {
    std::uint8_t size = 0;
    if (!r.u8(size)) return false;
    t.fixed_size = size ? size : 1;
  }
  return true;
}

// Extents; `count` is their product, or SIZE_MAX when it overflows.
bool read_shape(Reader& r, std::vector<hsize_t>& dims, std::size_t& count) {
  std::uint8_t rank = 0;
  if (!r.u8(rank)) return false;
  dims.assign(rank % 4, 0);
  count = 1;
  for (hsize_t& d : dims) {
    std::uint32_t e = 0;
    if (!r.u32(e)) return false;
    d = e;
    if (count != SIZE_MAX && e != 0 && count > SIZE_MAX / e) count = SIZE_MAX;
    else if (count != SIZE_MAX) count *= e;
  }
  return true;
}

// The values of a dataset or attribute, ready for H5Dwrite / H5Awrite.
struct Values {
  bool present = false;                // false: too large to write
  std::vector<unsigned char> raw;      // numbers and fixed strings
  std::vector<std::string> strings;    // variable strings
  std::vector<const char*> pointers;
  const void* buffer() const { return strings.empty() && pointers.empty() ? raw.data() : static_cast<const void*>(pointers.data()); }
};

Values read_values(Reader& r, const Type& t, std::size_t count, std::size_t limit) {
  Values v;
  if (count == SIZE_MAX) return v;
  if (t.kind == kVarString) {
    if (count > kMaxStrings) return v;
    v.strings.resize(count);
    for (std::string& s : v.strings) {
      std::uint16_t len = 0;
      if (!r.u16(len)) break;
      s.resize(len);
      r.fill(&s[0], len);
      // HDF5 variable strings end at the first NUL.
      s.resize(std::strlen(s.c_str()));
    }
    std::size_t bytes = 0;
    for (const std::string& s : v.strings) bytes += s.size() + 1;
    if (bytes > limit) return v;
    for (const std::string& s : v.strings) v.pointers.push_back(s.c_str());
    v.present = true;
    return v;
  }
  const std::size_t size = element_bytes(t);
  if (count > limit / size) return v;
  v.raw.resize(count * size);
  r.fill(v.raw.data(), v.raw.size());
  v.present = true;
  return v;
}

hid_t new_space(const std::vector<hsize_t>& dims, bool unlimited) {
  if (dims.empty()) return H5Screate(H5S_SCALAR);
  std::vector<hsize_t> max(dims);
  if (unlimited) max[0] = H5S_UNLIMITED;
  return H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data());
}

void add_group(hid_t file, const std::string& path) {
  Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Id g(H5Gcreate2(file, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
}

void add_dataset(hid_t file, const std::string& path, const Type& t, const std::vector<hsize_t>& dims, const Values& v) {
  const bool chunked = t.chunked && !dims.empty();
  Id type(new_file_type(t), H5Tclose);
  Id space(new_space(dims, chunked), H5Sclose);
  if (!type.ok() || !space.ok()) return;
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (chunked) {
    std::vector<hsize_t> chunk(dims.size());
    for (std::size_t k = 0; k < dims.size(); ++k) chunk[k] = std::max<hsize_t>(1, std::min<hsize_t>(dims[k], 64));
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
  }
  Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Id d(H5Dcreate2(file, path.c_str(), type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!d.ok() || !v.present) return;
  Id memory(new_memory_type(t), H5Tclose);
  H5Dwrite(d.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.buffer());
}

void add_attribute(hid_t file, const std::string& object, const std::string& name, const Type& t,
                   const std::vector<hsize_t>& dims, const Values& v) {
  if (!v.present || name.empty()) return;
  if (H5Lexists(file, object.c_str(), H5P_DEFAULT) <= 0 && object != "/") return;
  Id obj(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.ok()) return;
  if (H5Aexists(obj.get(), name.c_str()) > 0) H5Adelete(obj.get(), name.c_str());
  Id type(new_file_type(t), H5Tclose);
  Id space(new_space(dims, false), H5Sclose);
  if (!type.ok() || !space.ok()) return;
  Id a(H5Acreate2(obj.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!a.ok()) return;
  Id memory(new_memory_type(t), H5Tclose);
  H5Awrite(a.get(), memory.get(), v.buffer());
}

// ---- dumping ----

// The recipe type of a stored type; false for types the project never reads.
bool recipe_type(hid_t type, Type& t) {
  switch (H5Tget_class(type)) {
    case H5T_FLOAT: t.kind = kF64; return true;
    case H5T_INTEGER: {
      const std::size_t size = H5Tget_size(type);
      t.kind = size == 1 ? kU8 : size == 4 ? kI32 : kI64;
      return true;
    }
    case H5T_STRING:
      if (H5Tis_variable_str(type) > 0) {
        t.kind = kVarString;
      } else {
        t.kind = kFixedString;
        t.fixed_size = std::min<std::size_t>(255, std::max<std::size_t>(1, H5Tget_size(type)));
      }
      return true;
    default: return false;
  }
}

void put_type(Writer& w, const Type& t) {
  w.u8(static_cast<std::uint8_t>(t.kind | (t.chunked ? kChunkedBit : 0)));
  if (t.kind == kFixedString) w.u8(static_cast<std::uint8_t>(t.fixed_size));
}

bool put_shape(Writer& w, hid_t space, std::size_t& count) {
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 3) return false;
  std::vector<hsize_t> dims(rank);
  if (rank) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  w.u8(static_cast<std::uint8_t>(rank));
  count = 1;
  for (hsize_t d : dims) {
    if (d > 0xffffffffu) return false;
    w.u32(static_cast<std::uint32_t>(d));
    count *= d;
  }
  return true;
}

// Reads all values of a dataset (is_dataset) or attribute and appends them in recipe form.
void put_values(Writer& w, hid_t obj, bool is_dataset, const Type& t, std::size_t count) {
  Id memory(new_memory_type(t), H5Tclose);
  if (t.kind == kVarString) {
    std::vector<char*> ptrs(count, nullptr);
    const herr_t st = is_dataset ? H5Dread(obj, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data())
                                 : H5Aread(obj, memory.get(), ptrs.data());
    for (std::size_t k = 0; k < count; ++k) {
      const std::string s = st >= 0 && ptrs[k] ? ptrs[k] : "";
      const std::size_t len = std::min<std::size_t>(s.size(), 0xffff);
      w.u16(static_cast<std::uint16_t>(len));
      w.bytes(s.data(), len);
    }
    if (st >= 0) {
      const hsize_t n = count;
      Id space(H5Screate_simple(1, &n, nullptr), H5Sclose);
      H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, ptrs.data());
    }
    return;
  }
  std::vector<unsigned char> raw(count * element_bytes(t), 0);
  if (!raw.empty()) {
    if (is_dataset) H5Dread(obj, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    else H5Aread(obj, memory.get(), raw.data());
  }
  w.bytes(raw.data(), raw.size());
}

struct DumpContext {
  Writer w;
};

herr_t dump_attribute(hid_t obj, const char* name, const H5A_info_t*, void* data) {
  Writer& w = static_cast<DumpContext*>(data)->w;
  Id a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  Id type(H5Aget_type(a.get()), H5Tclose);
  Id space(H5Aget_space(a.get()), H5Sclose);
  Type t;
  if (!recipe_type(type.get(), t) || std::strlen(name) > 255) return 0;
  char path[1024];
  const ssize_t len = H5Iget_name(obj, path, sizeof path);
  if (len <= 0 || len > 255) return 0;
  Writer rec;
  rec.u8(2);
  rec.str(path);
  rec.str(name);
  put_type(rec, t);
  std::size_t count = 0;
  if (!put_shape(rec, space.get(), count)) return 0;
  put_values(rec, a.get(), false, t, count);
  w.out.insert(w.out.end(), rec.out.begin(), rec.out.end());
  return 0;
}

herr_t dump_object(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  Writer& w = static_cast<DumpContext*>(data)->w;
  const std::string path = std::strcmp(name, ".") == 0 ? "/" : "/" + std::string(name);
  if (path.size() > 255) return 0;
  Id obj(H5Oopen(root, path.c_str(), H5P_DEFAULT), H5Oclose);
  if (info->type == H5O_TYPE_GROUP && path != "/") {
    w.u8(0);
    w.str(path);
  } else if (info->type == H5O_TYPE_DATASET) {
    Id type(H5Dget_type(obj.get()), H5Tclose);
    Id space(H5Dget_space(obj.get()), H5Sclose);
    Id dcpl(H5Dget_create_plist(obj.get()), H5Pclose);
    Type t;
    if (recipe_type(type.get(), t)) {
      t.chunked = H5Pget_layout(dcpl.get()) == H5D_CHUNKED;
      Writer rec;
      rec.u8(1);
      rec.str(path);
      put_type(rec, t);
      std::size_t count = 0;
      if (put_shape(rec, space.get(), count)) {
        put_values(rec, obj.get(), true, t, count);
        w.out.insert(w.out.end(), rec.out.begin(), rec.out.end());
      }
    }
  }
  H5Aiterate2(obj.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, dump_attribute, data);
  return 0;
}

}  // namespace

void build_hdf5(const std::uint8_t* data, std::size_t size, const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) return;
  Reader r(data, size);
  while (!r.done()) {
    std::uint8_t op = 0;
    std::string object, name;
    Type t;
    std::vector<hsize_t> dims;
    std::size_t count = 0;
    if (!r.u8(op) || !r.str(object) || object.empty()) break;
    switch (op % 3) {
      case 0: add_group(file.get(), object); break;
      case 1: {
        if (!read_type(r, t) || !read_shape(r, dims, count)) return;
        const Values v = read_values(r, t, count, kMaxDataBytes);
        add_dataset(file.get(), object, t, dims, v);
        break;
      }
      case 2: {
        if (!r.str(name) || !read_type(r, t) || !read_shape(r, dims, count)) return;
        const Values v = read_values(r, t, count, kMaxAttributeBytes);
        add_attribute(file.get(), object, name, t, dims, v);
        break;
      }
    }
  }
  H5Eclear2(H5E_DEFAULT);
}

std::vector<std::uint8_t> recipe_of(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  DumpContext ctx;
  if (file.ok()) H5Ovisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, dump_object, &ctx);
  return ctx.w.out;
}

}  // namespace tlsx::fuzz
