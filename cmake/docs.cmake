# SPDX-License-Identifier: MIT
# `docs`: the API documentation (Doxygen HTML) of the public headers, when doxygen is
# installed; part of the default build then, and installed under share/doc/moat/html
# (component dev). test_api_docs (tests/install) runs it with every warning an error, so an
# undocumented public declaration fails the suite; MOAT_DOCS_STRICT makes it fail the build.
find_program(DOXYGEN doxygen)
option(MOAT_DOCS_STRICT "An undocumented public function fails the docs" OFF)
if(DOXYGEN)
    set(moat_docs_dir ${CMAKE_BINARY_DIR}/doc/api)
    set(moat_docs_public core/moat.h renderer/moat_renderer.h plugins/moat_plugins.h)
    list(TRANSFORM moat_docs_public PREPEND ${PROJECT_SOURCE_DIR}/ OUTPUT_VARIABLE moat_docs_files)
    list(JOIN moat_docs_files " " moat_docs_headers)
    set(moat_docs_filter ${PROJECT_SOURCE_DIR}/doc/doxygen-filter.sh)
    if(MOAT_DOCS_STRICT)
        set(moat_docs_warn_as_error FAIL_ON_WARNINGS)
    else()
        set(moat_docs_warn_as_error NO)
    endif()
    configure_file(doc/Doxyfile.in ${moat_docs_dir}/Doxyfile @ONLY)
    add_custom_command(OUTPUT ${moat_docs_dir}/html/index.html
        COMMAND ${CMAKE_COMMAND} -E rm -rf ${moat_docs_dir}/html
        COMMAND ${DOXYGEN} ${moat_docs_dir}/Doxyfile
        DEPENDS ${moat_docs_files} ${moat_docs_dir}/Doxyfile ${moat_docs_filter}
        WORKING_DIRECTORY ${moat_docs_dir} COMMENT "Doxygen: the API docs" VERBATIM)
    add_custom_target(docs ALL DEPENDS ${moat_docs_dir}/html/index.html)
    install(DIRECTORY ${moat_docs_dir}/html DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT dev)
else()
    message(STATUS "doxygen not found: no `docs` target (API docs)")
endif()
