"""The rules of intake applications: working days, fees, form fields, checklists, states.

Pure functions over master data values: no database, no Qt, no clock. Whatever depends on
the date takes it as an argument, so the same rules run at the desk, in tests and in
benchmarks.
"""
