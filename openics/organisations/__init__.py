"""organisations: the registry of every body in the system, how they relate, and their lifecycle."""
