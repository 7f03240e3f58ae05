/// \file
/// Which keys sign which mail: OpenDKIM's KeyTable and SigningTable files read as they
/// are (plain and "refile:" wildcard tables, several keys per address), or the
/// single-domain shortcut (domain, selector, key file). Keys are loaded and parsed once,
/// at load time, so a daemon never touches the disk per message. Immutable after load;
/// safe to share between threads.
#ifndef POSTSEAL_CONFIG_KEY_STORE_H
#define POSTSEAL_CONFIG_KEY_STORE_H

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/key.h"

namespace postseal::config {

/// One key to sign with: d=, s= and the key.
struct SigningKey {
  std::string domain;
  std::string selector;
  std::shared_ptr<const dkim::PrivateKey> key;
};

struct KeyStoreOptions {
  std::string key_table;          ///< path of the KeyTable file
  std::string signing_table;      ///< path of the SigningTable; "refile:PATH" for wildcards
  bool require_safe_keys = true;  ///< refuse key files others can read or replace
  /// The user the keys are for besides the one reading them (the `user` option: a
  /// daemon's --check-config runs as root, the daemon as this user); may own key files.
  std::string key_user;
  bool multiple_signatures = true;  ///< sign with every matching key, not just the first
  bool sub_domains = false;         ///< a table entry for a domain covers its subdomains
};

class KeyStore {
 public:
  /// Loads both tables and every key they name. Throws ConfigError("FILE:LINE: reason")
  /// for a syntax error, an unknown key name, an unreadable or unsafe key file, or a key
  /// that does not parse.
  static KeyStore load(const KeyStoreOptions& opts);

  /// The single-domain shortcut: mail whose author domain is `domain` (or a subdomain,
  /// if sub_domains) is signed with this one key. Throws ConfigError like load().
  static KeyStore single(const std::string& domain, const std::string& selector,
                         const std::string& key_file, bool require_safe_keys, bool sub_domains,
                         const std::string& key_user = "");

  /// The keys to sign with for this author address (local@domain), in table order;
  /// empty when the address is not ours. Never throws.
  std::vector<SigningKey> keys_for(std::string_view author) const;

  /// Every key of the store, once each, by key name (the single-domain key alone).
  /// A KeyTable entry for "%" (the author's domain) has the domain "%". Never throws.
  std::vector<SigningKey> all_keys() const;

 private:
  struct Impl;
  // Immutable after load; shared so copies are cheap. Null in a default-constructed
  // store, which signs nothing.
  std::shared_ptr<const Impl> impl_;
};

/// Reads and parses a key file. With require_safe (OpenDKIM's RequireSafeKeys) a key
/// others could read or replace is refused: the file readable or writable by group or
/// others, owned by a user other than root, the reading user and `key_user`, or in a
/// directory that such a user owns or that group or others may write (without the
/// sticky bit). Throws ConfigError naming the file or directory at fault, the reason,
/// and the command that fixes it.
std::shared_ptr<const dkim::PrivateKey> load_key_file(const std::string& path,
                                                      bool require_safe,
                                                      const std::string& key_user = "");

}  // namespace postseal::config

#endif  // POSTSEAL_CONFIG_KEY_STORE_H
