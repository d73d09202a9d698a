# core/trace: the exported run (JSON, PlantUML, masking).
cfl_add_test(tst_traceexport SOURCES tst_traceexport.cpp LIBS cfl_trace LABELS "unit;sanitize")
# core/trace: the seed's steps and what makes each safe, as the sequence diagram explains them.
cfl_add_test(tst_seedsteps SOURCES tst_seedsteps.cpp LIBS cfl_trace LABELS "unit;sanitize")
