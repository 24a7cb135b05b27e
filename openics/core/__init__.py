"""core: what every bounded context shares — base model, money, audit, roles and permissions."""
