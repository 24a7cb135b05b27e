"""population: registered and weighted populations, deprivation, and whom each ICB serves."""
