// maskSecrets and friends: what keeps passwords, sids and SynoTokens out of the WHMCS module log.
#include <catch2/catch.hpp>

#include "puq/dsm/masking.hpp"

using namespace puq::dsm;

TEST_CASE("secret keys are recognised whatever their case", "[dsm][masking]") {
  for (const char* key :
       {"password", "passwd", "_sid", "sid", "synotoken", "SynoToken", "device_id", "otp_code", "PASSWORD", "did"}) {
    CHECK(isSecretKey(key));
  }
  for (const char* key : {"name", "uid", "api", "session", "account", "description", "sidebar"}) {
    CHECK_FALSE(isSecretKey(key));
  }
}

TEST_CASE("maskFormSecrets masks secret fields of a form", "[dsm][masking]") {
  CHECK(maskFormSecrets("api=SYNO.API.Auth&account=admin&passwd=hunter22&session=puqSynology") ==
        "api=SYNO.API.Auth&account=admin&passwd=********&session=puqSynology");
  CHECK(maskFormSecrets("name=\"bob\"&_sid=abc123&SynoToken=tok") == "name=\"bob\"&_sid=********&SynoToken=********");
  // URL-encoded keys are recognised too.
  CHECK(maskFormSecrets("pass%77d=x&a=b") == "pass%77d=********&a=b");
  CHECK(maskFormSecrets("") == "");
  CHECK(maskFormSecrets("password=") == "password=********");
}

TEST_CASE("maskFormSecrets masks secrets inside JSON values (compound requests)", "[dsm][masking]") {
  const std::string form =
      R"(api=SYNO.Entry.Request&compound=[{"api":"SYNO.Core.User","method":"set","name":"bob","password":"N3w-pass"}])";
  const std::string masked = maskFormSecrets(form);
  CHECK(masked.find("N3w-pass") == std::string::npos);
  CHECK(masked.find(R"("password":"********")") != std::string::npos);
  CHECK(masked.find(R"("name":"bob")") != std::string::npos);
}

TEST_CASE("maskJsonSecrets masks values of any type and keeps the rest byte for byte", "[dsm][masking]") {
  CHECK(maskJsonSecrets(R"({"data":{"sid":"abc","synotoken":"t","is_portal_port":false},"success":true})") ==
        R"({"data":{"sid":"********","synotoken":"********","is_portal_port":false},"success":true})");
  CHECK(maskJsonSecrets(R"({"passwd" : 1234, "x":1})") == R"({"passwd" : "********", "x":1})");
  CHECK(maskJsonSecrets(R"({"password":"a\"b\\","name":"n"})") == R"({"password":"********","name":"n"})");
  // A key name inside a value is not a key.
  CHECK(maskJsonSecrets(R"({"description":"sid","x":"password"})") == R"({"description":"sid","x":"password"})");
  // Truncated JSON still gets masked.
  CHECK(maskJsonSecrets(R"({"data":{"sid":"abcdef)") == R"({"data":{"sid":"********")");
}

TEST_CASE("maskSecrets picks JSON or form by the first character", "[dsm][masking]") {
  CHECK(maskSecrets(R"({"sid":"x"})") == R"({"sid":"********"})");
  CHECK(maskSecrets("sid=x&a=1") == "sid=********&a=1");
  // In JSON text a '&' inside a string is not a field separator.
  CHECK(maskSecrets(R"({"a":"x&sid=1"})") == R"({"a":"x&sid=1"})");
}

TEST_CASE("scrubSecretValues removes known values wherever they appear", "[dsm][masking]") {
  CHECK(scrubSecretValues("error: login as admin with Secr3t failed", {"Secr3t"}) ==
        "error: login as admin with ******** failed");
  // JSON-escaped form of a value with a quote.
  CHECK(scrubSecretValues(R"({"x":"pa\"ss"})", {"pa\"ss"}) == R"({"x":"********"})");
  // Values too short to be safely replaced are left alone.
  CHECK(scrubSecretValues("a b c", {"a"}) == "a b c");
}

TEST_CASE("truncateUtf8 cuts on a character boundary and marks the cut", "[dsm][masking]") {
  CHECK(truncateUtf8("short", 4096) == "short");
  const std::string long_text(5000, 'x');
  const std::string cut = truncateUtf8(long_text, 4096);
  CHECK(cut.size() <= 4096);
  CHECK(cut.find("[truncated]") != std::string::npos);
  // "é" is two bytes: never leave half of it.
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xC3\xA9";
  const std::string cut2 = truncateUtf8(accents, 4096);
  const std::string body = cut2.substr(0, cut2.find("..."));
  CHECK(body.size() % 2 == 0);
}
