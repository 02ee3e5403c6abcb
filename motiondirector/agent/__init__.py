"""The director: the deterministic pipeline from script to plan (and, later, the LLM agent)."""
