"""Tandem's statistics, as a library: plain data in, plain results out, no Django.

Everything statistical lives here so that the web app, the CLI and the tests share one
implementation, and so that it can be checked against reference values without a database.
A test walks this package and fails on any Django import.
"""
