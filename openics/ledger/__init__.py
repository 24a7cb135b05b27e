"""ledger: double-entry books of the single pot, ring-fences, and money traced to who spends it."""
