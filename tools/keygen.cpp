/// \file
/// postseal keygen: a new RSA or Ed25519 key (mode 0600 PEM file) and the TXT record to
/// publish, in zone-file form with strings of at most 255 characters (as
/// opendkim-genkey writes them) and as one string for DNS web consoles. The key
/// directory is created 0750 when missing (owner settable with --owner); an existing
/// one that others can read is refused, since it holds private keys.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <boost/program_options.hpp>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "dkim/key.h"
#include "tools/commands.h"
#include "tools/key_files.h"
#include "util/errors.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Makes `dir` (and missing parents, 0755) with mode 0750, or checks the existing one.
// Private keys must not be listable or readable by everyone, so an existing directory
// with any "others" permission is refused rather than silently changed.
void prepare_directory(const std::string& dir, const Owner* owner) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw ConfigError(dir + " exists and is not a directory");
    if (st.st_mode & S_IRWXO)
      throw ConfigError("key directory " + dir + " is open to others (mode " +
                        octal(st.st_mode) +
                        "); private keys need a directory only the signer can read: run "
                        "\"chmod o-rwx " +
                        dir +
                        "\" or name a new directory, which keygen "
                        "creates with mode 0750");
    return;
  }
  if (errno != ENOENT) throw TempFailure("cannot examine " + dir + ": " + std::strerror(errno));
  for (size_t slash = dir.find('/', 1); slash != std::string::npos;
       slash = dir.find('/', slash + 1)) {
    std::string parent = dir.substr(0, slash);
    if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST)
      throw TempFailure("cannot create " + parent + ": " + std::strerror(errno));
  }
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw TempFailure("cannot create " + dir + ": " + std::strerror(errno));
  // The umask may have taken bits away (or a racing mkdir made it): set them exactly.
  if (::chmod(dir.c_str(), 0750) != 0)
    throw TempFailure("cannot chmod " + dir + ": " + std::strerror(errno));
  if (owner && ::chown(dir.c_str(), owner->uid, owner->gid) != 0)
    throw TempFailure("cannot give " + dir + " to the --owner: " + std::strerror(errno));
}

}  // namespace

int run_keygen(const std::vector<std::string>& args) {
  po::options_description desc("postseal keygen options");
  desc.add_options()("help,h", "show this help")(
      "domain,d", po::value<std::string>()->required(), "the signing domain (d=)")(
      "selector,s", po::value<std::string>()->required(), "the selector (s=)")(
      "type,t", po::value<std::string>()->default_value("rsa"), "rsa or ed25519")(
      "bits,b", po::value<int>()->default_value(2048), "RSA key size, 1024 to 4096")(
      "directory,D", po::value<std::string>()->default_value("."),
      "where SELECTOR.private and SELECTOR.txt are written; created 0750 when missing, "
      "refused when others may read it")(
      "owner", po::value<std::string>(),
      "USER[:GROUP] that owns the key files (and the directory when keygen creates it)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: postseal keygen --domain D --selector S [options]\n" << desc;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  dkim::KeyType kt = parse_key_type(vm["type"].as<std::string>());
  Owner owner;
  const Owner* owner_ptr = nullptr;
  if (vm.count("owner")) {
    owner = parse_owner(vm["owner"].as<std::string>());
    owner_ptr = &owner;
  }

  const std::string selector = vm["selector"].as<std::string>();
  const std::string domain = vm["domain"].as<std::string>();
  std::string dir = vm["directory"].as<std::string>();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  prepare_directory(dir, owner_ptr);

  auto key = dkim::PrivateKey::generate(kt, vm["bits"].as<int>());
  if (!key.ok()) throw UsageError(key.message());
  std::string record = key->public_record();
  std::string zone = zone_line(selector, domain, record);
  const std::string private_path = dir + "/" + selector + ".private";
  const std::string txt_path = dir + "/" + selector + ".txt";
  write_file(private_path, key->private_pem(), 0600, owner_ptr);
  write_file(txt_path, zone, 0644, owner_ptr);

  std::cout << "wrote " << private_path << " (private key, mode 0600) and " << txt_path
            << "\n\npublish this TXT record at " << selector << "._domainkey." << domain
            << "\n\nin a zone file (BIND, NSD, Knot):\n"
            << zone << "\nas one string (DNS web consoles; paste it without quotes):\n"
            << record << "\n\nthen check it with: postseal testkey --domain " << domain
            << " --selector " << selector << " --key-file " << private_path << "\n";
  return 0;
}

}  // namespace postseal::tools
