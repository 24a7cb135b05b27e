"""Rule functions, one module per subject. Each is pure: parameters and facts in, breaches out."""
