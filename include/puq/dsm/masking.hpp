#pragma once
// Masking of secrets in text that leaves the DSM client (CallRecords for the WHMCS module log, debug
// logs). Masked values become "********".
#include <string>
#include <string_view>
#include <vector>

namespace puq::dsm {

inline constexpr const char* kMasked = "********";

// password, passwd, _sid, sid, synotoken, SynoToken, device_id, did, otp_code, ... (case-insensitive).
bool isSecretKey(std::string_view key);

// Masks the values of secret keys in JSON text ("passwd":"x" -> "passwd":"********"). Works on
// truncated or invalid JSON too: it scans tokens, it does not parse.
std::string maskJsonSecrets(std::string_view json_text);

// Masks a form body "k=v&k2=v2" (decoded or URL-encoded): secret fields, and secret keys inside
// JSON values (a password inside a SYNO.Entry.Request "compound" list).
std::string maskFormSecrets(std::string_view form);

// Either of the above: JSON when the text starts with '{' or '[', a form otherwise.
std::string maskSecrets(std::string_view text);

// Replaces every literal occurrence of the given secret values (and their JSON-escaped form) with the
// mask. Defense in depth for values that reach a text under a key we do not know. Values shorter than
// 4 characters are skipped: masking them would shred unrelated text.
std::string scrubSecretValues(std::string text, const std::vector<std::string>& secrets);

// Cuts text to at most max_bytes (on a UTF-8 boundary), ending with a "[truncated]" marker when cut.
std::string truncateUtf8(std::string text, size_t max_bytes);

}  // namespace puq::dsm
