/// \file
/// Fuzz harness: the configuration files an operator writes (lib/config): postseal.conf
/// read through Settings::load and turned into the filter's setup, and KeyTable and
/// SigningTable files (plain and refile:) read by KeyStore::load, then looked up. The
/// first byte chooses which and how; for the tables the rest is "KEYTABLE\0SIGNINGTABLE".
/// Everything wrong must be a ConfigError naming the file and line, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include <boost/program_options.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include "config/key_store.h"
#include "config/options.h"
#include "fuzz_input.h"
#include "session/settings.h"
#include "util/errors.h"

using namespace postseal;

namespace {

/// The files an input becomes, kept in memory: each is a memfd made once, reached
/// through a symlink NAME -> /proc/self/fd/N in a private directory, so the loaders open
/// and read a path as they do in the daemons (and relative key paths resolve in that
/// directory) while an input costs an ftruncate and a pwrite, not a file written to disk.
/// The directory and its links go at exit.
class MemFiles {
 public:
  MemFiles() {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/postseal-fuzz-XXXXXX";
    if (!mkdtemp(dir_.data())) std::abort();
  }
  ~MemFiles() {
    for (const auto& [path, fd] : files_) {
      ::unlink(path.c_str());
      ::close(fd);
    }
    ::rmdir(dir_.c_str());
  }

  /// Makes NAME hold `bytes`; returns its path.
  const std::string& put(const std::string& name, std::string_view bytes) {
    std::string path = dir_ + "/" + name;
    auto it = files_.find(path);
    if (it == files_.end()) {
      int fd = ::memfd_create(name.c_str(), MFD_CLOEXEC);
      if (fd < 0 || ::symlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), path.c_str()))
        std::abort();
      it = files_.emplace(path, fd).first;
    }
    if (::ftruncate(it->second, 0) != 0 || ::pwrite(it->second, bytes.data(), bytes.size(),
                                                    0) != static_cast<ssize_t>(bytes.size()))
      std::abort();
    return it->first;
  }

 private:
  std::string dir_;
  std::map<std::string, int> files_;  // path -> memfd
};

const std::string& write(const std::string& name, std::string_view bytes) {
  static MemFiles files;
  return files.put(name, bytes);
}

void settings(std::string_view text) {
  const std::string& path = write("postseal.conf", text);
  try {
    boost::program_options::variables_map none;
    auto s = config::Settings::load(none, path, config::kFilter | config::kPolicyd);
    (void)s.dump(true);
    (void)session::sign_options(s);
    (void)session::dmarc_overrides(s);
  } catch (const ConfigError&) {
  }
}

void tables(unsigned how, std::string_view text) {
  // Key files are named relative to the KeyTable; keep the fuzzer off device and
  // process files (a read of /dev/stdin would wait forever).
  for (std::string_view bad : {"dev/", "proc/", "sys/", "run/"})
    if (text.find(bad) != std::string_view::npos) return;
  auto nul = text.find('\0');
  std::string_view key_table = text.substr(0, nul);
  std::string_view signing_table = nul == std::string_view::npos ? "" : text.substr(nul + 1);
  config::KeyStoreOptions o;
  o.key_table = write("KeyTable", key_table);
  o.signing_table = write("SigningTable", signing_table);
  if (how & 1) o.signing_table = "refile:" + o.signing_table;
  o.require_safe_keys = false;
  o.multiple_signatures = how & 2;
  o.sub_domains = how & 4;
  try {
    auto store = config::KeyStore::load(o);
    (void)store.keys_for("user@example.com");
    (void)store.keys_for("user@mail.example.com");
    (void)store.keys_for("@");
    (void)store.all_keys();
  } catch (const ConfigError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text = fuzz::as_text(data + 1, size - 1);
  if (data[0] & 0x80)
    tables(data[0], text);
  else
    settings(text);
  return 0;
}
