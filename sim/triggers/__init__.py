"""Triggers tested over many seasons (issue 17): a long synthetic record of seasons
(:mod:`sim.triggers.record`) and how each trigger scores on it (:mod:`sim.triggers.scores`)."""
