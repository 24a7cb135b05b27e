"""arranging: providers selected under the regime in force, from decision to award and notice."""
