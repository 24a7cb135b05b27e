"""kernel: the pure values every layer shares (exact money, financial years, working days)."""
