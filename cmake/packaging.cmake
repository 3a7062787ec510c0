# `cpack -G DEB` (from the build directory) makes a Debian package of what `cmake --install`
# installs: the program, its two libraries under LIBDIR/procession, the .desktop file, the
# icon, the trace's MIME type (share/mime/packages) and the task-library header and CMake
# package. Configure with -DCMAKE_INSTALL_PREFIX=/usr for Debian's layout (GNUInstallDirs then
# picks lib/<multiarch>); the package installs under the configured prefix. .ci/package
# builds, inspects, unpacks and runs it.
set(CPACK_PACKAGE_NAME procession)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Procession starts copies of itself as worker processes, sends them calls by function name
over a local socket and draws every fork, call, await and join on an animated timeline.
It has a window and a command line (procession run, list, summary, bench).")
set(CPACK_PACKAGE_CONTACT "Procession <procession@localhost>")
set(CPACK_PACKAGE_INSTALL_DIRECTORY procession)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES OFF)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # procession_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.invalid/procession")
# Depends from the ELF files' needs (dpkg-shlibdeps): Qt's and the C++ runtime's packages.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${CMAKE_INSTALL_FULL_LIBDIR}/procession)
# The window draws with Qt's own platform plugins (xcb, wayland) from this package.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins")

include(CPack)
