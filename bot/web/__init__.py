"""HTTP interfaces served next to the bot (aiohttp)."""
