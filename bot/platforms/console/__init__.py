"""The terminal: answers typed commands, for trying the bot and for scripts."""
