"""``python -m flask2quart``."""

from .cli import main

raise SystemExit(main())
