"""plans: the integrated care strategy, joint forward plans, needs assessments and their aims."""
