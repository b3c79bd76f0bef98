"""``make run``: start the app's warm-up, then Streamlit's own command line in this process.

``python -m ui.serve app.py --server.port 8501`` is ``streamlit run app.py --server.port 8501``
with :func:`ui.warm.start_warm_up` called first, so that the default season, the map frame and
the ensemble's worker pool are being prepared while the server starts and before the first
browser connects (``streamlit run`` alone would start them on the first page's run).
"""

from __future__ import annotations

import sys

from streamlit.web import cli

from ui.warm import start_warm_up


def main(argv: list[str] | None = None) -> None:
    """Warm up in the background, then run ``streamlit run ARGV…`` (it does not return)."""
    start_warm_up()
    sys.argv = ["streamlit", "run", *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
