"""Workshop mode: a trainer runs one season with several teams, round by round.

* :mod:`sim.workshop.rules` — settings, the round calendar, decisions and injects (pure);
* :mod:`sim.workshop.engine` — the season of a workshop and the team's plan played with its
  decisions (a :class:`~sim.logistics.model.PlanModel` with hooks at the start of each day);
* :mod:`sim.workshop.scoring` — the scoreboard;
* :mod:`sim.workshop.stories` — a few displaced households followed through the season;
* :mod:`sim.workshop.db` — workshops, teams, decisions and results in SQLite (WAL);
* :mod:`sim.workshop.debrief` — the debrief PDF and its figures.
"""
