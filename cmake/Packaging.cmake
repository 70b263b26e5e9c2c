# Install rules, the systemd unit and the Debian package (`make package`, docs/install.md).
#
# Layout (with CMAKE_INSTALL_PREFIX=/usr, as `make package` configures it):
#   /usr/sbin/puq-synologyd                                   the daemon
#   /usr/bin/dsm-sim                                          the DSM simulator (demo, trying the module, benchmarks)
#   /etc/puq-synologyd/puq-synologyd.conf                     the configuration (a dpkg conffile)
#   /etc/puq-synologyd/secret                                 created by postinst, never shipped
#   /lib/systemd/system/puq-synologyd.service                 the hardened unit (not enabled by the package)
#   /usr/share/puq-synology/whmcs/modules/servers/puqSynology the WHMCS module, to copy into WHMCS
#   /usr/share/doc/puq-synology/                              README, docs/*.md, the example configuration
#
# `cmake --install` from a source build uses the same rules, except that it never overwrites an existing
# /etc/puq-synologyd/puq-synologyd.conf, and the unit goes to PREFIX/lib/systemd/system unless the prefix
# is /usr.
include(GNUInstallDirs)

set(PUQ_PACKAGE_MAINTAINER "puqSynology maintainers <maintainers@example.invalid>"
    CACHE STRING "Maintainer field of the .deb (name <email>)")
set(PUQ_SYSTEMD_UNIT_DIR "" CACHE PATH
    "Where the systemd unit is installed (empty: /lib/systemd/system for the prefix /usr, else PREFIX/lib/systemd/system)")
if(PUQ_SYSTEMD_UNIT_DIR)
  set(puq_unit_dir "${PUQ_SYSTEMD_UNIT_DIR}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(puq_unit_dir "/lib/systemd/system")  # Debian 12 convention (/lib is /usr/lib with usrmerge)
else()
  set(puq_unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")  # also on systemd's unit search path
endif()

set(PUQ_SBIN_DIR "${CMAKE_INSTALL_FULL_SBINDIR}")
set(PUQ_DOC_DIR "${CMAKE_INSTALL_FULL_DATAROOTDIR}/doc/puq-synology")
set(PUQ_WHMCS_DIR "${CMAKE_INSTALL_FULL_DATAROOTDIR}/puq-synology/whmcs")
set(PUQ_CONF_DIR "/etc/puq-synologyd")  # the daemon's built-in default (--config), whatever the prefix

set(CPACK_DEBIAN_PACKAGE_NAME "puq-synology")
set(puq_pkg_dir "${CMAKE_BINARY_DIR}/packaging")
configure_file(${CMAKE_SOURCE_DIR}/packaging/puq-synologyd.service.in ${puq_pkg_dir}/puq-synologyd.service @ONLY)
foreach(script postinst prerm postrm)
  configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/${script}.in ${puq_pkg_dir}/debian/${script} @ONLY)
endforeach()
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/conffiles ${puq_pkg_dir}/debian/conffiles COPYONLY)
# Debian wants /usr/share/doc/<package>/changelog.gz; the date honours SOURCE_DATE_EPOCH (reproducible builds).
string(TIMESTAMP PUQ_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_SOURCE_DIR}/packaging/debian/changelog.in ${puq_pkg_dir}/changelog @ONLY)
find_program(PUQ_GZIP gzip)
# changelog.gz and the man page, compressed as Debian wants them.
configure_file(${CMAKE_SOURCE_DIR}/packaging/puq-synologyd.8 ${puq_pkg_dir}/puq-synologyd.8 COPYONLY)
foreach(plain changelog puq-synologyd.8)
  if(PUQ_GZIP)  # -9n: the best compression, no name or time stamp in the header
    execute_process(COMMAND ${PUQ_GZIP} -9nc ${puq_pkg_dir}/${plain} OUTPUT_FILE ${puq_pkg_dir}/${plain}.gz)
  else()
    file(ARCHIVE_CREATE OUTPUT ${puq_pkg_dir}/${plain}.gz PATHS ${puq_pkg_dir}/${plain} FORMAT raw COMPRESSION GZip)
  endif()
