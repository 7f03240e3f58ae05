/// \file
/// Fuzz harness: the configuration files an operator writes (lib/config): postseal.conf
/// read through Settings::load and turned into the filter's setup, and KeyTable and
/// SigningTable files (plain and refile:) read by KeyStore::load, then looked up. The
/// first byte chooses which and how; for the tables the rest is "KEYTABLE\0SIGNINGTABLE".
/// Everything wrong must be a ConfigError naming the file and line, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <boost/program_options.hpp>
#include <unistd.h>

#include "config/key_store.h"
#include "config/options.h"
#include "fuzz_input.h"
#include "session/settings.h"
#include "util/errors.h"

using namespace postseal;

namespace {

/// A private directory for the files, made once per process.
const std::string& scratch() {
  static const std::string dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string t = std::string(tmp && *tmp ? tmp : "/tmp") + "/postseal-fuzz-XXXXXX";
    if (!mkdtemp(t.data())) std::abort();
    return t;
  }();
  return dir;
}

std::string write(const std::string& name, std::string_view bytes) {
  std::string path = scratch() + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
  return path;
}

void settings(std::string_view text) {
  std::string path = write("postseal.conf", text);
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
