/// \file
/// postseal keygen: a new RSA or Ed25519 key (mode 0600 PEM file) and the TXT record to
/// publish, in zone-file form with strings of at most 255 characters, as
/// opendkim-genkey writes them.
#include <sys/stat.h>
#include <fcntl.h>
#include <sysexits.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "dkim/key.h"
#include "io/fd_io.h"
#include "tools/commands.h"
#include "util/errors.h"
#include "util/unique_fd.h"

namespace po = boost::program_options;

namespace postseal::tools {
namespace {

void write_file(const std::string& path, const std::string& data, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) throw TempFailure("cannot create " + path + ": " + std::strerror(errno));
  if (::fchmod(fd.get(), mode) != 0)
    throw TempFailure("cannot chmod " + path + ": " + std::strerror(errno));
  io::write_all(fd.get(), data, path);
  if (::close(fd.release()) != 0)
    throw TempFailure("cannot write " + path + ": " + std::strerror(errno));
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
      "where SELECTOR.private and SELECTOR.txt are written");
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
  std::string type = vm["type"].as<std::string>();
  dkim::KeyType kt;
  if (type == "rsa") kt = dkim::KeyType::kRsa;
  else if (type == "ed25519") kt = dkim::KeyType::kEd25519;
  else throw UsageError("--type must be rsa or ed25519");
  auto key = dkim::PrivateKey::generate(kt, vm["bits"].as<int>());
  if (!key.ok()) throw UsageError(key.message());

  const std::string selector = vm["selector"].as<std::string>();
  const std::string dir = vm["directory"].as<std::string>();
  std::string record = key->public_record();
  std::string txt = selector + "._domainkey\tIN\tTXT\t( ";
  for (size_t i = 0; i < record.size(); i += 250) {
    if (i) txt += "\n\t\t";
    txt += "\"" + record.substr(i, 250) + "\"";
  }
  txt += " )  ; ----- DKIM key " + selector + " for " + vm["domain"].as<std::string>() + "\n";
  write_file(dir + "/" + selector + ".private", key->private_pem(), 0600);
  write_file(dir + "/" + selector + ".txt", txt, 0644);
  return 0;
}

}  // namespace postseal::tools
