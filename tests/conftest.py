# Fixture projects are inputs of the rewrite, not part of this suite.
collect_ignore = ["fixtures"]
