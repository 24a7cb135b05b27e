"""core: Django's shared kernel, knowing no context (base model, audit, roles, imports, checks)."""
