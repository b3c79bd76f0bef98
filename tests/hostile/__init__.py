"""Hostile inputs for issue 12: the case table (:mod:`tests.hostile.cases`) and its helpers."""
