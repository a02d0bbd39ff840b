"""Running the bot for months: metrics, health endpoints, privacy-safe logs, graceful stop."""
