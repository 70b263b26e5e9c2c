// SYNO.API.Info answers: the captured DSM 7.0 and DSM 6 subsets (tests/fixtures/dsm/SOURCES.md),
// embedded so that the dsm-sim binary needs no data file at run time. Keep in sync with the fixtures:
// the tests compare these byte for byte (as JSON) with api.info.query.dsm{6,7}.subset.json.
#include "api.hpp"

namespace puq::sim {

namespace {

Json entry(int min, int max, const char* path, bool json_format) {
  Json e = {{"maxVersion", max}, {"minVersion", min}, {"path", path}};
  if (json_format) e["requestFormat"] = "JSON";
  return e;
}

Json dsm7Catalog() {
  Json d = Json::object();
  d["SYNO.API.Auth"] = entry(1, 7, "entry.cgi", false);
  d["SYNO.API.Encryption"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.API.Info"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.API.OTP"] = entry(1, 1, "otp.cgi", false);
  d["SYNO.Entry.Request"] = entry(1, 2, "entry.cgi", true);
  d["SYNO.Core.User"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.Group"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.Home"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.PasswordConfirm"] = entry(1, 2, "entry.cgi", true);
  d["SYNO.Core.User.PasswordExpiry"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.PasswordMeter"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.PasswordPolicy"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.UsernamePolicy"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Group"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Group.Member"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Quota"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Share"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Share.Permission"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.System"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.DSM.Info"] = entry(2, 2, "entry.cgi", true);
  d["SYNO.Core.FileServ.FTP"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.Core.FileServ.FTP.SFTP"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.FileServ.SMB"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.Core.AppPriv"] = entry(1, 2, "entry.cgi", true);
  d["SYNO.Core.AppPriv.App"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.Core.AppPriv.Rule"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Storage.Volume"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.NormalUser"] = entry(1, 2, "entry.cgi", true);
  d["SYNO.Core.PersonalSettings"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.FileStation.Info"] = entry(1, 2, "entry.cgi", true);
  return d;
}

Json dsm6Catalog() {
  Json d = Json::object();
  d["SYNO.API.Auth"] = entry(1, 6, "auth.cgi", false);
  d["SYNO.API.Encryption"] = entry(1, 1, "encryption.cgi", false);
  d["SYNO.API.Info"] = entry(1, 1, "query.cgi", false);
  d["SYNO.Entry.Request"] = entry(1, 2, "entry.cgi", true);
  d["SYNO.Core.User"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.Group"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.Home"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.User.PasswordPolicy"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Group"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Group.Member"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Quota"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.Share"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.System"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.DSM.Info"] = entry(2, 2, "entry.cgi", true);
  d["SYNO.Core.FileServ.FTP"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.Core.FileServ.FTP.SFTP"] = entry(1, 1, "entry.cgi", true);
  d["SYNO.Core.AppPriv.App"] = entry(1, 3, "entry.cgi", true);
  d["SYNO.Core.AppPriv.Rule"] = entry(1, 1, "entry.cgi", true);
  return d;
}

}  // namespace

const Json& apiCatalog(const std::string& profile) {
  static const Json dsm7 = dsm7Catalog();
  static const Json dsm6 = dsm6Catalog();
  return profile == "dsm6" ? dsm6 : dsm7;
}

}  // namespace puq::sim
