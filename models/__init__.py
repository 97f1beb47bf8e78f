"""stancemap core: read a corpus, segment it, attribute speakers, classify stances.

No Streamlit here: the package is a library and a CLI (``stancemap``); the dashboard builds on it.
"""

__version__ = "0.1.0"
