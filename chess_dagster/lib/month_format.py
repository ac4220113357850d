"""How a month is written everywhere in the platform: ``YYYY-MM``, the games partitions' keys.

Below the source (``sources/chess_com/months.py`` says what a Chess.com month is) because the
settings check ``CHESS_START_MONTH`` against it, and the shared modules import nothing upwards.
"""

import re

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
