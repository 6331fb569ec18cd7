# Debian package: `cpack -G DEB` in a configured and built tree (or
# `./mailhoard-dev deb`) writes mailhoard_VERSION_ARCH.deb installing under
# /usr, with Depends computed from the binary's shared libraries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mailhoard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Whoever builds and distributes the package is its maintainer: set this to
# "Name <address>" (-DMAILHOARD_DEB_MAINTAINER=...). The default is a
# placeholder in a reserved domain (RFC 2606), valid for lintian but nobody's.
set(MAILHOARD_DEB_MAINTAINER "mailhoard packagers <packages@mailhoard.example.org>" CACHE STRING
    "Maintainer of the Debian package built by cpack, as \"Name <address>\"")
set(CPACK_PACKAGE_CONTACT "${MAILHOARD_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MAILHOARD_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "archive IMAP and POP3 mailboxes into Maildir")
# CPack puts the summary first; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "mailhoard mirrors IMAP folders (or drains POP3 mailboxes) into a plain
Maildir tree plus a zstd-compressed SQLite index, incrementally, and is
built to run unattended from cron or the shipped systemd user timer.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/mailhoard/mailhoard")
# libcurl is loaded at run time (engine/auth/curl_library.cc: dlopen of
# libcurl.so.4) for OAuth2 sign-in and mailed reports only, so
# dpkg-shlibdeps cannot see it and plain IMAP/POP3 runs without it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates, libcurl4")
# Only the program: strip it, as Debian policy asks of shipped binaries.
set(CPACK_STRIP_FILES ON)
# Control files 0644/0755 and directories 0755 whatever the builder's umask
# (lintian: control-file-has-bad-permissions, non-standard-dir-perm).
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Debian policy 12.7 and 12.1: /usr/share/doc/mailhoard/changelog.gz (a
# native package's changelog) and compressed man pages; done on the staged
# tree by cmake/deb_prebuild.cmake, so `cmake --install` keeps plain files.
# The copyright file is installed for every install (cmake/install.cmake).
# The changelog's date honours SOURCE_DATE_EPOCH, for reproducible builds.
string(TIMESTAMP MAILHOARD_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${PROJECT_SOURCE_DIR}/cmake/debian/changelog.in
               ${PROJECT_BINARY_DIR}/debian/changelog @ONLY)
set(CPACK_MAILHOARD_CHANGELOG ${PROJECT_BINARY_DIR}/debian/changelog)
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/deb_prebuild.cmake)
include(CPack)
