"""Grid intake bot: wishes and complaints routed to the gridworkers of neighbourhood grids."""

__version__ = "0.1.0"
