# CPack pre-build script for the Debian package (CPACK_PRE_BUILD_SCRIPTS),
# run on the staged tree after `cmake --install` into it and before dpkg-deb.
# What Debian policy asks of a package and a plain `cmake --install` does not
# need: the man page gzip-compressed, the changelog as changelog.gz. Both
# with `gzip -9n` (no name, no time stamp), so the package is reproducible.
find_program(MH_GZIP gzip REQUIRED)

# The staged root: <staging>/usr/... (CPACK_PACKAGING_INSTALL_PREFIX is /usr).
set(root "${CPACK_TEMPORARY_DIRECTORY}")
set(usr "${root}${CPACK_PACKAGING_INSTALL_PREFIX}")
if(NOT EXISTS "${usr}/bin/mailhoard")
  message(FATAL_ERROR "deb_prebuild: no staged ${usr}/bin/mailhoard")
endif()

function(mh_gzip file)
  execute_process(COMMAND "${MH_GZIP}" -9nf "${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "deb_prebuild: gzip ${file} failed")
  endif()
  file(CHMOD "${file}.gz" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endfunction()

file(GLOB man_pages "${usr}/share/man/man*/*.[0-9]")
foreach(page IN LISTS man_pages)
  mh_gzip("${page}")
endforeach()

set(doc "${usr}/share/doc/${CPACK_PACKAGE_NAME}")
file(COPY_FILE "${CPACK_MAILHOARD_CHANGELOG}" "${doc}/changelog")
mh_gzip("${doc}/changelog")
