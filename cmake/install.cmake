# install() rules: `cmake --install BUILD [--prefix P]` (default /usr/local,
# DESTDIR honoured) and `./mailhoard-dev install` (a user install into
# ~/.local). GNUInstallDirs gives the usual layout under the prefix.
include(GNUInstallDirs)

install(TARGETS mailhoard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The systemd user units name the installed binary by its full path, so the
# units in the package (/usr/bin), a /usr/local install and a user install
# (~/.local/bin, as contrib/systemd/mailhoard.service says) all agree with
# where the binary actually went. The prefix is fixed at configure time, as
# for any unit file; `cmake --install --prefix` elsewhere keeps the configured
# ExecStart (the install test checks the configured one).
set(MH_UNIT_BINARY ${CMAKE_INSTALL_FULL_BINDIR}/mailhoard)
file(READ ${PROJECT_SOURCE_DIR}/contrib/systemd/mailhoard.service MH_UNIT_TEXT)
string(REPLACE "ExecStart=%h/.local/bin/mailhoard" "ExecStart=${MH_UNIT_BINARY}"
       MH_UNIT_TEXT "${MH_UNIT_TEXT}")
string(REPLACE "# Install: see docs/scheduling.md (copy to ~/.config/systemd/user/).\n"
       "# Installed with mailhoard: systemctl --user enable --now mailhoard.timer\n"
       MH_UNIT_TEXT "${MH_UNIT_TEXT}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/contrib/systemd/mailhoard.service)
file(WRITE ${PROJECT_BINARY_DIR}/contrib/systemd/mailhoard.service "${MH_UNIT_TEXT}")

# systemd looks for packaged user units in <prefix>/lib/systemd/user (both
# /usr/lib/systemd/user and /usr/local/lib/systemd/user are on its search
# path), not in the multiarch libdir.
set(MAILHOARD_SYSTEMD_USER_DIR lib/systemd/user CACHE STRING
    "Where the systemd user units are installed, relative to the prefix")
install(FILES ${PROJECT_BINARY_DIR}/contrib/systemd/mailhoard.service
              ${PROJECT_SOURCE_DIR}/contrib/systemd/mailhoard.timer
        DESTINATION ${MAILHOARD_SYSTEMD_USER_DIR})

install(FILES README.md docs/config.md docs/config.example.toml docs/scheduling.md
              docs/architecture.md contrib/cron.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
