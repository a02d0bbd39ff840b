"""The bot's own phrases: the records of the messages file, one module per group of phrases.

``messages`` holds the top records (``Messages``, ``Phrases``), which gather the groups.
"""
