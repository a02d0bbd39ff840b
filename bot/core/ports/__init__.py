"""Ports: what the core needs from a database and from a chat platform, one module per concern.

Living answers persist through ``store.Store``, made of the stores of ``answers``, ``reminders``,
``checklists`` and ``sources``; a platform posts and edits through ``publishing.Publisher``.
"""
