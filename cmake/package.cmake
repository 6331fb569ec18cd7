# Debian package: `cpack -G DEB` in a configured and built tree (or
# `./mailhoard-dev deb`) writes mailhoard_VERSION_ARCH.deb installing under
# /usr, with Depends computed from the binary's shared libraries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mailhoard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "mailhoard developers <mailhoard@localhost>")
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
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates")
# Only the program: strip it, as Debian policy asks of shipped binaries.
set(CPACK_STRIP_FILES ON)
include(CPack)