endforeach()

# ------------------------------------------------------------------------------------------ programs
if(TARGET puq-synologyd)
  install(TARGETS puq-synologyd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
endif()
if(TARGET dsm-sim)
  install(TARGETS dsm-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# ------------------------------------------------------------------------------------------ configuration
# Shipped 0640 root:root; postinst gives it to the group puq-synologyd. A source install keeps an
# existing file (an admin's edits are never overwritten); dpkg handles it as a conffile.
install(CODE "
  set(puq_conf \"\$ENV{DESTDIR}${PUQ_CONF_DIR}/puq-synologyd.conf\")
  if(EXISTS \"\${puq_conf}\")
    message(STATUS \"Keeping existing: \${puq_conf}\")
  else()
    # file(INSTALL) adds DESTDIR to an absolute DESTINATION itself.
    file(INSTALL DESTINATION \"${PUQ_CONF_DIR}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
         RENAME puq-synologyd.conf
         FILES \"${CMAKE_SOURCE_DIR}/config/puq-synologyd.conf.example\")
  endif()
")
install(FILES ${puq_pkg_dir}/puq-synologyd.service DESTINATION ${puq_unit_dir}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# ------------------------------------------------------------------------------------------ WHMCS module
# A developer's config.php (git-ignored) must never end up in the package.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/php-shim/modules/servers/puqSynology
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/puq-synology/whmcs/modules/servers
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                              WORLD_READ WORLD_EXECUTE
        REGEX "/config\\.php$" EXCLUDE
        REGEX "/\\.[^/]*$" EXCLUDE)

# ------------------------------------------------------------------------------------------ documentation
file(GLOB puq_docs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${puq_docs} DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/puq-synology)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/img DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/puq-synology)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright ${puq_pkg_dir}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/puq-synology)
install(FILES ${puq_pkg_dir}/puq-synologyd.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CMAKE_SOURCE_DIR}/config/puq-synologyd.conf.example
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/puq-synology/examples)

# ------------------------------------------------------------------------------------------ the .deb
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "puq-synology")
set(CPACK_PACKAGE_VENDOR "puqSynology")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${PUQ_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PUQ_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "sell Synology NAS storage through WHMCS (daemon and WHMCS module)")
set(CPACK_PACKAGE_DESCRIPTION
"puqSynology lets a hosting company sell storage on its Synology NAS
servers (DSM 7) through WHMCS. The WHMCS provisioning module forwards each
WHMCS action to the local daemon puq-synologyd, which creates, suspends,
moves and deletes DSM users in pre-configured quota groups, reads disk
usage in batches and queues low-space emails. Requests are authenticated
with HMAC-SHA256 and TLS to DSM is verified.

This package contains the daemon with its systemd unit, the WHMCS module
to copy into WHMCS (/usr/share/puq-synology/whmcs), the DSM simulator
dsm-sim, and the documentation.")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # puq-synology_<version>_<arch>.deb
# Library dependencies come from dpkg-shlibdeps (package dpkg-dev); the maintainer scripts need adduser.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mariadb-server | default-mysql-server, php-curl")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${puq_pkg_dir}/debian/postinst;${puq_pkg_dir}/debian/prerm;${puq_pkg_dir}/debian/postrm;${puq_pkg_dir}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)  # scripts 0755, conffiles 0644 in control.tar
set(CPACK_STRIP_FILES TRUE)
# Install with DESTDIR so that the absolute destinations (/etc, /lib/systemd) land in the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "Packaging: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; a .deb should be built with "
                 "-DCMAKE_INSTALL_PREFIX=/usr (make package does)")
endif()
include(CPack)
