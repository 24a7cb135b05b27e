"""transparency: the public portal — what anyone can read about the system, and open data."""
