# The Windows folder (`cmake --install`, and the zip `.ci/windows` makes of it): beside
# procession.exe and its two DLLs go Qt's DLLs, the `qwindows` platform plugin in
# `platforms/` (where Qt looks beside the executable) and, for a MinGW build, MinGW's
# runtime and zlib, so that the folder runs wherever it is unpacked. The window uses the
# Fusion style, so no style plugin is needed.
set(procession_qt_dlls Qt6::Core Qt6::Network Qt6::Gui Qt6::Widgets)
if(TARGET Qt6::Svg)
    list(APPEND procession_qt_dlls Qt6::Svg)
endif()
foreach(qt_target IN LISTS procession_qt_dlls)
    install(FILES $<TARGET_FILE:${qt_target}> DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()
install(FILES $<TARGET_FILE:Qt6::QWindowsIntegrationPlugin>
        DESTINATION ${CMAKE_INSTALL_BINDIR}/platforms)

if(MINGW)
    # gcc knows where its own runtime and the target's libraries are.
    foreach(dll libstdc++-6.dll libgcc_s_seh-1.dll libwinpthread-1.dll zlib1.dll)
        execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${dll}
                        OUTPUT_VARIABLE dll_path OUTPUT_STRIP_TRAILING_WHITESPACE)
        if(NOT IS_ABSOLUTE "${dll_path}" OR NOT EXISTS "${dll_path}")
            message(FATAL_ERROR "${dll} not found by ${CMAKE_CXX_COMPILER} (needed by the install)")
        endif()
        install(FILES ${dll_path} DESTINATION ${CMAKE_INSTALL_BINDIR})
    endforeach()
endif()
