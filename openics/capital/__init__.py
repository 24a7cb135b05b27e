"""capital: the capital resource use limit, capital plans by provider, and PFI schemes."""
