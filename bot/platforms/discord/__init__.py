"""Discord through discord.py: application commands, buttons, sharding."""
