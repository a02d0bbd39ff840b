"""Pure functions that turn a core ``Reply`` into what each platform displays."""
