# ui/diagram/layout: the sequence diagram's geometry, plain numbers — no widget, no font, no window.
# Built with the UI libraries (CFL_BUILD_GUI, or CFL_BUILD_WIDGETS for the sanitizer run).
if(TARGET cfl_ui_diagram_layout)
    cfl_add_test(tst_sequencelayout SOURCES tst_sequencelayout.cpp LIBS cfl_ui_diagram_layout LABELS "unit;sanitize")
endif()
