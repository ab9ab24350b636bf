"""Helpers the tests share: real servers started by the test run, free ports."""
