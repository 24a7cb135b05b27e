"""contracts: services, the contracts that hold them, and subcontracts under them."""
