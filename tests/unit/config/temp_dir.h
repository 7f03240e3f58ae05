/// \file
/// TempDir: a private directory under /tmp for one test, removed with everything in it
/// when the object goes away, plus a helper that writes a file with a given mode. For
/// the config tests only; not thread-safe.
#ifndef POSTSEAL_TESTS_UNIT_CONFIG_TEMP_DIR_H
#define POSTSEAL_TESTS_UNIT_CONFIG_TEMP_DIR_H

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sys/stat.h>

namespace postseal::testing {

class TempDir {
 public:
  /// Creates /tmp/postseal-config-XXXXXX. Throws std::runtime_error on failure.
  TempDir() {
    std::string tmpl = "/tmp/postseal-config-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::string& path() const { return path_; }

  /// Writes `content` to path()/name with permission bits `mode` and returns the full
  /// path. Throws std::runtime_error on failure.
  std::string write(const std::string& name, std::string_view content, mode_t mode = 0600) {
    std::string file = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(content.data(), static_cast<std::streamsize>(content.size()));
      if (!out) throw std::runtime_error("cannot write " + file);
    }
    if (::chmod(file.c_str(), mode) != 0) throw std::runtime_error("cannot chmod " + file);
    return file;
  }

 private:
  std::string path_;
};

}  // namespace postseal::testing

#endif  // POSTSEAL_TESTS_UNIT_CONFIG_TEMP_DIR_H
