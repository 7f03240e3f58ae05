/// \file
/// KeyTable and SigningTable loading and the author-to-keys lookup (see key_store.h).
/// The formats are OpenDKIM's, read as they are; every key is read and parsed here,
/// once, so lookups are pure and never touch the disk. Lookup order for plain tables
/// follows opendkim.conf(5) SigningTable; "refile:" tables are scanned in file order.
#include "config/key_store.h"

#include <cstdio>
#include <map>
#include <unordered_map>
#include <utility>

#include <openssl/crypto.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/text_file.h"
#include "util/errors.h"

namespace postseal::config {

namespace {

/// Key files are a few kilobytes; anything this large is not a key.
constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;

/// The special key name and KeyTable domain that stand for the author's domain.
constexpr std::string_view kAuthorDomain = "%";

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

/// "name (uid N)", or "uid N" for a uid without a passwd entry.
std::string user_text(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  std::string n = "uid " + std::to_string(uid);
  return pw != nullptr ? std::string(pw->pw_name) + " (" + n + ")" : n;
}

/// The users who may own a key and its directory: root, whoever reads it, and the
/// daemon's configured user.
bool trusted_owner(uid_t owner, const std::string& key_user) {
  if (owner == 0 || owner == ::geteuid()) return true;
  if (key_user.empty()) return false;
  const passwd* pw = ::getpwnam(key_user.c_str());
  if (pw != nullptr) return owner == pw->pw_uid;
  return key_user.find_first_not_of("0123456789") == std::string::npos &&
         std::to_string(owner) == key_user;
}

/// Who an unsafe file or directory should belong to, for the fix we print.
std::string owner_to_suggest(const std::string& key_user) {
  if (!key_user.empty()) return key_user;
  if (::geteuid() == 0) return "root";
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : std::to_string(::geteuid());
}

std::string directory_of_file(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// OpenDKIM's RequireSafeKeys, with the reason and the fix named: a key that others can
/// read is no longer a secret; one another user owns, or that sits in a directory others
/// can write, can be swapped for theirs (and mail signed with a key they hold). The mode
/// and owner are the open descriptor's, so the file checked is the file read. `subject`
/// starts a message about the file ("PATH: key file "), `context` one about its
/// directory.
void check_key_safety(const std::string& path, const detail::FileData& data,
                      const std::string& key_user, const std::string& subject,
                      const std::string& context) {
  const std::string fix_owner = owner_to_suggest(key_user);
  if ((data.mode & 077) != 0)
    throw ConfigError(subject + "is accessible by group or others (mode " +
                      mode_text(data.mode) + "); run \"chmod 600 " + path +
                      "\", or set require-safe-keys = no");
  if (!trusted_owner(data.owner, key_user))
    throw ConfigError(subject + "is owned by " + user_text(data.owner) +
                      ", who could replace it; run \"chown " + fix_owner + " " + path +
                      "\", or set require-safe-keys = no");
  const std::string dir = directory_of_file(path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return;  // the file was read: its directory exists
  if ((st.st_mode & S_ISVTX) == 0 && (st.st_mode & 022) != 0)
    throw ConfigError(context + dir + ": the directory of " + path +
                      " is writable by group or others " + "(mode " + mode_text(st.st_mode) +
                      "), who could replace the key; run " + "\"chmod go-w " + dir +
                      "\", or set require-safe-keys = no");
  if (!trusted_owner(st.st_uid, key_user))
    throw ConfigError(context + dir + ": the directory of " + path + " is owned by " +
                      user_text(st.st_uid) + ", who could replace the key; run \"chown " +
                      fix_owner + " " + dir + "\", or set require-safe-keys = no");
}

/// OpenDKIM's file datasets: '#' anywhere ends the line's content.
std::string_view strip_comment(std::string_view line) {
  auto hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  return detail::trim(line);
}

/// Splits at white space.
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

/// '*' matches any run of characters, including none; everything else matches itself.
/// Both sides are already lower case.
bool glob_match(std::string_view pat, std::string_view s) {
  std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (p < pat.size() && pat[p] == s[i]) {
      ++p;
      ++i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

/// A table option's value: a path, "file:PATH", or "refile:PATH" (OpenDKIM dataset
/// syntax). Other dataset types (db:, dsn:, ldap:, lua:, csl:) are refused by name.
struct TableSpec {
  std::string path;
  bool refile = false;
};

TableSpec parse_table_spec(std::string_view option, const std::string& value) {
  std::string_view v = value;
  if (v.starts_with("refile:")) return {std::string(v.substr(7)), true};
  if (v.starts_with("file:")) return {std::string(v.substr(5)), false};
  auto colon = v.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      v.substr(0, colon).find('/') == std::string_view::npos) {
    throw ConfigError(std::string(option) + ": table type " + quoted(v.substr(0, colon)) +
                      " is not supported; use a plain file or refile:PATH");
  }
  return {value, false};
}

/// OpenDKIM's rule for the KeyTable's third field: a file if it begins with "/", "./"
/// or "../", otherwise the key data itself.
bool is_key_path(std::string_view s) {
  return s.starts_with("/") || s.starts_with("./") || s.starts_with("../");
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

struct KeyStore::Impl {
  enum class Kind { kSingle, kPlain, kRefile };

  struct Key {
    std::string domain;  // lower case, or "%" for the author's domain
    std::string selector;
    std::shared_ptr<const dkim::PrivateKey> key;
  };

  /// One SigningTable line.
  struct Entry {
    std::string pattern;  // lower case
    std::string key_name;
  };

  Kind kind = Kind::kPlain;
  bool multiple = true;
  bool sub_domains = false;
  std::map<std::string, Key, std::less<>> keys;                     // by key name
  std::vector<Entry> entries;                                       // in file order
  std::unordered_map<std::string, std::vector<std::size_t>> index;  // plain: pattern -> entries
  std::string single_domain;                                        // kSingle, lower case

  /// Appends the key named `name` unless it is unknown or already chosen. Returns
  /// whether it appended.
  bool add(std::string_view name, const std::string& author_domain,
           std::vector<SigningKey>& out, std::vector<std::string>& used) const {
    std::string resolved = name == kAuthorDomain ? author_domain : std::string(name);
    for (const auto& u : used)
      if (u == resolved) return false;
    auto it = keys.find(resolved);
    // A "%" entry whose domain has no KeyTable line signs nothing; the tables were
    // checked at load, so this is the only way a name can be missing.
    if (it == keys.end()) return false;
    used.push_back(resolved);
    const Key& k = it->second;
    out.push_back({k.domain == kAuthorDomain ? author_domain : k.domain, k.selector, k.key});
    return true;
  }

  std::vector<SigningKey> lookup(const std::string& local, const std::string& domain) const;

  void load_key_table(const std::string& path, bool require_safe, const std::string& key_user);
  void load_signing_table(const std::string& path, const std::string& key_table_path);
};

std::vector<SigningKey> KeyStore::Impl::lookup(const std::string& local,
                                               const std::string& domain) const {
  std::vector<SigningKey> out;
  std::vector<std::string> used;
  const std::string address = local + "@" + domain;

  if (kind == Kind::kSingle) {
    bool ours =
        domain == single_domain || (sub_domains && domain.size() > single_domain.size() &&
                                    domain.ends_with("." + single_domain));
    if (ours) add(keys.begin()->first, domain, out, used);
    return out;
  }

  if (kind == Kind::kRefile) {
    // Wildcard patterns in file order. With sub-domains, a pattern that matches the
    // address with a parent domain (local@example.com for local@mail.example.com)
    // counts too.
    for (const auto& e : entries) {
      bool match = glob_match(e.pattern, address);
      for (auto dot = domain.find('.'); !match && sub_domains && dot != std::string::npos;
           dot = domain.find('.', dot + 1))
        match = glob_match(e.pattern, local + "@" + domain.substr(dot + 1));
      if (match && add(e.key_name, domain, out, used) && !multiple) return out;
    }
    return out;
  }

  // Plain table: opendkim.conf(5)'s order. user@host, host, then for each parent
  // domain user@.parent and .parent (sub-domains adds user@parent and parent), then
  // user@* and *. Several lines with one key give several keys, in file order.
  std::vector<std::string> candidates = {address, domain};
  for (auto dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1)) {
    std::string dotted = domain.substr(dot);
    candidates.push_back(local + "@" + dotted);
    candidates.push_back(dotted);
    if (sub_domains) {
      candidates.push_back(local + "@" + dotted.substr(1));
      candidates.push_back(dotted.substr(1));
    }
  }
  candidates.push_back(local + "@*");
  candidates.push_back("*");
  for (const auto& c : candidates) {
    auto it = index.find(c);
    if (it == index.end()) continue;
    for (std::size_t i : it->second)
      if (add(entries[i].key_name, domain, out, used) && !multiple) return out;
  }
  return out;
}

void KeyStore::Impl::load_key_table(const std::string& path, bool require_safe,
                                    const std::string& key_user) {
  auto data = detail::read_file(path);
  if (!data.ok()) throw ConfigError(path + ": cannot read key table: " + data.message());

  // Several names may share one key file; read and parse it once.
  std::map<std::string, std::shared_ptr<const dkim::PrivateKey>> by_file;
  std::map<std::string, std::size_t> first_line;

  auto lines = detail::split_lines(data->bytes);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string where = path + ":" + std::to_string(n + 1) + ": ";
    std::string_view line = strip_comment(lines[n]);
    if (line.empty()) continue;

    auto ws = line.find_first_of(" \t");
    std::string_view name = line.substr(0, ws);
    std::string_view value =
        ws == std::string_view::npos ? std::string_view() : detail::trim(line.substr(ws));
    auto c1 = value.find(':');
    auto c2 = c1 == std::string_view::npos ? c1 : value.find(':', c1 + 1);
    if (c2 == std::string_view::npos)
      throw ConfigError(where + "expected \"NAME DOMAIN:SELECTOR:KEY\"");
    std::string_view domain = value.substr(0, c1);
    std::string_view selector = value.substr(c1 + 1, c2 - c1 - 1);
    std::string_view key_field = value.substr(c2 + 1);
    if (domain.empty() || selector.empty() || key_field.empty())
      throw ConfigError(where + "expected \"NAME DOMAIN:SELECTOR:KEY\"");
    if (auto dup = first_line.find(std::string(name)); dup != first_line.end())
      throw ConfigError(where + "duplicate key name " + quoted(name) + " (first on line " +
                        std::to_string(dup->second) + ")");
    // Keys are loaded once, at startup, so a per-message key path cannot be honoured.
    if (key_field.find('%') != std::string_view::npos)
      throw ConfigError(where + "key " + quoted(name) +
                        ": \"%\" in the key field is not supported; list each key");

    std::shared_ptr<const dkim::PrivateKey> key;
    if (is_key_path(key_field)) {
      // Relative paths are taken from the KeyTable's directory, not from whatever the
      // daemon's working directory happens to be.
      std::string file(key_field);
      if (file[0] == '.') file = directory_of(path) + "/" + file;
      auto cached = by_file.find(file);
      if (cached != by_file.end()) {
        key = cached->second;
      } else {
        try {
          key = load_key_file(file, require_safe, key_user);
        } catch (const ConfigError& e) {
          throw ConfigError(where + "key " + quoted(name) + ": " + e.what());
        }
        by_file[file] = key;
      }
    } else {
      // The key itself (base64 DER, or a base64 Ed25519 seed) sits in the table, so the
      // table is as secret as a key file.
      if (require_safe) {
        const std::string inline_key = where + "key " + quoted(name) + " is inline";
        check_key_safety(path, *data, key_user, inline_key + ", but " + path + " ",
                         inline_key + ": ");
      }
      auto parsed = dkim::PrivateKey::parse(key_field);
      if (!parsed.ok())
        throw ConfigError(where + "key " + quoted(name) +
                          ": inline key data is not a usable private key (" + parsed.message() +
                          "); a key file path must begin with /, ./ or ../");
      key = std::make_shared<const dkim::PrivateKey>(std::move(parsed).value());
    }

    std::string d =
        domain == kAuthorDomain ? std::string(kAuthorDomain) : detail::lower(domain);
    first_line[std::string(name)] = n + 1;
    keys[std::string(name)] = Key{std::move(d), std::string(selector), std::move(key)};
  }
  OPENSSL_cleanse(data->bytes.data(), data->bytes.size());
}

void KeyStore::Impl::load_signing_table(const std::string& path,
                                        const std::string& key_table_path) {
  auto data = detail::read_file(path);
  if (!data.ok()) throw ConfigError(path + ": cannot read signing table: " + data.message());

  auto lines = detail::split_lines(data->bytes);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    std::string where = path + ":" + std::to_string(n + 1) + ": ";
    std::string_view line = strip_comment(lines[n]);
    if (line.empty()) continue;

    // PATTERN KEYNAME [SIGNER]. OpenDKIM's optional signer (for i=) is accepted so
    // existing tables load; postseal does not add i=.
    auto f = fields(line);
    if (f.size() < 2 || f.size() > 3) throw ConfigError(where + "expected \"PATTERN KEYNAME\"");
    if (f[1] != kAuthorDomain && keys.find(f[1]) == keys.end())
      throw ConfigError(where + "unknown key name " + quoted(f[1]) + " (not in " +
                        key_table_path + ")");
    entries.push_back({detail::lower(f[0]), std::string(f[1])});
    if (kind == Kind::kPlain) index[entries.back().pattern].push_back(entries.size() - 1);
  }
}

KeyStore KeyStore::load(const KeyStoreOptions& opts) {
  if (opts.key_table.empty() || opts.signing_table.empty())
    throw ConfigError("key-table and signing-table must be set together");
  TableSpec keys = parse_table_spec("key-table", opts.key_table);
  TableSpec signing = parse_table_spec("signing-table", opts.signing_table);

  auto impl = std::make_shared<Impl>();
  impl->kind = signing.refile ? Impl::Kind::kRefile : Impl::Kind::kPlain;
  impl->multiple = opts.multiple_signatures;
  impl->sub_domains = opts.sub_domains;
  // A "refile:" KeyTable is read as a plain one: its names are looked up exactly.
  impl->load_key_table(keys.path, opts.require_safe_keys, opts.key_user);
  impl->load_signing_table(signing.path, keys.path);

  KeyStore store;
  store.impl_ = std::move(impl);
  return store;
}

KeyStore KeyStore::single(const std::string& domain, const std::string& selector,
                          const std::string& key_file, bool require_safe_keys, bool sub_domains,
                          const std::string& key_user) {
  if (domain.empty() || selector.empty() || key_file.empty())
    throw ConfigError("domain, selector and key-file must be set together");
  auto impl = std::make_shared<Impl>();
  impl->kind = Impl::Kind::kSingle;
  impl->multiple = false;
  impl->sub_domains = sub_domains;
  impl->single_domain = detail::lower(domain);
  impl->keys[key_file] = Impl::Key{impl->single_domain, selector,
                                   load_key_file(key_file, require_safe_keys, key_user)};
  KeyStore store;
  store.impl_ = std::move(impl);
  return store;
}

std::vector<SigningKey> KeyStore::all_keys() const {
  std::vector<SigningKey> out;
  if (!impl_) return out;
  for (const auto& [name, k] : impl_->keys) out.push_back({k.domain, k.selector, k.key});
  return out;
}

std::vector<SigningKey> KeyStore::keys_for(std::string_view author) const {
  if (!impl_) return {};
  auto at = author.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string domain = detail::lower(author.substr(at + 1));
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (domain.empty()) return {};
  return impl_->lookup(detail::lower(author.substr(0, at)), domain);
}

std::shared_ptr<const dkim::PrivateKey> load_key_file(const std::string& path,
                                                      bool require_safe,
                                                      const std::string& key_user) {
  auto data = detail::read_file(path, kMaxKeyFileBytes);
  if (!data.ok()) throw ConfigError(path + ": cannot read key file: " + data.message());
  if (require_safe) {
    try {
      check_key_safety(path, *data, key_user, path + ": key file ", "");
    } catch (const ConfigError&) {
      OPENSSL_cleanse(data->bytes.data(), data->bytes.size());
      throw;
    }
  }
  auto parsed = dkim::PrivateKey::parse(data->bytes);
  OPENSSL_cleanse(data->bytes.data(), data->bytes.size());
  if (!parsed.ok()) throw ConfigError(path + ": not a usable private key: " + parsed.message());
  return std::make_shared<const dkim::PrivateKey>(std::move(parsed).value());
}

}  // namespace postseal::config
