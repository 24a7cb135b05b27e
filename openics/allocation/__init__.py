"""allocation: fair shares from weighted populations, pace of change, and budgets for places."""
