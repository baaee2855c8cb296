# SPDX-License-Identifier: MIT
# The Debian packages, by CPack: `cmake --build B --target package` (or `cpack` in B) makes
#   moat          the CLI, libmoat, libmoat-client, the JS host, man pages, completions,
#                 types and schemas (share/moat), the examples
#   libmoat-dev   headers, the .so links, the CMake package, pkg-config files, the API docs
#   moat-webview  the WebKitGTK renderer (alone, so that moat does not pull WebKitGTK in)
# from the install components runtime, dev and webview. A package for a distribution
# comes from a tree configured with -DCMAKE_INSTALL_PREFIX=/usr -DMOAT_RELOCATABLE=OFF
# (fixed paths, no RUNPATH, the multiarch libdir): tests/install/test_deb.sh does that
# and checks the packages with lintian and in a clean Debian root.
set(MOAT_DEB_MAINTAINER "The Moat authors <maintainers@moat.invalid>" CACHE STRING
    "Maintainer field of the .debs (and of their changelog)")
set(MOAT_DEB_RELEASE 1 CACHE STRING "Debian revision of the .debs (VERSION-RELEASE)")

set(moat_deb_version ${PROJECT_VERSION}-${MOAT_DEB_RELEASE})
set(moat_deb_dir ${CMAKE_BINARY_DIR}/deb)

# copyright, in Debian's machine-readable format, from LICENSE: its notice lines name the
# holders, the rest is the license text (as a field: lines indented, blank ones " .").
file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE moat_license_lines)
set(moat_copyright "")
set(moat_license_text "")
foreach(line IN LISTS moat_license_lines)
    if(line MATCHES "^Copyright \\(c\\) (.*)$")
        set(moat_copyright "${CMAKE_MATCH_1}")
    elseif(NOT line STREQUAL "MIT License")
        if(line STREQUAL "")
            set(line ".")
        endif()
        string(APPEND moat_license_text " ${line}\n")
    endif()
endforeach()
string(REGEX REPLACE "^ \\.\n" "" moat_license_text "${moat_license_text}")
string(STRIP "${moat_license_text}" moat_license_text)
set(moat_license_text " ${moat_license_text}")
configure_file(cmake/deb/copyright.in ${moat_deb_dir}/copyright @ONLY)

# changelog.Debian.gz, dated by SOURCE_DATE_EPOCH when set (reproducible), else now.
string(TIMESTAMP moat_deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(cmake/deb/changelog.in ${moat_deb_dir}/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${moat_deb_dir}/changelog.Debian.gz
    COMMAND sh -c "${GZIP} -9n -c \"$1\" > \"$2\"" sh ${moat_deb_dir}/changelog.Debian
            ${moat_deb_dir}/changelog.Debian.gz
    DEPENDS ${moat_deb_dir}/changelog.Debian VERBATIM)
add_custom_target(deb-changelog ALL DEPENDS ${moat_deb_dir}/changelog.Debian.gz)

# Each package's own usr/share/doc/PACKAGE, in components that only CPack installs.
foreach(group moat libmoat-dev moat-webview)
    install(FILES ${moat_deb_dir}/copyright ${moat_deb_dir}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${group} COMPONENT deb-${group}
        EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME moat)
set(CPACK_PACKAGE_VENDOR "The Moat authors")
set(CPACK_PACKAGE_CONTACT ${MOAT_DEB_MAINTAINER})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL runtime deb-moat dev deb-libmoat-dev)
if(TARGET moat-webview)
    list(APPEND CPACK_COMPONENTS_ALL webview deb-moat-webview)
endif()
foreach(pair runtime:moat dev:libmoat-dev webview:moat-webview)
    string(REPLACE ":" ";" pair ${pair})
    list(GET pair 0 component)
    list(GET pair 1 group)
    string(TOUPPER ${component} c)
    string(TOUPPER deb-${group} d)
    set(CPACK_COMPONENT_${c}_GROUP ${group})
    set(CPACK_COMPONENT_${d}_GROUP ${group})
endforeach()

set(CPACK_DEBIAN_PACKAGE_RELEASE ${MOAT_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SOURCE moat)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The packages' own libraries, from the build tree: dpkg-shlibdeps must find them, the
# Depends on moat (= VERSION) below is what names them.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(CPACK_DEBIAN_MOAT_PACKAGE_NAME moat)
set(CPACK_DEBIAN_MOAT_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_MOAT_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/cmake/deb/triggers)
set(CPACK_DEBIAN_MOAT_PACKAGE_SUGGESTS moat-webview)
# plugin-http opens libcurl on the first fetch (dlopen), so dpkg-shlibdeps cannot see it.
set(CPACK_DEBIAN_MOAT_PACKAGE_DEPENDS "libcurl4 (>= 7.68)")
set(CPACK_DEBIAN_MOAT_DESCRIPTION "sandboxed multi-process app runtime
Moat runs an untrusted frontend bundle in a sandboxed renderer process and lets
it reach the outside world only through a privileged core: every invoke of a
command is checked against a capability policy (Tauri v2's model) before any
handler sees it. The sandbox combines namespaces, an empty root, Landlock,
seccomp-bpf and resource limits.

This package holds the moat command, the libmoat and libmoat-client libraries
and the JavaScriptCore renderer, with man pages, shell completions, TypeScript
declarations and the policy JSON Schema.")

set(CPACK_DEBIAN_LIBMOAT-DEV_PACKAGE_NAME libmoat-dev)
set(CPACK_DEBIAN_LIBMOAT-DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_LIBMOAT-DEV_PACKAGE_DEPENDS "moat (= ${moat_deb_version}), libmsgpack-dev")
set(CPACK_DEBIAN_LIBMOAT-DEV_DESCRIPTION "sandboxed multi-process app runtime (development files)
Moat runs an untrusted frontend bundle in a sandboxed renderer process and lets
it reach the outside world only through a privileged core that checks every
command against a capability policy.

This package holds what a program embedding Moat (moat.h) or a native renderer
(moat_renderer.h) is built with: headers, the CMake package, pkg-config files
and the API documentation.")

set(CPACK_DEBIAN_MOAT-WEBVIEW_PACKAGE_NAME moat-webview)
set(CPACK_DEBIAN_MOAT-WEBVIEW_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_MOAT-WEBVIEW_PACKAGE_DEPENDS "moat (= ${moat_deb_version})")
set(CPACK_DEBIAN_MOAT-WEBVIEW_DESCRIPTION "sandboxed multi-process app runtime (webview renderer)
Moat runs an untrusted frontend bundle in a sandboxed renderer process and lets
it reach the outside world only through a privileged core that checks every
command against a capability policy.

This package holds the WebKitGTK renderer, which shows a bundle's web frontend
in a window (moat run --webview).")

include(CPack)
