"""Outcomes analysis: MOUD episodes, delivery cohorts, survival and competing risks."""
